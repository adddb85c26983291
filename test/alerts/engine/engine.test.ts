import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type EngineHarness, pileReading, startEngineHarness, T0, until } from './harness.ts'

const MIN = 60_000
let h: EngineHarness
beforeEach(async () => {
  h = await startEngineHarness()
})
afterEach(async () => {
  await h.close()
})

const open = () => h.engine.store.list({ limit: 100 })
const kinds = () => h.changes.map((c) => `${c.alert.type}:${c.transition.kind}`)

describe('alert engine over a real spool and alerts.db', () => {
  it('raises a port fault with raisedAt = the event ts and publishes one change on the bus', async () => {
    h.clock.now = T0 + 5000
    await h.publish('pile-1', 'events', {
      ts: T0,
      seq: 1,
      kind: 'charging-pile',
      event: 'port_fault',
      port: 3,
      code: 'short_circuit',
    })
    const [a] = open()
    expect(a).toMatchObject({
      type: 'port_fault',
      port: 3,
      severity: 'critical',
      state: 'active',
      raisedAt: T0,
      count: 1,
    })
    expect(a!.siteId).toBe('shed-a')
    expect(h.changes).toHaveLength(1)
    expect(h.changes[0]).toMatchObject({
      tenantId: 'acme',
      transition: { kind: 'raised', by: 'system', at: T0 },
    })
    expect(h.changes[0]!.alert).not.toHaveProperty('tenantId')
  })

  it('bumps count and lastValue on a repeat instead of raising a second alert, and records a severity rise', async () => {
    for (let i = 0; i <= 2; i++)
      await h.publish('pile-1', 'telemetry', pileReading(T0 + i * MIN, i, [30, 68]))
    let alerts = open()
    expect(alerts).toHaveLength(1)
    expect(alerts[0]).toMatchObject({
      type: 'port_overheat',
      port: 2,
      severity: 'major',
      raisedAt: T0 + MIN,
      count: 2,
    })
    await h.publish('pile-1', 'telemetry', pileReading(T0 + 3 * MIN, 3, [30, 69]))
    await h.publish('pile-1', 'telemetry', pileReading(T0 + 4 * MIN, 4, [30, 77]))
    alerts = open()
    expect(alerts).toHaveLength(1)
    expect(alerts[0]).toMatchObject({
      severity: 'critical',
      count: 4,
      lastValue: 77,
      updatedAt: T0 + 4 * MIN,
    })
    // critical overheat asks for stop_port, once, tied to the alert, and its result lands in the history
    expect(h.commands).toEqual([
      {
        deviceId: 'pile-1',
        name: 'stop_port',
        args: { port: 2, reason: 'overheat' },
        by: 'auto',
        alertId: alerts[0]!.id,
        // the alert's first attempt: a replay of it is the same command, not sent twice
        id: expect.stringMatching(new RegExp(`^${alerts[0]!.id}:stop_port:1:[0-9a-f]{8}$`)),
      },
    ])
    await until(() => h.engine.store.history(alerts[0]!.id).length === 4, 'command recorded')
    const history = h.engine.store.history(alerts[0]!.id).map((t) => `${t.kind}:${t.severity ?? t.by}`)
    // the second reading at the same 68 °C is a silent repeat: history stays small
    expect(history).toEqual(['raised:major', 'repeated:major', 'severity_changed:critical', 'command:auto'])
    expect(h.engine.store.history(alerts[0]!.id)[3]!.detail).toMatchObject({
      name: 'stop_port',
      result: { ok: true },
    })
  })

  it('clears automatically after an acknowledgement, with clearedAt = the deciding reading ts', async () => {
    await h.publish('pile-1', 'telemetry', pileReading(T0, 0, [70]))
    await h.publish('pile-1', 'telemetry', pileReading(T0 + MIN, 1, [70]))
    const [a] = open()
    h.clock.now = T0 + 10 * MIN
    const acked = await h.engine.acknowledge(a!.id, 'token:acme manager', 'crew on the way')
    expect(acked).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'token:acme manager',
      acknowledgedAt: T0 + 10 * MIN,
    })
    await h.publish('pile-1', 'telemetry', pileReading(T0 + 12 * MIN, 2, [50]))
    const done = h.engine.store.get(a!.id)!
    expect(done).toMatchObject({ state: 'cleared', clearedBy: 'system', clearedAt: T0 + 12 * MIN })
    expect(open()).toHaveLength(0)
    expect(kinds()).toEqual(['port_overheat:raised', 'port_overheat:acknowledged', 'port_overheat:cleared'])
    expect(h.engine.store.history(a!.id)[1]).toMatchObject({ kind: 'acknowledged', note: 'crew on the way' })
  })

  it('raises a hand-cleared alert anew (new id) when the next reading says the condition still holds', async () => {
    await h.publish('pile-1', 'telemetry', pileReading(T0, 0, [70]))
    await h.publish('pile-1', 'telemetry', pileReading(T0 + MIN, 1, [70]))
    const [a] = open()
    const cleared = await h.engine.clear(a!.id, 'token:acme manager', 'sensor checked')
    expect(cleared).toMatchObject({ state: 'cleared', clearedBy: 'token:acme manager' })
    expect(open()).toHaveLength(0)
    await h.publish('pile-1', 'telemetry', pileReading(T0 + 2 * MIN, 2, [71]))
    const [b] = open()
    expect(b!.id).not.toBe(a!.id)
    expect(b).toMatchObject({ raisedAt: T0 + 2 * MIN, count: 1, state: 'active' })
    expect(h.engine.store.list({ limit: 10, state: 'all' })).toHaveLength(2)
  })

  it('answers undefined for an unknown id and leaves a cleared alert as it is', async () => {
    expect(await h.engine.acknowledge('al-nope', 'user:x')).toBeUndefined()
    await h.publish('pile-1', 'events', {
      ts: T0,
      seq: 1,
      kind: 'charging-pile',
      event: 'port_fault',
      port: 1,
      code: 'relay_stuck',
    })
    const [a] = open()
    await h.engine.clear(a!.id, 'user:x')
    const again = await h.engine.acknowledge(a!.id, 'user:y')
    expect(again).toMatchObject({ state: 'cleared', clearedBy: 'user:x' })
    expect(again).not.toHaveProperty('acknowledgedBy')
  })

  it('gives the same alerts for a backfill of last week, with past raisedAt and clearedAt', async () => {
    const weekAgo = T0 - 7 * 24 * 60 * MIN
    const temps = [50, 66, 67, 67, 60, 52]
    for (const [i, t] of temps.entries())
      await h.publish('pile-2', 'telemetry', pileReading(weekAgo + i * MIN, i, [20, 20, t]))
    const [a] = h.engine.store.list({ limit: 10, state: 'all' })
    expect(a).toMatchObject({
      type: 'port_overheat',
      deviceId: 'pile-2',
      port: 3,
      raisedAt: weekAgo + 2 * MIN,
      clearedAt: weekAgo + 5 * MIN,
      state: 'cleared',
    })
  })

  it('counts raised alerts and open alerts by state in the metrics registry', async () => {
    await h.publish('pile-1', 'events', {
      ts: T0,
      seq: 1,
      kind: 'charging-pile',
      event: 'port_fault',
      port: 1,
      code: 'leakage',
    })
    await h.publish('pile-1', 'events', {
      ts: T0,
      seq: 2,
      kind: 'charging-pile',
      event: 'port_fault',
      port: 2,
      code: 'leakage',
    })
    await h.engine.acknowledge(open()[0]!.id, 'user:x')
    const text = await h.metrics.metrics()
    expect(text).toContain('courtyard_alerts_total{type="port_fault",severity="critical"} 2')
    expect(text).toContain('courtyard_alerts_open{state="active"} 1')
    expect(text).toContain('courtyard_alerts_open{state="acknowledged"} 1')
    expect(text).toMatch(/courtyard_alert_engine_lag_seconds \d/)
  })

  it('skips undecodable records and keeps going', async () => {
    await h.publish('pile-1', 'telemetry', '{not json')
    await h.publish('ghost-9', 'events', {
      ts: T0,
      seq: 1,
      kind: 'charging-pile',
      event: 'port_fault',
      port: 1,
      code: 'leakage',
    })
    await h.publish('pile-1', 'events', {
      ts: T0,
      seq: 2,
      kind: 'charging-pile',
      event: 'port_fault',
      port: 4,
      code: 'leakage',
    })
    expect(open().map((a) => [a.deviceId, a.port])).toEqual([['pile-1', 4]])
    expect(await h.metrics.metrics()).toContain('courtyard_alert_engine_messages_total{outcome="rejected"} 2')
  })

  it('keeps going when a bus listener throws, and counts the failure', async () => {
    h.bus.prependListener('change', () => {
      throw new Error('listener broke')
    })
    const fault = (port: number, seq: number) => ({
      ts: T0,
      seq,
      kind: 'charging-pile',
      event: 'port_fault',
      port,
      code: 'leakage',
    })
    await h.publish('pile-1', 'events', fault(1, 1))
    await h.publish('pile-1', 'events', fault(2, 2))
    expect(open()).toHaveLength(2)
    expect(await h.metrics.metrics()).toContain('courtyard_alert_engine_errors_total{stage="listener"} 2')
  })
})
