// Watts only: which evenings are raised, over a week, on circuits whose flat evening load comes back every
// night. Lights come on at their hour and go off at a timer's minute (the same every night, any length) or
// at dawn (a photocell: dusk and dawn move a minute or two a day through the year, and 3-15 min with the
// weather); once two evenings agree they stand for the candidate. A resident's lithium charger plugged in
// at a habit's hour is as flat for an evening (a CC plateau of 4-6 h, then a CV phase of a few minutes, or
// unplugged in constant current) but ends at its plug time plus a charge as long as the day's riding asked:
// neither at a fixed minute nor at dawn. It must be raised every evening.
import { describe, expect, it } from 'vitest'
import {
  type CircuitNormal,
  endEpisode,
  followEpisode,
  initialCircuitNormal,
  matchSignature,
  startEpisode,
} from '../../alerts/stray-wire-circuit-normal.ts'
import { detectStrayWire } from '../../alerts/stray-wire-detector.ts'
import {
  DEFAULT_STRAY_WIRE_PARAMS,
  initialStrayWireState,
  type StrayWireParams,
  type StrayWireState,
} from '../../alerts/stray-wire-types.ts'
import { chargerSession } from '../../simulators/physics/charger.ts'
import { type LoadModel, OFF } from '../../simulators/physics/load-model.ts'
import { noiseAt } from '../../simulators/physics/random.ts'
import {
  charger,
  circuitSeries,
  eveningLights,
  local,
  MIN,
  raises,
  run,
  spans,
} from './stray-wire-support.ts'

const DAY = 1440 * MIN
/** Evening 0 starts at this local noon; evening d at noon d days later. */
const NOON = local('2026-06-08T12:00:00')

/** How many of the evenings (noon to noon) were raised, each once at most, over `nights` nights. */
function raisedEvenings(
  loads: LoadModel[],
  nights: number,
  params: StrayWireParams = DEFAULT_STRAY_WIRE_PARAMS,
): boolean[] {
  const r = run(
    circuitSeries([eveningLights(NOON), ...loads], { fromMs: NOON, minutes: nights * 1440, waveform: false }),
    params,
  )
  const ts = raises(r).map((v) => v.ts)
  return Array.from({ length: nights }, (_, d) =>
    ts.some((t) => t >= NOON + d * DAY && t < NOON + (d + 1) * DAY),
  )
}

/** Banks of `w` on each night from `onMin[d]` to `offMin[d]`, minutes after NOON of evening 0. */
const nightly = (w: number, on: [number, number][]): LoadModel => spans('lights', NOON, w, 0.93, 18, on)

/** A timer's lights: the same minutes every night (on 17:30-20:00, on for 4-11 h). */
function timerLights(k: number, nights: number): { load: LoadModel; onMin: number } {
  const onMin = 330 + Math.round(150 * noiseAt(k, 1))
  const len = 240 + Math.round(420 * noiseAt(k, 2))
  const w = 90 + Math.round(60 * noiseAt(k, 3))
  const on = Array.from({ length: nights }, (_, d): [number, number] => [
    d * 1440 + onMin,
    d * 1440 + onMin + len,
  ])
  return { load: nightly(w, on), onMin: (12 * 60 + onMin) % 1440 }
}

/**
 * A photocell's lights on a short (summer) night of 8-10 h: dusk and dawn move 1-2 min a day (here dusk
 * later, dawn earlier, as towards midsummer), and each end 3-15 min either way with the night's weather.
 */
function photocellLights(k: number, nights: number): LoadModel {
  const dusk = 420 + Math.round(60 * noiseAt(k, 1)) // 19:00-20:00
  const len = 480 + Math.round(120 * noiseAt(k, 2))
  const drift = 1 + noiseAt(k, 4)
  const w = 90 + Math.round(60 * noiseAt(k, 3))
  const weather = (n: number) => {
    const x = noiseAt(k * 31 + 7, n)
    return Math.round((x < 0.5 ? -1 : 1) * (3 + 12 * noiseAt(k * 31 + 8, n)))
  }
  const on = Array.from({ length: nights }, (_, d): [number, number] => [
    d * 1440 + dusk + Math.round(drift * d) + weather(2 * d),
    d * 1440 + dusk + len - Math.round(drift * d) + weather(2 * d + 1),
  ])
  return nightly(w, on)
}

