// The spool's consumer set (spool/consumer-set.ts) against real segment files: a consumer of the set holds
// its place before its first commit, a retired consumer's checkpoint stops holding segments, and a consumer
// far behind shows in the metric, the readiness status and the log before the spool is full.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { pino } from 'pino'
import { Registry } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import {
  openSpoolReader,
  openSpoolWriter,
  type SpoolReader,
  type SpoolWriter,
  startConsumerLagMonitor,
} from '../../spool/index.ts'
import { appendAsync, mountSmallDisk, readN, silentLog, tempDir, until } from './helpers.ts'

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
async function reader(dir: string, consumer?: string): Promise<SpoolReader> {
  const r = await openSpoolReader({ dir, log: silentLog, pollMs: 5, ...(consumer ? { consumer } : {}) })
  cleanups.push(() => r.close())
  return r
}
const segmentFiles = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.seg'))
const seqOf = (payload: Buffer) => (JSON.parse(payload.toString()) as { seq: number }).seq
const fill = async (w: SpoolWriter, from: number, n: number) => {
  for (let i = from; i < from + n; i++)
    await appendAsync(w, 'devices/abc/telemetry', Buffer.from(`{"seq":${i}}`.padEnd(100)))
}

/** pino writing JSON lines into an array, to assert what an operator would read */
function capturingLog() {
  const lines: Array<Record<string, unknown>> = []
  const log = pino(
    { level: 'info' },
    { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) },
  )
  return { log, lines }
}

describe('a consumer that has not committed yet', () => {
  it('keeps every record it has not read when another consumer commits and prunes (ingest on a fresh install whose InfluxDB refuses writes)', async () => {
    const dir = setup('spool-fresh-consumer')
    // the order of service.ts: the ingest reader opens before the writer
    const ingest = await reader(dir)
    const w = await writer({
      dir,
      maxBytes: 1 << 30,
      segmentBytes: 4096,
      log: silentLog,
      consumers: ['ingest', 'alerts'],
    })
    const alerts = await reader(dir, 'alerts')
    await fill(w, 0, 200)
    expect(segmentFiles(dir).length).toBeGreaterThan(3)

    // ingest reads its first batch and cannot store it (InfluxDB down, or 401): it never commits
    expect((await ingest.next(20, 1000)).map((e) => seqOf(e.payload))).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    )
    // the alert engine reads everything and commits: this prunes
    const seen = await readN(alerts, 200)
    await alerts.commit(seen.at(-1)!.pos)

    // ingest goes on reading from where it is, and after a restart from its checkpoint: all 200 are there
    const rest = await readN(ingest, 180)
    expect(rest.map((e) => seqOf(e.payload))).toEqual(Array.from({ length: 180 }, (_, i) => 20 + i))
    await ingest.close()
    const restarted = await reader(dir)
    const again = await readN(restarted, 200)
    expect(again.map((e) => seqOf(e.payload))).toEqual(Array.from({ length: 200 }, (_, i) => i))
  })

  it('holds its place from the moment the writer opens with it in the set, before its reader ever opened', async () => {
    const dir = setup('spool-set-first')
    const w = await writer({
      dir,
      maxBytes: 1 << 30,
      segmentBytes: 4096,
      log: silentLog,
      consumers: ['ingest', 'alerts'],
    })
    const alerts = await reader(dir, 'alerts')
    await fill(w, 0, 200)
    const all = await readN(alerts, 200)
    await alerts.commit(all.at(-1)!.pos)
    const ingest = await reader(dir)
    const got = await readN(ingest, 200)
    expect(got.map((e) => seqOf(e.payload))).toEqual(Array.from({ length: 200 }, (_, i) => i))
  })
})

