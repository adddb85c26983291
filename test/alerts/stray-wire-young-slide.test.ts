// A top-up whose candidate began a little over the least step and falls under it by its next reading, on
// meters that report PF and THD: its readings, falling a taper's share a minute with a rectifier's harmonic
// current, are the charger's slide from its second reading on.
import { describe, expect, it } from 'vitest'
import { continuesTaper } from '../../alerts/stray-wire-evidence.ts'
import { type Candidate, DEFAULT_STRAY_WIRE_PARAMS } from '../../alerts/stray-wire-types.ts'
import { runScenario } from '../../eval/stray-wire/evaluate.ts'
import { buildScenario } from '../../eval/stray-wire/families.ts'
import { DEV_RANGES } from '../../eval/stray-wire/scenario.ts'
import { local, MIN, rectifierCandidate } from './stray-wire-support.ts'

/** A rectifier's candidate of one reading, 86 W (a lithium top-up just over the 85 W least step). */
const oneReading = (): Candidate => rectifierCandidate(86)

const params = DEFAULT_STRAY_WIRE_PARAMS

describe("a young candidate's slide under the least step", () => {
  it('goes on with a reading 3 % lower carrying a rectifier’s harmonic current', () => {
    expect(continuesTaper(oneReading(), { cls: 'other', excessW: 83.5, excessVA: 97 }, params)).toBe(true)
  })

  it('goes on over three readings whose falls are uneven by the meter’s ripple', () => {
    const cand = { ...oneReading(), chargerReadings: 2, readings: 2, recentW: [86.3, 83.5] }
    expect(continuesTaper(cand, { cls: 'other', excessW: 78, excessVA: 90 }, params)).toBe(true)
  })

  it('does not go on at a motor’s waveform (little harmonic current)', () => {
    expect(continuesTaper(oneReading(), { cls: 'other', excessW: 83.5, excessVA: 10 }, params)).toBe(false)
  })

  it('does not go on with a reading that holds the level, or one that falls past a taper’s fastest', () => {
    expect(continuesTaper(oneReading(), { cls: 'other', excessW: 85.5, excessVA: 97 }, params)).toBe(false)
    expect(continuesTaper(oneReading(), { cls: 'other', excessW: 60, excessVA: 70 }, params)).toBe(false)
  })

  it('does not take one reading for a slide on watts alone (no waveform to say it is a charger)', () => {
    expect(continuesTaper(oneReading(), { cls: 'other', excessW: 83.5, excessVA: null }, params)).toBe(false)
  })

  // development scenario 134 of circuit-under-load: a lithium top-up plugged in at 18:44 under a 1.5 kW
  // heater, seen at 86 W when the heater went off at 18:47, then 83, 78, 77, 72 W: each under the least
  // step, none was counted, and the heater coming back at 18:53 dropped the candidate on its motor-like
  // readings. Missed
  it('raises the top-up of circuit-under-load 134 between its heater’s runs', () => {
    const sc = buildScenario('circuit-under-load', 134, 3, DEV_RANGES)
    const session = sc.sessions.find((x) => Math.abs(x.startTs - local('2026-01-07T18:44:00')) <= 2 * MIN)
    expect(session, 'the evening session of the scenario').toBeDefined()
    const r = runScenario(sc, params)
    expect(r.missedAt).not.toContain(session!.startTs)
  })
})
