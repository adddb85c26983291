// A charger plugged into a nearly full pack starts part-way down its constant-voltage taper: no plateau,
// its draw falls from its first minute. The detector asked a charger's level to hold (four steady pairs),
// so a lithium top-up (falling 4–12 % a minute) never confirmed, and once it fell under the least step a
// charger makes its readings no longer counted as the charger's: such sessions went unraised.
import { describe, expect, it } from 'vitest'
import { slidesAsTaper } from '../../alerts/stray-wire-evidence.ts'
import { chargerSession, maybeTopUp } from '../../simulators/physics/charger.ts'
import {
  charger,
  circuitSeries,
  local,
  MIN,
  pfcCharger,
  raisedOnceWithin,
  run,
  spans,
} from './stray-wire-support.ts'

const T0 = local('2026-01-05T18:00:00')
const plugged = T0 + 60 * MIN + 30_000
/** Every session a top-up, starting at `draw` × its CC level's end. */
const topUp = (draw: number) => ({ share: 1, startDraw: [draw, draw] as const, floatMin: [60, 60] as const })
/** Corridor lights on all evening. */
const lights = () => spans('lights', T0, 24, 0.93, 18, [[0, 24 * 60]])

describe('slidesAsTaper', () => {
  it('takes a fall minute after minute by a taper’s share, not lamps going off as steps, a level held, or noise', () => {
    // a lithium taper at ~8 % a minute, and a slow one at 3 %
    expect(slidesAsTaper([285, 263, 229, 200, 185])).toBe(true)
    expect(slidesAsTaper([150, 145.5, 141, 137, 132.8])).toBe(true)
    // two banks of lamps off a minute apart over a held level: the level holds between them
    expect(slidesAsTaper([250, 250, 220, 220, 190])).toBe(false)
    // a plateau with the meter's ripple
    expect(slidesAsTaper([200, 198, 197, 196, 195.5])).toBe(false)
    // a step of a third at once is a load leaving, not a taper
    expect(slidesAsTaper([300, 290, 190, 180, 170])).toBe(false)
    // too few readings
    expect(slidesAsTaper([300, 270, 240])).toBe(false)
  })
})

describe('a charger topping up a nearly full pack', () => {
  it('is raised where the meter shows PF and THD: an active-PFC lithium charger falling 11 % a minute from 240 W', () => {
    const p = maybeTopUp(
      pfcCharger(plugged, 260, { ccMin: 200, taperMin: 20, totalMin: 400, xCapVar: 8 }),
      topUp(0.9),
    )
    expect(p.startPhaseMin).toBeGreaterThan(200)
    const bike = chargerSession(p)
    const r = run(circuitSeries([lights(), bike], { fromMs: T0, minutes: 180 }))
    const raise = raisedOnceWithin(r, plugged, 12)
    // the alert says why: it fell as a taper does, with no plateau
    if (raise.kind !== 'raise') throw new Error('a raise')
    expect(raise.evidence?.taper).toBe('tapering')
    expect(raise.evidence?.why[1]).toMatch(/falling minute after minute from \d+ to \d+ W in \d+ min/)
  })

  it('is raised where the meter shows PF and THD: a rectifier lithium charger down from 180 W', () => {
    const p = maybeTopUp(
      charger(plugged, {
        chemistry: 'lithium',
        ccPowerW: 220,
        ccRise: 0.05,
        ccMin: 200,
        taperMin: 18,
        totalMin: 400,
        floatW: 0,
      }),
      topUp(0.8),
    )
    const r = run(circuitSeries([lights(), chargerSession(p)], { fromMs: T0, minutes: 180 }))
    raisedOnceWithin(r, plugged, 12)
  })

  it('is raised on a watts-only meter: a lead-acid pack topped up from 70 % of its CC draw', () => {
    const p = maybeTopUp(charger(plugged, { ccPowerW: 240, taperMin: 60 }), topUp(0.7))
    const r = run(circuitSeries([lights(), chargerSession(p)], { fromMs: T0, minutes: 240, waveform: false }))
    raisedOnceWithin(r, plugged, 15)
  })

  it('is raised on a watts-only meter: a lithium pack falling 11 % a minute from 210 W', () => {
    const p = maybeTopUp(
      charger(plugged, {
        chemistry: 'lithium',
        ccPowerW: 240,
        ccRise: 0.03,
        ccMin: 200,
        taperMin: 20,
        floatW: 0,
      }),
      topUp(0.85),
    )
    const r = run(circuitSeries([lights(), chargerSession(p)], { fromMs: T0, minutes: 240, waveform: false }))
    raisedOnceWithin(r, plugged, 12)
  })
})
