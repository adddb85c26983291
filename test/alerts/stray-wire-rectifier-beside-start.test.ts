// One of the circuit's compressors starting in plain view with a rectifier charger plugged in the same
// minute (alerts/stray-wire-known-loads.ts chargerBesideStartInView): the compressor's learned watts,
// harmonic and reactive current go to the background, and the rest, a charger's watts with a rectifier's
// harmonic share, is followed as a candidate.
import { describe, expect, it } from 'vitest'
import { initialCircuitNormal } from '../../alerts/stray-wire-circuit-normal.ts'
import { chargerBesideStartInView } from '../../alerts/stray-wire-known-loads.ts'
import { DEFAULT_STRAY_WIRE_PARAMS } from '../../alerts/stray-wire-types.ts'
import { learnedSignature } from './stray-wire-support.ts'

describe('a compressor and a rectifier charger starting in the same minute', () => {
  // development circuit-compressor-stray#115@02-04T22:41: a 135 W lead-acid charger and the 296 W
  // dehumidifier, one 435 W step of 185 harmonic VA and 195 var over 67 W of lamps
  const n = {
    ...initialCircuitNormal(),
    signatures: [
      learnedSignature({
        id: 'f',
        levelW: 101,
        harmonicRatio: 0.09,
        reactiveRatio: 0.74,
        reactiveRuns: 49,
        count: 52,
      }),
      learnedSignature({
        id: 'd',
        levelW: 303,
        harmonicRatio: 0.16,
        reactiveRatio: 0.64,
        reactiveRuns: 14,
        count: 16,
      }),
    ],
  }
  const before = { w: 67, h: 14.8, q: 8 }
  const step = (h: number, q: number, plain: boolean) =>
    chargerBesideStartInView(n, { w: 435, h, q, before }, DEFAULT_STRAY_WIRE_PARAMS, 0, plain)

  it('leaves the rest as a candidate, the dehumidifier in the background', () => {
    expect(step(184.6, 195, true)?.w).toBe(303)
  })
  // (what the step may be else, a smaller compressor and an active-PFC rest, is judged as before)
  it('not where the step lacks the compressor’s reactive current (lamps over LED drivers)', () => {
    expect(step(184.6, 150, true)?.w).not.toBe(303)
  })
  it('not where the rest carries no rectifier’s harmonic share', () => {
    expect(step(90, 195, true)?.w).not.toBe(303)
  })
  it('not right after a heater or cleaner', () => {
    expect(step(184.6, 195, false)?.w).not.toBe(303)
  })
})
