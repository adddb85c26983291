// The automatic stop_port against the real engine and the catalogue rules: it goes out only from a
// recent reading for an alert still open, and every time it does not, the alert's history says why.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { evaluateDevice, evaluateOffline } from '../../../alerts/rules/index.ts'
import { defaultResolveSettings } from '../../../alerts/settings.ts'
import { type EngineHarness, pileReading, startEngineHarness, T0, until } from './harness.ts'

const MIN = 60_000
const HOUR = 60 * MIN

let h: EngineHarness
beforeEach(async () => {
  h = await startEngineHarness({
    rules: { evaluateDevice, evaluateOffline, resolveSettings: defaultResolveSettings },
  })
})
afterEach(async () => {
  await h.close()
})

const commandSteps = (alertId: string) => h.engine.store.history(alertId).filter((t) => t.kind === 'command')

describe('automatic stop_port', () => {
  it('is not sent from hours-old buffered readings, and the alert says why', async () => {
    h.clock.now = T0 + 3 * HOUR
    let seq = 0
    // a pile uploads what it buffered while offline: 80 °C for 2 min, then 30 °C for 7 min, 3 h ago
    for (let t = T0; t <= T0 + 2 * MIN; t += 30_000)
      await h.append('pile-1', 'telemetry', pileReading(t, seq++, [80]))
    for (let t = T0 + 3 * MIN; t <= T0 + 10 * MIN; t += 30_000)
      await h.append('pile-1', 'telemetry', pileReading(t, seq++, [30]))
    await h.drained()
    const [a, ...more] = h.engine.store.list({ limit: 10, state: 'all' })
    expect(more).toEqual([])
    expect(a).toMatchObject({ type: 'port_overheat', severity: 'critical', state: 'cleared' })
    expect(h.commands).toEqual([])
    const steps = commandSteps(a!.id)
    expect(steps).toHaveLength(1)
    expect(steps[0]).toMatchObject({
      by: 'auto',
      at: T0 + 3 * HOUR,
      detail: { name: 'stop_port', args: { port: 1 }, outcome: 'skipped', decidedAt: T0 + MIN },
    })
    expect(steps[0]!.note).toMatch(/^stop_port not sent: .*the reading was 3 h old/)
  })

  it('is not sent from a reading 3 min old even while the alert is open', async () => {
    h.clock.now = T0 + 4 * MIN
    await h.publish('pile-1', 'telemetry', pileReading(T0, 0, [80]))
    await h.publish('pile-1', 'telemetry', pileReading(T0 + MIN, 1, [80]))
    const [a] = h.engine.store.list({ limit: 10 })
    expect(a).toMatchObject({ severity: 'critical', state: 'active' })
    expect(h.commands).toEqual([])
    expect(commandSteps(a!.id).map((t) => t.note)).toEqual(['stop_port not sent: the reading was 3 min old'])
  })

  it('is sent from a reading within 2 min of the clock, and its answer lands on the alert', async () => {
    h.clock.now = T0 + 2 * MIN
    await h.publish('pile-1', 'telemetry', pileReading(T0, 0, [80]))
    await h.publish('pile-1', 'telemetry', pileReading(T0 + MIN, 1, [80]))
    const [a] = h.engine.store.list({ limit: 10 })
    expect(h.commands).toMatchObject([{ name: 'stop_port', args: { port: 1 }, alertId: a!.id }])
    await until(() => commandSteps(a!.id).length === 1, 'command recorded')
    expect(commandSteps(a!.id)[0]!.detail).toMatchObject({ name: 'stop_port', result: { ok: true } })
  })
})
