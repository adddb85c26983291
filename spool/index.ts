export { comparePositions } from './checkpoint-file.ts'
export { openSpoolReader, type SpoolReaderOptions } from './spool-reader.ts'
export { openSpoolWriter, type SpoolWriterOptions } from './spool-writer.ts'
export type { SpoolEntry, SpoolPosition, SpoolReader, SpoolWriter, SpoolWriterStats } from './types.ts'
