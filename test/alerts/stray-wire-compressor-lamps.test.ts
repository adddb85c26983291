// One of the circuit's compressors and LED banks it has not learned yet, found together as a heater goes off
// (alerts/stray-wire-known-loads.ts compressorWithLamps): the banks' harmonic current is a rectifier's share
// of the two's watts, the fridge's lagging current shows over the dehumidifier's, and what is left beside the
// fridge is smaller than any charger.
import { describe, expect, it } from 'vitest'
import { chargerSession } from '../../simulators/physics/charger.ts'
import {
  charger,
  circuitSeries,
  knowing,
  learnedSignature,
  local,
  MIN,
  raises,
  run,
  spans,
} from './stray-wire-support.ts'

describe('a fridge starting under a heater at dusk, as two banks of LED lights come on', () => {
  // development scenario 100 of circuit-mixed-stray, 01-06: a dehumidifier (275 W, PF 0.82) all evening; two
  // banks of low-PF LED lights (40 W and 36 W) at 17:17 and 17:18:30, minutes before a 1.2 kW heater comes on
  // (17:19–17:36); the circuit's fridge (118 W, PF 0.65) starts under it at 17:27. The banks switch off
  // at dawn in pieces, so the circuit had not learned them. Readings average 3 instants a minute.
  const t0 = local('2026-01-06T16:30:00')
  const loads = [
    spans('dehumidifier', t0, 275, 0.82, 12, [[0, 180]]),
    spans('led-bank', t0, 40, 0.55, 120, [[47, 180]]),
    spans('led-bank', t0, 36, 0.55, 120, [[48.5, 180]]),
    spans('electric-heater', t0, 1200, 1, 2, [[49, 66]]),
    spans('fridge', t0, 118, 0.65, 15, [[57, 180]]),
  ]
  const known = () =>
    knowing(
      learnedSignature({ id: 'fridge', levelW: 118, harmonicRatio: 0.22, reactiveRatio: 1.19, count: 30 }),
      learnedSignature({
        id: 'dehumidifier',
        levelW: 276,
        harmonicRatio: 0.13,
        reactiveRatio: 0.71,
        count: 11,
      }),
    )
  const series = (extra: typeof loads = []) =>
    circuitSeries([...loads, ...extra], { fromMs: t0, minutes: 180, samples: 3 })

  it('raises nothing when the heater goes off', () => {
    expect(raises(run(series(), undefined, false, known()))).toEqual([])
  })

  it('still raises a rectifier charger plugged in under the heater beside the fridge', () => {
    const plugged = local('2026-01-06T17:24:30')
    const raised = raises(
      run(series([chargerSession(charger(plugged, { ccPowerW: 150 }))]), undefined, false, known()),
    )
    expect(raised).toHaveLength(1)
    expect(raised[0]!.ts - plugged).toBeLessThanOrEqual(30 * MIN)
  })
})
