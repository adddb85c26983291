// A load raised under an open alert must carry its level: a crew's "not charging" teaches the detector
// that level (alerts/stray-wire-feedback.ts refuses an alert without one), and the raise's own checks
// against the circuit's lights need it. Before, a step in harmonic current that arrived under a heater
// or cleaner while an alert was open was raised once the big load went off with a level of 0 W when its
// watts did not show over the reading before the big load came on: LED banks switching on at dusk as
// the fridge stopped under the heater (+106 VA, -6 W), and, on an averaging meter, a charger measured
// over the cleaner's partial first minute (development-range circuit-mixed-stray 3027, 3142, 3240).
import { describe, expect, it } from 'vitest'
import { taughtSignature } from '../../alerts/stray-wire-feedback.ts'
import { DEFAULT_STRAY_WIRE_PARAMS, type StrayWireVerdict } from '../../alerts/stray-wire-types.ts'
import { replay, runScenario } from '../../eval/stray-wire/evaluate.ts'
import { buildScenario } from '../../eval/stray-wire/families.ts'
import { DEV_CC_RANGES } from '../../eval/stray-wire/scenario.ts'
import { chargerSession } from '../../simulators/physics/charger.ts'
import { electricHeater } from '../../simulators/physics/loads.ts'
import { charger, circuitSeries, local, MIN, raises, run, spans } from './stray-wire-support.ts'

const T0 = local('2026-01-05T17:00:00')
/** The open alert's charger: plugged in at 17:20, in CC all evening (200 W, PF 0.6, THD 90 %). */
const bike = () =>
  chargerSession(charger(T0 + 20 * MIN + 30_000, { ccMin: 300, taperMin: 60, totalMin: 400 }))
/** A 1.18 kW heater 18:10–18:34, over the alert. */
const heater = () =>
  electricHeater({
    startMs: T0 + 70 * MIN,
    durationMin: 24,
    onMin: 24,
    offMin: 60,
    phaseMin: 0,
    powerW: 1180,
    seed: 5,
  })

/** A crew answering the raise "not charging" can be heard: it has a level to teach. */
function expectLevel(v: StrayWireVerdict): void {
  if (v.kind !== 'raise') return
  expect(v.powerW).toBeGreaterThan(0)
  expect(v.evidence.levelW).toBeGreaterThan(0)
  const from = {
    alertId: 'a',
    deviceId: 'd',
    raisedAt: v.ts,
    evidence: { ...v.evidence },
    lastValue: v.powerW,
  }
  expect(() => taughtSignature(from, 'lights', v.ts + 30 * MIN, 480)).not.toThrow()
}

describe('a load that arrives under a heater beside an open alert', () => {
  it('is not raised without a level: LED banks on under the heater as a fridge of their size stopped', () => {
    // a 98 W fridge (PF 0.65) runs until 18:28; LED banks (89 W, PF 0.54, THD 110 %) switch on at 18:20
    const fridge = spans('fridge', T0, 98, 0.65, 12, [[0, 88]])
    const banks = spans('led-banks', T0, 89, 0.54, 110, [[80, 600]])
    const r = run(circuitSeries([bike(), heater(), fridge, banks], { fromMs: T0, minutes: 4 * 60 }))
    expect(raises(r)).toHaveLength(1)
    for (const v of raises(r)) expectLevel(v)
  })

  it('still raises a fridge-sized charger plugged in under the heater beside the alert, with its level', () => {
    const second = chargerSession(
      charger(T0 + 79 * MIN + 10_000, { ccPowerW: 120, chemistry: 'lithium', seed: 9 }),
    )
    const r = run(circuitSeries([bike(), heater(), second], { fromMs: T0, minutes: 4 * 60 }))
    const raised = raises(r)
    expect(raised).toHaveLength(2)
    const again = raised[1]!
    if (again.kind !== 'raise') throw new Error('not a raise')
    expect(again.evidence.levelW).toBeGreaterThan(90)
  })
})

describe('raises under an open alert on development-range circuits with PF and THD (evaluation scenarios)', () => {
  it('each carry the level of their load', () => {
    for (const seed of [3027, 3142, 3240]) {
      const sc = buildScenario('circuit-mixed-stray', seed, 3, DEV_CC_RANGES)
      for (const { result } of replay(sc, DEFAULT_STRAY_WIRE_PARAMS))
        if (result.verdict) expectLevel(result.verdict)
    }
  })

  it('raise a charger plugged in under a cleaner, measured over the circuit before the cleaner’s partial minute', () => {
    // circuit-mixed-stray 3240 (averaging meter): a 225 W lead-acid charger plugged in under a cleaner
    // beside an alert open since dusk, while the fridge and the LED banks went off under it
    const r = runScenario(
      buildScenario('circuit-mixed-stray', 3240, 3, DEV_CC_RANGES),
      DEFAULT_STRAY_WIRE_PARAMS,
    )
    expect(r.detected).toBe(r.sessions)
  })
})
