// Segment file naming and directory helpers shared by writer and reader (they meet only through files).
import { readdirSync, statSync } from 'node:fs'
import { open, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'

const SEGMENT_RE = /^(\d{20})\.seg$/

export const segmentName = (segment: number): string => `${String(segment).padStart(20, '0')}.seg`
export const segmentPath = (dir: string, segment: number): string => join(dir, segmentName(segment))

function parseNames(names: string[]): number[] {
  const out: number[] = []
  for (const name of names) {
    const m = SEGMENT_RE.exec(name)
    if (m) out.push(Number(m[1]))
  }
  return out.sort((a, b) => a - b)
}

/** Segment numbers present in `dir`, ascending. */
export async function listSegments(dir: string): Promise<number[]> {
  return parseNames(await readdir(dir))
}

export function listSegmentsSync(dir: string): number[] {
  return parseNames(readdirSync(dir))
}

/** Sizes of the given segments; a segment deleted meanwhile counts 0. */
export async function segmentSizes(dir: string, segments: number[]): Promise<number[]> {
  return Promise.all(
    segments.map((s) =>
      stat(segmentPath(dir, s)).then(
        (st) => st.size,
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return 0
          throw err
        },
      ),
    ),
  )
}

export function segmentSizeSync(dir: string, segment: number): number {
  try {
    return statSync(segmentPath(dir, segment)).size
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0
    throw err
  }
}

/** Makes a create, rename or unlink in `dir` durable (POSIX needs an fsync of the directory itself). */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r')
  try {
    await fh.sync()
  } finally {
    await fh.close()
  }
}
