// What shows of a charger hidden under a big load (alerts/stray-wire-evidence.ts hiddenChargerShows), on
// the figures a PF+THD meter gives: a candidate's harmonic current, the big load's waveform measured on it
// alone, and the background under both. Two of its guards decide between a charger kept and one dropped,
// and nothing else tells them apart in a whole day's readings:
// - the big load is taken for a motor (its share of harmonic current held and taken off) only where it drew
//   a motor's lagging current as well: a heater with a charger under it that was never seen alone carries
//   the charger's harmonic current in its "own" waveform, and taking that share off hides the charger;
// - a candidate must look like a rectifier over the whole reading too, not only over its background: a
//   background too low by a load gone under the motor (a compressor's run ended) makes a partial minute of
//   the motor look distorted over it.
import { describe, expect, it } from 'vitest'
import type { Classified } from '../../alerts/stray-wire-classify.ts'
import { hiddenChargerShows } from '../../alerts/stray-wire-evidence.ts'
import type { Candidate } from '../../alerts/stray-wire-types.ts'

const MIN = 60_000
const T = Date.UTC(2026, 0, 27, 13, 0)

/** A candidate followed for a few readings: `w` watts with `h` harmonic VA, seen without the big load. */
const candidate = (w: number, h: number): Candidate => ({
  onsetTs: T - 5 * MIN,
  firstTs: T - 5 * MIN,
  chargerReadings: 4,
  readings: 4,
  quietRun: 0,
  minW: w,
  maxW: w,
  harmonicVA: h,
  motorReadings: 0,
  bigReadings: 0,
  hiddenReadings: 0,
  recentW: [w, w, w, w],
})

/** A reading of the big load over the background, with the candidate's watts and harmonic VA in it. */
const reading = (w: number, h: number): Classified => ({ cls: 'big', excessW: w, excessVA: h })

describe('hiddenChargerShows: a big load taken for a motor only where it drew a motor’s lagging current', () => {
  // a 1 kW heater ran with a 250 W charger under it before the charger was ever seen alone: the waveform
  // measured "on the heater alone" is the two together, 200 VA of the charger's harmonic current over
  // 1,250 W (0.16 VA per W, a motor's share by harmonic current alone) and next to no reactive current
  const charger = candidate(250, 200)
  const heaterWithCharger = { hPerW: 200 / 1250, qPerW: 0.02, n: 4, lastTs: T - MIN }
  // 50 W of lights under both, 5 VA of harmonic current
  const [bgW, bgH] = [50, 5]
  // the heater on again over the charger: 1,250 W, the charger's 200 VA and the element's 4 % of 1 kW
  const now = reading(1250, 200 + 0.04 * 1000)

  it('keeps the charger: the heater’s share of harmonic current is an element’s, not the share measured with the charger in it', () => {
    expect(hiddenChargerShows(charger, now, heaterWithCharger, bgW, bgH)).toBe(true)
  })

  it('takes a motor’s share off where the big load drew a motor’s lagging current, and the charger still shows beside it', () => {
    // a cleaner's motor: 0.3 VA per W of its own harmonic current and 0.7 var per W, 1 kW of it
    const motor = { hPerW: 0.3, qPerW: 0.7, n: 4, lastTs: T - MIN }
    const rectifier = candidate(250, 200)
    expect(hiddenChargerShows(rectifier, reading(1250, 200 + 0.3 * 1000), motor, bgW, bgH)).toBe(true)
    // with the motor's share not taken off, the same reading would be read as 500 VA for the candidate's
    // 200: the motor's own current, not the charger, and the charger would not show
    expect(hiddenChargerShows(rectifier, reading(1250, 200 + 0.3 * 1000), undefined, bgW, bgH)).toBe(false)
  })
})

describe('hiddenChargerShows: a rectifier over the whole reading, not only over its background', () => {
  // a cleaner's motor (0.3 VA per W, 0.7 var per W) runs on; the candidate stands at 200 W with 150 VA of
  // harmonic current over its background (0.75 VA per W: a rectifier's)
  const motor = { hPerW: 0.3, qPerW: 0.7, n: 4, lastTs: T - MIN }
  const cand = candidate(200, 150)
  const now = reading(1200, 150 + 0.3 * 1000)

  it('keeps it where the background under it is small and undistorted: a charger beside the motor', () => {
    expect(hiddenChargerShows(cand, now, motor, 50, 5)).toBe(true)
  })

  it('drops it where the whole reading is no rectifier’s: a background a stopped compressor left too low', () => {
    // 400 W of background with 20 VA: over the whole reading the candidate is (150 + 20) / (200 + 400),
    // 0.28 VA per W, a motor's own partial minute over a background the compressor's run should have left
    expect(hiddenChargerShows(cand, now, motor, 400, 20)).toBe(false)
  })
})
