// Advances the engine's spool checkpoint, in the background. The checkpoint only lets the spool drop
// segments: the engine's own position is in alerts.db (same transaction as the alerts). One commit is in
// flight at a time, always to the newest position asked for — awaiting its fsyncs per batch made the
// engine fall behind under full load.
import { type FileHandle, open } from 'node:fs/promises'
import type { Logger } from 'pino'
import type { SpoolPosition, SpoolReader } from '../spool/index.ts'
import type { AlertsDb } from './db.ts'
import type { EngineMetrics } from './engine-metrics.ts'

export interface SpoolCheckpoint {
  /** Lets the spool drop what precedes `pos` once alerts.db is durable up to it. */
  commit(pos: SpoolPosition): void
  /** resolves when no commit is in flight */
  idle(): Promise<void>
}

export function createSpoolCheckpoint(deps: {
  spool: Pick<SpoolReader, 'commit'>
  /** makes alerts.db's committed transactions durable */
  syncDb: () => Promise<void>
  metrics: EngineMetrics
  log: Logger
}): SpoolCheckpoint {
  const { spool, syncDb, metrics, log } = deps
  let target: SpoolPosition | undefined
  let committing: Promise<void> | undefined
  /** the last position asked for: between snapshots every batch asks for the same one again */
  let asked: SpoolPosition | undefined
  return {
    commit(pos) {
      if (pos === asked) return
      asked = pos
      target = pos
      committing ??= (async () => {
        while (target) {
          const next = target
          target = undefined
          try {
            // alerts.db commits reach the WAL file, not yet the disk (synchronous=NORMAL): a power cut
            // must not roll it back behind records the spool has dropped
            await syncDb()
            await spool.commit(next)
          } catch (err) {
            // harmless: the spool only keeps segments a little longer (asked again after the next batch)
            asked = undefined
            metrics.errors.inc({ stage: 'spool' })
            log.warn({ err }, 'spool checkpoint not advanced')
          }
        }
        committing = undefined
      })()
    },
    idle: async () => {
      await committing
    },
  }
}

/**
 * fsync of alerts.db's write-ahead log: with WAL and synchronous=NORMAL a commit is written to it but
 * only synced at checkpoints, which SQLite syncs itself. Any descriptor of the file will do.
 */
export async function syncWal(db: AlertsDb): Promise<void> {
  if (db.memory) return
  let wal: FileHandle
  try {
    wal = await open(`${db.name}-wal`, 'r')
  } catch (err) {
    // no log: everything is in the database file, synced by the checkpoint that emptied it
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  try {
    await wal.sync()
  } finally {
    await wal.close()
  }
}
