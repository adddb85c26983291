import { afterEach, describe, expect, it } from 'vitest'
import type { EvaluateDevice, RuleSignal } from '../../../alerts/types.ts'
import { type EngineHarness, pileReading, type Rules, startEngineHarness, T0, testRules } from './harness.ts'
import { testEvaluateDevice } from './test-rules.ts'

const MIN = 60_000
let h: EngineHarness
afterEach(async () => {
  await h.close()
})

const open = () => h.engine.store.list({ limit: 100 })

/** Will-driven offline: `offline` raises device_offline, only `online` clears it; telemetry as usual. */
const willRules: Rules = {
  ...testRules,
  evaluateDevice: ((state, input) => {
    const { msg } = input
    if (msg.type === 'status') {
      const s: RuleSignal = msg.online
        ? { action: 'clear', type: 'device_offline', at: input.arrivalMs }
        : { action: 'raise', type: 'device_offline', severity: 'major', at: input.arrivalMs, message: 'Will' }
      return { state, signals: [s] }
    }
    return testEvaluateDevice({ ...state, offline: false }, input)
  }) satisfies EvaluateDevice,
}

describe('offline detection and inhibition', () => {
  it('raises one device_offline for a silent shed on tick(now), not before 3 report intervals, and clears it on the next message', async () => {
    h = await startEngineHarness()
    h.clock.now = T0
    await h.publish('pile-1', 'telemetry', pileReading(T0, 0, [20, 20, 20, 20]))
    h.engine.tick(T0 + 2 * MIN)
    expect(open()).toHaveLength(0)
    h.engine.tick(T0 + 3 * MIN)
    h.engine.tick(T0 + 4 * MIN)
    const alerts = open()
    expect(alerts).toHaveLength(1)
    expect(alerts[0]).toMatchObject({ type: 'device_offline', severity: 'major', raisedAt: T0 + 3 * MIN })
    expect(alerts[0]).not.toHaveProperty('port')
    h.clock.now = T0 + 10 * MIN
    await h.publish('pile-1', 'telemetry', pileReading(T0 + 10 * MIN, 1, [20, 20, 20, 20]))
    expect(open()).toHaveLength(0)
    expect(h.changes.map((c) => c.transition.kind)).toEqual(['raised', 'cleared'])
  })

  it('holds back port alerts while the pile is offline and raises them when it comes back if still true', async () => {
    h = await startEngineHarness({ rules: willRules })
    h.clock.now = T0
    await h.publish('pile-1', 'status', 'offline')
    await h.publish('pile-1', 'telemetry', pileReading(T0 + MIN, 1, [70, 70]))
    await h.publish('pile-1', 'telemetry', pileReading(T0 + 2 * MIN, 2, [70, 70]))
    expect(open().map((a) => a.type)).toEqual(['device_offline'])
    // port 2 recovers while offline: its held alert is dropped
    await h.publish('pile-1', 'telemetry', pileReading(T0 + 3 * MIN, 3, [70, 40]))
    h.clock.now = T0 + 4 * MIN
    await h.publish('pile-1', 'status', 'online')
    const alerts = open()
    expect(alerts).toHaveLength(1)
    expect(alerts[0]).toMatchObject({ type: 'port_overheat', port: 1, raisedAt: T0 + 2 * MIN, lastValue: 70 })
    expect(h.changes.map((c) => `${c.alert.type}:${c.transition.kind}`)).toEqual([
      'device_offline:raised',
      'device_offline:cleared',
      'port_overheat:raised',
    ])
  })

  it('keeps held port alerts across a restart', async () => {
    h = await startEngineHarness({ rules: willRules })
    await h.publish('pile-2', 'status', 'offline')
    await h.publish('pile-2', 'telemetry', pileReading(T0, 1, [20, 20, 80]))
    await h.publish('pile-2', 'telemetry', pileReading(T0 + MIN, 2, [20, 20, 80]))
    await h.restart()
    await h.publish('pile-2', 'status', 'online')
    expect(open()).toMatchObject([
      { type: 'port_overheat', port: 3, severity: 'critical', raisedAt: T0 + MIN },
    ])
  })
})