/**
 * A resident's lithium charger (130-200 W) plugged in each evening at `hourMin` local +-10 min, its CC
 * plateau as long as the day's riding asked (240-330 min), then a CV phase of 3-5 min and a cut-off, or
 * (every other resident) unplugged in constant current.
 */
function resident(k: number, nights: number, hourMin: number): { load: LoadModel; plugs: number[] } {
  const w = 130 + Math.round(70 * noiseAt(k, 1))
  const unplugFlat = k % 2 === 1
  const plugs: number[] = []
  const sessions = Array.from({ length: nights }, (_, d) => {
    const plug = NOON + d * DAY + (hourMin - 720 + Math.round(20 * noiseAt(k, 10 + d) - 10)) * MIN
    plugs.push(plug)
    const cc = 240 + Math.round(90 * noiseAt(k, 30 + d))
    const cv = 3 + Math.round(2 * noiseAt(k, 50 + d))
    return chargerSession(
      charger(plug, {
        chemistry: 'lithium',
        ccPowerW: w,
        ccRise: 0.02 + 0.06 * noiseAt(k, 7),
        ccMin: unplugFlat ? cc + 60 : cc,
        taperMin: cv,
        floatW: 0,
        totalMin: unplugFlat ? cc : cc + cv + 30,
        seed: 1000 * k + d,
      }),
    )
  })
  return {
    load: {
      name: 'charger',
      at: (ts) => sessions.map((s) => s.at(ts)).find((x) => x.powerW > 0) ?? OFF,
    },
    plugs,
  }
}

const count = (evenings: boolean[][], from: number): number =>
  evenings.reduce((a, e) => a + e.slice(from).filter(Boolean).length, 0)

describe('a week of evenings on a watts-only circuit', () => {
  it('(a) timer lights, 4-11 h: raised on their first two evenings at most', () => {
    const e = Array.from({ length: 10 }, (_, k) => raisedEvenings([timerLights(k, 7).load], 7))
    expect(count(e, 2)).toBe(0)
  }, 300_000)

  it('(b) photocell lights on a summer night of 8-10 h: raised on their first two dusks at most', () => {
    const e = Array.from({ length: 10 }, (_, k) => raisedEvenings([photocellLights(k, 7)], 7))
    expect(count(e, 2)).toBe(0)
  }, 300_000)

  it('(a) lights an astronomical timer switches on at dusk and off at 23:00: raised on two dusks at most', () => {
    const e = Array.from({ length: 10 }, (_, k) => {
      const dusk = 400 + Math.round(60 * noiseAt(k, 1))
      const w = 90 + Math.round(60 * noiseAt(k, 3))
      const on = Array.from({ length: 7 }, (_, d): [number, number] => [
        d * 1440 + dusk + d + Math.round(6 * noiseAt(k, 10 + d)),
        d * 1440 + 660,
      ])
      return raisedEvenings([nightly(w, on)], 7)
    })
    expect(count(e, 2)).toBe(0)
  }, 300_000)

  it('(c) lights the site’s settings give (a timer’s schedule): not raised', () => {
    const e = Array.from({ length: 6 }, (_, k) => {
      const t = timerLights(100 + k, 7)
      return raisedEvenings([t.load], 7, {
        ...DEFAULT_STRAY_WIRE_PARAMS,
        lightingSchedule: [{ onMin: t.onMin, offMin: (t.onMin + 300) % 1440 }],
      })
    })
    expect(count(e, 0)).toBe(0)
  }, 300_000)

  it('(d) a resident charging every evening at 19:00: raised every evening', () => {
    const e = Array.from({ length: 15 }, (_, k) => {
      const r = resident(k, 6, 19 * 60)
      return raisedEvenings([r.load], 6)
    })
    expect(count(e, 2)).toBe(60)
  }, 300_000)

  it('(d) marks the raised evening on a copy: states handed in deep-frozen stay intact', () => {
    const freeze = <T>(o: T): T => {
      if (o && typeof o === 'object' && !Object.isFrozen(o)) {
        Object.freeze(o)
        for (const v of Object.values(o)) freeze(v)
      }
      return o
    }
    const r = resident(1, 4, 19 * 60)
    let state: StrayWireState = initialStrayWireState()
    let raisedNights = 0
    const series = circuitSeries([eveningLights(NOON), r.load], {
      fromMs: NOON,
      minutes: 4 * 1440,
      waveform: false,
    })
    for (const input of series) {
      const out = detectStrayWire(freeze(state), input)
      if (out.verdict?.kind === 'raise') raisedNights += 1
      state = out.state
    }
    expect(raisedNights).toBe(4)
  }, 300_000)

  it('(e) a resident plugging in at 23:00-01:00 (its charge ends towards dawn): raised every night', () => {
    const e = Array.from({ length: 10 }, (_, k) => {
      const r = resident(200 + k, 6, 23 * 60 + 10 + Math.round(100 * noiseAt(k, 99)))
      return raisedEvenings([r.load], 6)
    })
    expect(count(e, 2)).toBe(40)
  }, 300_000)
})

