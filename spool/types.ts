// The spool: a local, segmented, fsync'd append-only log. The broker appends every accepted device
// publish *before* its QoS 1 PUBACK goes out (group commit); ingest consumes it from a durable
// checkpoint advanced only after InfluxDB confirmed the write. Writer and reader may live in different
// threads or processes: they meet only through the files in `dir`.

export interface SpoolPosition {
  /** segment number (file name) */
  segment: number
  /** byte offset in that segment just after the record */
  offset: number
}

export interface SpoolEntry {
  topic: string
  payload: Buffer
  /** broker receive time, epoch ms */
  arrivalMs: number
  pos: SpoolPosition
}

export interface SpoolWriterStats {
  appendedRecords: number
  committedRecords: number
  commits: number
  /** bytes in segment files on disk (unconsumed backlog + the current segment) */
  diskBytes: number
  /** true while appends are held back (bound reached or disk full) */
  blocked: boolean
  lastError?: string
}

export interface SpoolWriter {
  /** Queues a record; `done` runs once it is durable (fsync'd), or with an error. Never throws. */
  append(topic: string, payload: Buffer, done: (err?: Error | null) => void): void
  /**
   * Where the durable bytes end: the current segment up to the last fdatasync. Earlier segments are
   * durable to their end. A reader in this process reads no further (SpoolReaderOptions.durableEnd).
   */
  durableEnd(): SpoolPosition
  stats(): SpoolWriterStats
  close(): Promise<void>
}

export interface SpoolReader {
  /** Up to `max` records after the read cursor; waits up to `waitMs` for the first one. */
  next(max: number, waitMs: number): Promise<SpoolEntry[]>
  /** Durably records that everything up to `pos` is stored downstream; drops fully consumed segments. */
  commit(pos: SpoolPosition): Promise<void>
  /** Last committed checkpoint. */
  checkpoint(): SpoolPosition
  /** Bytes between the checkpoint and the end of the log. */
  backlogBytes(): number
  /** Hint that new records were committed: wakes a waiting next() at once. */
  notify(): void
  close(): Promise<void>
}
