// The reader's durable checkpoint: `checkpoint.json`, replaced atomically (tmp + fsync + rename + fsync
// dir) so a crash leaves either the old or the new checkpoint, never a torn one.
import { open, readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { fsyncDir } from './segment-files.ts'
import type { SpoolPosition } from './types.ts'

export const CHECKPOINT_FILE = 'checkpoint.json'

export async function writeCheckpoint(dir: string, pos: SpoolPosition): Promise<void> {
  const tmp = join(dir, CHECKPOINT_FILE + '.tmp')
  const fh = await open(tmp, 'w')
  try {
    await fh.writeFile(JSON.stringify({ segment: pos.segment, offset: pos.offset }))
    await fh.sync()
  } finally {
    await fh.close()
  }
  await rename(tmp, join(dir, CHECKPOINT_FILE))
  await fsyncDir(dir)
}

export type CheckpointRead =
  | { kind: 'ok'; pos: SpoolPosition }
  | { kind: 'missing' }
  | { kind: 'invalid'; reason: string }

export async function readCheckpoint(dir: string): Promise<CheckpointRead> {
  let text: string
  try {
    text = await readFile(join(dir, CHECKPOINT_FILE), 'utf8')
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
