// An open top-up alert beside one of the circuit's learned compressors stopping, a lamp coming on the minute
// after (watts only): the stop is judged again from the lamp's rise, so a real unplug still clears the alert
// and a fridge that really stopped leaves it open while the charger draws. And a lithium charger with a short
// CV phase, found by a second read of these rules: it was learned as lights from one evening.
import { describe, expect, it } from 'vitest'
import { DEFAULT_STRAY_WIRE_PARAMS } from '../../alerts/stray-wire-detector.ts'
import { chargerSession, maybeTopUp } from '../../simulators/physics/charger.ts'
import type { LoadModel } from '../../simulators/physics/load-model.ts'
import {
  charger,
  circuitSeries,
  clears,
  eveningLights,
  everyTopUp,
  knowing,
  learnedSignature,
  local,
  MIN,
  raisedOnceWithin,
  raises,
  run,
  spans,
} from './stray-wire-support.ts'

const T0 = local('2026-01-05T18:00:00')

describe('a top-up unplugged at a running fridge’s watts, a lamp coming on the minute after (watts only)', () => {
  // a lithium top-up from 194 W, raised at minute 66 beside a 105 W fridge running to minute 160; unplugged
  // at minute 67 or 68 (its level 111 / 101 W: the fall is the fridge's watts and the taper's minute), a
  // 40 W lamp on from the next minute. The lamp's rise made the stop unjudgeable and it stood: the alert
  // followed the fridge and the lamp to the fridge's stop and cleared at minute 170
  it.each([[67], [68]])('clears within 12 min of the unplug at minute %i', (unplug) => {
    const plugged = T0 + 60 * MIN + 30_000
    const session = chargerSession(
      maybeTopUp(
        charger(plugged, {
          chemistry: 'lithium',
          ccPowerW: 230,
          ccRise: 0.03,
          ccMin: 200,
          taperMin: 25,
          floatW: 0,
        }),
        everyTopUp(0.85),
      ),
    )
    const unplugged: LoadModel = {
      name: 'charger',
      at: (ts) => (ts < T0 + unplug * MIN ? session.at(ts) : { powerW: 0, powerFactor: 1, thdPct: 0 }),
    }
    const fridge = spans('fridge', T0, 105, 0.7, 15, [[0, 160]])
    const lamp = spans('lamp', T0, 40, 0.9, 20, [[unplug + 1, 300]])
    const r = run(
      circuitSeries([eveningLights(T0), fridge, unplugged, lamp], {
        fromMs: T0,
        minutes: 240,
        waveform: false,
      }),
      DEFAULT_STRAY_WIRE_PARAMS,
      false,
      knowing(learnedSignature({ id: 'fridge', levelW: 105, count: 20 })),
    )
    raisedOnceWithin(r, plugged, 12)
    const cleared = clears(r)
    expect(cleared).toHaveLength(1)
    expect(cleared[0]!.ts - (T0 + unplug * MIN)).toBeLessThanOrEqual(12 * MIN)
  })
})

describe('the fridge truly stopping beside the alert’s slide, a lamp coming on the minute after (watts only)', () => {
  // as above, the charger left plugged in and the fridge ending its run at minute 67 or 68 instead: judged
  // again from the lamp's rise, the taper slides on beneath it, and the alert stays open while it draws
  it.each([[67], [68]])(
    'stays open until the charger stops drawing, the fridge stopping at minute %i',
    (stop) => {
      const plugged = T0 + 60 * MIN + 30_000
      const session = chargerSession(
        maybeTopUp(
          charger(plugged, {
            chemistry: 'lithium',
            ccPowerW: 230,
            ccRise: 0.03,
            ccMin: 200,
            taperMin: 25,
            floatW: 0,
          }),
          everyTopUp(0.85),
        ),
      )
      const fridge = spans('fridge', T0, 105, 0.7, 15, [[0, stop]])
      const lamp = spans('lamp', T0, 40, 0.9, 20, [[stop + 1, 300]])
      const r = run(
        circuitSeries([eveningLights(T0), fridge, session, lamp], {
          fromMs: T0,
          minutes: 240,
          waveform: false,
        }),
        DEFAULT_STRAY_WIRE_PARAMS,
        false,
        knowing(learnedSignature({ id: 'fridge', levelW: 105, count: 20 })),
      )
      raisedOnceWithin(r, plugged, 12)
      let lastDrawTs = plugged
      for (let ts = plugged; ts < T0 + 240 * MIN; ts += MIN) if (session.at(ts).powerW > 10) lastDrawTs = ts
      const cleared = clears(r)
      expect(cleared).toHaveLength(1)
      expect(cleared[0]!.ts).toBeGreaterThan(lastDrawTs)
      expect(cleared[0]!.ts - lastDrawTs).toBeLessThanOrEqual(12 * MIN)
    },
  )
})

describe('a 140 W lithium charger with an 8-min CV phase, a full charge each evening (watts only)', () => {
  // 270 min of CC rising 2 %, an 8-min CV taper, cut-off (domain.md: lithium ~130-350 W, 4-6 h, a shorter
  // taper then cut-off): no more than MAX_LOW_READINGS readings under the level, then a step off. Without
  // the tail's test (fadingOut: each minute keeps the same share, each fall that share of the one before)
  // endEpisode learned 140 W lights from the first evening, and the same charger plugged in three minutes
  // later the next evening was matched as those lights and never raised. The simulators' CV phases are
  // 20-60 min, so the evaluation never meets it
  const mk = (plug: number, seed: number) =>
    chargerSession(
      charger(plug, {
        chemistry: 'lithium',
        ccPowerW: 140,
        ccRise: 0.02,
        ccMin: 270,
        taperMin: 8,
        floatW: 0,
        totalMin: 335,
        seed,
      }),
    )
  it('is raised on its second evening', () => {
    const T0 = local('2026-01-05T17:00:00')
    const first = mk(local('2026-01-05T19:00:00'), 5)
    const second = local('2026-01-06T19:03:00')
    const next = mk(second, 9)
    const both: LoadModel = {
      name: 'charger',
      at: (ts) => (first.at(ts).powerW > 0 ? first.at(ts) : next.at(ts)),
    }
    const r = run(circuitSeries([eveningLights(T0), both], { fromMs: T0, minutes: 1800, waveform: false }))
    expect(raises(r).filter((v) => v.ts >= second)).toHaveLength(1)
  })
})
