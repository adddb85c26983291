// The reader's durable checkpoint: `checkpoint.json`, replaced atomically (tmp + fsync + rename + fsync
// dir) so a crash leaves either the old or the new checkpoint, never a torn one.
import { randomBytes } from 'node:crypto'
import { link, open, readdir, readFile, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { PRIVATE_FILE_MODE } from '../domain/private-files.ts'
import { fsyncDir } from './segment-files.ts'
import type { SpoolPosition } from './types.ts'

export const CHECKPOINT_FILE = 'checkpoint.json'
/** The default consumer: ingest, whose checkpoint keeps the name it had before consumers had names. */
export const INGEST_CONSUMER = 'ingest'
export const CONSUMER_NAME_RE = /^[A-Za-z0-9_-]{1,64}$/

/**
 * Each consumer of the spool has its own checkpoint: `checkpoint.json` for the default consumer (ingest),
 * `checkpoint-<name>.json` for others (the alert engine). A segment is deleted only once every consumer's
 * checkpoint has passed it.
 */
export const checkpointFile = (consumer?: string): string =>
  consumer === undefined || consumer === INGEST_CONSUMER ? CHECKPOINT_FILE : `checkpoint-${consumer}.json`
export const CHECKPOINT_RE = /^checkpoint(-[A-Za-z0-9_-]+)?\.json$/

/** The consumer a checkpoint file belongs to (undefined: not a checkpoint file). */
export function consumerOfFile(name: string): string | undefined {
  const m = CHECKPOINT_RE.exec(name)
  if (!m) return undefined
  return m[1] === undefined ? INGEST_CONSUMER : m[1].slice(1)
}

export async function writeCheckpoint(dir: string, pos: SpoolPosition, consumer?: string): Promise<void> {
  const file = checkpointFile(consumer)
  const tmp = join(dir, file + '.tmp')
  const fh = await open(tmp, 'w', PRIVATE_FILE_MODE)
  try {
    await fh.writeFile(JSON.stringify({ segment: pos.segment, offset: pos.offset }))
    await fh.sync()
  } finally {
    await fh.close()
  }
  await rename(tmp, join(dir, file))
  await fsyncDir(dir)
}

/**
 * Creates a consumer's checkpoint at `pos` unless it has one (false then). Atomic: a hard link fails
 * when the name exists, so a checkpoint written meanwhile by its consumer is never overwritten.
 */
export async function createCheckpointIfMissing(
  dir: string,
  pos: SpoolPosition,
  consumer?: string,
): Promise<boolean> {
  const file = checkpointFile(consumer)
  const tmp = join(dir, `${file}.${randomBytes(6).toString('hex')}.new`)
  const fh = await open(tmp, 'wx', PRIVATE_FILE_MODE)
  try {
    await fh.writeFile(JSON.stringify({ segment: pos.segment, offset: pos.offset }))
    await fh.sync()
  } finally {
    await fh.close()
  }
  try {
    await link(tmp, join(dir, file))
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  } finally {
    await unlink(tmp)
    await fsyncDir(dir)
  }
}

/**
 * The lowest checkpoint of the given consumers, or of every checkpoint file present when `consumers` is
 * undefined (a spool whose writer was opened without a consumer set). Undefined: there is none.
 */
export async function lowestCheckpoint(
  dir: string,
  consumers?: readonly string[],
): Promise<SpoolPosition | undefined> {
  const names =
    consumers ?? (await readdir(dir)).map(consumerOfFile).filter((c): c is string => c !== undefined)
  let lowest: SpoolPosition | undefined
  for (const consumer of names) {
    const read = await readCheckpoint(dir, consumer)
    // a missing or unreadable checkpoint of a consumer of the set protects everything: that consumer
    // starts (or replays) from the oldest segment
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