describe('a retired consumer', () => {
  it('no longer holds segments once the writer opens without it, and its checkpoint is removed with a log line', async () => {
    const dir = setup('spool-retired')
    const opts = { dir, maxBytes: 1 << 30, segmentBytes: 4096, log: silentLog }
    // a run with alerts: the engine reads a little and stops (ALERTS_ENABLED=false from the next start)
    const w1 = await openSpoolWriter({ ...opts, consumers: ['ingest', 'alerts'] })
    const alerts = await openSpoolReader({ dir, log: silentLog, consumer: 'alerts' })
    await fill(w1, 0, 50)
    await alerts.commit((await readN(alerts, 10)).at(-1)!.pos)
    await alerts.close()
    await w1.close()
    expect(existsSync(join(dir, 'checkpoint-alerts.json'))).toBe(true)

    const { log, lines } = capturingLog()
    const w2 = await writer({ ...opts, log, consumers: ['ingest'] })
    expect(existsSync(join(dir, 'checkpoint-alerts.json'))).toBe(false)
    expect(lines).toContainEqual(
      expect.objectContaining({
        consumer: 'alerts',
        msg: 'retired spool consumer checkpoint removed: it no longer holds segments',
      }),
    )
    await fill(w2, 50, 150)
    const ingest = await reader(dir)
    const all = await readN(ingest, 200)
    expect(all.map((e) => seqOf(e.payload))).toEqual(Array.from({ length: 200 }, (_, i) => i))
    await ingest.commit(all.at(-1)!.pos)
    // only ingest counts: everything it has passed is gone
    expect(segmentFiles(dir).length).toBeLessThanOrEqual(1)
  })

  it('does not fill the spool to its bound: the broker keeps getting acknowledgements', async () => {
    const dir = setup('spool-retired-bound')
    const opts = { dir, maxBytes: 16 * 1024, segmentBytes: 4096, log: silentLog, rescanMs: 20, retryMs: 10 }
    const w1 = await openSpoolWriter({ ...opts, consumers: ['ingest', 'alerts'] })
    const alerts = await openSpoolReader({ dir, log: silentLog, consumer: 'alerts' })
    await alerts.close()
    await w1.close()

    const w2 = await writer({ ...opts, consumers: ['ingest'] })
    const ingest = await reader(dir)
    // ~60 KiB through a 16 KiB spool: only possible if what ingest committed is deleted
    for (let i = 0; i < 60; i++) {
      const acked = appendAsync(w2, 'devices/abc/telemetry', Buffer.alloc(1000, 0x61))
      const [e] = await readN(ingest, 1)
      await ingest.commit(e!.pos)
      await acked
    }
    expect(w2.stats().blocked).toBe(false)
    await until(() => w2.stats().diskBytes < 16 * 1024)
  })
})

describe('a consumer far behind', () => {
  it('shows in courtyard_spool_consumer_lag_bytes, the readiness status and a warn log before the spool is full', async () => {
    const dir = setup('spool-lagging')
    const maxBytes = 64 * 1024
    const w = await writer({
      dir,
      maxBytes,
      segmentBytes: 4096,
      log: silentLog,
      consumers: ['ingest', 'alerts'],
    })
    const ingest = await reader(dir)
    const { log, lines } = capturingLog()
    const metrics = new Registry()
    const changes: string[][] = []
    const monitor = startConsumerLagMonitor({
      dir,
      maxBytes,
      log,
      metrics,
      intervalMs: 60_000,
      onChange: (s) => changes.push(s.behind),
    })
    cleanups.push(() => monitor.stop())
    expect((await monitor.check()).ok).toBe(true)

    // the alert engine is stuck (a restart loop); ingest keeps up
    await fill(w, 0, 400)
    const all = await readN(ingest, 400)
    await ingest.commit(all.at(-1)!.pos)
    expect(w.stats().blocked).toBe(false)

    const status = await monitor.check()
    expect(status.ok).toBe(false)
    expect(status.behind).toEqual(['alerts'])
    expect(status.lagBytes.alerts).toBeGreaterThanOrEqual(maxBytes / 2)
    expect(status.lagBytes.ingest).toBe(0)
    const warn = lines.filter((l) => l.level === 40)
    expect(warn).toHaveLength(1)
    expect(warn[0]).toMatchObject({ consumer: 'alerts' })
    expect(String(warn[0]!.msg)).toContain('spool consumer far behind')
    // the next check does not repeat the warning
    await monitor.check()
    expect(lines.filter((l) => l.level === 40)).toHaveLength(1)

    const text = await metrics.metrics()
    expect(text).toMatch(/courtyard_spool_consumer_lag_bytes\{consumer="alerts"\} [1-9]\d+/)
    expect(text).toMatch(/courtyard_spool_consumer_lag_bytes\{consumer="ingest"\} 0/)

    // it catches up: ready again, and said so
    const alerts = await reader(dir, 'alerts')
    const caught = await readN(alerts, 400)
    await alerts.commit(caught.at(-1)!.pos)
    expect((await monitor.check()).ok).toBe(true)
    // the hook for an operator alert heard of both changes, once each
    expect(changes).toEqual([['alerts'], []])
    expect(lines).toContainEqual(
      expect.objectContaining({ consumer: 'alerts', msg: 'spool consumer caught up' }),
    )
  })
})

