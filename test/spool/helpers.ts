import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { statfs } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import type { SpoolEntry, SpoolReader, SpoolWriter } from '../../spool/index.ts'
import { until as untilHolds } from '../support/poll.ts'

export const silentLog = pino({ level: 'silent' })

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `courtyard-${prefix}-`))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

export const appendAsync = (w: SpoolWriter, topic: string, payload: Buffer): Promise<void> =>
  new Promise((resolve, reject) => w.append(topic, payload, (err) => (err ? reject(err) : resolve())))

/** Reads until `count` entries arrived or the deadline passed. */
export async function readN(r: SpoolReader, count: number, deadlineMs = 10_000): Promise<SpoolEntry[]> {
  const out: SpoolEntry[] = []
  const end = Date.now() + deadlineMs
  while (out.length < count && Date.now() < end) {
    out.push(...(await r.next(count - out.length, Math.max(1, end - Date.now()))))
  }
  return out
}

/** Polls `check` until it holds or the deadline passes. */
export const until = (check: () => boolean | Promise<boolean>, deadlineMs = 10_000): Promise<void> =>
  untilHolds(check, { timeoutMs: deadlineMs })

/**
 * A directory on a file system with about `bytes` free, and the writer reserve that makes it so: a small
 * tmpfs (we run as root here and in CI), or where mounting is not allowed the machine's own disk with a
 * reserve of all but `bytes` of what is free. Unmounted and removed by `cleanups`.
 */
export async function mountSmallDisk(
  bytes: number,
  cleanups: Array<() => Promise<void> | void>,
): Promise<{ dir: string; reserveBytes?: number }> {
  const t = tempDir('spool-small-disk')
  cleanups.push(t.remove)
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', t.dir], { stdio: 'pipe' })
    cleanups.push(() => {
      execFileSync('umount', ['-l', t.dir])
    })
    return { dir: t.dir }
  } catch {
    const fs = await statfs(t.dir)
    return { dir: t.dir, reserveBytes: fs.bavail * fs.bsize - bytes }
  }
}
