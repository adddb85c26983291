import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openAlertsDb } from '../../../alerts/db.ts'
import { evaluateDevice, evaluateOffline } from '../../../alerts/rules/index.ts'
import { defaultResolveSettings } from '../../../alerts/settings.ts'
import { until } from '../../support/poll.ts'
import { type EngineHarness, pileReading, startEngineHarness, T0 } from './harness.ts'

const MIN = 60_000
let h: EngineHarness
afterEach(async () => {
  await h.close()
})

const all = () => h.engine.store.list({ limit: 100, state: 'all' })

/** Two open alerts on pile-1: port 1 overheated over two readings, a leakage fault on port 2. */
async function overheatAndFault(h: EngineHarness): Promise<void> {
  await h.publish('pile-1', 'telemetry', pileReading(T0, 0, [70, 20]))
  await h.publish('pile-1', 'telemetry', pileReading(T0 + MIN, 1, [70, 20]))
  await h.publish('pile-1', 'events', {
    ts: T0 + MIN,
    seq: 2,
    kind: 'charging-pile',
    event: 'port_fault',
    port: 2,
    code: 'leakage',
  })
}

describe('alert engine across restarts', () => {
  it('completes a hold period that began before the restart', async () => {
    h = await startEngineHarness()
    await h.publish('pile-1', 'telemetry', pileReading(T0, 0, [70]))
    expect(all()).toHaveLength(0)
    await h.restart()
    // the 1-minute hold started at T0 survives in the stored rule state
    await h.publish('pile-1', 'telemetry', pileReading(T0 + MIN, 1, [70]))
    expect(all()).toMatchObject([{ type: 'port_overheat', port: 1, raisedAt: T0 + MIN, state: 'active' }])
  })

  it('keeps open alerts: a repeat after the restart bumps the same alert and a clear closes it', async () => {
    h = await startEngineHarness()
    await overheatAndFault(h)
    const before = all()
    expect(before).toHaveLength(2)
    const overheat = before.find((a) => a.type === 'port_overheat')!
    await h.engine.acknowledge(overheat.id, 'user:m')
    await h.restart()
    await h.publish('pile-1', 'telemetry', pileReading(T0 + 2 * MIN, 3, [72, 20]))
    expect(all()).toHaveLength(2)
    expect(h.engine.store.get(overheat.id)).toMatchObject({ state: 'acknowledged', count: 2, lastValue: 72 })
    await h.publish('pile-1', 'telemetry', pileReading(T0 + 3 * MIN, 4, [40, 20]))
    expect(h.engine.store.get(overheat.id)).toMatchObject({ state: 'cleared', clearedAt: T0 + 3 * MIN })
    expect(
      all()
        .filter((a) => a.state !== 'cleared')
        .map((a) => a.type),
    ).toEqual(['port_fault'])
  })

  it('lets the spool drop nothing until alerts.db has made the alerts durable (fsync of its WAL)', async () => {
    // a power cut may lose alerts.db's last commits (WAL, synchronous=NORMAL): the spool must still hold them
    let releaseSync: () => void = () => undefined
    let syncs = 0
    h = await startEngineHarness({
      syncDb: () => {
        syncs += 1
        return new Promise<void>((resolve) => {
          releaseSync = resolve
        })
      },
    })
    await h.append('pile-1', 'telemetry', pileReading(T0, 0, [70]))
    await h.append('pile-1', 'telemetry', pileReading(T0 + MIN, 1, [70]))
    await until(() => all().length === 1, { what: 'the alert stored' })
    await until(() => syncs > 0, { what: 'the engine asks for a sync before moving the spool checkpoint' })
    // the alert is committed, its snapshot taken, but the sync has not finished: the checkpoint stays
    expect(h.backlogBytes()).toBeGreaterThan(0)
    releaseSync()
    await until(() => h.backlogBytes() === 0, { what: 'the spool checkpoint moves once the sync is done' })
  })

  it('answers an acknowledgement and a clear, and their repeats, only once alerts.db has synced them, with no reading after them', async () => {
    // a person's action is in no spool to replay: on a quiet node no batch follows whose checkpoint would
    // sync the WAL, so the action itself must, before the API answers
    let gated = false
    const waiting: (() => void)[] = []
    h = await startEngineHarness({
      syncDb: () => (gated ? new Promise<void>((resolve) => waiting.push(resolve)) : Promise.resolve()),
    })
    await overheatAndFault(h)
    const overheat = all().find((a) => a.type === 'port_overheat')
    const fault = all().find((a) => a.type === 'port_fault')
    gated = true

    for (const [act, id, state] of [
      ['acknowledge', overheat!.id, 'acknowledged'],
      ['clear', fault!.id, 'cleared'],
    ] as const) {
      let answered = false
      const answer = Promise.resolve(h.engine[act](id, 'user:m')).then((a) => {
        answered = true
        return a
      })
      await until(() => waiting.length > 0, { what: `a sync asked for by the ${act}` })
      // committed, not yet answered: the answer waits for the sync
      expect(h.engine.store.get(id)).toMatchObject({ state })
      // a double tap or a retry finds the change already made: it too waits until that is on disk
      let repeatAnswered = false
      const repeat = Promise.resolve(h.engine[act](id, 'user:m')).then((a) => {
        repeatAnswered = true
        return a
      })
      await until(() => waiting.length > 1, { what: `a sync asked for by the repeated ${act}` })
      await new Promise((r) => setImmediate(r))
      expect(answered, `${act} answered before its sync`).toBe(false)
      expect(repeatAnswered, `repeated ${act} answered before the sync`).toBe(false)
      for (const release of waiting.splice(0)) release()
      expect(await answer).toMatchObject({ id, state })
      expect(await repeat).toMatchObject({ id, state })
    }
  })

  it('raises nothing twice when the spool replays records the engine had already stored', async () => {
    h = await startEngineHarness()
    for (let i = 0; i < 4; i++) await h.publish('pile-1', 'telemetry', pileReading(T0 + i * MIN, i, [70]))
    const [a] = all()
    expect(a).toMatchObject({ count: 3 })
    const changesBefore = h.changes.length
    // a crash between the engine's transaction and its spool checkpoint: the spool re-delivers everything
    await h.restartWithSpoolReplay()
    await h.drained()
    expect(all()).toEqual([a])
    expect(h.changes).toHaveLength(changesBefore)
    expect(await h.metrics.metrics()).toContain(
      'courtyard_alert_engine_messages_total{outcome="replayed_skipped"} 4',
    )
    // and what comes after the replay is evaluated as usual
    await h.publish('pile-1', 'telemetry', pileReading(T0 + 5 * MIN, 5, [40]))
    expect(h.engine.store.get(a!.id)).toMatchObject({ state: 'cleared', count: 3 })
  })

  it('does not step back when the replay comes in batches that end before the stored position', async () => {
    // the spool checkpoint lags the snapshot (it waits for alerts.db's sync): a crash in between replays
    // more than one batch of records the engine has stored; the test rules count every port_fault
    h = await startEngineHarness({ batchSize: 2 })
    const fault = (seq: number) => ({
      ts: T0 - 10 * MIN + seq * MIN,
      seq,
      kind: 'charging-pile',
      event: 'port_fault',
      port: 1,
      code: 'relay_stuck',
    })
    for (let i = 0; i < 6; i++) await h.append('pile-1', 'events', fault(i))
    await h.drained()
    const [a] = all()
    expect(a).toMatchObject({ count: 6 })
    await h.restartWithSpoolReplay()
    await h.drained()
    expect(await h.metrics.metrics()).toContain(
      'courtyard_alert_engine_messages_total{outcome="replayed_skipped"} 6',
    )
    // the engine that let the first replayed batch set its position counted records 3 to 6 again: 10
    expect(all()).toEqual([a])
    await h.publish('pile-1', 'events', fault(6))
    expect(h.engine.store.get(a!.id)).toMatchObject({ count: 7 })
  })
})

