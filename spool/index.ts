export { comparePositions, INGEST_CONSUMER } from './checkpoint-file.ts'
export {
  type ConsumerLag,
  type ConsumerLagStatus,
  consumerLagStatus,
} from './consumer-lag.ts'
export { type ConsumerLagMonitor, startConsumerLagMonitor } from './consumer-lag-monitor.ts'
export { DURABLE_END_BYTES, type DurableEndCell, durableEndCell } from './durable-end.ts'
export { openSpoolReader, type SpoolReaderOptions } from './spool-reader.ts'
export { openSpoolWriter, type SpoolWriterOptions } from './spool-writer.ts'
export { NOTIFIED_POLL_MS, type SpoolPart, startSpool } from './start-spool.ts'
export type { SpoolEntry, SpoolPosition, SpoolReader, SpoolWriter, SpoolWriterStats } from './types.ts'
