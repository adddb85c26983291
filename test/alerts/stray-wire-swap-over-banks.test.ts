// A learned dehumidifier running on over low-PF LED banks, no charger anywhere (review49). The banks lead,
// the motor lags: the two net to a few tens of var, and the meter's |Q| (PF in two decimals) swings from
// ~80 to 0 between two readings while the motor runs on. That fall is no motor leaving as an active-PFC
// charger of its watts arrived (pfcSwappedIn): the circuit never lagged for certain.
import { describe, expect, it } from 'vitest'
import type { LoadModel } from '../../simulators/physics/load-model.ts'
import { OFF } from '../../simulators/physics/load-model.ts'
import { circuitSeries, cyclingCompressor, local, MIN, raises, run } from './stray-wire-support.ts'

const DAYS = 5
const T0 = local('2026-01-10T00:00:00')
const minuteOfDay = (t: number) => ((((t - T0) / MIN) % 1440) + 1440) % 1440

/** A bank of LED fittings on from `fromMin` (local minute of day) to 06:00. */
const bank = (w: number, thdPct: number, fromMin: number): LoadModel => ({
  name: 'led-banks',
  at: (t) =>
    minuteOfDay(t) >= fromMin || minuteOfDay(t) < 6 * 60 ? { powerW: w, powerFactor: 0.5, thdPct } : OFF,
})

describe('a dehumidifier running on over three leading LED banks', () => {
  // three 45 W banks at PF 0.5 (~96-104 var leading together) and a 190 W dehumidifier at PF 0.8 (~142 var
  // lagging), learned on the first day; seed 3 was raised at 01-13T00:45, 01-13T20:41 and 01-14T02:20
  it('is not raised as an active-PFC charger swapped in for it after the learning day', () => {
    for (const seed of [1, 2, 3, 4]) {
      const loads = [
        bank(45, 150, 18 * 60),
        bank(45, 150, 18 * 60 + 1),
        bank(45, 90, 18 * 60 + 2),
        cyclingCompressor('dehumidifier', T0 - 600 * MIN, T0 + DAYS * 1440 * MIN, 190, seed, {
          powerFactor: 0.8,
        }),
      ]
      const r = run(circuitSeries(loads, { fromMs: T0, minutes: DAYS * 1440 }))
      const late = raises(r).filter((v) => v.ts >= T0 + 1440 * MIN)
      expect(late.map((v) => new Date(v.ts).toISOString())).toEqual([])
    }
  })
})
