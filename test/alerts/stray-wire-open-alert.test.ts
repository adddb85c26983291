// An open stray-wire alert while the circuit's other loads come and go. Before, the alert was cleared
// whenever a compressor that ran under it stopped (the circuit fell below a background that held the
// compressor), or after hours of a motion-sensor lamp switching beside it (each switch measured again
// walked the background away from the truth): the crew was told it was over while the bike charged
// on. A charger plugged in under a cleaner while an alert was open was never raised of its own, nor on a
// watts-only meter any charger plugged in while an alert was open.
// (The lamps' walk is tested on followLightSteps directly: with whole loads it shows only after hours of
// meter noise, as it did in the evaluation's scenarios.)
import { describe, expect, it } from 'vitest'
import { followLightSteps } from '../../alerts/stray-wire-baseline.ts'
import type { Observation } from '../../alerts/stray-wire-classify.ts'
import {
  DEFAULT_STRAY_WIRE_PARAMS,
  initialStrayWireState,
  type StrayWireState,
} from '../../alerts/stray-wire-types.ts'
import { runScenario } from '../../eval/stray-wire/evaluate.ts'
import { buildScenario } from '../../eval/stray-wire/families.ts'
import { DEV_CC_RANGES } from '../../eval/stray-wire/scenario.ts'
import { chargerLoadEndMs, chargerSession } from '../../simulators/physics/charger.ts'
import type { LoadModel } from '../../simulators/physics/load-model.ts'
import { cleaningMachine, electricHeater } from '../../simulators/physics/loads.ts'
import {
  charger,
  circuitSeries,
  clears,
  knowing,
  learnedSignature,
  local,
  MIN,
  pfcCharger,
  raises,
  run,
  spans,
} from './stray-wire-support.ts'

const T0 = local('2026-01-05T18:00:00')
const plugged = T0 + 20 * MIN + 30_000
/** A lead-acid charger in CC for 4 h (200 W, PF 0.6, THD 90 %), then its taper. */
const bike = () => chargerSession(charger(plugged, { ccMin: 240, taperMin: 120, totalMin: 480 }))
/** When its draw has fallen under half its CC level (the taper), by the model itself. */
function halfDrawnAt(load: LoadModel): number {
  const cc = load.at(plugged + 10 * MIN).powerW
  let t = plugged + 10 * MIN
  while (load.at(t).powerW >= 0.5 * cc) t += MIN
  return t
}

/** Raised once, open while the charger charged (200 min at least), cleared within 30 min of it stopping. */
function openThroughCharge(r: ReturnType<typeof run>, p: ReturnType<typeof pfcCharger>, at: number): void {
  expect(raises(r)).toHaveLength(1)
  const cleared = clears(r)
  expect(cleared).toHaveLength(1)
  expect(cleared[0]!.ts).toBeGreaterThan(at + 200 * MIN)
  expect(cleared[0]!.ts - chargerLoadEndMs(p)).toBeLessThanOrEqual(30 * MIN)
}

describe('an open alert while a dehumidifier cycles beside the charger (PF and THD reported)', () => {
  // a dehumidifier's motor (280 W, PF 0.8, THD 20 %): on when the bike is plugged in, then cycling
  const dehumidifier = spans('dehumidifier', T0, 280, 0.8, 20, [
    [0, 75],
    [140, 230],
    [290, 380],
  ])

  it('stays open while the charger charges, and clears only once it has tapered off', () => {
    const b = bike()
    const r = run(circuitSeries([dehumidifier, b], { fromMs: T0, minutes: 9 * 60 }))
    expect(raises(r)).toHaveLength(1)
    const cleared = clears(r)
    expect(cleared).toHaveLength(1)
    // not when the dehumidifier first stopped (minute 75): the charger was still in CC then
    expect(cleared[0]!.ts).toBeGreaterThan(halfDrawnAt(b))
  })
})

describe('an open alert when a dehumidifier starts under a heater beside the charger (PF and THD)', () => {
  it('clears once the charger is unplugged, though the dehumidifier runs on all night', () => {
    // the charger: CC for 2 h, then its taper, unplugged at 23:20; a 1.5 kW heater 19:00–19:30, and a
    // 250 W dehumidifier (PF 0.8, THD 20 %) that starts under it at 19:10 and runs all night: its start
    // is never seen as a step of its own
    const b = chargerSession(charger(plugged, { ccMin: 120, taperMin: 120, totalMin: 300 }))
    const heater = electricHeater({
      startMs: T0 + 60 * MIN,
      durationMin: 30,
      powerW: 1500,
      onMin: 30,
      offMin: 0,
      phaseMin: 0,
      seed: 4,
    })
    const dehumidifier = spans('dehumidifier', T0, 250, 0.8, 20, [[70, 670]])
    const r = run(circuitSeries([b, heater, dehumidifier], { fromMs: T0, minutes: 12 * 60 }))
    expect(raises(r)).toHaveLength(1)
    expect(clears(r)).toHaveLength(1)
    expect(clears(r)[0]!.ts).toBeLessThanOrEqual(plugged + (300 + 30) * MIN)
  })
})

