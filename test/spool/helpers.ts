import { mkdtempSync, rmSync } from 'node:fs'
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
