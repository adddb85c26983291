// A candidate dropped under a heater's element, on meters that report PF and THD: the background it stood
// on is kept as the level before the heater, and a charger under the heater is found when it goes off.
import { describe, expect, it } from 'vitest'
import { DEFAULT_STRAY_WIRE_PARAMS } from '../../alerts/stray-wire-types.ts'
import { runScenario } from '../../eval/stray-wire/evaluate.ts'
import { buildScenario } from '../../eval/stray-wire/families.ts'
import { DEV_RANGES } from '../../eval/stray-wire/scenario.ts'
import { local, MIN } from './stray-wire-support.ts'

describe('a charger plugged in with a heater that came on over a followed candidate', () => {
  // development scenario 109 of circuit-mixed-stray: a candidate (lamps and a motion light over the
  // dehumidifier) is followed from 19:18; at 19:46 a 179 W active-PFC charger is plugged in as a 1.1 kW
  // heater comes on. The heater's readings add 1 % of its watts in harmonic VA and a tenth in reactive VA,
  // an element's, and the candidate is dropped under it. With no level noted before the heater (a
  // candidate stood in it), the charger left standing at 19:58 was never seen to arrive and was missed
  it('finds the charger when the heater goes off', () => {
    const sc = buildScenario('circuit-mixed-stray', 109, 3, DEV_RANGES)
    const session = sc.sessions.find((x) => Math.abs(x.startTs - local('2026-01-08T19:45:00')) <= 2 * MIN)
    expect(session, 'the evening session of the scenario').toBeDefined()
    const r = runScenario(sc, DEFAULT_STRAY_WIRE_PARAMS)
    expect(r.missedAt).not.toContain(session!.startTs)
  })
})
