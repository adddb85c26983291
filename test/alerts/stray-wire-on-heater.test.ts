// A rectifier charger plugged in under a heater that runs on: its step shows on top of the element's
// steady watts, its harmonic current beside the element's little, so it is raised under the heater and not
// only once the heater goes off (alerts/stray-wire-detector.ts, chargerStepOnHeater). Development
// circuit-under-load 4@01-19: a 186 W lithium charger under a 2 kW heater was raised after 66 min, at the
// heater's third pause.
import { describe, expect, it } from 'vitest'
import { chargerSession } from '../../simulators/physics/charger.ts'
import { charger, circuitSeries, local, MIN, raises, run, spans } from './stray-wire-support.ts'

describe('a rectifier charger plugged in under a heater that runs on', () => {
  // a 2 kW heater on from 20:10 for two hours without a pause; readings average 3 instants a minute
  const t0 = local('2026-01-19T20:00:00')
  const heater = spans('electric-heater', t0, 2000, 1, 2, [[10, 130]])
  const series = (extra: Parameters<typeof circuitSeries>[0]) =>
    circuitSeries([heater, ...extra], { fromMs: t0, minutes: 150, samples: 3 })
  const plugged = local('2026-01-19T20:30:20')
  const bike = chargerSession(charger(plugged, { chemistry: 'lithium', ccPowerW: 186, ccRise: 0.02 }))

  it('is raised under the heater, minutes after its step, with the onset of its step', () => {
    const raised = raises(run(series([bike])))
    expect(raised).toHaveLength(1)
    // the heater runs till 22:10: found by its step on it, not by what it left when the heater went off
    expect(raised[0]!.ts - plugged).toBeLessThanOrEqual(12 * MIN)
    expect(Math.abs(raised[0]!.onsetTs - plugged)).toBeLessThanOrEqual(2 * MIN)
    expect(raised[0]!.evidence?.harmonicPerW).toBeGreaterThan(0.5)
    // its watts were seen once, at its step, and its harmonic current since: no plateau is claimed, and
    // the heater running over it is said
    const evidence = raised[0]!.evidence!
    expect(evidence.onHeaterW).toBeGreaterThan(1900)
    expect(evidence.why.join('; ')).toMatch(/on top of a heater of \d+ W that still runs/)
    expect(evidence.why.join('; ')).not.toMatch(/flat at/)
  })

  it('is judged as under any big load once that heater went off and another of other watts came on', () => {
    // the 2 kW heater off at 20:33, a 1.2 kW one on from 20:35: the charger stood in plain view between
    const first = spans('electric-heater', t0, 2000, 1, 2, [[10, 33]])
    const second = spans('electric-heater', t0, 1200, 1, 2, [[35.01, 120]])
    const r = run(circuitSeries([first, second, bike], { fromMs: t0, minutes: 150, samples: 3 }))
    const raised = raises(r)
    expect(raised).toHaveLength(1)
    // not only once the second heater goes off at 22:00
    expect(raised[0]!.ts - plugged).toBeLessThanOrEqual(20 * MIN)
    expect(raised[0]!.evidence?.onHeaterW).toBeUndefined()
  })

  it('raises the same where the state is read back from JSON at every reading (a restart)', () => {
    expect(raises(run(series([bike]), undefined, true))).toEqual(raises(run(series([bike]))))
  })

  it('raises nothing when a fridge of a charger’s size starts under the heater instead', () => {
    const fridge = spans('fridge', t0, 150, 0.72, 12, [[30.3, 70]])
    expect(raises(run(series([fridge])))).toEqual([])
  })

  it('raises nothing when a cleaner a charger’s watts bigger takes over from the heater in the same minute', () => {
    // development circuit-mixed-quiet 87@01-16: the cleaner's harmonic current is five times its step's
    // watts, more than any charger carries; it pauses a minute, then works on
    const cleaner = spans('cleaning-machine', t0, 1488, 0.86, 42, [
      [60, 61],
      [62, 90],
    ])
    const shortHeater = spans('electric-heater', t0, 1395, 1, 2, [[10, 60]])
    const dehumidifier = spans('dehumidifier', t0, 234, 0.79, 18, [[0, 150]])
    const r = run(circuitSeries([dehumidifier, shortHeater, cleaner], { fromMs: t0, minutes: 150 }))
    expect(raises(r)).toEqual([])
  })

  it('raises nothing for the same heater without the charger', () => {
    expect(raises(run(series([])))).toEqual([])
  })
})
