// Watts only: a lithium charger with a CC plateau of four hours and more, then a CV phase of a few minutes
// and a cut-off (or unplugged flat, no tail at all), is as flat as lights for the evening and steps off as
// lights do. Learned as the circuit's lights from that one evening, the same charger plugged in at that
// hour the next evening was never raised. Lights come back every dusk at their level; a charger only after
// its pack was used: watts-only lights stand for a candidate once two evenings agree, or after one evening
// flat for longer than any charger's whole charge.
import { describe, expect, it } from 'vitest'
import {
  type CircuitNormal,
  endEpisode,
  followEpisode,
  initialCircuitNormal,
  matchSignature,
  startEpisode,
} from '../../alerts/stray-wire-circuit-normal.ts'
import { chargerSession } from '../../simulators/physics/charger.ts'
import type { LoadModel } from '../../simulators/physics/load-model.ts'
import { noiseAt } from '../../simulators/physics/random.ts'
import { charger, circuitSeries, eveningLights, local, MIN, raises, run } from './stray-wire-support.ts'

/** A full charge each evening: 19:00 plus `plugMin` the first, 19:00 plus `nextMin` the next. */
function twoEvenings(k: number, cc: { w: number; ccMin: number; cvMin: number; totalMin: number }) {
  const mk = (plug: number, seed: number) =>
    chargerSession(
      charger(plug, {
        chemistry: 'lithium',
        ccPowerW: cc.w,
        ccRise: 0.02 + 0.06 * noiseAt(k, 7),
        ccMin: cc.ccMin,
        taperMin: cc.cvMin,
        floatW: 0,
        totalMin: cc.totalMin,
        seed,
      }),
    )
  const from = local('2026-01-05T17:00:00')
  const first = mk(local('2026-01-05T19:00:00') + Math.round(20 * noiseAt(k, 3) - 10) * 60_000, 100 + k)
  const second = local('2026-01-06T19:00:00') + Math.round(20 * noiseAt(k, 4) - 10) * 60_000
  const next = mk(second, 200 + k)
  const both: LoadModel = {
    name: 'charger',
    at: (ts) => (first.at(ts).powerW > 0 ? first.at(ts) : next.at(ts)),
  }
  const r = run(circuitSeries([eveningLights(from), both], { fromMs: from, minutes: 1800, waveform: false }))
  return raises(r).filter((v) => v.ts >= second).length
}

describe('lithium chargers of a full charge each evening, the second evening (watts only)', () => {
  // 48 chargers: 130-200 W, 250-300 min of CC rising 2-8 %, CV 3-12 min, then cut off
  it('raises every second evening of chargers with a short CV phase', () => {
    const unraised: string[] = []
    for (let k = 0; k < 48; k++) {
      const p = {
        w: 130 + Math.round(70 * noiseAt(k, 1)),
        ccMin: 250 + Math.round(50 * noiseAt(k, 2)),
        cvMin: 3 + (k % 10),
        totalMin: 0,
      }
      p.totalMin = p.ccMin + p.cvMin + 30
      if (twoEvenings(k, p) !== 1) unraised.push(`${k}:${p.w}W/${p.ccMin}+${p.cvMin}`)
    }
    expect(unraised).toEqual([])
  }, 300_000)

  it('raises every second evening of chargers unplugged flat after four hours and more', () => {
    const unraised: string[] = []
    for (let k = 0; k < 16; k++) {
      const p = { w: 130 + Math.round(70 * noiseAt(k, 5)), ccMin: 330, cvMin: 10, totalMin: 0 }
      p.totalMin = 245 + Math.round(60 * noiseAt(k, 6))
      if (twoEvenings(100 + k, p) !== 1) unraised.push(`${k}:${p.w}W/${p.totalMin}`)
    }
    expect(unraised).toEqual([])
  }, 300_000)
})

describe('watts-only lights learned from their evenings', () => {
  /** An evening of 90 W banks from `onTs`, flat for `minutes` (a timer's 5 h), gone as a step, into `n`. */
  const evening = (n: CircuitNormal, onTs: number, minutes = 300) => {
    startEpisode(n, onTs, 90, null)
    for (let k = 1; k < minutes; k++) followEpisode(n, 90 + (k % 3) - 1, null)
    endEpisode(n, onTs + minutes * MIN, 480)
  }

  it('stand for a candidate at their hour once two evenings agreed, not after one', () => {
    const n = initialCircuitNormal()
    evening(n, local('2026-01-05T18:20:00'))
    expect(matchSignature(n, local('2026-01-06T18:24:00'), 90, null, 480)).toBeUndefined()
    evening(n, local('2026-01-06T18:31:00'))
    expect(matchSignature(n, local('2026-01-07T18:24:00'), 90, null, 480)?.kind).toBe('lights')
  })

  it('start afresh when the second evening came on hours from the first', () => {
    const n = initialCircuitNormal()
    evening(n, local('2026-01-05T18:20:00'))
    evening(n, local('2026-01-06T21:30:00'))
    expect(n.signatures.map((s) => s.count)).toEqual([1])
    expect(matchSignature(n, local('2026-01-07T21:32:00'), 90, null, 480)).toBeUndefined()
  })

  it('stand from one evening flat for longer than any charger’s whole charge (dusk to dawn)', () => {
    // 12 h: a lithium charge is 4-6 h, a lead-acid one 6-10 h with its taper in it
    const n = initialCircuitNormal()
    evening(n, local('2026-01-05T17:50:00'), 720)
    expect(matchSignature(n, local('2026-01-06T17:54:00'), 90, null, 480)?.kind).toBe('lights')
    const short = initialCircuitNormal()
    evening(short, local('2026-01-05T17:50:00'), 540)
    expect(matchSignature(short, local('2026-01-06T17:54:00'), 90, null, 480)).toBeUndefined()
  })
})
