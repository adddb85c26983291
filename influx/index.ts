// Public face of InfluxDB: the client (writes, queries, database administration), line-protocol encoding,
// and a private influxd for the demo, tests and benches.
export {
  createInfluxClient,
  InfluxWriteError,
  isInfluxWriteError,
  quoteIdent,
  RETENTION_POLICY,
} from './client.ts'
export * from './line-protocol.ts'
export * from './local-influxd.ts'
export { type InfluxPart, startInflux } from './start-influx.ts'
export type * from './types.ts'
