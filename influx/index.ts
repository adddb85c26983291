// influx/: InfluxDB 1.x (or the v1-compatible API of 2.x/3.x). The only way in for other parts.
// Queries, administration and ping go through the `influx` npm package; writes are line protocol that
// ingest encodes itself (line-protocol.ts), posted over undici (write-lines.ts): bench/README.md has the
// measurement behind that split.
export { createInfluxClient } from './client.ts'
export {
  boolField,
  escapeFieldKey,
  escapeMeasurement,
  escapeTag,
  floatField,
  intField,
  seriesKey,
  stringField,
} from './line-protocol.ts'
export {
  findInfluxd,
  freePort,
  freePorts,
  INSTALL_HINT,
  type LocalInfluxd,
  startLocalInfluxd,
} from './local-influxd.ts'
export { createPackageClient, type PackageClient } from './package-client.ts'
export { quoteIdent } from './quote-ident.ts'
export { durationMs, RETENTION_POLICY } from './retention.ts'
export { type InfluxPart, startInflux } from './start-influx.ts'
export type { InfluxClient, InfluxConfig, QueryParam, SeriesResult } from './types.ts'
export { InfluxWriteError, isInfluxWriteError, parseRetryAfter } from './write-lines.ts'
