import { afterEach, describe, expect, it } from 'vitest'
import { evaluateDevice, evaluateOffline } from '../../../alerts/rules/index.ts'
import { defaultResolveSettings } from '../../../alerts/settings.ts'
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
    // judged on the wall clock once the engine has found the spool's end (until then, at what it read)
    await h.tickUntil(T0 + 3 * MIN, () => open().length > 0, 'the offline check, caught up')
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

  const catalogue: Rules = { evaluateDevice, evaluateOffline, resolveSettings: defaultResolveSettings }

  it('does not count the service’s own downtime as the fleet’s silence', async () => {
    h = await startEngineHarness({ rules: catalogue })
    h.clock.now = T0
    await h.publish('pile-1', 'telemetry', pileReading(T0, 0, [20]))
    await h.append('pile-1', 'status', 'offline') // the Will aedes published as the service stopped
    await h.drained()
    // down for 10 minutes: 3 report intervals and the Will's 2-minute hold long past on the wall clock
    h.clock.now = T0 + 10 * MIN
    await h.restart()
    await h.drained()
    h.engine.tick()
    expect(open()).toEqual([])
    // the pile gets its full timeout from the restart; silent through it, it is offline
    h.engine.tick(T0 + 11 * MIN + 59_000)
    expect(open()).toEqual([])
    // (once the engine has read to the end of the spool: until then it judges no later than its start)
    await h.tickUntil(T0 + 12 * MIN, () => open().length > 0, 'the offline check, caught up')
    expect(open()).toMatchObject([{ type: 'device_offline', raisedAt: T0 + 12 * MIN }])
  })

  it('judges silence only as far as it has read the spool', async () => {
    h = await startEngineHarness({ rules: catalogue })
    h.clock.now = T0
    await h.publish('pile-1', 'telemetry', pileReading(T0, 0, [20]))
    await h.restart()
    // a backlog the engine has not read yet: the pile spoke every minute for 10 minutes
    for (let i = 1; i <= 10; i++) {
      h.clock.now = T0 + i * MIN
      await h.append('pile-1', 'telemetry', pileReading(T0 + i * MIN, i, [20]))
    }
    // the engine starts now and has read none of it when the offline check runs
    await h.restart()
    h.engine.tick(T0 + 14 * MIN)
    expect(open()).toEqual([])
    // read to the end, it knows the pile last spoke at +10 min: offline from +13
    await h.tickUntil(T0 + 14 * MIN, () => open().length > 0, 'the offline check, caught up')
    expect(open()).toMatchObject([{ type: 'device_offline', raisedAt: T0 + 13 * MIN }])
  })
})
