// The spool part of a node: the writer the broker appends to (it learns the node's consumers first), and
// the ingest consumer's reader in the same process, woken by every durable batch instead of polling.
// Other consumers (the alert engine's thread) open their own readers on the same directory; `onCommit`
// tells them a batch is durable, and where the durable bytes now end (they read no further).
import type { Logger } from 'pino'
import type { Registry as MetricsRegistry } from 'prom-client'
import type { PartHealth, RunningPart } from '../domain/part.ts'
import { startConsumerLagMonitor } from './consumer-lag-monitor.ts'
import { openSpoolReader } from './spool-reader.ts'
import { openSpoolWriter } from './spool-writer.ts'
import type { SpoolPosition, SpoolReader, SpoolWriter } from './types.ts'

export interface SpoolPart extends RunningPart {
  writer: SpoolWriter
  /** the ingest consumer */
  reader: SpoolReader
  health(): Promise<PartHealth>
}

/** poll interval of a reader that the writer wakes on every commit (see SpoolReaderOptions.pollMs) */
export const NOTIFIED_POLL_MS = 1000

export async function startSpool(deps: {
  dir: string
  maxBytes: number
  /** segment file size (default: the writer's, 64 MiB) */
  segmentBytes?: number
  /** free space kept on the spool's file system (default: the writer's) */
  reserveBytes?: number
  log: Logger
  metrics: MetricsRegistry
  /**
   * The consumers this node runs (ingest, and alerts when its engine runs): each holds its place from
   * start-up, a retired one's checkpoint is removed, one far behind shows in /readyz and the metrics.
   */
  consumers: readonly string[]
  /**
   * Runs with the durable end after every durable batch (and once at open), besides waking this
   * process's reader: a reader in another thread gets the end from here (spool/durable-end.ts).
   */
  onCommit?: (durableEnd: SpoolPosition) => void
}): Promise<SpoolPart> {
  let reader: SpoolReader | undefined
  const writer = await openSpoolWriter({
    dir: deps.dir,
    maxBytes: deps.maxBytes,
    segmentBytes: deps.segmentBytes,
    reserveBytes: deps.reserveBytes,
    log: deps.log,
    consumers: deps.consumers,
    onCommit: (end) => {
      reader?.notify()
      deps.onCommit?.(end)
    },
  })
  let ingest: SpoolReader
  try {
    // woken by every commit (onCommit above): the poll is only a safety net, not how records are found
    // and reads no further than the writer's durable end
    ingest = await openSpoolReader({
      dir: deps.dir,
      log: deps.log,
      pollMs: NOTIFIED_POLL_MS,
      durableEnd: () => writer.durableEnd(),
    })
  } catch (err) {
    await writer.close()
    throw err
  }
  reader = ingest
  const lag = startConsumerLagMonitor({
    dir: deps.dir,
    maxBytes: deps.maxBytes,
    reserveBytes: deps.reserveBytes,
    log: deps.log,
    metrics: deps.metrics,
  })
  return {
    writer,
    reader: ingest,
    async health() {
      const s = writer.stats()
      const consumers = await lag.check()
      const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`
      const problems = consumers.behind.map((consumer) => ({
        key: `spool.consumer.${consumer}`,
        summary: `spool consumer "${consumer}" is ${mb(consumers.lagBytes[consumer] ?? 0)} behind (alert at ${mb(consumers.thresholdBytes)}); the spool keeps what it has not read, and at ${mb(consumers.capacityBytes)} (full) the broker stops acknowledging every device`,
      }))
      if (s.blocked)
        problems.push({
          key: 'spool.full',
          summary: `spool full (${mb(s.diskBytes)} held; bound ${mb(deps.maxBytes)}, room on its disk ${mb(consumers.capacityBytes)}${s.lastError ? `; ${s.lastError}` : ''}): the broker is not acknowledging devices until a consumer catches up and frees space`,
        })
      return {
        ok: !s.blocked && consumers.ok,
        problems,
        blocked: s.blocked,
        diskBytes: s.diskBytes,
        backlogBytes: ingest.backlogBytes(),
        consumers,
      }
    },
    async stop() {
      lag.stop()
      await writer.close()
      await ingest.close()
    },
  }
}
