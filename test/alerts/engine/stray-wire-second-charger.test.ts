// A second charger plugged in while a stray_wire_charging alert is open, through the real engine: the
// detector raises it again with its own onset (alerts/stray-wire-second-step.ts); the crew must hear of
// it, and the alert's text must speak of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { evaluateDevice, evaluateOffline } from '../../../alerts/rules/index.ts'
import { defaultResolveSettings } from '../../../alerts/settings.ts'
import { type EngineHarness, startEngineHarness } from './harness.ts'

const MIN = 60_000
/** 2026-01-05 19:00 at UTC+8 (the catalogue's default offset): evening. */
const EVENING = Date.UTC(2026, 0, 5, 11, 0, 0)
let h: EngineHarness
let seq = 0

/** A reading whose real, harmonic and reactive parts are these (PF and THD as a meter reports them). */
function reading(ts: number, powerW: number, harmonicVA: number, reactiveVA: number) {
  const s1 = Math.hypot(powerW, reactiveVA)
  const thd = harmonicVA / s1
  const pf = powerW / (s1 * Math.sqrt(1 + thd * thd))
  return {
    ts,
    seq: seq++,
    kind: 'circuit-monitor',
    circuit: 'B3-stairwell',
    voltageV: 228,
    currentA: powerW / 228 / pf,
    powerW,
    powerFactor: pf,
    currentThdPct: thd * 100,
  }
}

/** The corridor's lamps (20 W), a first charger (160 W) from minute 5, a second (200 W) from minute 40. */
async function feed(minutes: number) {
  for (let k = 0; k < minutes; k++) {
    const first = k >= 5 ? 1 : 0
    const second = k >= 40 ? 1 : 0
    h.clock.now = EVENING + k * MIN + 1000
    await h.append(
      'circuit-1',
      'telemetry',
      reading(
        EVENING + k * MIN,
        20 + first * 160 * (1 + 0.005 * Math.sin(k)) + second * 200,
        5 + first * 160 + second * 220,
        5 + first * 100 + second * 120,
      ),
    )
  }
  await h.drained()
}

beforeAll(async () => {
  h = await startEngineHarness({
    rules: { evaluateDevice, evaluateOffline, resolveSettings: defaultResolveSettings },
  })
  await h.registry.provisionDevice({
    id: 'circuit-1',
    kind: 'circuit-monitor',
    siteId: 'shed-a',
    reportIntervalS: 60,
  })
})
afterAll(async () => {
  await h?.close()
})

describe('a second charger plugged in under an open stray-wire alert', () => {
  it('reaches the crew as a change they are paged for, with its own onset in the message', async () => {
    await feed(70)
    const stray = h.changes.filter((c) => c.alert.type === 'stray_wire_charging')
    // the first charger, raised once
    expect(stray[0]?.transition.kind).toBe('raised')
    expect(stray[0]?.alert.message).toMatch(/since 19:05/)
    // the second one: a transition the notifier pages for (notify/notifier.ts: a repeat is quiet)
    const after = stray.slice(1)
    expect(after.map((c) => c.transition.kind)).toContainEqual(
      expect.stringMatching(/^(raised|severity_changed)$/),
    )
    // the first load is still there: nothing may tell the crew it has gone
    for (const c of after) expect(c.transition.note ?? '').not.toMatch(/gone/)
    const last = after[after.length - 1]!
    expect(last.alert.message).toMatch(/since 19:40/)
    expect(last.alert.evidence?.stepW).toBeGreaterThan(190)
  })
})