describe('an open alert when a dehumidifier stops under a heater beside the charger (PF and THD)', () => {
  it('stays open after the heater, though the watts fell back to the background, and clears once it tapered', () => {
    // a dehumidifier (PF 0.84, THD 20 %) of the charger's watts runs from before the circuit's first reading; the bike is
    // plugged in at 18:20; a 1.5 kW heater 20:05–20:20; the dehumidifier stops under it at 20:14 (minute 134). After the
    // heater the circuit draws about what stood before the bike (the charger ≈ the dehumidifier), but the
    // charger's harmonic current is all there
    const b = bike()
    const heater = electricHeater({
      startMs: T0 + 125 * MIN,
      durationMin: 15,
      powerW: 1500,
      onMin: 30,
      offMin: 0,
      phaseMin: 0,
      seed: 4,
    })
    // its watts just above the charger's as the heater goes off
    const dehumidifierW = Math.round(b.at(T0 + 141 * MIN).powerW) + 4
    const dehumidifier = spans('dehumidifier', T0 - 60 * MIN, dehumidifierW, 0.84, 20, [[0, 194]])
    const r = run(circuitSeries([b, heater, dehumidifier], { fromMs: T0, minutes: 9 * 60 }))
    expect(raises(r)).toHaveLength(1)
    expect(clears(r)).toHaveLength(1)
    expect(clears(r)[0]!.ts).toBeGreaterThan(halfDrawnAt(b))
  })
})

describe('followLightSteps: a lamp beside an open alert goes off as it came on', () => {
  // the background under an alert, then a 32 W lamp on and off beside the charger; measured again, its
  // fall carries the charger's minute-to-minute noise (here 4 W and 6 VA more than it rose)
  const obs = (w: number, h: number): Observation => ({
    source: 'circuit',
    ts: 0,
    unexplainedW: w,
    harmonicVA: h,
    reactiveVA: null,
    toleranceW: 0,
    backgroundCapW: 75,
  })
  it('takes back exactly what it added, so that hours of switching do not walk the background away', () => {
    const s: StrayWireState = {
      ...initialStrayWireState(),
      baselineW: 40,
      baselineH: 30,
      alert: {
        onsetTs: 0,
        raisedTs: 0,
        severity: 'major',
        peakW: 200,
        lastPresentTs: 0,
        absentSinceTs: null,
      },
    }
    const step = (from: [number, number], to: [number, number]) => {
      s.prevW = from[0]
      s.prevH = from[1]
      followLightSteps(s, obs(...to), DEFAULT_STRAY_WIRE_PARAMS)
    }
    step([240, 190], [272, 199]) // on: +32 W, +9 VA
    expect(s.baselineW).toBe(72)
    step([272, 199], [236, 184]) // off, measured −36 W, −15 VA
    expect(s.baselineW).toBe(40)
    expect(s.baselineH).toBe(30)
  })
})

describe('a charger plugged in under a cleaner while an alert is open on the circuit', () => {
  // a 1.4 kW floor cleaner, 19:30–19:50, whose motor swings hide any step under it
  const cleanerFrom = T0 + 90 * MIN
  const cleaner = cleaningMachine({
    startMs: cleanerFrom,
    durationMin: 20,
    powerW: 1400,
    powerFactor: 0.9,
    thdPct: 15,
    seed: 3,
  })

  it('is raised of its own once the cleaner stops, with the cleaner’s start for its onset', () => {
    // the first charger is raised at about 18:25; the cleaner runs 19:30–19:50; the second charger
    // (320 W, a rectifier) is plugged in at 19:36, unseen under the cleaner's swings
    const second = chargerSession(
      charger(T0 + 96 * MIN + 10_000, { ccPowerW: 320, chemistry: 'lithium', seed: 9 }),
    )
    const r = run(circuitSeries([bike(), cleaner, second], { fromMs: T0, minutes: 3 * 60 }))
    const raised = raises(r)
    expect(raised).toHaveLength(2)
    const again = raised[1]!
    if (again.kind !== 'raise') throw new Error('not a raise')
    expect(again.replacesOnsetTs).toBe(raised[0]!.onsetTs)
    expect(again.onsetTs).toBeGreaterThanOrEqual(cleanerFrom)
    expect(again.onsetTs).toBeLessThanOrEqual(cleanerFrom + MIN)
    // raised within the confirmation time of the cleaner stopping, and no sooner
    expect(again.ts - (cleanerFrom + 20 * MIN)).toBeLessThanOrEqual(12 * MIN)
    expect(again.ts - (cleanerFrom + 20 * MIN)).toBeGreaterThanOrEqual(4 * MIN)
    expect(again.evidence.startedUnderLoad).toBe(true)
  })

  it('raises nothing new for a load that arrived under the cleaner and left minutes after it', () => {
    // a 320 W rectifier on from 19:45 to 19:53 only: seen for three minutes once the cleaner stopped
    const brief = spans('brief-rectifier', T0, 320, 0.6, 90, [[105, 113]])
    const r = run(circuitSeries([bike(), cleaner, brief], { fromMs: T0, minutes: 3 * 60 }))
    expect(raises(r)).toHaveLength(1)
  })
})

