// The reader's durable checkpoint: `checkpoint.json`, replaced atomically (tmp + fsync + rename + fsync
// dir) so a crash leaves either the old or the new checkpoint, never a torn one.
import { open, readdir, readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { fsyncDir } from './segment-files.ts'
import type { SpoolPosition } from './types.ts'

export const CHECKPOINT_FILE = 'checkpoint.json'

/**
 * Each consumer of the spool has its own checkpoint: `checkpoint.json` for the default consumer (ingest),
 * `checkpoint-<name>.json` for others (the alert engine). A segment is deleted only once every consumer's
 * checkpoint has passed it.
 */
export const checkpointFile = (consumer?: string): string =>
  consumer === undefined ? CHECKPOINT_FILE : `checkpoint-${consumer}.json`
const CHECKPOINT_RE = /^checkpoint(-[A-Za-z0-9_-]+)?\.json$/

export async function writeCheckpoint(dir: string, pos: SpoolPosition, consumer?: string): Promise<void> {
  const file = checkpointFile(consumer)
  const tmp = join(dir, file + '.tmp')
  const fh = await open(tmp, 'w')
  try {
    await fh.writeFile(JSON.stringify({ segment: pos.segment, offset: pos.offset }))
    await fh.sync()
  } finally {
    await fh.close()
  }
  await rename(tmp, join(dir, file))
  await fsyncDir(dir)
}

/** The lowest checkpoint of all consumers (undefined: no consumer has one). */
export async function lowestCheckpoint(dir: string): Promise<SpoolPosition | undefined> {
  let lowest: SpoolPosition | undefined
  for (const name of await readdir(dir)) {
    const m = CHECKPOINT_RE.exec(name)
    if (!m) continue
    const read = await readCheckpoint(dir, m[1]?.slice(1))
    // an unreadable checkpoint protects everything: its consumer will replay from the oldest segment
    const pos = read.kind === 'ok' ? read.pos : { segment: 0, offset: 0 }
    if (lowest === undefined || comparePositions(pos, lowest) < 0) lowest = pos
  }
  return lowest
}

export type CheckpointRead =
  | { kind: 'ok'; pos: SpoolPosition }
  | { kind: 'missing' }
  | { kind: 'invalid'; reason: string }

export async function readCheckpoint(dir: string, consumer?: string): Promise<CheckpointRead> {
  let text: string
  try {
    text = await readFile(join(dir, checkpointFile(consumer)), 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' }
    throw err
  }
  try {
    const v = JSON.parse(text) as { segment?: unknown; offset?: unknown }
    if (
      Number.isSafeInteger(v.segment) &&
      Number.isSafeInteger(v.offset) &&
      (v.segment as number) >= 0 &&
      (v.offset as number) >= 0
    ) {
      return { kind: 'ok', pos: { segment: v.segment as number, offset: v.offset as number } }
    }
    return { kind: 'invalid', reason: 'fields' }
  } catch {
    return { kind: 'invalid', reason: 'json' }
  }
}

export const comparePositions = (a: SpoolPosition, b: SpoolPosition): number =>
  a.segment !== b.segment ? a.segment - b.segment : a.offset - b.offset
