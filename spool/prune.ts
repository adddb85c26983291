// Deleting what every consumer has passed. Readers do it after a commit; the writer does it while it holds
// appends for lack of space, because then no new record arrives, no consumer commits again, and a prune a
// reader skipped (it prunes at most every few seconds within one segment) would otherwise never come:
// the spool stayed full with its backlog consumed (test/chaos/disk-full.chaos.ts).
import { unlink } from 'node:fs/promises'
import type { Logger } from 'pino'
import { comparePositions, lowestCheckpoint } from './checkpoint-file.ts'
import { readConsumerSet } from './consumer-set.ts'
import { listSegments, segmentPath, segmentSizes } from './segment-files.ts'
import type { SpoolPosition } from './types.ts'

/**
 * Deletes the segments every consumer of the set has wholly passed; `own` is the caller's position when
 * it is a consumer whose checkpoint was just written. Returns how many were deleted.
 */
export async function deleteConsumedSegments(dir: string, log: Logger, own?: SpoolPosition): Promise<number> {
  const segments = await listSegments(dir)
  const lowest = await lowestCheckpoint(dir, await readConsumerSet(dir))
  const low = lowest === undefined || (own !== undefined && comparePositions(own, lowest) < 0) ? own : lowest
  if (low === undefined) return 0
  const doomed = segments.filter((s) => s < low.segment)
  // the lowest checkpoint's segment is wholly consumed if it is finished (a later one exists) and read to its end
  if (segments.some((s) => s > low.segment)) {
    const [size] = await segmentSizes(dir, [low.segment])
    if (size !== undefined && low.offset >= size) doomed.push(low.segment)
  }
  let deleted = 0
  for (const s of doomed) {
    await unlink(segmentPath(dir, s)).then(
      () => {
        deleted++
      },
      (err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') log.error({ err, segment: s }, 'spool segment delete failed')
      },
    )
  }
  return deleted
}