describe('an open alert on a watts-only meter while the circuit’s dehumidifier cycles', () => {
  // a dehumidifier of 300 W running 90 min in every 150 from 08:00: its runs are learned by evening
  const from = local('2026-01-05T08:00:00')
  const on: [number, number][] = []
  for (let m = 0; m < 16 * 60; m += 150) on.push([m, m + 90])
  const dehumidifier = spans('dehumidifier', from, 300, 0.8, 20, on)
  // 18:00 is minute 600, a run from 18:00 to 19:30: the bike is plugged in at 18:20 while it runs
  const plugged18 = local('2026-01-05T18:20:30')

  /** The bike's alert (exactly one) and the clears after it, for a lithium charger of `ccPowerW`. */
  const alertOf = (ccPowerW: number) => {
    const b = chargerSession(charger(plugged18, { chemistry: 'lithium', ccPowerW, ccMin: 240 }))
    const r = run(circuitSeries([dehumidifier, b], { fromMs: from, minutes: 16 * 60, waveform: false }))
    const raised = raises(r).filter((v) => v.onsetTs >= plugged18 - MIN)
    expect(raised).toHaveLength(1)
    return clears(r).filter((v) => v.ts > raised[0]!.ts)
  }

  it('stays open when the dehumidifier that ran as it was raised stops, while the charger charges on', () => {
    // the dehumidifier stopped at 19:30 and started again at 20:30: the alert is still open at 21:30
    const cleared = alertOf(200)
    expect(cleared).toHaveLength(1)
    expect(cleared[0]!.ts).toBeGreaterThan(local('2026-01-05T21:30:00'))
  })

  it('stays open when the dehumidifier stops beside a charger of nearly its size, which charges on', () => {
    // a 350 W charger: the dehumidifier’s fall (300 W) is within a fifth of the alert’s own level, but
    // nearer the dehumidifier's learned size
    expect(alertOf(350).every((v) => v.ts > local('2026-01-05T21:30:00'))).toBe(true)
  })

  // a 1.2 kW heater 18:40–19:00 (minutes 640–660), while the dehumidifier runs, and 19:20–19:40 (minutes
  // 680–700), when its run ends under the heater at 19:30
  const heater = spans('electric-heater', from, 1200, 1, 3, [
    [640, 660],
    [680, 700],
  ])
  /** The clears after the bike's alert (exactly one), for a lithium charger of `ccPowerW` unplugged after `totalMin`. */
  const clearsUnderHeater = (ccPowerW: number, totalMin = 480) => {
    const b = chargerSession(charger(plugged18, { chemistry: 'lithium', ccPowerW, ccMin: 240, totalMin }))
    const r = run(
      circuitSeries([dehumidifier, heater, b], { fromMs: from, minutes: 16 * 60, waveform: false }),
    )
    const raised = raises(r).filter((v) => v.onsetTs >= plugged18 - MIN)
    expect(raised).toHaveLength(1)
    return clears(r).filter((v) => v.ts > raised[0]!.ts)
  }

  it('stays open when the dehumidifier stops under a heater on top of the alert, while the charger charges on', () => {
    // development circuit-mixed-basic 32@01-10, 131@01-06: after the heater the circuit stood the
    // dehumidifier's 300 W lower than before it, and the 150 W charger under a background that still held
    // the dehumidifier was cleared at 19:50 while it charged on in CC to 22:20
    const cleared = clearsUnderHeater(150)
    expect(cleared).toHaveLength(1)
    expect(cleared[0]!.ts).toBeGreaterThan(local('2026-01-05T22:20:00'))
  })

  it('stays open when the dehumidifier stops under a heater beside a charger of its size, which charges on', () => {
    // a 350 W charger unplugged at 22:40, early in its taper, while the dehumidifier is off: after the
    // heater the circuit stands lower by the dehumidifier's 300 W, within a fifth of the alert's own level
    // too, but the dehumidifier's run was followed since 18:00 and is within how long its runs last: its
    // run ended under the heater (development circuit-mixed-basic 81@01-31: a 245 W charger cleared at
    // 12:32 while it charged on to 17:50, a 208 W dehumidifier followed since 09:31 gone under a heater)
    const cleared = clearsUnderHeater(350, 260)
    expect(cleared).toHaveLength(1)
    expect(cleared[0]!.ts).toBeGreaterThan(local('2026-01-05T22:20:00'))
    expect(cleared[0]!.ts).toBeLessThanOrEqual(local('2026-01-05T22:55:00'))
  })

  it('clears a charger unplugged under the heater while the dehumidifier runs on', () => {
    // unplugged at 18:50 under the heater's first run, the dehumidifier (learned, 300 W) running: the
    // circuit stands lower after the heater by the charger's own level, not the dehumidifier's
    const cleared = clearsUnderHeater(150, 30)
    expect(cleared).toHaveLength(1)
    expect(cleared[0]!.ts).toBeLessThanOrEqual(local('2026-01-05T19:15:00'))
  })

  it('clears a charger of nearly the dehumidifier’s size unplugged under the heater as the dehumidifier stops', () => {
    // a 350 W charger and the 300 W dehumidifier both gone under the heater: the fall is no compressor's
    const cleared = clearsUnderHeater(350, 70)
    expect(cleared).toHaveLength(1)
    expect(cleared[0]!.ts).toBeLessThanOrEqual(local('2026-01-05T19:55:00'))
  })

  it('clears when the charger is unplugged late in its taper at the size of a fridge running beside it', () => {
    // a 110 W fridge, 35 min on in every 70, learned by evening; a 60 W standing load; a lead-acid charger
    // unplugged 270 min after 18:00, at about 100 W in its taper: its fall is the fridge's size
    const fridgeOn: [number, number][] = []
    for (let m = 0; m < 40 * 60; m += 70) fridgeOn.push([m, m + 35])
    const t0 = local('2026-01-05T06:00:00')
    const fridge = spans('fridge', t0, 110, 0.8, 20, fridgeOn)
    const standing = spans('standing', t0, 60, 0.95, 10, [[0, 40 * 60]])
    const at18 = local('2026-01-05T18:00:30')
    const b = chargerSession(charger(at18, { totalMin: 270 }))
    const r = run(circuitSeries([standing, fridge, b], { fromMs: t0, minutes: 30 * 60, waveform: false }))
    const raised = raises(r).filter((v) => v.onsetTs >= at18 - MIN)
    expect(raised).toHaveLength(1)
    const cleared = clears(r).filter((v) => v.ts > raised[0]!.ts)
    expect(cleared).toHaveLength(1)
    // unplugged at 22:30: cleared within the 10 min the domain gives, and a margin
    expect(cleared[0]!.ts).toBeLessThanOrEqual(at18 + (270 + 30) * MIN)
  })

  it('clears once the charger stops when the dehumidifier started beside it past a charger’s largest', () => {
    // plugged in at 19:40 while the dehumidifier is off; its run from 20:30 takes the circuit 500 W over
    // the background, more than any charger draws, but from the charger's level and by the dehumidifier's
    // learned watts: it joins the background, and the alert clears when the charger cuts off at 21:00
    // while it runs on to 22:00 (development circuit-mixed-basic 80@01-10T00:38: left open all night)
    const at = local('2026-01-05T19:40:30')
    const b = chargerSession(charger(at, { chemistry: 'lithium', ccPowerW: 200, ccMin: 60, taperMin: 20 }))
    const r = run(circuitSeries([dehumidifier, b], { fromMs: from, minutes: 16 * 60, waveform: false }))
    const raised = raises(r).filter((v) => v.onsetTs >= at - MIN)
    expect(raised).toHaveLength(1)
    const cleared = clears(r).filter((v) => v.ts > raised[0]!.ts)
    expect(cleared).toHaveLength(1)
    expect(cleared[0]!.ts).toBeLessThanOrEqual(local('2026-01-05T21:20:00'))
  })

  /** A 200 W charger raised at 18:00, a second of `ccPowerW` plugged in at `secondAt`: its own raise. */
  function secondChargerRaised(secondAt: number, ccPowerW: number) {
    const first = chargerSession(charger(plugged18, { chemistry: 'lithium', ccPowerW: 200, ccMin: 240 }))
    const second = chargerSession(charger(secondAt, { chemistry: 'lithium', ccPowerW, ccMin: 240, seed: 9 }))
    const r = run(
      circuitSeries([dehumidifier, first, second], { fromMs: from, minutes: 16 * 60, waveform: false }),
    )
    const again = raises(r).find((v) => v.onsetTs >= secondAt - MIN)
    if (again?.kind !== 'raise') throw new Error('the second charger was not raised')
    expect(again.replacesOnsetTs).toBeDefined()
    expect(again.ts - secondAt).toBeLessThanOrEqual(12 * MIN)
    return again
  }

  it('raises a second charger plugged in while the alert is open, by its step alone', () => {
    const again = secondChargerRaised(local('2026-01-05T20:05:30'), 160)
    expect(again.evidence.why[0]).toMatch(/^arrived while an alert was open: a step of \+1[56]\d W$/)
  })

  it('raises a second charger whose step takes the circuit past a charger’s largest over the background', () => {
    // development circuit-mixed-basic 74@01-23, 102@01-28: the open alert's load and the second charger
    // together are more than 450 + 85 W over the background, as a heater or cleaner would be; but the
    // level it stepped from was no heater's, and its step is a charger's
    secondChargerRaised(local('2026-01-05T18:40:30'), 350)
  })

  it('raises nothing new for a floor cleaner whose motor swings by a charger’s watts beside the alert', () => {
    const first = chargerSession(charger(plugged18, { chemistry: 'lithium', ccPowerW: 200, ccMin: 240 }))
    const cleaner = cleaningMachine({
      startMs: local('2026-01-05T19:00:30'),
      durationMin: 40,
      powerW: 1400,
      powerFactor: 0.9,
      thdPct: 15,
      seed: 3,
    })
    const r = run(
      circuitSeries([dehumidifier, first, cleaner], { fromMs: from, minutes: 16 * 60, waveform: false }),
    )
    expect(raises(r).filter((v) => v.onsetTs >= plugged18 + 10 * MIN)).toEqual([])
  })
})

