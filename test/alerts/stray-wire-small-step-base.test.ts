// A small step is measured over one reading: its watts, harmonic and reactive VA are this reading's less
// the same loads, whether that reading is the one before (a step in one minute), the one before that (an
// averaging meter split the step over two), or the one before a shed residual's dip (a port's step the
// ports' meters saw a minute before the feeder's). Measured over two readings at once, the step's waveform
// would be reckoned over loads its watts were not.
import { describe, expect, it } from 'vitest'
import type { Observation } from '../../alerts/stray-wire-classify.ts'
import { followSmallStep } from '../../alerts/stray-wire-small-taper.ts'
import { DEFAULT_STRAY_WIRE_PARAMS, initialStrayWireState } from '../../alerts/stray-wire-types.ts'
import { local, MIN } from './stray-wire-support.ts'

const T0 = local('2026-01-05T22:00:00')

describe('a small step landing in the minute a shed residual came back from its dip', () => {
  it('takes its base watts, harmonic and reactive VA all from the reading before the dip', () => {
    // 15 W of electronics in the residual; a port charger's 200 W step reached the ports' meters a minute
    // before the feeder's, dipping the residual (watts and, were they metered, its harmonic and reactive
    // VA) by it; this minute a 75 W top-up came on in a shed socket. PF and THD of the residual are
    // hypothetical here (shed meters report watts alone today): the base must stay one reading's whatever
    // the meters report.
    const s = {
      ...initialStrayWireState(),
      prev2W: 15,
      prev2H: 4,
      prev2Q: 6,
      prevW: -185,
      prevH: -126,
      prevQ: -24,
      fallRun: 1,
      smallBefore: [15, 15.4, 14.8, 15.2, -185],
    }
    const obs: Observation = {
      source: 'shed',
      ts: T0 + 60 * MIN,
      unexplainedW: 90,
      harmonicVA: 4 + 60,
      reactiveVA: 6 + 8,
      toleranceW: 20,
      backgroundCapW: 60,
    }
    followSmallStep(s, obs, DEFAULT_STRAY_WIRE_PARAMS, 10, 1)
    expect(s.smallStep).toMatchObject({ baseW: 15, baseH: 4, baseQ: 6, w: [75] })
  })
})
