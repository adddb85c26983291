// A charger taken for two of the circuit's compressors starting together, where the meter reports PF and
// THD (alerts/stray-wire-known-loads.ts explainedByKnownLoads). Two motors starting together draw the sum
// of their lagging magnetising currents and, mostly in phase, the sum of their harmonic currents; a
// compressor and an active-PFC charger of the other's watts carry next to none of the other's reactive VA.
import { describe, expect, it } from 'vitest'
import { initialCircuitNormal } from '../../alerts/stray-wire-circuit-normal.ts'
import { explainedByKnownLoads, mostVarPerW } from '../../alerts/stray-wire-known-loads.ts'
import type { Candidate } from '../../alerts/stray-wire-types.ts'
import { learnedSignature } from './stray-wire-support.ts'

const knowingOnly = (...signatures: ReturnType<typeof learnedSignature>[]) => ({
  ...initialCircuitNormal(),
  signatures,
})

describe('two learned compressors starting together', () => {
  // development circuit-mixed-stray#17@01-22T21:08: a 140 W active-PFC charger and the 265 W dehumidifier,
  // 405 W and 47.7 VA of harmonic current, at most 166 var of its own over LED banks, taken for the 126 W
  // fridge and the 272 W dehumidifier starting together (112 + 174 var as learned from their runs)
  const fridge = learnedSignature({
    id: 'f',
    levelW: 126,
    harmonicRatio: 0.19,
    reactiveRatio: 0.89,
    reactiveRuns: 31,
    count: 31,
  })
  const dehumidifier = learnedSignature({
    id: 'd',
    levelW: 272,
    harmonicRatio: 0.16,
    reactiveRatio: 0.64,
    reactiveRuns: 9,
    count: 9,
  })
  const n = knowingOnly(fridge, dehumidifier)
  const pair = (levelH: number, mostQ?: number, noiseH?: number) =>
    explainedByKnownLoads(n, 405.1, levelH, 95, { arrivedTs: 0, noiseH, mostQ })

  it('is none where the step carries less reactive VA than the two motors draw', () => {
    expect(pair(47.7, 166, 4.6)).toBe(false)
    // both motors: 286 var and more
    expect(pair(47.7, 290, 4.6)).toBe(true)
    // nothing read of its reactive current: judged by watts and harmonic VA as before
    expect(pair(47.7, undefined, 4.6)).toBe(true)
  })

  it('is none where the step carries less harmonic current than both add, past the meter’s noise', () => {
    // 0.8 of their 67.4 VA less three moves of 2 VA
    expect(pair(40, 290, 2)).toBe(false)
    // on a noisy meter the same shortfall is noise
    expect(pair(40, 290, 6)).toBe(true)
  })

  it('counts no reactive current for a learned load whose runs never showed a motor', () => {
    // development circuit-mixed-quiet#83@01-13T04:12: the 269 W dehumidifier with two motion lamps,
    // learned by their watts as a 77 W "compressor" of no reactive share, read at most 206 var
    const dehum = learnedSignature({
      id: 'd',
      levelW: 269,
      harmonicRatio: 0.22,
      reactiveRatio: 0.72,
      reactiveRuns: 2,
      count: 6,
    })
    const lamps = learnedSignature({ id: 'l', levelW: 77, harmonicRatio: 0.04, count: 5 })
    const m = knowingOnly(dehum, lamps)
    expect(explainedByKnownLoads(m, 335, 72.4, 80, { arrivedTs: 0, noiseH: 2.8, mostQ: 206 })).toBe(true)
  })
})

describe('the most reactive VA a candidate can draw', () => {
  const cand = (sums: Partial<Candidate>) => sums as Candidate
  it('is its own over a background that lagged, else the bound over LED banks, else unknown', () => {
    expect(mostVarPerW(cand({ netLagging: { w: 800, q: 80, n: 2 } }))).toBeCloseTo(0.1)
    expect(mostVarPerW(cand({ overLeading: { w: 2025, q: 830, n: 5 } }))).toBeCloseTo(0.41)
    // two readings over banks are too few for the meter's PF in two decimals
    expect(mostVarPerW(cand({ overLeading: { w: 800, q: 330, n: 2 } }))).toBeUndefined()
    // both read: the larger bound
    expect(
      mostVarPerW(cand({ netLagging: { w: 800, q: 80, n: 2 }, overLeading: { w: 1200, q: 600, n: 3 } })),
    ).toBeCloseTo(0.5)
  })
})