describe('an alert on a circuit whose compressors cycle all night beside the charger (evaluation scenario)', () => {
  // development scenario 2 of circuit-compressor-stray: a dehumidifier and a fridge cycling beside a
  // lithium charger. Following their steps all evening misjudged the background's harmonic current by
  // a few tens of VA, enough for the alert to stay open for the dehumidifier once the charger stopped.
  it('clears within 30 min of the charger stopping, not earlier while it still charges', () => {
    const r = runScenario(
      buildScenario('circuit-compressor-stray', 2, 3, DEV_CC_RANGES),
      DEFAULT_STRAY_WIRE_PARAMS,
    )
    expect(r.detected).toBe(r.sessions)
    expect(r.leftOpen).toBe(0)
    expect(r.earlyClears).toBe(0)
  })
})

describe('an active-PFC charger’s alert while a dehumidifier of the background stops and starts beside it', () => {
  // an averaging meter (3 instants a minute, PF and THD) on a circuit with low-PF LED banks (80 W, PF 0.55,
  // THD 130 %) and a 280 W dehumidifier (PF 0.8, THD 20 %) this circuit has learned. It runs when the bike
  // is plugged in at 19:20, stops mid-minute at 21:00 and starts again at 21:50, each step split over two
  // readings; the banks' leading current hides most of the motor's reactive current in the Q the meter's
  // PF gives. Before, its stop was not followed: the alert cleared at 21:10 while the bike charged on
  const t0 = local('2026-01-05T19:00:00')
  const banks = spans('led-banks', t0, 80, 0.55, 130, [[-60, 10 * 60]])
  const dehumidifier = spans('dehumidifier', t0, 280, 0.8, 20, [
    [-60, 120.4],
    [170.6, 10 * 60],
  ])
  const at = t0 + 20.5 * MIN
  const state = () => knowing(learnedSignature({ levelW: 280, harmonicRatio: 0.2 }))
  const runWith = (p: ReturnType<typeof pfcCharger>) =>
    run(
      circuitSeries([banks, dehumidifier, chargerSession(p)], { fromMs: t0, minutes: 10 * 60, samples: 3 }),
      undefined,
      false,
      state(),
    )

  it('stays open while the charger charges, and clears within 30 min of it stopping', () => {
    const p = pfcCharger(at, 150, { ccMin: 200, taperMin: 30, floatW: 0, totalMin: 240 })
    openThroughCharge(runWith(p), p, at)
  })

  it('clears a charger of the dehumidifier’s own size once it is unplugged', () => {
    // 280 W in CC for 60 min, then unplugged at 20:20 (no taper): its fall is the compressor's size, but
    // also the alert's own
    const p = pfcCharger(at, 280, { ccMin: 60, taperMin: 0, floatW: 0, totalMin: 60 })
    const r = runWith(p)
    expect(raises(r)).toHaveLength(1)
    const cleared = clears(r)
    expect(cleared).toHaveLength(1)
    expect(cleared[0]!.ts - chargerLoadEndMs(p)).toBeLessThanOrEqual(30 * MIN)
  })
})

