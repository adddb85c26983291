// A charger plugged in under a cleaner, beside a dehumidifier that started a minute before the cleaner came
// on, where the meter reports PF and THD. When the cleaner goes off, the dehumidifier and the charger
// together stand past a charger's largest over the background (which never took the dehumidifier in), yet
// short of any heater or cleaner, and the circuit fell by the cleaner's whole watts to get there: the big
// load left (alerts/stray-wire-swaps.ts bigLoadLeft). The charger is the step over the reading before the
// cleaner came on. Development circuit-mixed-stray 56@01-30: a 296 W dehumidifier and a 162 W charger
// after a cleaner, read as the cleaner still running for 2½ h, never raised.
import { describe, expect, it } from 'vitest'
import { chargerSession } from '../../simulators/physics/charger.ts'
import { cleaningMachine } from '../../simulators/physics/loads.ts'
import { charger, circuitSeries, local, MIN, raises, run, spans } from './stray-wire-support.ts'

describe('a charger that came on under a cleaner beside a compressor that started just before it', () => {
  const t0 = local('2026-01-30T20:00:00')
  const plugged = t0 + 74 * MIN
  // LED banks and a lamp since dusk; the dehumidifier from 21:08, the cleaner 21:10–21:27
  const loads = (second: 'charger' | 'fridge' | 'none') => [
    spans('led-banks', t0, 110, 0.58, 130, [[0, 240]]),
    spans('lights-dusk-to-dawn', t0, 37, 0.95, 20, [[0, 240]]),
    spans('dehumidifier', t0, 296, 0.78, 12, [[68, 240]]),
    cleaningMachine({
      startMs: t0 + 70 * MIN,
      durationMin: 17,
      powerW: 1050,
      powerFactor: 0.9,
      thdPct: 30,
      seed: 7,
    }),
    ...(second === 'charger'
      ? [chargerSession(charger(plugged, { ccPowerW: 160, powerFactor: 0.74, thdPct: 85 }))]
      : second === 'fridge'
        ? [spans('fridge', t0, 170, 0.7, 15, [[74, 240]])]
        : []),
  ]

  it('is raised, under the cleaner by its harmonic step over the motor’s share, or once the cleaner went off', () => {
    const raised = raises(run(circuitSeries(loads('charger'), { fromMs: t0, minutes: 240 })))
    expect(raised).toHaveLength(1)
    // the cleaner ran without a pause: its step in harmonic current over the motor's own share
    // (stray-wire-cleaner-step.ts) finds it before the cleaner went off at 21:27
    expect(raised[0]!.ts).toBeGreaterThan(plugged)
    expect(raised[0]!.ts - plugged).toBeLessThanOrEqual(30 * MIN)
  })

  it('raises nothing when a fridge, not a charger, started beside the dehumidifier under the cleaner', () => {
    // the two motors together pass a charger's largest as well; their step carries no rectifier's current
    expect(raises(run(circuitSeries(loads('fridge'), { fromMs: t0, minutes: 240 })))).toEqual([])
    expect(raises(run(circuitSeries(loads('none'), { fromMs: t0, minutes: 240 })))).toEqual([])
  })
})
