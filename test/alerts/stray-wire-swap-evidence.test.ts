// A charger taken for two of the circuit's compressors swapping (one starting as the other stopped), or for
// a compressor learned from one run, where the meter reports PF and THD (alerts/stray-wire-known-loads.ts
// explainedByKnownLoads, alerts/stray-wire-circuit-normal.ts matchSignature). A swap moves the circuit's
// harmonic current by at least 0.8 of the started motor's less the stopped one's, and its reactive current
// by the difference of the two motors' own; an active-PFC charger of the difference's watts carries less
// of both. A one-run "compressor" that showed no motor may have been an active-PFC charger unplugged early.
import { describe, expect, it } from 'vitest'
import { initialCircuitNormal, matchSignature } from '../../alerts/stray-wire-circuit-normal.ts'
import { detectStrayWire } from '../../alerts/stray-wire-detector.ts'
import { explainedByKnownLoads } from '../../alerts/stray-wire-known-loads.ts'
import {
  DEFAULT_STRAY_WIRE_PARAMS,
  initialStrayWireState,
  type StrayWireInput,
  type StrayWireState,
} from '../../alerts/stray-wire-types.ts'
import { learnedSignature, MIN } from './stray-wire-support.ts'

const knowingOnly = (...signatures: ReturnType<typeof learnedSignature>[]) => ({
  ...initialCircuitNormal(),
  signatures,
})

describe('a swap of two learned compressors', () => {
  // development circuit-unplugged-early#48@01-21T21:40: a 140 W active-PFC charger beside LED banks read
  // 6.5 VA of harmonic current, taken for the 278 W dehumidifier starting as the 146 W fridge stopped
  const dehumidifier = learnedSignature({ id: 'd', levelW: 278, harmonicRatio: 0.2, count: 10 })
  const fridge = learnedSignature({ id: 'f', levelW: 146, harmonicRatio: 0.14, count: 33 })
  const n = knowingOnly(dehumidifier, fridge)
  it('is none where the step carries less harmonic current than the started motor adds, past the meter’s noise', () => {
    expect(explainedByKnownLoads(n, 139.4, 6.5, 244, { arrivedTs: 0, noiseH: 4 })).toBe(false)
    // a real swap: 0.8 to all of the dehumidifier's 55.6 VA, less the fridge's 20.4
    expect(explainedByKnownLoads(n, 134, 30, 244, { arrivedTs: 0, noiseH: 4 })).toBe(true)
    // on a noisy meter the same shortfall is noise
    expect(explainedByKnownLoads(n, 139.4, 6.5, 244, { arrivedTs: 0, noiseH: 8 })).toBe(true)
  })

  // development circuit-unplugged-early#147@01-26T16:20: a 166 W active-PFC charger found as a heater went
  // off, its harmonic VA the difference's of the 254 W dehumidifier and the 86 W fridge, but |Q| unmoved
  const dehum = learnedSignature({
    id: 'd',
    levelW: 254,
    harmonicRatio: 0.12,
    reactiveRatio: 0.85,
    reactiveRuns: 3,
    count: 6,
  })
  const small = learnedSignature({
    id: 'f',
    levelW: 86,
    harmonicRatio: 0.14,
    reactiveRatio: 0.96,
    reactiveRuns: 16,
    count: 21,
  })
  const m = knowingOnly(dehum, small)
  it('is none where the reactive current did not move by the two motors’ difference', () => {
    expect(explainedByKnownLoads(m, 166.4, 18.2, 289, { arrivedTs: 0, swapQ: -4 })).toBe(false)
    expect(explainedByKnownLoads(m, 166.4, 18.2, 289, { arrivedTs: 0, swapQ: 133 })).toBe(true)
  })
})

describe('a compressor learned from one run, with PF and THD', () => {
  // development circuit-unplugged-early#24@01-31T06:06: a 137 W "compressor" learned from one run at 0.08 VA
  // of harmonic current per W, no motor's reactive current read: the resident's active-PFC charger
  const once = learnedSignature({ id: 'once', levelW: 137, harmonicRatio: 0.08, count: 1, lastTs: 0 })
  it('stands for an active-PFC-shaped load only once it ran again', () => {
    const later = 8 * 60 * MIN
    expect(matchSignature(knowingOnly(once), later, 139.6, 0.068, 480)).toBeUndefined()
    // back within a compressor's off time: its second run
    expect(matchSignature(knowingOnly(once), 60 * MIN, 139.6, 0.068, 480)?.id).toBe('once')
  })
  it('stands at once where its run showed a motor', () => {
    const motor = { ...once, reactiveRatio: 0.7, reactiveRuns: 1 }
    expect(matchSignature(knowingOnly(motor), 8 * 60 * MIN, 139.6, 0.068, 480)?.id).toBe('once')
  })
})

describe('the meter’s harmonic noise a swap is judged against', () => {
  // a 300 W load held all along, its THD reading 10 or 11 % minute to minute (about 3 VA of harmonic current)
  const t0 = Date.UTC(2026, 0, 20, 12)
  const reading = (min: number, thdPct: number): StrayWireInput => ({
    source: 'circuit',
    ts: t0 + min * MIN,
    powerW: 300,
    powerFactor: 0.95,
    currentThdPct: thdPct,
  })
  let quiet: StrayWireState = initialStrayWireState()
  for (let m = 0; m < 40; m++) quiet = detectStrayWire(quiet, reading(m, m % 2 ? 11 : 10)).state
  const learned = quiet.harmonicNoise!
  it('is learned from readings in a row where the watts held', () => {
    expect(learned.n).toBe(30)
    expect(learned.va).toBeGreaterThan(1)
    expect(learned.va).toBeLessThan(6)
  })
  it('moves with the next reading in a row', () => {
    expect(detectStrayWire(quiet, reading(40, 30)).state.harmonicNoise!.va).toBeGreaterThan(learned.va)
  })
  it('takes no move across a silence of the meter longer than a gap it bridges', () => {
    const gap = DEFAULT_STRAY_WIRE_PARAMS.maxGapMin + 10
    expect(detectStrayWire(quiet, reading(39 + gap, 30)).state.harmonicNoise).toEqual(learned)
  })
})