describe('an active-PFC charger’s alert while a dehumidifier of its own size stops beside it', () => {
  // development circuit-unplugged-early 122@02-05, circuit-mixed-stray 118@01-05: a 260 W dehumidifier
  // (PF 0.8, THD 20 %) this circuit has learned runs when a 260 W active-PFC charger is plugged in at
  // 19:20, and stops mid-minute at 21:00 (an averaging meter splits the step over two readings) while the
  // bike charges on till 23:20. Its fall was the alert's own size, so it was taken for the charger
  // leaving and the alert cleared at 21:10; the motor's reactive current that fell with it says it was
  // no active-PFC input's
  const t0 = local('2026-01-05T19:00:00')
  const lamp = spans('lights-always', t0, 30, 0.92, 18, [[-60, 10 * 60]])
  const dehumidifier = spans('dehumidifier', t0, 260, 0.8, 20, [[-60, 120.4]])
  const at = t0 + 20.5 * MIN
  const state = () => knowing(learnedSignature({ levelW: 260, harmonicRatio: 0.2 }))
  const runWith = (p: ReturnType<typeof pfcCharger>) =>
    run(
      circuitSeries([lamp, dehumidifier, chargerSession(p)], { fromMs: t0, minutes: 10 * 60, samples: 3 }),
      undefined,
      false,
      state(),
    )

  it('stays open while the charger charges, and clears within 30 min of it stopping', () => {
    const p = pfcCharger(at, 260, { ccMin: 220, taperMin: 20, floatW: 0, totalMin: 240 })
    openThroughCharge(runWith(p), p, at)
  })

  it('still clears the charger unplugged while the dehumidifier runs on: its fall took no var', () => {
    const on = spans('dehumidifier', t0, 260, 0.8, 20, [[-60, 10 * 60]])
    const p = pfcCharger(at, 260, { ccMin: 90, taperMin: 0, floatW: 0, totalMin: 90 })
    const r = run(
      circuitSeries([lamp, on, chargerSession(p)], { fromMs: t0, minutes: 10 * 60, samples: 3 }),
      undefined,
      false,
      state(),
    )
    expect(raises(r)).toHaveLength(1)
    const cleared = clears(r)
    expect(cleared).toHaveLength(1)
    expect(cleared[0]!.ts - chargerLoadEndMs(p)).toBeLessThanOrEqual(30 * MIN)
  })
})

