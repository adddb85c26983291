// LED banks at dusk come on bank by bank: a small first bank that held before the second came on is
// background by then (its harmonic current says it is a rectifier's, its two readings that it stood), so
// the second bank's step is measured over it, not over a background still a fraction of the way there.
import { describe, expect, it } from 'vitest'
import { circuitSeries, local, MIN, raises, run, spans } from './stray-wire-support.ts'

const T0 = local('2026-01-11T17:00:00')

// a fridge's steady hum as the background (76 W, PF 0.63), then a 29 W bank of cheap LED fittings at
// 17:45 and a 79 W one at 17:47 (PF 0.57, THD 135 %): 108 W of lights, each bank under a charger's least step
const loads = [
  spans('fridge', T0, 76, 0.63, 17, [[0, 180]]),
  spans('bank-1', T0, 29, 0.57, 135, [[45, 180]]),
  spans('bank-2', T0, 79, 0.57, 135, [[47, 180]]),
]

describe('LED banks coming on bank by bank at dusk', () => {
  it('takes a first bank that held into the background, and raises nothing on the second', () => {
    const r = run(circuitSeries(loads, { fromMs: T0, minutes: 180 }))
    expect(raises(r)).toEqual([])
  })

  it('still raises a charger plugged in two minutes after the first bank', () => {
    const charger = spans('charger', T0, 160, 0.62, 95, [[47, 180]])
    const r = run(circuitSeries([...loads.slice(0, 2), charger], { fromMs: T0, minutes: 180 }))
    expect(raises(r).length).toBe(1)
    expect(raises(r)[0]!.onsetTs).toBe(T0 + 47 * MIN)
  })
})
