// A compressor that stopped under a heater while LED banks came on beside it: the banks' harmonic current
// arrived without watts (the fridge took them), which a charger swapped in for the dehumidifier would show
// too, but the circuit still lags by the dehumidifier's motor, which a rectifier charger cannot leave.
import { describe, expect, it } from 'vitest'
import { circuitSeries, local, MIN, raises, run, spans } from './stray-wire-support.ts'

const T0 = local('2026-01-09T16:30:00')

// a dehumidifier (280 W, PF 0.75) on from 16:40 and a fridge (127 W, PF 0.8) from 17:00, each stepping
// on in plain view; a 1.77 kW heater 17:56–18:07, going off in the minute the fridge stops, and two LED
// banks (75 W, PF 0.5, THD 150 %) coming on under it at 17:57
const loads = [
  spans('dehumidifier', T0, 280, 0.75, 18, [[10, 240]]),
  spans('fridge', T0, 127, 0.8, 15, [[30, 97]]),
  spans('electric-heater', T0, 1770, 0.99, 3, [[86, 97]]),
  spans('led-banks', T0, 75, 0.5, 150, [[87, 240]]),
]

describe('a fridge stopping under a heater as LED banks come on', () => {
  it('is not taken for the dehumidifier leaving as a charger came', () => {
    const r = run(circuitSeries(loads, { fromMs: T0, minutes: 240 }))
    expect(raises(r)).toEqual([])
  })

  it('still raises a charger plugged in under the heater as the dehumidifier stopped', () => {
    const swapped = [
      spans('dehumidifier', T0, 280, 0.82, 18, [[10, 92]]),
      spans('fridge', T0, 127, 0.6, 20, [[30, 240]]),
      spans('electric-heater', T0, 1770, 0.99, 3, [[86, 97]]),
      spans('charger', T0, 215, 0.62, 90, [[90, 240]]),
    ]
    const r = run(circuitSeries(swapped, { fromMs: T0, minutes: 240 }))
    expect(raises(r).length).toBe(1)
    expect(raises(r)[0]!.ts).toBeLessThan(T0 + 110 * MIN)
  })
})
