// What is found as a heater or cleaner goes off, where the meter reports PF and THD, over a background
// that no longer holds: loads of the background that stopped under a cleaner still running
// (alerts/stray-wire-detector.ts stillTheBigLoad).
import { describe, expect, it } from 'vitest'
import { cleaningMachine } from '../../simulators/physics/loads.ts'
import { circuitSeries, local, MIN, raises, run, spans } from './stray-wire-support.ts'

describe('a cleaner still running after the compressors of the background stopped under it', () => {
  // development scenario 110 of circuit-mixed-stray, 01-29: lamps of 27 W, a dehumidifier (273 W, PF 0.8)
  // and a fridge (134 W, PF 0.7) running; a 1.1 kW cleaner (PF 0.82, THD 40 %) from 15:05 for 20 min; the
  // fridge stops at 15:13 and the dehumidifier at 15:14 under it. The background keeps them, 400 W too
  // high: over it the cleaner's harmonic share passes for two rectifier chargers (735 W).
  const t0 = local('2026-01-29T14:00:00')
  const loads = [
    spans('lights-always', t0, 27, 0.9, 20, [[0, 180]]),
    spans('dehumidifier', t0, 273, 0.8, 15, [[0, 74]]),
    spans('fridge', t0, 134, 0.7, 15, [[0, 73]]),
    cleaningMachine({
      startMs: t0 + 65 * MIN,
      durationMin: 20,
      powerW: 1100,
      powerFactor: 0.82,
      thdPct: 40,
      seed: 3,
    }),
  ]

  it('raises nothing', () => {
    expect(raises(run(circuitSeries(loads, { fromMs: t0, minutes: 180 })))).toEqual([])
  })
})