describe('watts-only lights from evenings raised as a charger', () => {
  /** An evening of 90 W from `onTs`, flat for `minutes`, gone as a step, its alert raised if `raised`. */
  const evening = (n: CircuitNormal, onTs: number, minutes: number, raised: boolean) => {
    startEpisode(n, onTs, 90, null)
    if (raised) n.episode = { ...n.episode!, raised: true }
    for (let k = 1; k < minutes; k++) followEpisode(n, 90 + (k % 3) - 1, null)
    endEpisode(n, onTs + minutes * MIN, 480)
  }
  const nextDusk = (n: CircuitNormal) => matchSignature(n, local('2026-06-10T19:01:00'), 90, null, 480)

  it('agree where the raised evening went off at the same minute (a timer)', () => {
    const n = initialCircuitNormal()
    evening(n, local('2026-06-08T19:02:00'), 280, true)
    evening(n, local('2026-06-09T18:58:00'), 284, true)
    expect(nextDusk(n)?.kind).toBe('lights')
  })

  it('agree where the raised evening went off at dawn after a night longer than a lithium charge', () => {
    // a photocell on a summer night: 19:40 to 04:30, then 19:43 to 04:19 (the weather's minutes)
    const n = initialCircuitNormal()
    evening(n, local('2026-06-08T19:40:00'), 530, true)
    evening(n, local('2026-06-09T19:43:00'), 516, true)
    expect(matchSignature(n, local('2026-06-10T19:45:00'), 90, null, 480)?.kind).toBe('lights')
  })

  it('do not agree where the raised evening ended at another minute, before dawn', () => {
    // a charger plugged in at 19:02 and 18:58, 280 and 300 min: off at 23:42 and 23:58
    const n = initialCircuitNormal()
    evening(n, local('2026-06-08T19:02:00'), 280, true)
    evening(n, local('2026-06-09T18:58:00'), 300, true)
    expect(nextDusk(n)).toBeUndefined()
    // nor where it ended at dawn after a charge's length (plugged in late)
    const late = initialCircuitNormal()
    evening(late, local('2026-06-08T23:40:00'), 300, true)
    evening(late, local('2026-06-09T23:20:00'), 330, true)
    expect(matchSignature(late, local('2026-06-10T23:30:00'), 90, null, 480)).toBeUndefined()
    // an evening not raised (taken for another load as it came) agrees by its hour as before
    const quiet = initialCircuitNormal()
    evening(quiet, local('2026-06-08T19:02:00'), 280, true)
    evening(quiet, local('2026-06-09T18:58:00'), 300, false)
    expect(nextDusk(quiet)?.kind).toBe('lights')
  })
})
