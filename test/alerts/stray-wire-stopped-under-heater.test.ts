// A compressor that stopped under a heater left its watts in the background; a rectifier charger plugged
// in under the same heater then stands under that stale background when the heater goes off, and was taken
// into it as the fall (development circuit-mixed-stray 104@01-31, 94@02-06). Its harmonic current arrived
// without its watts: with the learned compressor taken out of the background, it is a charger's step.
import { describe, expect, it } from 'vitest'
import {
  circuitSeries,
  knowing,
  learnedSignature,
  local,
  MIN,
  raises,
  run,
  spans,
} from './stray-wire-support.ts'

const T0 = local('2026-01-31T00:30:00')

// a dehumidifier (276 W, PF 0.8, THD 15 %) and corridor lamps (94 W of LED drivers) on from the first
// reading; a 1.28 kW heater 60-77, the dehumidifier stopping under it at 65
const before = [
  spans('lamps', T0, 94, 0.55, 110, [[0, 240]]),
  spans('dehumidifier', T0, 276, 0.8, 15, [[0, 65]]),
  spans('electric-heater', T0, 1280, 0.99, 3, [[60, 77]]),
]
// the circuit's own dehumidifier, learned from its runs on earlier days
const dehumidifier = learnedSignature({
  id: 'd',
  levelW: 276,
  harmonicRatio: 0.15,
  reactiveRatio: 0.74,
  count: 8,
})

describe('a compressor stopping under a heater', () => {
  it('raises a rectifier charger plugged in under the heater once the heater goes off', () => {
    const loads = [...before, spans('charger', T0, 155, 0.62, 95, [[70, 240]])]
    const r = run(circuitSeries(loads, { fromMs: T0, minutes: 240 }), undefined, false, knowing(dehumidifier))
    expect(raises(r)).toHaveLength(1)
    expect(raises(r)[0]!.ts).toBeLessThan(T0 + 100 * MIN)
  })

  it('raises nothing where no charger came: the background only falls by the compressor', () => {
    const r = run(
      circuitSeries(before, { fromMs: T0, minutes: 240 }),
      undefined,
      false,
      knowing(dehumidifier),
    )
    expect(raises(r)).toEqual([])
  })
})

describe('a fridge stopping under a heater as LED banks come on, the dehumidifier running on', () => {
  it('is not taken for the dehumidifier leaving as a charger came', () => {
    const fridge = learnedSignature({
      id: 'f',
      levelW: 120,
      harmonicRatio: 0.16,
      reactiveRatio: 1,
      count: 20,
    })
    const loads = [
      spans('dehumidifier', T0, 226, 0.8, 15, [[0, 240]]),
      spans('fridge', T0, 120, 0.7, 15, [[0, 66]]),
      spans('electric-heater', T0, 1600, 0.99, 3, [[60, 77]]),
      spans('led-banks', T0, 75, 0.5, 150, [[68, 240]]),
    ]
    const known = knowing({ ...dehumidifier, levelW: 226 }, fridge)
    const r = run(circuitSeries(loads, { fromMs: T0, minutes: 240 }), undefined, false, known)
    expect(raises(r)).toEqual([])
  })
})
