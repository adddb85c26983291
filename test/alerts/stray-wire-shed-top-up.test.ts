// A charger topping up a nearly full pack in a shed, off the ports: the shed's residual (feeder less the
// ports' meters) steps by 70–110 W and slides down as its taper does. A step under the least a charger
// makes in constant current was no candidate, one over it fell under it within minutes, and the follower of
// small steps that slide was for circuits only, its tests (every minute falling, no rise past the ripple)
// too tight for a residual that moves by the feeder's and ports' meters averaging their own minutes.
// Development shed-stray#17 (107 W falling to 33 W in 15 min) and #115 (a slow lead-acid top-up of 77 W)
// went unraised.
import { describe, expect, it } from 'vitest'
import { DEFAULT_STRAY_WIRE_PARAMS } from '../../alerts/stray-wire-types.ts'
import { runScenario } from '../../eval/stray-wire/evaluate.ts'
import { buildScenario } from '../../eval/stray-wire/families.ts'
import { DEV_RANGES } from '../../eval/stray-wire/scenario.ts'
import { local, MIN } from './stray-wire-support.ts'

/** When the session begun at `startIso` (site time) was raised, minutes after it began (null: missed). */
function raisedAfter(family: string, seed: number, startIso: string): number | null {
  const r = runScenario(buildScenario(family, seed, 3, DEV_RANGES), DEFAULT_STRAY_WIRE_PARAMS)
  const start = local(startIso)
  const i = r.sessionStarts.findIndex((t) => Math.abs(t - start) < MIN)
  if (i < 0) throw new Error(`no session at ${startIso}`)
  const ts = r.detectedTs[i]
  return ts === null || ts === undefined ? null : (ts - r.sessionStarts[i]!) / MIN
}

describe('a charger topping up a nearly full pack in a shed, off the ports', () => {
  it('is raised as the residual slides, through the meters’ noise: 107 W falling a third in 15 min', () => {
    const min = raisedAfter('shed-stray', 17, '2026-01-13T22:00:00')
    expect(min).not.toBeNull()
    expect(min!).toBeLessThanOrEqual(16)
  })

  it('is raised, if late, when it slides slowly (a lead-acid top-up from 77 W)', () => {
    expect(raisedAfter('shed-stray', 115, '2026-01-09T22:01:00')).not.toBeNull()
  })

  it('raises nothing on busy sheds and sheds with a cleaner and a heater', () => {
    for (const family of ['shed-busy', 'shed-cleaning-heater'])
      for (const seed of [1, 2, 3, 4, 5, 6]) {
        const r = runScenario(buildScenario(family, seed, 3, DEV_RANGES), DEFAULT_STRAY_WIRE_PARAMS)
        expect(r.falseAt, `${family}#${seed}`).toEqual([])
      }
  })
})
