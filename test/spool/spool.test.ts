import { readdirSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import {
  openSpoolReader,
  openSpoolWriter,
  type SpoolEntry,
  type SpoolReader,
  type SpoolWriter,
} from '../../spool/index.ts'
import { appendAsync, readN, silentLog, tempDir, until } from './helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function setup(prefix: string) {
  const t = tempDir(prefix)
  cleanups.push(t.remove)
  return t.dir
}
async function writer(opts: Parameters<typeof openSpoolWriter>[0]): Promise<SpoolWriter> {
  const w = await openSpoolWriter(opts)
  cleanups.push(() => w.close())
  return w
}
async function reader(dir: string, topicsPerGeneration?: number): Promise<SpoolReader> {
  const r = await openSpoolReader({ dir, log: silentLog, pollMs: 5, topicsPerGeneration })
  cleanups.push(() => r.close())
  return r
}
/** Resolves when `p` settles or the writer reports blocked, whichever comes first. */
function ackedOrBlocked(p: Promise<void>, w: SpoolWriter): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (w.stats().blocked) {
        clearInterval(timer)
        resolve()
      }
    }, 2)
    p.then(
      () => {
        clearInterval(timer)
        resolve()
      },
      (err) => {
        clearInterval(timer)
        reject(err)
      },
    )
  })
}
const segmentFiles = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.seg'))

