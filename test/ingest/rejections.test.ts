import { Writable } from 'node:stream'
import { pino } from 'pino'
import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { createIngestMetrics } from '../../ingest/metrics.ts'
import { createRejectionTracker } from '../../ingest/rejections.ts'

function capture(level = 'info') {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l))
      cb()
    },
  })
  return { log: pino({ level }, stream), lines }
}

const flushLogs = () => new Promise((r) => setImmediate(r))

describe('createRejectionTracker', () => {
  it('logs a flood from one device once per interval and reason, counting the rest as suppressed', async () => {
    let t = 0
    const { log, lines } = capture()
    const metrics = createIngestMetrics(new Registry())
    const tracker = createRejectionTracker({ log, metrics, now: () => t, logIntervalMs: 10_000 })
    const payload = Buffer.from('{"secret":"payload"}')
    for (let i = 0; i < 1000; i++) tracker.record('dev-1', 'invalid_json', 'Unexpected end', payload)
    tracker.record('dev-1', 'schema', '/powerW: must be number', payload)
    t = 10_001
    tracker.record('dev-1', 'invalid_json', 'Unexpected end', payload)
    await flushLogs()
    const warns = lines.filter((l) => l.msg === 'payload rejected')
    expect(warns.map((w) => [w.reason, w.suppressed])).toEqual([
      ['invalid_json', 0],
      ['schema', 0],
      ['invalid_json', 999],
    ])
    expect(warns[0]).toMatchObject({ deviceId: 'dev-1', detail: 'Unexpected end', level: 40 })
    // payloads only at debug
    expect(JSON.stringify(lines)).not.toContain('secret')
    expect(tracker.byReason()).toEqual({ invalid_json: 1001, schema: 1 })
    expect(tracker.byDevice()['dev-1']).toMatchObject({ total: 1002, lastReason: 'invalid_json' })
  })

  it('tells its listener after each message set aside is counted, suppressed warnings too', () => {
    const { log } = capture('silent')
    let tracker: ReturnType<typeof createRejectionTracker> | undefined
    const seen: number[] = []
    tracker = createRejectionTracker({
      log,
      metrics: createIngestMetrics(new Registry()),
      now: () => 0,
      // the demo's terminal reminder follows these: the count is already there when it is told
      onRecord: () => seen.push(tracker!.byReason().invalid_json ?? 0),
    })
    for (let i = 0; i < 3; i++) tracker.record('dev-1', 'invalid_json', 'x', Buffer.from('{'))
    expect(seen).toEqual([1, 2, 3])
  })

  it('goes on counting when its listener throws, and logs that once', async () => {
    const { log, lines } = capture()
    const tracker = createRejectionTracker({
      log,
      metrics: createIngestMetrics(new Registry()),
      now: () => 0,
      onRecord: () => {
        throw new Error('terminal gone')
      },
    })
    for (let i = 0; i < 3; i++) tracker.record('dev-1', 'invalid_json', 'x', Buffer.from('{'))
    expect(tracker.total()).toBe(3)
    expect(tracker.byDevice()['dev-1']).toMatchObject({ total: 3 })
    await flushLogs()
    const failed = lines.filter((l) => String(l.msg).startsWith('rejected-message listener failed'))
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({ level: 50, err: { message: 'terminal gone' } })
  })

  it('logs the payload at debug level', async () => {
    const { log, lines } = capture('debug')
    const tracker = createRejectionTracker({
      log,
      metrics: createIngestMetrics(new Registry()),
      now: () => 0,
    })
    tracker.record('dev-1', 'invalid_json', 'x', Buffer.from('{"oops'))
    await flushLogs()
    expect(lines.find((l) => l.msg === 'rejected payload')).toMatchObject({ payload: '{"oops' })
  })

  it('keeps the per-device table bounded, dropping the least recently rejected device', () => {
    const { log } = capture('silent')
    const tracker = createRejectionTracker({
      log,
      metrics: createIngestMetrics(new Registry()),
      now: () => 0,
      maxDevices: 3,
    })
    for (const id of ['a01', 'b02', 'c03', 'a01', 'd04'])
      tracker.record(id, 'unknown_device', id, Buffer.alloc(0))
    expect(Object.keys(tracker.byDevice()).sort()).toEqual(['a01', 'c03', 'd04'])
    expect(tracker.total()).toBe(5)
  })

  it('counts rejections in Prometheus by reason only', async () => {
    const registry = new Registry()
    const tracker = createRejectionTracker({
      log: capture('silent').log,
      metrics: createIngestMetrics(registry),
      now: () => 0,
    })
    tracker.record('dev-1', 'ts_future', 'x', Buffer.alloc(0))
    tracker.record('dev-2', 'ts_future', 'x', Buffer.alloc(0))
    const text = await registry.getSingleMetricAsString('courtyard_ingest_rejected_total')
    expect(text).toContain('courtyard_ingest_rejected_total{reason="ts_future"} 2')
    expect(text).not.toContain('dev-1')
  })
})
