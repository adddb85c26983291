import { spawn } from 'node:child_process'
import { appendFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openSpoolReader, openSpoolWriter } from '../../spool/index.ts'
import { appendAsync, readN, silentLog, tempDir } from './helpers.ts'

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

/** Runs the appending child until it reported `minAcked` durable records, then SIGKILLs it. */
function runAndKill(dir: string, minAcked: number): Promise<Set<number>> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'fixtures/append-child.ts'), dir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const acked = new Set<number>()
  let rest = ''
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n')
      rest = lines.pop()!
      for (const l of lines) acked.add(Number(l))
      if (acked.size >= minAcked && !child.killed) child.kill('SIGKILL')
    })
    child.on('exit', (_code, signal) =>
      signal === 'SIGKILL' ? resolve(acked) : reject(new Error(`child exited ${signal}`)),
    )
  })
}

const lastSegment = (dir: string) =>
  join(
    dir,
    readdirSync(dir)
      .filter((n) => n.endsWith('.seg'))
      .sort()
      .at(-1)!,
  )

describe('spool crash safety', () => {
  it('keeps every acknowledged record when the appending process is SIGKILLed mid-stream', async () => {
    const { dir, remove } = tempDir('spool-crash')
    cleanups.push(remove)
    const acked = await runAndKill(dir, 5000)

    const w = await openSpoolWriter({ dir, maxBytes: 1 << 30, segmentBytes: 64 * 1024, log: silentLog })
    await appendAsync(w, 'devices/after/telemetry', Buffer.from('{"seq":-1}'))
    await w.close()
    const r = await openSpoolReader({ dir, log: silentLog, pollMs: 5 })
    const seqs: number[] = []
    for (;;) {
      const batch = await r.next(10_000, 200)
      if (batch.length === 0) break
      for (const e of batch) seqs.push(JSON.parse(e.payload.toString()).seq)
    }
    await r.close()
    expect(seqs.at(-1)).toBe(-1) // the record appended after recovery is readable after the old ones
    const present = new Set(seqs)
    const missing = [...acked].filter((n) => !present.has(n))
    expect(missing).toEqual([])
    // in order, no duplicates: the log is exactly 0..k-1 (records beyond the acked ones may exist)
    expect(seqs.slice(0, -1)).toEqual(Array.from({ length: seqs.length - 1 }, (_, i) => i))
  })

  it('truncates a torn tail record on reopen and appends in a new segment after the last whole record', async () => {
    const { dir, remove } = tempDir('spool-torn')
    cleanups.push(remove)
    const w1 = await openSpoolWriter({ dir, maxBytes: 1 << 30, log: silentLog })
    for (let i = 0; i < 10; i++) await appendAsync(w1, 'devices/abc/telemetry', Buffer.from(`{"seq":${i}}`))
    await w1.close()
    const seg = lastSegment(dir)
    const goodSize = statSync(seg).size
    // a header announcing 500 bytes followed by only 20: what a crash mid-write leaves behind
    const torn = Buffer.alloc(28)
    torn.writeUInt32LE(500, 0)
    appendFileSync(seg, torn)

    const w2 = await openSpoolWriter({ dir, maxBytes: 1 << 30, log: silentLog })
    expect(statSync(seg).size).toBe(goodSize)
    await appendAsync(w2, 'devices/abc/telemetry', Buffer.from('{"seq":10}'))
    await w2.close()
    const r = await openSpoolReader({ dir, log: silentLog, pollMs: 5 })
    const got = await readN(r, 11, 5000)
    await r.close()
    expect(got.map((e) => JSON.parse(e.payload.toString()).seq)).toEqual(
      Array.from({ length: 11 }, (_, i) => i),
    )
    // never into the segment a previous run wrote (its tail may be gone while a consumer holds a place in it)
    expect(got[10]!.pos).toEqual({
      segment: got[9]!.pos.segment + 1,
      offset: statSync(lastSegment(dir)).size,
    })
  })
})
