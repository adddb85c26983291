// Small top-ups followed through what the meters do between readings: a shed's residual dipping by a port's
// step that the ports' meters saw a minute before the feeder's, readings missed, readings more often than a
// minute. Each is a fact of the meters, not of the loads: the slide beneath is the same.
import { describe, expect, it } from 'vitest'
import { DEFAULT_STRAY_WIRE_PARAMS, type StrayWireInput } from '../../alerts/stray-wire-types.ts'
import { local, MIN, raises, run } from './stray-wire-support.ts'

const T0 = local('2026-01-05T22:00:00')

/** A deterministic ripple of ±`share` (a charger's ±1.5 %, the meters' timing), by minute. */
const ripple = (m: number, share: number) => 1 + share * Math.sin(m * 2.3 + 0.7)

describe('a small top-up in a shed whose step lands right after the residual dipped', () => {
  it('is followed from the level before the dip and raised as it slides', () => {
    // a port charger of 200 W starts at minute 60: the ports' meters saw it in minute 59, the feeder's
    // in minute 60, so the residual (feeder less ports) dips by it for a reading. A lithium top-up of 75 W
    // (under the least step a charger makes in CC) is plugged into a shed socket in minute 60, falling 4 %
    // a minute. Measured over the dip the step was no level; measured over the reading after it, the step
    // had already come
    const inputs: StrayWireInput[] = []
    for (let m = 0; m < 120; m++) {
      const ports = 150 + (m >= 59 ? 200 : 0)
      const portsInFeeder = 150 + (m >= 60 ? 200 : 0)
      const topUp = m >= 60 ? 75 * 0.96 ** (m - 60) * ripple(m, 0.01) : 0
      const residual = 15 * ripple(m * 7, 0.05) + topUp
      inputs.push({
        source: 'shed',
        ts: T0 + m * MIN,
        feederPowerW: portsInFeeder + residual,
        portsPowerW: ports,
      })
    }
    const r = run(inputs, DEFAULT_STRAY_WIRE_PARAMS)
    const raised = raises(r)
    expect(raised).toHaveLength(1)
    expect(raised[0]!.ts - (T0 + 60 * MIN)).toBeLessThanOrEqual(15 * MIN)
  })

  it('is raised the same without the dip (the control)', () => {
    const inputs: StrayWireInput[] = []
    for (let m = 0; m < 120; m++) {
      const ports = 150 + (m >= 60 ? 200 : 0)
      const topUp = m >= 60 ? 75 * 0.96 ** (m - 60) * ripple(m, 0.01) : 0
      const residual = 15 * ripple(m * 7, 0.05) + topUp
      inputs.push({ source: 'shed', ts: T0 + m * MIN, feederPowerW: ports + residual, portsPowerW: ports })
    }
    const r = run(inputs, DEFAULT_STRAY_WIRE_PARAMS)
    expect(raises(r)).toHaveLength(1)
  })
})
