// A top-up that starts a little over the least step a charger makes: a nearly full pack whose charger
// draws 120–140 W in constant current starts part-way down its taper at 90–100 W. On a watts-only meter the
// detector asked a load under 100 W (step and plateau) to be one of the circuit's before it could be raised,
// and a lithium top-up is under the least step by its third or fourth reading, before it has the readings a
// slide is judged by: such sessions went unraised (development circuit-stray-basic#103, #61,
// circuit-mixed-basic#41, #11).
import { describe, expect, it } from 'vitest'
import { fallsEveryMinute } from '../../alerts/stray-wire-evidence.ts'
import { chargerSession, maybeTopUp } from '../../simulators/physics/charger.ts'
import {
  charger,
  circuitSeries,
  local,
  MIN,
  raisedOnceWithin,
  raises,
  run,
  spans,
} from './stray-wire-support.ts'

const T0 = local('2026-01-05T18:00:00')
const plugged = T0 + 60 * MIN + 30_000
/** Every session a top-up, starting at `draw` × its CC level's end. */
const topUp = (draw: number) => ({ share: 1, startDraw: [draw, draw] as const, floatMin: [60, 60] as const })
/** Corridor lights on all evening. */
const lights = () => spans('lights', T0, 24, 0.93, 18, [[0, 24 * 60]])

describe('fallsEveryMinute', () => {
  it('takes a taper falling every minute, not a lamp going off over two readings beside a flat load', () => {
    expect(fallsEveryMinute([97, 93.6, 90.1, 86.2, 84.1])).toBe(true)
    expect(fallsEveryMinute([93.1, 86.4, 81.5])).toBe(false)
    expect(fallsEveryMinute([93.1, 86.4, 81.5], 3)).toBe(true)
    // a fridge with a motion lamp that went off, split over two readings by an averaging meter
    expect(fallsEveryMinute([92.5, 92.3, 84.3, 80.7, 80.3])).toBe(false)
    // LED banks settling with the meter's ripple
    expect(fallsEveryMinute([92.6, 87.4, 86.7, 84], 4)).toBe(false)
  })
})

describe('a charger topping up a nearly full pack from under 100 W', () => {
  it('is raised on a watts-only meter: a lead-acid charger of 130 W CC topped up from 95 W, sliding 3 % a minute', () => {
    const p = maybeTopUp(
      charger(plugged, { ccPowerW: 125, ccRise: 0.04, taperMin: 100, floatW: 8 }),
      topUp(0.73),
    )
    const bike = chargerSession(p)
    expect(bike.at(plugged + 2 * MIN).powerW).toBeGreaterThan(88)
    expect(bike.at(plugged + 2 * MIN).powerW).toBeLessThan(100)
    const r = run(circuitSeries([lights(), bike], { fromMs: T0, minutes: 240, waveform: false }))
    raisedOnceWithin(r, plugged, 15)
  })

  it('is raised on a watts-only meter: a lithium charger topped up from 100 W, under the least step by its third minute', () => {
    const p = maybeTopUp(
      charger(plugged, {
        chemistry: 'lithium',
        ccPowerW: 150,
        ccRise: 0.03,
        ccMin: 200,
        taperMin: 28,
        floatW: 0,
      }),
      topUp(0.7),
    )
    const bike = chargerSession(p)
    expect(bike.at(plugged + MIN).powerW).toBeGreaterThan(95)
    expect(bike.at(plugged + 3 * MIN).powerW).toBeLessThan(85)
    const r = run(circuitSeries([lights(), bike], { fromMs: T0, minutes: 240, waveform: false }))
    raisedOnceWithin(r, plugged, 15)
  })

  it('does not take an 80 W load with a lamp that came on with it and went off minutes later for one', () => {
    // a fridge's 80 W run (off after 40 min, as a step) and a 15 W motion lamp on beside it for 3 minutes
    const fridge = spans('fridge', T0, 80, 0.8, 15, [[61, 101]])
    const lamp = spans('lamp', T0, 15, 0.95, 10, [[61, 64]])
    const r = run(
      circuitSeries([lights(), fridge, lamp], { fromMs: T0, minutes: 180, waveform: false, samples: 6 }),
    )
    expect(raises(r)).toHaveLength(0)
  })
})
