// A charger topping up a nearly full pack starts part-way down its taper at 50–95 % of its CC draw: a small
// lead-acid charger (120–140 W) then steps by 60–85 W, under the least step a charger makes in constant
// current (85 W; 110 W undistorted), and was never a candidate. Such a step is followed to see whether it
// slides as a taper does; lamps, LED banks and compressors of its size do not.
import { describe, expect, it } from 'vitest'
import { chargerSession, maybeTopUp } from '../../simulators/physics/charger.ts'
import {
  charger,
  circuitSeries,
  cyclingCompressor,
  local,
  MIN,
  pfcCharger,
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

describe('a charger topping up a nearly full pack with a step under the least a charger makes', () => {
  it('is raised where the meter shows PF and THD: a 120 W lead-acid charger at 60 % of it, sliding slowly', () => {
    const p = maybeTopUp(charger(plugged, { ccPowerW: 120, ccRise: 0.05, taperMin: 150 }), topUp(0.6))
    const r = run(circuitSeries([lights(), chargerSession(p)], { fromMs: T0, minutes: 240 }))
    const raise = raisedOnceWithin(r, plugged, 25)
    if (raise.kind !== 'raise') throw new Error('a raise')
    expect(raise.evidence?.taper).toBe('tapering')
    expect(raise.evidence?.why[1]).toMatch(/falling minute after minute from \d+ to \d+ W/)
  })

  it('is raised where the meter shows PF and THD: an active-PFC lithium charger stepping by 95 W', () => {
    const p = maybeTopUp(pfcCharger(plugged, 150, { ccMin: 200, taperMin: 40, xCapVar: 6 }), topUp(0.62))
    const r = run(circuitSeries([lights(), chargerSession(p)], { fromMs: T0, minutes: 240 }))
    raisedOnceWithin(r, plugged, 20)
  })

  it('is raised on a watts-only meter: a lead-acid charger stepping by 70 W', () => {
    const p = maybeTopUp(charger(plugged, { ccPowerW: 130, ccRise: 0.05, taperMin: 100 }), topUp(0.55))
    const r = run(circuitSeries([lights(), chargerSession(p)], { fromMs: T0, minutes: 240, waveform: false }))
    raisedOnceWithin(r, plugged, 25)
  })

  it('does not take two LED banks at dusk, a lamp on for hours, or a fridge creeping up over its runs for one', () => {
    // two banks of 35 W a minute apart, then flat all night
    const banks = [0, 1].map((i) => spans(`bank-${i}`, T0, 35, 0.55, 120, [[30 + i, 12 * 60]]))
    const lamp = spans('lamp', T0, 60, 0.95, 20, [[200, 420]])
    // by watts alone a fridge over the least step is any load of a charger's size until its runs are
    // learned: the one here is under it, its runs as small as the steps followed for their slide
    for (const [waveform, fridgeW] of [
      [true, 110],
      [false, 75],
    ] as const) {
      const fridge = cyclingCompressor('fridge', T0, T0 + 12 * 60 * MIN, fridgeW, 3)
      const r = run(
        circuitSeries([lights(), ...banks, lamp, fridge], { fromMs: T0, minutes: 12 * 60, waveform }),
      )
      expect(raises(r)).toHaveLength(0)
    }
  })
})