describe('an active-PFC charger’s alert while a dehumidifier of the background stops under a heater', () => {
  // development circuit-mixed-stray 63@01-14, 118@01-06: low-PF LED banks (100 W, PF 0.55, THD 130 %) and a
  // 280 W dehumidifier (PF 0.78, THD 20 %) this circuit has learned, running when the bike is plugged in at
  // 19:20; a 1.8 kW heater 20:00–20:30, under which the dehumidifier stops at 20:15. After the heater the
  // circuit stood the dehumidifier's watts lower than before it: the charger, which has no harmonic current
  // to vouch for it, stood over a background still holding the dehumidifier, and the alert cleared at 20:40
  // while the bike charged on
  const t0 = local('2026-01-05T19:00:00')
  const banks = spans('led-banks', t0, 100, 0.55, 130, [[-60, 10 * 60]])
  const dehumidifier = spans('dehumidifier', t0, 280, 0.78, 20, [[-60, 75]])
  const heater = spans('electric-heater', t0, 1800, 1, 2, [[60, 90]])
  const at = t0 + 20.5 * MIN
  const state = () => knowing(learnedSignature({ levelW: 280, harmonicRatio: 0.2 }))
  const runWith = (p: ReturnType<typeof pfcCharger>) =>
    run(
      circuitSeries([banks, dehumidifier, heater, chargerSession(p)], { fromMs: t0, minutes: 10 * 60 }),
      undefined,
      false,
      state(),
    )

  it('stays open while the charger charges, and clears within 30 min of it stopping', () => {
    const p = pfcCharger(at, 160, { ccMin: 220, taperMin: 20, floatW: 0, totalMin: 240 })
    openThroughCharge(runWith(p), p, at)
  })

  it('still clears a charger unplugged under the heater while the dehumidifier runs on', () => {
    // unplugged at 20:10, before the dehumidifier stops: the circuit stands lower after the heater by both
    const p = pfcCharger(at, 160, { ccMin: 50, taperMin: 0, floatW: 0, totalMin: 50 })
    const r = runWith(p)
    expect(raises(r)).toHaveLength(1)
    const cleared = clears(r)
    expect(cleared).toHaveLength(1)
    expect(cleared[0]!.ts - chargerLoadEndMs(p)).toBeLessThanOrEqual(30 * MIN)
  })
})

describe('an active-PFC charger’s alert while a compressor moves under a heater: its size, its motor', () => {
  // An active-PFC alert is "present" by its watts alone. A learned compressor that stopped under the heater
  // leaves the charger still reading present where it is the smaller, and one that started under it adds
  // to what the charger seems to draw: both are judged across the heater's run all the same
  const t0 = local('2026-01-05T19:00:00')
  const heater = spans('electric-heater', t0, 1800, 1, 2, [[60, 90]])
  const at = t0 + 20.5 * MIN
  const runWith = (loads: LoadModel[], levelW: number, samples?: number) =>
    run(
      circuitSeries(loads, { fromMs: t0, minutes: 10 * 60, ...(samples ? { samples } : {}) }),
      undefined,
      false,
      knowing(learnedSignature({ levelW, harmonicRatio: levelW > 200 ? 0.2 : 0.15 })),
    )

  it('a fridge of half the charger’s size stopping under it: open through the taper, cleared after', () => {
    // 250 W charger, 110 W fridge (PF 0.7) stopping at 20:15 over LED banks: with the fridge left in the
    // background the alert cleared at 21:55, 55 min before the charge ended
    const banks = spans('led-banks', t0, 100, 0.55, 130, [[-60, 10 * 60]])
    const fridge = spans('fridge', t0, 110, 0.7, 15, [[-60, 75]])
    const p = pfcCharger(at, 250, { ccMin: 120, taperMin: 90, floatW: 0, totalMin: 240 })
    const r = runWith([banks, fridge, heater, chargerSession(p)], 110)
    expect(raises(r)).toHaveLength(1)
    const cleared = clears(r)
    expect(cleared).toHaveLength(1)
    expect(cleared[0]!.ts).toBeGreaterThanOrEqual(chargerLoadEndMs(p) - 10 * MIN)
    expect(cleared[0]!.ts - chargerLoadEndMs(p)).toBeLessThanOrEqual(30 * MIN)
  })

  it('one of the charger’s own size stopping under it, told by its motor’s reactive current', () => {
    // 260 W charger, 260 W dehumidifier (PF 0.8) over a lamp, on a meter averaging 3 instants a minute:
    // only the reactive current that fell with the watts says the compressor left, not the charger
    const lamp = spans('lights-always', t0, 30, 0.92, 18, [[-60, 10 * 60]])
    const dehumidifier = spans('dehumidifier', t0, 260, 0.8, 20, [[-60, 75]])
    const p = pfcCharger(at, 260, { ccMin: 220, taperMin: 20, floatW: 0, totalMin: 240 })
    openThroughCharge(runWith([lamp, dehumidifier, heater, chargerSession(p)], 260, 3), p, at)
  })

  it('a dehumidifier that started again under it does not hold the alert open after the charge', () => {
    // stopped beside the alert at 21:00, started under a heater 21:20–21:50, running on; the charger is
    // unplugged at 22:20. Left out of the background, the dehumidifier stood in the alert's excess and
    // held it open all night
    const banks = spans('led-banks', t0, 80, 0.55, 130, [[-60, 10 * 60]])
    const dehumidifier = spans('dehumidifier', t0, 280, 0.8, 20, [
      [-60, 120.4],
      [155, 10 * 60],
    ])
    const late = spans('electric-heater', t0, 1800, 1, 2, [[140, 170]])
    const p = pfcCharger(at, 150, { ccMin: 180, taperMin: 0, floatW: 0, totalMin: 180 })
    const r = runWith([banks, dehumidifier, late, chargerSession(p)], 280, 3)
    expect(raises(r)).toHaveLength(1)
    const cleared = clears(r)
    expect(cleared).toHaveLength(1)
    expect(cleared[0]!.ts - chargerLoadEndMs(p)).toBeLessThanOrEqual(30 * MIN)
  })
})

