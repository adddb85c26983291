// Public face of ingest: the service wires startIngest; the rest is exported for benches and tests.
export { createDeadLetterSink, type DeadLetter, type DeadLetterSink } from './dead-letter.ts'
export { encodePoints, registryTagSet } from './encode-points.ts'
export { createIngestMetrics } from './metrics.ts'
export {
  type IngestConfig,
  type IngestDeps,
  type IngestHandle,
  type IngestStats,
  type LatestDeviceState,
  startIngest,
} from './start-ingest.ts'
export { createWriteBatcher, type WriteBatcher, type WriteBatcherOptions } from './write-batcher.ts'