describe('spool round trip', () => {
  it('gives back every record in append order with topic, payload and arrival time intact', async () => {
    const dir = setup('spool-rt')
    let clock = 1_763_712_000_000
    const w = await writer({ dir, maxBytes: 1 << 30, log: silentLog, now: () => clock++ })
    const r = await reader(dir)
    const sent = Array.from({ length: 2000 }, (_, i) => ({
      topic: `devices/dev-${i % 7}/telemetry`,
      payload: Buffer.from(JSON.stringify({ seq: i, pad: 'x'.repeat(i % 300) })),
    }))
    // concurrent appenders: order must still be call order
    await Promise.all(sent.map((s) => appendAsync(w, s.topic, s.payload)))
    const got = await readN(r, sent.length)
    expect(got.map((e) => e.topic)).toEqual(sent.map((s) => s.topic))
    expect(got.map((e) => e.payload.toString())).toEqual(sent.map((s) => s.payload.toString()))
    expect(got.map((e) => e.arrivalMs)).toEqual(sent.map((_, i) => 1_763_712_000_000 + i))
    const st = w.stats()
    expect(st.committedRecords).toBe(2000)
    // group commit: far fewer fsyncs than records
    expect(st.commits).toBeLessThan(200)
  })

  it('wakes a waiting reader through notify() when the writer commits', async () => {
    const dir = setup('spool-notify')
    let r: SpoolReader | undefined
    const w = await writer({ dir, maxBytes: 1 << 30, log: silentLog, onCommit: () => r?.notify() })
    r = await openSpoolReader({ dir, log: silentLog, pollMs: 60_000 })
    cleanups.push(() => r!.close())
    const pending = r.next(10, 30_000)
    await appendAsync(w, 'devices/abc/events', Buffer.from('{"event":"reboot"}'))
    const got = await pending
    expect(got.map((e) => e.payload.toString())).toEqual(['{"event":"reboot"}'])
  })

  it('reads at once what a commit notified between two next() calls brought, after a read that met the end', async () => {
    const dir = setup('spool-notify-between')
    let r: SpoolReader | undefined
    const w = await writer({ dir, maxBytes: 1 << 30, log: silentLog, onCommit: () => r?.notify() })
    r = await openSpoolReader({ dir, log: silentLog, pollMs: 60_000 })
    cleanups.push(() => r!.close())
    await appendAsync(w, 'devices/abc/events', Buffer.from('1'))
    expect((await r.next(10, 30_000)).map((e) => e.payload.toString())).toEqual(['1'])
    // the consumer is busy with that batch while the next commit comes
    await appendAsync(w, 'devices/abc/events', Buffer.from('2'))
    const started = Date.now()
    expect((await r.next(10, 30_000)).map((e) => e.payload.toString())).toEqual(['2'])
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('gives a reader whose writer notifies nobody (another process) what was appended, by polling', async () => {
    const dir = setup('spool-poll')
    const w = await writer({ dir, maxBytes: 1 << 30, log: silentLog })
    const r = await reader(dir)
    await appendAsync(w, 'devices/abc/events', Buffer.from('1'))
    expect((await r.next(10, 1000)).map((e) => e.payload.toString())).toEqual(['1'])
    await appendAsync(w, 'devices/abc/events', Buffer.from('2'))
    expect((await r.next(10, 1000)).map((e) => e.payload.toString())).toEqual(['2'])
    await appendAsync(w, 'devices/abc/events', Buffer.from('3'))
    expect((await r.next(10, 0)).map((e) => e.payload.toString())).toEqual(['3'])
  })

  it('keeps what earlier reads gave while later reads fill the rest of the read buffer, records larger than it included', async () => {
    const dir = setup('spool-buffer')
    const w = await writer({ dir, maxBytes: 1 << 30, log: silentLog })
    const r = await openSpoolReader({ dir, log: silentLog, pollMs: 5, readBytes: 4096 })
    cleanups.push(() => r.close())
    const sent = Array.from({ length: 300 }, (_, i) =>
      Buffer.from(`${i}:`.padEnd(i % 50 === 7 ? 10_000 : 20 + (i % 90), 'x')),
    )
    for (const p of sent) await appendAsync(w, 'devices/abc/telemetry', p)
    const got: SpoolEntry[] = []
    while (got.length < sent.length) got.push(...(await r.next(7, 1000)))
    expect(got.map((e) => e.payload.toString())).toEqual(sent.map((p) => p.toString()))
    // each position is just after its record: a reader resuming there starts with the next one
    await r.commit(got[99]!.pos)
    const again = await reader(dir)
    expect((await again.next(1, 1000))[0]!.payload.toString()).toBe(sent[100]!.toString())
  })

  it('reads the same with blocking reads (syncReads): buffer refills, a record larger than the buffer, segment rollover', async () => {
    const dir = setup('spool-sync')
    const w = await writer({ dir, maxBytes: 1 << 30, segmentBytes: 16_384, log: silentLog })
    const r = await openSpoolReader({ dir, log: silentLog, pollMs: 5, readBytes: 4096, syncReads: true })
    cleanups.push(() => r.close())
    const sent = Array.from({ length: 300 }, (_, i) =>
      Buffer.from(`${i}:`.padEnd(i % 50 === 7 ? 10_000 : 20 + (i % 90), 'x')),
    )
    const got: SpoolEntry[] = []
    // half appended before reading, half while the reader follows the tail
    for (const p of sent.slice(0, 150)) await appendAsync(w, 'devices/abc/telemetry', p)
    const rest = (async () => {
      for (const p of sent.slice(150)) await appendAsync(w, 'devices/abc/telemetry', p)
    })()
    while (got.length < sent.length) got.push(...(await r.next(7, 1000)))
    await rest
    expect(got.map((e) => e.payload.toString())).toEqual(sent.map((p) => p.toString()))
    expect(segmentFiles(dir).length).toBeGreaterThan(3)
  })

  it('follows records across segment rollover and deletes consumed segments on commit', async () => {
    const dir = setup('spool-roll')
    const w = await writer({ dir, maxBytes: 1 << 30, segmentBytes: 4096, log: silentLog })
    const r = await reader(dir)
    for (let i = 0; i < 300; i++)
      await appendAsync(w, 'devices/abc/telemetry', Buffer.from(`{"seq":${i}}`.padEnd(100)))
    expect(segmentFiles(dir).length).toBeGreaterThan(5)
    const got = await readN(r, 300)
    expect(got.map((e) => JSON.parse(e.payload.toString()).seq)).toEqual(
      Array.from({ length: 300 }, (_, i) => i),
    )
    const last = got.at(-1)!.pos
    await r.commit(last)
    const left = segmentFiles(dir)
    expect(left.length).toBeLessThanOrEqual(1)
    expect(r.backlogBytes()).toBe(0)
    expect(r.checkpoint()).toEqual(last)
  })
})

describe('spool checkpoint', () => {
  it('resumes after reopen from the checkpoint: nothing skipped, only the uncommitted batch repeated', async () => {
    const dir = setup('spool-ckpt')
    const w = await writer({ dir, maxBytes: 1 << 30, segmentBytes: 8192, log: silentLog })
    for (let i = 0; i < 500; i++) await appendAsync(w, 'devices/abc/telemetry', Buffer.from(`{"seq":${i}}`))
    const r1 = await openSpoolReader({ dir, log: silentLog, pollMs: 5 })
    const first = await readN(r1, 200)
    await r1.commit(first[149]!.pos) // 150..199 read but not committed
    await r1.close()

    const r2 = await reader(dir)
    expect(r2.checkpoint()).toEqual(first[149]!.pos)
    const rest = await readN(r2, 350)
    expect(rest.map((e) => JSON.parse(e.payload.toString()).seq)).toEqual(
      Array.from({ length: 350 }, (_, i) => 150 + i),
    )
    expect(await r2.next(10, 20)).toEqual([])
  })
})

describe('spool bound', () => {
  it('holds appends while the bound is exceeded and releases them once the reader commits', async () => {
    const dir = setup('spool-bound')
    const w = await writer({
      dir,
      maxBytes: 16 * 1024,
      segmentBytes: 4096,
      log: silentLog,
      rescanMs: 20,
      retryMs: 10,
    })
    const r = await reader(dir)
    const payload = Buffer.alloc(1000, 0x61)
    let acked = 0
    const total = 40 // ~40 KiB: more than twice the bound
    const all: Promise<void>[] = []
    // one append at a time until the bound is hit, so each lands in its own batch
    for (let i = 0; i < total; i++) {
      const p = appendAsync(w, 'devices/abc/telemetry', Buffer.concat([Buffer.from(`${i}:`), payload])).then(
        () => {
          acked++
        },
      )
      all.push(p)
      if (!w.stats().blocked) await ackedOrBlocked(p, w)
    }
    expect(w.stats().blocked).toBe(true)
    const ackedWhenBlocked = acked
    expect(ackedWhenBlocked).toBeLessThan(total)
    expect(w.stats().diskBytes).toBeGreaterThanOrEqual(16 * 1024)
    // while blocked, a reader round trip later still nothing more was acknowledged
    const probe = await r.next(1, 0)
    expect(acked).toBe(ackedWhenBlocked)

    // consume and commit in rounds: every commit frees space and lets held appends through
    const seen: string[] = probe.map((e) => e.payload.toString().split(':')[0]!)
    let lastPos = probe.at(-1)?.pos
    if (lastPos) await r.commit(lastPos)
    while (seen.length < total) {
      const batch = await r.next(total, 10_000)
      if (batch.length === 0) break
      for (const e of batch) seen.push(e.payload.toString().split(':')[0]!)
      lastPos = batch.at(-1)!.pos
      await r.commit(lastPos)
    }
    await Promise.all(all)
    expect(acked).toBe(total)
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => String(i)))
    await until(() => !w.stats().blocked)
  })
})

