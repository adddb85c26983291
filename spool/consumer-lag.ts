// How far each consumer of the spool is behind the end of the log, and whether one is so far behind that
// it will soon fill the spool: segments are kept until every consumer has passed them, so a consumer that
// stopped (an alert engine in a restart loop) makes the broker stop acknowledging every device once the
// spool reaches its bound. This measures it; consumer-lag-monitor.ts makes it visible.
import { readdir } from 'node:fs/promises'
import { consumerOfFile, readCheckpoint } from './checkpoint-file.ts'
import { readConsumerSet } from './consumer-set.ts'
import { diskRoom } from './disk-room.ts'
import { listSegments, segmentSizes } from './segment-files.ts'
import type { SpoolPosition } from './types.ts'

export interface ConsumerLag {
  consumer: string
  /** bytes in segment files after the consumer's checkpoint */
  lagBytes: number
  /** false: no readable checkpoint (the consumer has everything retained ahead of it) */
  hasCheckpoint: boolean
}

export interface ConsumerLagStatus {
  ok: boolean
  /** consumers whose lag reached the threshold, by name */
  behind: string[]
  thresholdBytes: number
  lagBytes: Record<string, number>
  /** what the spool can hold: its bound, or less on a smaller disk */
  capacityBytes: number
}

/** Bytes after `pos` in a log whose segments are `segments` (ascending) with `sizes`. */
export function bytesAfter(
  segments: readonly number[],
  sizes: readonly number[],
  pos: SpoolPosition,
): number {
  let total = 0
  let offsetToSkip = 0
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!
    if (s < pos.segment) continue
    total += sizes[i] ?? 0
    if (s === pos.segment) offsetToSkip = pos.offset
  }
  return Math.max(0, total - offsetToSkip)
}

/**
 * Each consumer's lag (the spool's consumer set, or every checkpoint present when it has none), and what
 * the spool can hold: its bound, or (when the disk is smaller) what it holds now plus the free space above
 * the writer's reserve; the broker stops acknowledging at the lower one.
 */
export async function readSpoolUse(
  dir: string,
  bound: { maxBytes: number; reserveBytes?: number },
): Promise<{ lags: ConsumerLag[]; capacityBytes: number }> {
  const set = await readConsumerSet(dir)
  const consumers =
    set ?? (await readdir(dir)).map(consumerOfFile).filter((c): c is string => c !== undefined)
  const segments = await listSegments(dir)
  const sizes = await segmentSizes(dir, segments)
  const out: ConsumerLag[] = []
  for (const consumer of consumers) {
    const read = await readCheckpoint(dir, consumer)
    const pos = read.kind === 'ok' ? read.pos : { segment: 0, offset: 0 }
    out.push({ consumer, lagBytes: bytesAfter(segments, sizes, pos), hasCheckpoint: read.kind === 'ok' })
  }
  // a file system that cannot say its free space: the bound alone
  const room = await diskRoom(dir, bound.reserveBytes).catch(() => undefined)
  const held = sizes.reduce((a, b) => a + b, 0)
  const capacityBytes = room
    ? Math.min(bound.maxBytes, held + Math.max(0, room.availableBytes - room.reserveBytes))
    : bound.maxBytes
  return { lags: out, capacityBytes }
}

/**
 * Readiness of the spool's consumers: degraded once one is `fraction` of what the spool can hold behind
 * (`maxBytes`: its bound, or less on a smaller disk; default half: the spool is then at least half full
 * because of it, and the broker blocks when it is full).
 */
export function consumerLagStatus(
  lags: readonly ConsumerLag[],
  opts: { maxBytes: number; fraction?: number },
): ConsumerLagStatus {
  const thresholdBytes = Math.floor(opts.maxBytes * (opts.fraction ?? 0.5))
  // nothing to read is never behind, even on a disk with no room left
  const behind = lags.filter((l) => l.lagBytes > 0 && l.lagBytes >= thresholdBytes).map((l) => l.consumer)
  return {
    ok: behind.length === 0,
    behind,
    thresholdBytes,
    lagBytes: Object.fromEntries(lags.map((l) => [l.consumer, l.lagBytes])),
    capacityBytes: opts.maxBytes,
  }
}
