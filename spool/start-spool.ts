// The spool part of a node: the writer the broker appends to, and the ingest consumer's reader in the same
// process, woken by every durable batch instead of polling. Other consumers (the alert engine's thread)
// open their own readers on the same directory; `onCommit` tells them a batch is durable.
import type { Logger } from 'pino'
import type { PartHealth, RunningPart } from '../domain/part.ts'
import { openSpoolReader } from './spool-reader.ts'
import { openSpoolWriter } from './spool-writer.ts'
import type { SpoolReader, SpoolWriter } from './types.ts'

export interface SpoolPart extends RunningPart {
  writer: SpoolWriter
  /** the ingest consumer */
  reader: SpoolReader
  health(): PartHealth
}

export async function startSpool(deps: {
  dir: string
  maxBytes: number
  log: Logger
  /** runs after every durable batch, besides waking this process's reader */
  onCommit?: () => void
}): Promise<SpoolPart> {
  const reader = await openSpoolReader({ dir: deps.dir, log: deps.log })
  const writer = await openSpoolWriter({
    dir: deps.dir,
    maxBytes: deps.maxBytes,
    log: deps.log,
    onCommit: () => {
      reader.notify()
      deps.onCommit?.()
    },
  })
  return {
    writer,
    reader,
    health() {
      const s = writer.stats()
      return {
        ok: !s.blocked,
        blocked: s.blocked,
        diskBytes: s.diskBytes,
        backlogBytes: reader.backlogBytes(),
      }
    },
    async stop() {
      await writer.close()
      await reader.close()
    },
  }
}
