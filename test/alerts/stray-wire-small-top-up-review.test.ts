// Review of the small-top-up follower: a step followed over the reading before it takes whatever the rest
// of the circuit does meanwhile for its own. A charger already tapering in the background (one the detector
// never raised: here it was on when the state began) makes any flat load stepping on beside it slide.
import { describe, expect, it } from 'vitest'
import { chargerSession, maybeTopUp } from '../../simulators/physics/charger.ts'
import { charger, circuitSeries, local, MIN, raises, run, spans } from './stray-wire-support.ts'

const T0 = local('2026-01-05T18:00:00')

describe('a flat load stepping on beside a charger already tapering in the background', () => {
  for (const waveform of [false, true]) {
    it(`is not raised as a small top-up (waveform ${waveform})`, () => {
      // a lithium charger plugged long before: by T0 it is 10 min into its 60 min taper, falling ~2 %/min
      const bg = chargerSession(
        charger(T0 - 70 * MIN, {
          chemistry: 'lithium',
          ccPowerW: 200,
          ccMin: 60,
          taperMin: 60,
          totalMin: 300,
        }),
      )
      // a 70 W lamp (or TV) on at minute 20 and held flat for hours
      const lamp = spans('lamp', T0, 70, 0.95, 20, [[20, 300]])
      const r = run(circuitSeries([bg, lamp], { fromMs: T0, minutes: 240, waveform }))
      expect(raises(r)).toHaveLength(0)
    })
  }
})

describe('the 6 h after an alert cleared', () => {
  it('still raises a second, small top-up after the first charger was unplugged and its alert cleared', () => {
    const lights = spans('lights', T0, 24, 0.93, 18, [[0, 24 * 60]])
    // a 200 W charger, unplugged after 90 min: raised, then cleared
    const first = chargerSession(charger(T0 + 30 * MIN + 30_000, { totalMin: 90 }))
    // an hour later a 120 W lead-acid charger topping up at 60 % of it (the commit's own first test)
    const plugged = T0 + 180 * MIN + 30_000
    const second = chargerSession(
      maybeTopUp(charger(plugged, { ccPowerW: 120, ccRise: 0.05, taperMin: 150, seed: 7 }), {
        share: 1,
        startDraw: [0.6, 0.6],
        floatMin: [60, 60],
      }),
    )
    const r = run(circuitSeries([lights, first, second], { fromMs: T0, minutes: 360 }))
    expect(raises(r).filter((v) => v.ts >= plugged)).toHaveLength(1)
  })
})