describe('an active-PFC charger’s alert: steps of a learned compressor’s size that are no compressor', () => {
  // LED banks (80 W, PF 0.55, THD 130 %) hide a motor's reactive current; the circuit has learned a 280 W
  // dehumidifier (THD 20 %). Meters reporting the instant, and averaging 3 instants a minute
  const t0 = local('2026-01-05T19:00:00')
  const banks = spans('led-banks', t0, 80, 0.55, 130, [[-60, 10 * 60]])
  const at = t0 + 20.5 * MIN
  const state = () => knowing(learnedSignature({ levelW: 280, harmonicRatio: 0.2 }))
  const runWith = (loads: LoadModel[], samples: number) =>
    run(circuitSeries(loads, { fromMs: t0, minutes: 10 * 60, samples }), undefined, false, state())

  it.each([1, 3])(
    'a second charger of the dehumidifier’s size plugged in under the alert is raised or keeps it open (samples %i)',
    (samples) => {
      // the dehumidifier is off all evening: the second charger's rise was taken for it starting, the alert
      // cleared when the first charger stopped and the second was never raised
      const first = pfcCharger(at, 150, { ccMin: 120, taperMin: 0, floatW: 0, totalMin: 120 })
      const secondAt = t0 + 60.5 * MIN
      const second = pfcCharger(secondAt, 280, { ccMin: 240, taperMin: 0, floatW: 0, totalMin: 240, seed: 9 })
      const r = runWith([banks, chargerSession(first), chargerSession(second)], samples)
      const again = raises(r).find((v) => v.onsetTs >= secondAt - MIN)
      const lastClear = clears(r).at(-1)
      expect(again !== undefined || (lastClear?.ts ?? 0) >= chargerLoadEndMs(second) - MIN).toBe(true)
    },
  )

  it.each([
    [1, 133],
    [1, 136],
    [3, 133],
    [3, 136],
  ])(
    'a 360 W charger unplugged in its taper (~280 W) beside the running dehumidifier clears within 30 min (samples %i, %i min)',
    (samples, total) => {
      // its fall, the dehumidifier's size, was taken for the dehumidifier stopping: the alert stayed open
      // until the dehumidifier really stopped (1¾ h)
      const dehumidifier = spans('dehumidifier', t0, 280, 0.8, 20, [
        [-60, 250],
        [300, 600],
      ])
      const p = pfcCharger(at, 360, { ccMin: 120, taperMin: 90, floatW: 0, totalMin: total })
      const r = runWith([banks, dehumidifier, chargerSession(p)], samples)
      const c = clears(r)
      expect(c.length).toBeGreaterThan(0)
      expect(c.at(-1)!.ts - chargerLoadEndMs(p)).toBeLessThanOrEqual(30 * MIN)
    },
  )
})

describe('an active-PFC charger’s alert while a dehumidifier under it stops (evaluation scenario)', () => {
  // development scenario 112 of circuit-mixed-stray: an averaging meter (PF and THD) on a circuit with
  // low-PF LED banks and a 288 W dehumidifier; a 135 W active-PFC lithium charger in CC. The dehumidifier
  // stopped over two readings under the alert: no single reading matched it, and the banks' leading current
  // hid its reactive current, so it stayed in the background and the alert cleared while the bike charged
  it('stays open while the charger charges, and clears within 30 min of it stopping', () => {
    const r = runScenario(
      buildScenario('circuit-mixed-stray', 112, 3, DEV_CC_RANGES),
      DEFAULT_STRAY_WIRE_PARAMS,
    )
    expect(r.detected).toBe(r.sessions)
    expect(r.earlyClears).toBe(0)
    expect(r.leftOpen).toBe(0)
  })
})

describe('an active-PFC charger’s alert beside a lamp that was on before it', () => {
  it('clears once the charger cuts off: its taper is not taken for the lamp going off', () => {
    // a 54 W lamp (PF 0.92, THD 18 %) on all night before the bike; an active-PFC lithium charger
    // (150 W, PF 0.97, THD 10 %) whose taper slides down by 5–10 W a minute without harmonic current
    const lamp = spans('lights-dusk-to-dawn', T0, 54, 0.92, 18, [[0, 12 * 60]])
    const p = charger(plugged, {
      chemistry: 'lithium',
      ccPowerW: 150,
      ccRise: 0.02,
      ccMin: 180,
      taperMin: 20,
      floatW: 0,
      totalMin: 240,
      powerFactor: 0.97,
      thdPct: 10,
    })
    const r = run(circuitSeries([lamp, chargerSession(p)], { fromMs: T0, minutes: 12 * 60 }))
    expect(raises(r)).toHaveLength(1)
    expect(clears(r)).toHaveLength(1)
    expect(clears(r)[0]!.ts - chargerLoadEndMs(p)).toBeLessThanOrEqual(15 * MIN)
  })
})

