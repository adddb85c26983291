// The taper rule (a top-up slides from its first minute) took a lamp going off beside a load for a taper:
// on a watts-only meter a motion light or one LED bank leaving is one fall of 10–20 %, and the meter's
// ripple can make the minutes beside it fall by a watt or so too, so five readings "each fell" by a
// taper's average share. A taper's falls are all of a size and go on to its last reading; a lamp's step is
// one fall and the level holds after it.
import { describe, expect, it } from 'vitest'
import { slidesAsTaper } from '../../alerts/stray-wire-evidence.ts'
import { DEFAULT_STRAY_WIRE_PARAMS } from '../../alerts/stray-wire-types.ts'
import { replay } from '../../eval/stray-wire/evaluate.ts'
import { buildScenario } from '../../eval/stray-wire/families.ts'
import { DEV_RANGES } from '../../eval/stray-wire/scenario.ts'
import { local, MIN } from './stray-wire-support.ts'

describe('slidesAsTaper', () => {
  it('takes no lamp stepping off a held level for a taper, wherever the step falls among the readings', () => {
    // a dehumidifier with a 44 W motion light that goes off (circuit-mixed-basic 24, watts only)
    expect(slidesAsTaper([332, 333.5, 329.9, 289.3, 288.4, 288])).toBe(false)
    // a fridge with a motion light off (circuit-mixed-basic 139) and a motion light off a compressor's
    // run (circuit-unplugged-early-basic 1): the step first, then the meter's ripple
    expect(slidesAsTaper([132, 132, 106, 105, 104, 103])).toBe(false)
    expect(slidesAsTaper([344, 342, 294, 293, 292.5])).toBe(false)
    // the step last but one: the level held before it
    expect(slidesAsTaper([138, 142.2, 141.9, 140, 114, 112])).toBe(false)
    // a load's first partial minute, its whole step, then a light off and the level held
    expect(slidesAsTaper([224, 296, 268, 259, 249, 248])).toBe(false)
  })

  it('still takes a top-up’s taper, fast or slow, with the meter’s ripple on it', () => {
    // development top-ups raised by their taper (circuit-stray 21, stray-basic 102, pfc-stray 41)
    expect(slidesAsTaper([132, 123, 114, 103, 95])).toBe(true)
    expect(slidesAsTaper([135, 126, 115, 102, 95])).toBe(true)
    expect(slidesAsTaper([246, 246, 209, 191, 179, 163, 148])).toBe(true)
    // a slow taper with uneven falls (circuit-stray 37)
    expect(slidesAsTaper([219, 210, 203, 193, 192, 182, 176])).toBe(true)
  })
})

describe('a watts-only mixed circuit (evaluation scenario)', () => {
  it('raises nothing when a motion light goes off beside the dehumidifier’s run', () => {
    // circuit-mixed-basic 24, 01-12 22:02: the dehumidifier (290 W) and a motion light (44 W) come on
    // together, the light goes off five minutes on; the taper rule raised it at 22:08
    const sc = buildScenario('circuit-mixed-basic', 24, 3, DEV_RANGES)
    const from = local('2026-01-12T21:50:00')
    const until = from + 60 * MIN
    const raised: number[] = []
    for (const { t, result } of replay(sc, DEFAULT_STRAY_WIRE_PARAMS))
      if (t >= from && t < until && result.verdict?.kind === 'raise') raised.push(t)
    expect(raised).toEqual([])
  })
})