describe('spool consumers', () => {
  it('keeps a segment until every named consumer has passed it, each resuming from its own checkpoint', async () => {
    const dir = setup('spool-consumers')
    const w = await writer({ dir, maxBytes: 1 << 30, segmentBytes: 4096, log: silentLog })
    const ingest = await reader(dir)
    const alerts = await openSpoolReader({ dir, log: silentLog, consumer: 'alerts' })
    for (let i = 0; i < 200; i++)
      await appendAsync(w, 'devices/abc/telemetry', Buffer.from(`{"seq":${i}}`.padEnd(100)))
    const before = segmentFiles(dir).length
    expect(before).toBeGreaterThan(3)

    const all = await readN(ingest, 200)
    await ingest.commit(all.at(-1)!.pos)
    // the alerts consumer has read nothing yet: every segment stays
    expect(segmentFiles(dir)).toHaveLength(before)

    const firstHalf = await readN(alerts, 100)
    await alerts.commit(firstHalf.at(-1)!.pos)
    const mid = segmentFiles(dir).length
    expect(mid).toBeLessThan(before)
    expect(mid).toBeGreaterThan(1)
    await alerts.close()

    // reopened, the alerts consumer resumes after its own checkpoint, not ingest's
    const again = await openSpoolReader({ dir, log: silentLog, consumer: 'alerts' })
    const rest = await readN(again, 100)
    expect(JSON.parse(rest[0]!.payload.toString()).seq).toBe(100)
    await again.commit(rest.at(-1)!.pos)
    expect(segmentFiles(dir).length).toBeLessThanOrEqual(1)
    await again.close()
  })
})

describe('spool reader topics', () => {
  it('gives each record its own topic when topics repeat, differ by a byte, share a hash, or are not ASCII', async () => {
    const dir = setup('spool-topics')
    const w = await writer({ dir, maxBytes: 1 << 30, log: silentLog })
    const r = await reader(dir)
    const topics = [
      'devices/circ-1/telemetry',
      'devices/circ-2/telemetry',
      'devices/circ-1/telemetrx',
      // the same hash of their bytes (31 × 'A' + 'a' = 31 × 'B' + 'B'): kept one after the other
      'devices/Aa-1/telemetry',
      'devices/BB-1/telemetry',
      'devices/走廊-1/telemetry',
      'devices/circ-1/telemetry',
      `devices/${'x'.repeat(200)}/telemetry`,
      'devices/circ-2/telemetry',
      'devices/走廊-1/telemetry',
    ]
    const sent = Array.from({ length: 400 }, (_, i) => topics[(i * 7) % topics.length]!)
    for (const t of sent) await appendAsync(w, t, Buffer.from('{}'))
    const got = await readN(r, sent.length)
    expect(got.map((e) => e.topic)).toEqual(sent)
  })

  it('gives each record its own topic across generations of kept topics smaller than the topics met', async () => {
    // review48e: generations of 3 over 10 topics, two of one hash: each topic moves between them often
    const dir = setup('spool-topic-generations')
    const w = await writer({ dir, maxBytes: 1 << 30, log: silentLog })
    const r = await reader(dir, 3)
    const topics = [
      ...Array.from({ length: 8 }, (_, d) => `devices/circ-${d}/telemetry`),
      'devices/Aa-1/telemetry',
      'devices/BB-1/telemetry',
    ]
    const sent = Array.from({ length: 600 }, (_, i) => topics[(i * i + (i >> 3)) % topics.length]!)
    for (const t of sent) await appendAsync(w, t, Buffer.from('{}'))
    const got = await readN(r, sent.length)
    expect(got.map((e) => e.topic)).toEqual(sent)
  })
})