describe('an alert beside the circuit’s low-PF LED banks that switch on at dusk in its first minutes', () => {
  // banks of low-PF LEDs (80 W, PF 0.55, THD 130 %) every night 17:53–06:44, learned as this circuit’s
  // lights on the first nights; on the third evening a charger is plugged in at 17:47, six minutes before
  // them. Taken for part of the charger, their harmonic current held the alert open until dawn
  const t0 = local('2026-01-05T12:00:00')
  const nights: [number, number][] = []
  for (let d = 0; d < 3; d++) nights.push([d * 1440 + 353, d * 1440 + 1124])
  const banks = spans('led-banks', t0, 80, 0.55, 130, nights)
  const at = t0 + (2 * 1440 + 347.5) * MIN
  const p = charger(at, { chemistry: 'lithium', ccPowerW: 260, ccMin: 180, taperMin: 60, totalMin: 270 })

  const clearsSoon = (lights: LoadModel[]) => {
    const r = run(circuitSeries([...lights, chargerSession(p)], { fromMs: t0, minutes: 3 * 1440 }))
    const raised = raises(r).filter((v) => v.onsetTs >= at - MIN)
    expect(raised).toHaveLength(1)
    const cleared = clears(r).filter((v) => v.ts > raised[0]!.ts)
    expect(cleared).toHaveLength(1)
    expect(cleared[0]!.ts - chargerLoadEndMs(p)).toBeLessThanOrEqual(30 * MIN)
  }

  it('takes the banks into the background and clears within 30 min of the charger stopping', () => {
    clearsSoon([banks])
  })

  it('stays open through dawn while the charger charges, as two banks go off a minute apart', () => {
    // a charger in constant current until 07:07 on the fourth morning; the banks (2 × 40 W, taken into
    // the background at dusk) go off at 06:44 and 06:45: the alert is not cleared by their leaving
    const later = nights.map(([a, b]): [number, number] => [a + 1, b + 1])
    const two = [spans('led-banks', t0, 40, 0.55, 130, nights), spans('led-banks', t0, 40, 0.55, 130, later)]
    const long = charger(at, { chemistry: 'lithium', ccPowerW: 150, ccMin: 800, taperMin: 60, totalMin: 900 })
    const r = run(circuitSeries([...two, chargerSession(long)], { fromMs: t0, minutes: 3 * 1440 + 1260 }))
    const raised = raises(r).filter((v) => v.onsetTs >= at - MIN)
    expect(raised).toHaveLength(1)
    const cleared = clears(r).filter((v) => v.ts > raised[0]!.ts)
    expect(cleared).toHaveLength(1)
    expect(cleared[0]!.ts).toBeGreaterThan(at + 800 * MIN)
  })

  it('does so too for two banks that switch on a minute apart', () => {
    // 2 × 40 W: each bank alone is half the banks' learned size; the two readings' rise together is it
    const later = nights.map(([a, b]): [number, number] => [a + 1, b + 1])
    clearsSoon([spans('led-banks', t0, 40, 0.55, 130, nights), spans('led-banks', t0, 40, 0.55, 130, later)])
  })
})

describe('an alert on a new meter when LED banks it has not learned yet switch on beside the charger', () => {
  // the meter's first evening: a lithium charger (210 W, PF 0.66) plugged in at 18:00, low-PF LED banks
  // (64 W, PF 0.57, THD 105 %) switching on at 18:14 beside it, nothing of the circuit learned yet. Left in
  // the alert's excess, the banks' harmonic current passed for the charger's after it left and held the
  // alert open all night (development scenario 16 of circuit-led-stray)
  const t0 = local('2026-01-05T17:00:00')
  const banks = spans('led-banks', t0, 64, 0.57, 105, [[74, 14 * 60]])
  const at = t0 + 60.5 * MIN
  const p = charger(at, {
    chemistry: 'lithium',
    ccPowerW: 210,
    powerFactor: 0.66,
    ccMin: 240,
    taperMin: 60,
    totalMin: 330,
  })

  it('takes the banks into the background and clears within 30 min of the charger stopping', () => {
    const r = run(circuitSeries([banks, chargerSession(p)], { fromMs: t0, minutes: 14 * 60 }))
    expect(raises(r)).toHaveLength(1)
    expect(clears(r)).toHaveLength(1)
    expect(clears(r)[0]!.ts - chargerLoadEndMs(p)).toBeLessThanOrEqual(30 * MIN)
    // not while it charged on in constant current
    expect(clears(r)[0]!.ts).toBeGreaterThan(at + 240 * MIN)
  })

  it('still raises a charger of a fridge’s size plugged in beside the open alert', () => {
    const secondAt = t0 + 150.5 * MIN
    const second = charger(secondAt, { chemistry: 'lithium', ccPowerW: 120, ccMin: 240, seed: 9 })
    const r = run(
      circuitSeries([banks, chargerSession(p), chargerSession(second)], { fromMs: t0, minutes: 8 * 60 }),
    )
    const again = raises(r).find((v) => v.onsetTs >= secondAt - MIN)
    if (again?.kind !== 'raise') throw new Error('the second charger was not raised')
    expect(again.ts - secondAt).toBeLessThanOrEqual(15 * MIN)
  })
})