describe('a consumer far behind on a disk smaller than the bound', () => {
  it('counts as behind at half of what the disk can hold, not half of the bound', async () => {
    const disk = await mountSmallDisk(1024 * 1024, cleanups)
    const maxBytes = 1024 * 1024 * 1024
    const reserve = disk.reserveBytes === undefined ? {} : { reserveBytes: disk.reserveBytes }
    const w = await writer({
      dir: disk.dir,
      maxBytes,
      segmentBytes: 64 * 1024,
      log: silentLog,
      consumers: ['ingest'],
      ...reserve,
    })
    const monitor = startConsumerLagMonitor({
      dir: disk.dir,
      maxBytes,
      ...reserve,
      log: silentLog,
      metrics: new Registry(),
      intervalMs: 60_000,
    })
    cleanups.push(() => monitor.stop())
    // ingest reads nothing (InfluxDB down): 600 kB behind on a 1 MiB disk, far from the 1 GiB bound
    for (let i = 0; i < 6; i++) await fill(w, i * 1000, 1000)
    const status = await monitor.check()
    expect(status.capacityBytes).toBeLessThan(1024 * 1024)
    expect(status.behind).toEqual(['ingest'])
    expect(w.stats().blocked, 'warned before the spool is full').toBe(false)
  })
})

describe('consumers caught up while the spool is full', () => {
  it('frees the spool even when the last consumer to commit skipped its prune (the writer prunes while it holds appends)', async () => {
    const dir = setup('spool-full-caught-up')
    // one big segment: everything stays in segment 0 until the writer, blocked, rolls to segment 1
    const w = await writer({
      dir,
      maxBytes: 8 * 1024,
      segmentBytes: 1024 * 1024,
      log: silentLog,
      consumers: ['ingest', 'alerts'],
      rescanMs: 20,
      retryMs: 10,
    })
    const alerts = await reader(dir, 'alerts')
    const ingest = await reader(dir)
    let n = 0
    while (!w.stats().blocked) {
      const p = appendAsync(w, 'devices/abc/telemetry', Buffer.from(`{"seq":${n++}}`.padEnd(500)))
      await Promise.race([p, until(() => w.stats().blocked)])
    }
    const held = appendAsync(w, 'devices/abc/telemetry', Buffer.from(`{"seq":${n++}}`.padEnd(500)))
    const written = w.stats().committedRecords
    // alerts commits all but the last record (its prune: ingest has read nothing, nothing goes),
    const a1 = await readN(alerts, written - 1)
    await alerts.commit(a1.at(-1)!.pos)
    // ingest commits everything (its prune: alerts is still in segment 0, nothing goes),
    const i1 = await readN(ingest, written)
    await ingest.commit(i1.at(-1)!.pos)
    // and alerts' last commit, in the same segment within seconds of its prune, prunes nothing
    const a2 = await readN(alerts, 1)
    await alerts.commit(a2.at(-1)!.pos)
    // every record consumed by both: the writer must free segment 0 by itself and take the held append
    await held
    expect(w.stats().blocked).toBe(false)
  })
})
