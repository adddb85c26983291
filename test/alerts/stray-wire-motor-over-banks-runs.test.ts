// A learned dehumidifier's own runs over cheap LED banks whose leading current cancels part of its lag
// (review49): shortOfMotorOverBanks must never hold on them. The most a run's own reactive VA can read
// over the banks (|Q| now plus the background's) is its own lag, whatever the banks lead by, so only a
// motor whose lag per W fell to half what was learned could read short. These circuits carry no charger:
// any raise after the days the circuit learned its dehumidifier is false. The humid day is the guard on
// the rule's "half": at 0.8 of the learned share it raises seed 4's runs, at 0.9 every seed's.
import { describe, expect, it } from 'vitest'
import type { LoadModel, LoadSample } from '../../simulators/physics/load-model.ts'
import { OFF } from '../../simulators/physics/load-model.ts'
import { circuitSeries, cyclingCompressor, local, MIN, raises, run } from './stray-wire-support.ts'

const DAYS = 5
const LEARNING_DAYS = 2
const t0 = local('2026-01-10T00:00:00')
const DAY = 1440 * MIN
const minuteOfDay = (t: number) => Math.floor((t - t0) / MIN) % 1440
const isOn = (m: LoadModel, t: number) => m.at(t).powerW > 0

/** A bank of cheap LED fittings lit from `fromMin` of each evening to 06:00. */
const bank = (name: string, w: number, pf: number, thd: number, fromMin: number): LoadModel => ({
  name,
  at: (t) => {
    const m = minuteOfDay(t)
    return m >= fromMin || m < 360 ? { powerW: w, powerFactor: pf, thdPct: thd } : OFF
  },
})
/** Two banks at dusk: 75 W at PF 0.55-0.6, THD 110-120 % (about 42 var leading). */
const banks = () => [bank('bank-1', 40, 0.55, 120, 1080), bank('bank-2', 35, 0.6, 110, 1081)]

/** The dehumidifier (224 W, PF 0.78: learned at 0.78 var per W) cycling all along. */
const dehumidifier = (seed: number) =>
  cyclingCompressor('dehumidifier', t0 - 600 * MIN, t0 + DAYS * DAY, 224, seed, { powerFactor: 0.78 })

/** From `fromDay` on, a humid spell: the motor draws `wK` times its watts at `pf` (less lag per W). */
const humid = (c: LoadModel, fromDay: number, wK: number, pf: number): LoadModel => ({
  name: c.name,
  at(t): LoadSample {
    const s = c.at(t)
    return s.powerW > 0 && t >= t0 + fromDay * DAY ? { ...s, powerW: s.powerW * wK, powerFactor: pf } : s
  },
})

/** A third bank (45 W, PF 0.5, THD 90 %: 49 var leading) switched on with each evening's first run. */
function bankWithFirstEveningRun(c: LoadModel): LoadModel {
  const starts: number[] = []
  for (let t = t0; t < t0 + DAYS * DAY; t += MIN) if (isOn(c, t) && !isOn(c, t - MIN)) starts.push(t)
  return {
    name: 'bank-3',
    at(t) {
      const d0 = t0 + Math.floor((t - t0) / DAY) * DAY
      const s = starts.find((x) => x >= d0 + 19 * 60 * MIN && x < d0 + 23 * 60 * MIN)
      return s !== undefined && t >= s ? { powerW: 45, powerFactor: 0.5, thdPct: 90 } : OFF
    },
  }
}

function falseRaises(loads: LoadModel[], gaps?: (m: number) => boolean): string[] {
  const inputs = circuitSeries(loads, { fromMs: t0, minutes: DAYS * 1440, gaps })
  return raises(run(inputs))
    .filter((r) => r.ts >= t0 + LEARNING_DAYS * DAY)
    .map((r) => new Date(r.ts + 8 * 3600e3).toISOString().slice(5, 16))
}

const SEEDS = [2, 3, 4, 5, 6]

describe('a learned dehumidifier running over leading LED banks is not raised', () => {
  it.each(SEEDS)(
    'on a humid day, an eighth more watts at PF 0.86 (0.57 var per W against 0.78 learned), seed %i',
    (seed) => {
      // its lag per W under three quarters of what was learned: over the banks it reads no less than its own
      expect(falseRaises([...banks(), humid(dehumidifier(seed), 3, 1.12, 0.86)])).toEqual([])
    },
  )

  it.each(SEEDS)('with a third bank switched on in the minute of its first evening run, seed %i', (seed) => {
    // the new bank's lead cancels part of the run's lag in the same reading: its harmonic current gives it back
    const c = dehumidifier(seed)
    expect(falseRaises([...banks(), c, bankWithFirstEveningRun(c)])).toEqual([])
  })

  it.each(SEEDS)('with the meter silent for the minutes around each of its starts, seed %i', (seed) => {
    const c = dehumidifier(seed)
    const startsNear = (t: number) =>
      [-2, -1, 0, 1, 2].some((k) => isOn(c, t + (k + 1) * MIN) && !isOn(c, t + k * MIN))
    expect(falseRaises([...banks(), c], (m) => startsNear(t0 + m * MIN))).toEqual([])
  })
})