describe('alert engine when alerts.db refuses a batch', () => {
  it('evaluates the batch again once the database takes it: the alert raised once, the rule state it decided kept', async () => {
    h = await startEngineHarness({
      rules: { evaluateDevice, evaluateOffline, resolveSettings: defaultResolveSettings },
      busyTimeoutMs: 20,
    })
    // another connection holds the write lock: the engine's transaction cannot begin
    const other = openAlertsDb(join(h.dir, 'alerts.db'))
    other.exec('BEGIN IMMEDIATE')
    // smoke raises at once; port 1's overheat hold starts
    const published = h.publish('pile-1', 'telemetry', { ...pileReading(T0, 0, [70]), smoke: true })
    await until(async () =>
      (await h.metrics.metrics()).includes('courtyard_alert_engine_errors_total{stage="database"}'),
    )
    other.exec('COMMIT')
    other.close()
    await published
    expect(all()).toMatchObject([{ type: 'smoke', raisedAt: T0, count: 1 }])
    expect(h.changes).toHaveLength(1)
    await h.restart()
    await h.publish('pile-1', 'telemetry', { ...pileReading(T0 + MIN, 1, [70]), smoke: true })
    expect(all()).toMatchObject([
      { type: 'port_overheat', raisedAt: T0 + MIN },
      { type: 'smoke', raisedAt: T0, count: 1 },
    ])
  })
})
