// What the detector makes of the field loads of domain.md "More of the real world", piece by piece:
// two of a circuit's own compressors at once, an active-PFC charger whose step shows only on top of a
// steady heater, a level that stood before a heater and after it, lights learned only at a lights' size,
// a day profile trusted only where the circuit keeps its level, active PFC only at a charger's size,
// and lights a site's schedule says switch on at dusk.
import { describe, expect, it } from 'vitest'
import {
  endEpisode,
  followEpisode,
  initialCircuitNormal,
  type LoadSignature,
  learnBackground,
  matchesDayProfile,
  matchSignature,
  startEpisode,
} from '../../alerts/stray-wire-circuit-normal.ts'
import { classify, type Observation } from '../../alerts/stray-wire-classify.ts'
import { detectStrayWire } from '../../alerts/stray-wire-detector.ts'
import { levelOutlastedBigLoad, sawStep, stepUnderBigLoad } from '../../alerts/stray-wire-evidence.ts'
import {
  arrivedAsKnownRun,
  compressorWithLights,
  explainedByKnownLoads,
} from '../../alerts/stray-wire-known-loads.ts'
import { switchedOnAtDusk, switchedOnBySchedule } from '../../alerts/stray-wire-schedule.ts'
import {
  DEFAULT_STRAY_WIRE_PARAMS,
  initialStrayWireState,
  type StrayWireState,
} from '../../alerts/stray-wire-types.ts'
import { runScenario } from '../../eval/stray-wire/evaluate.ts'
import { buildScenario } from '../../eval/stray-wire/families.ts'
import { DEV_CC_RANGES } from '../../eval/stray-wire/scenario.ts'
import { ledBanks } from '../../simulators/physics/appliances.ts'
import { chargerSession } from '../../simulators/physics/charger.ts'
import type { LoadModel } from '../../simulators/physics/load-model.ts'
import { electricHeater } from '../../simulators/physics/loads.ts'
import {
  charger,
  circuitSeries,
  clears,
  heaterEvening,
  knowing,
  learnedSignature,
  local,
  MIN,
  pfcCharger,
  raisedOnceWithin,
  raises,
  run,
  spans,
} from './stray-wire-support.ts'

const DAY = 1440 * MIN

const run_ = (id: string, levelW: number, harmonicRatio: number | null, count = 10): LoadSignature =>
  learnedSignature({ id, levelW, harmonicRatio, count })

describe('explainedByKnownLoads: two of the circuit’s own compressors at once', () => {
  const n = { ...initialCircuitNormal(), signatures: [run_('d', 240, 0.15), run_('f', 120, 0.25)] }

  it('explains a step of both running together, in watts and harmonic VA', () => {
    expect(explainedByKnownLoads(n, 362, 0.15 * 240 + 0.25 * 120, 20)).toBe(true)
    // watts only: the sum alone
    expect(explainedByKnownLoads(n, 355, null, 20)).toBe(true)
  })

  it('explains one stopping in the minute the other starts, only where harmonic VA can vouch for it', () => {
    // the fridge (120 W) was part of the standing load and stopped as the dehumidifier (240 W) started
    expect(explainedByKnownLoads(n, 118, 36 - 30, 150)).toBe(true)
    // the fridge cannot have stopped if the standing load never held it
    expect(explainedByKnownLoads(n, 118, 6, 40)).toBe(false)
    // watts alone cannot tell that difference from a charger of its size
    expect(explainedByKnownLoads(n, 118, null, 150)).toBe(false)
  })

  it('does not explain a rectifier charger of the same watts: its harmonic current is far larger', () => {
    expect(explainedByKnownLoads(n, 362, 0.8 * 362, 20)).toBe(false)
    expect(explainedByKnownLoads(n, 118, 0.7 * 118, 150)).toBe(false)
  })

  it('takes a load that drew next to no reactive current for neither both nor one swapped for the other', () => {
    // an active-PFC charger's 0.2 var per W: two motors' lagging currents add, so not both starting
    expect(explainedByKnownLoads(n, 362, 66, 20, { noMotorQ: 0.2 * 362 })).toBe(false)
    // their reactive VA as learned (PF 0.8 both: 180 and 90 var): the dehumidifier starting as the fridge
    // stops leaves about 90 var, not 24
    const q = (s: LoadSignature): LoadSignature => ({ ...s, reactiveRatio: 0.75, reactiveRuns: 5 })
    const lagging = { ...initialCircuitNormal(), signatures: n.signatures.map(q) }
    expect(explainedByKnownLoads(lagging, 118, 6, 150, { noMotorQ: 24 })).toBe(false)
    expect(explainedByKnownLoads(lagging, 118, 6, 150, { noMotorQ: 85 })).toBe(true)
    // unlearned, anything two motors may draw (PF 0.6-0.85): a difference of near none can be theirs
    expect(explainedByKnownLoads(n, 118, 6, 150, { noMotorQ: 24 })).toBe(true)
  })

  it('uses only runs seen more than once, and none a crew undid', () => {
    const once = { ...initialCircuitNormal(), signatures: [run_('d', 240, 0.15), run_('f', 120, 0.25, 1)] }
    expect(explainedByKnownLoads(once, 362, 66, 20)).toBe(false)
    expect(explainedByKnownLoads(n, 362, 66, 20, { feedback: { taught: [], forget: ['f'] } })).toBe(false)
  })
})

describe('a circuit whose heater holds steady while an active-PFC charger plugs in under it', () => {
  const onset = local('2026-01-05T20:20:00')
  const heater = electricHeater({
    startMs: local('2026-01-05T20:00:00'),
    durationMin: 60,
    powerW: 1600,
    // the thermostat holds the element on for the whole hour
    onMin: 120,
    offMin: 1,
    phaseMin: 0,
    seed: 4,
  })
  const pfc = chargerSession(pfcCharger(onset, 220, { ccRise: 0.05 }))

  it('raises once the heater goes off, the step it made on top of the heater being its level', () => {
    const r = run(circuitSeries([heater, pfc], { fromMs: local('2026-01-05T19:00:00'), minutes: 180 }))
    raisedOnceWithin(r, local('2026-01-05T21:00:00'), 15)
  })

  it('raises nothing for the heater alone', () => {
    const r = run(circuitSeries([heater], { fromMs: local('2026-01-05T19:00:00'), minutes: 180 }))
    expect(raises(r)).toEqual([])
  })
})

describe('matchSignature: a compressor by its own harmonic share', () => {
  // a dehumidifier learned at 260 W carrying 0.22 VA of harmonic current per W (THD about 20 %)
  const n = {
    ...initialCircuitNormal(),
    signatures: [learnedSignature({ id: 'dehumidifier', levelW: 260, harmonicRatio: 0.22, count: 18 })],
  }

  it('takes a load of its size and harmonic share for it', () => {
    expect(matchSignature(n, 0, 250, 0.2, 480)?.id).toBe('dehumidifier')
    // harmonic currents beside it do not add in full: its excess may carry somewhat less
    expect(matchSignature(n, 0, 250, 0.12, 480)?.id).toBe('dehumidifier')
  })

  it('does not take an active-PFC charger of its size for it: less than half its harmonic share', () => {
    // development scenario 21 of circuit-mixed-stray: a 150 W lithium charger and a fridge under a cleaner
    expect(matchSignature(n, 0, 232, 0.1, 480)).toBeUndefined()
  })

  it('still matches by watts where the meter reports no PF or THD', () => {
    expect(matchSignature(n, 0, 250, null, 480)?.id).toBe('dehumidifier')
  })
})

describe('two banks of LED lights learned apart, switching on together at dusk', () => {
  // the circuit learned its banks on nights they came on minutes apart: 30 W and 80 W of drivers without
  // PFC (about 1.4 VA of harmonic current per W). Tonight both switch on at 17:45, together a charger's
  // size and harmonic share that neither matches alone (development scenario 77 of mixed PF+THD)
  const t0 = local('2026-01-06T16:00:00')
  const lights = (id: string, levelW: number, harmonicRatio: number, fromMin: number): LoadSignature =>
    learnedSignature({
      id,
      kind: 'lights',
      levelW,
      harmonicRatio,
      window: { fromMin, toMin: 6 * 60 + 30 },
      count: 1,
      firstTs: t0 - DAY,
      lastTs: t0 - 10 * 60 * MIN,
    })
  const knows = () =>
    knowing(lights('banks-a', 30, 1.41, 17 * 60 + 45), lights('banks-b', 80, 1.38, 18 * 60 + 10))
  const banks = [
    spans('led-bank', t0, 30, 0.55, 130, [[105, 870]]),
    spans('led-bank', t0, 80, 0.56, 125, [[105.3, 870]]),
  ]

  it('raises nothing: the two together are the circuit’s lights at their hour', () => {
    const r = run(circuitSeries(banks, { fromMs: t0, minutes: 300 }), undefined, false, knows())
    expect(raises(r)).toEqual([])
  })

  it('takes a load of their watts and harmonic share for them only near their hour', () => {
    const n = knows().normal!
    const hRatio = (30 * 1.41 + 80 * 1.38) / 110
    const at = (hhmm: string) => local(`2026-01-06T${hhmm}:00`)
    expect(matchSignature(n, at('17:52'), 110, hRatio, 480, undefined, undefined, at('17:46'))?.id).toBe(
      'banks-b',
    )
    // an hour later (both still inside their windows, the banks not matched tonight): a charger's
    expect(
      matchSignature(n, at('18:52'), 110, hRatio, 480, undefined, undefined, at('18:46')),
    ).toBeUndefined()
    // by watts alone, never
    expect(matchSignature(n, at('17:52'), 110, null, 480, undefined, undefined, at('17:46'))).toBeUndefined()
  })

  it('takes them only for a load of both their watts and their harmonic current, and only once a night', () => {
    const n = knows().normal!
    const at = (hhmm: string) => local(`2026-01-06T${hhmm}:00`)
    const h = 30 * 1.41 + 80 * 1.38
    // their harmonic current on a 200 W load: a rectifier charger of a lower share, not the banks
    expect(
      matchSignature(n, at('17:52'), 200, h / 200, 480, undefined, undefined, at('17:46')),
    ).toBeUndefined()
    // their watts at an active-PFC charger's harmonic share
    expect(matchSignature(n, at('17:52'), 110, 0.1, 480, undefined, undefined, at('17:46'))).toBeUndefined()
    // one of them already matched tonight (it came on alone): the two cannot arrive together again
    const matched = {
      ...n,
      signatures: n.signatures.map((x) => (x.id === 'banks-a' ? { ...x, lastMatchTs: at('17:45') } : x)),
    }
    expect(
      matchSignature(matched, at('17:52'), 110, h / 110, 480, undefined, undefined, at('17:46')),
    ).toBeUndefined()
  })

  it('still raises a charger plugged in as they come on', () => {
    const onset = t0 + 105.5 * MIN
    const bike = chargerSession(charger(onset, { ccPowerW: 200 }))
    const r = run(circuitSeries([...banks, bike], { fromMs: t0, minutes: 300 }), undefined, false, knows())
    raisedOnceWithin(r, onset, 15)
  })
})

describe('LED banks learned from what was left of a swap, on since dusk', () => {
  // the circuit learned its banks (101 W, 1.44 VA of harmonic current per W) from a night they were taken
  // in only at 18:22, what was left when its dehumidifier stopped beside them: they had been on since
  // dusk, an hour before. Tonight they switch on at 17:14 (development circuit-unplugged-early 21)
  const t0 = local('2026-01-06T16:00:00')
  const at = (hhmm: string) => local(`2026-01-06T${hhmm}:00`)
  const banksLearned = (onBy: boolean) =>
    knowing(
      learnedSignature({
        id: 'banks',
        kind: 'lights',
        levelW: 101,
        harmonicRatio: 1.44,
        window: { fromMin: 18 * 60 + 22, toMin: 6 * 60 + 23, ...(onBy ? { onBy: true as const } : {}) },
        count: 1,
        firstTs: t0 - DAY,
        lastTs: t0 - 10 * 60 * MIN,
      }),
    )
  const banks = [spans('led-bank', t0, 101, 0.58, 120, [[74, 600]])]

  it('raises nothing when they switch on at dusk, before the swap’s minute', () => {
    const r = run(circuitSeries(banks, { fromMs: t0, minutes: 240 }), undefined, false, banksLearned(true))
    expect(raises(r)).toEqual([])
  })

  it('takes a load of theirs for them from an evening before that minute, not in the afternoon', () => {
    const n = banksLearned(true).normal!
    expect(matchSignature(n, at('17:20'), 101, 1.44, 480, undefined, undefined, at('17:14'))?.id).toBe(
      'banks',
    )
    expect(matchSignature(n, at('13:20'), 101, 1.44, 480, undefined, undefined, at('13:14'))).toBeUndefined()
    // an hour seen switching on is kept: the same load 68 min before it is something else
    const seen = banksLearned(false).normal!
    expect(
      matchSignature(seen, at('17:20'), 101, 1.44, 480, undefined, undefined, at('17:14')),
    ).toBeUndefined()
  })

  it('still raises a charger plugged in once they are on', () => {
    const onset = t0 + 120 * MIN
    const bike = chargerSession(charger(onset, { ccPowerW: 200 }))
    const r = run(
      circuitSeries([...banks, bike], { fromMs: t0, minutes: 300 }),
      undefined,
      false,
      banksLearned(true),
    )
    raisedOnceWithin(r, onset, 15)
  })

  it('raises nothing on the dusk of that scenario two days after the swap', () => {
    const r = runScenario(
      buildScenario('circuit-unplugged-early', 21, 3, DEV_CC_RANGES),
      DEFAULT_STRAY_WIRE_PARAMS,
    )
    const dusk = r.falseAt.filter(
      (t) => t >= local('2026-01-13T16:30:00') && t < local('2026-01-13T18:00:00'),
    )
    expect(dusk).toEqual([])
  })

  it('opens at their hour once a night shows them switching on after that minute', () => {
    // the swap came on a dark evening at 16:50; tonight they switch on at 17:14, within the hour a window
    // widens by: that is their hour seen, no more only when they were on by
    const early = knowing(
      learnedSignature({
        id: 'banks',
        kind: 'lights',
        levelW: 101,
        harmonicRatio: 1.44,
        window: { fromMin: 16 * 60 + 50, toMin: 6 * 60 + 23, onBy: true },
        count: 1,
        firstTs: t0 - DAY,
        lastTs: t0 - 10 * 60 * MIN,
      }),
    )
    const n = run(circuitSeries(banks, { fromMs: t0, minutes: 700 }), undefined, false, early).state.normal!
    expect(n.signatures.find((s) => s.id === 'banks')?.window?.onBy).toBeUndefined()
    // a load of theirs arriving in the next afternoon is something else
    const next = (hhmm: string) => local(`2026-01-07T${hhmm}:00`)
    expect(
      matchSignature(n, next('13:20'), 101, 1.44, 480, undefined, undefined, next('13:14')),
    ).toBeUndefined()
  })
})

describe('an active-PFC charger plugged in under a heater on a circuit that knows its dehumidifier', () => {
  // the circuit learned its dehumidifier (235 W, 0.22 VA per W) on earlier days; a heater holds steady
  // 20:00–21:00 and a 220 W active-PFC charger plugs in under it at 20:20
  const t0 = local('2026-01-05T19:00:00')
  const known = knowing(
    learnedSignature({
      id: 'dehumidifier',
      levelW: 235,
      harmonicRatio: 0.22,
      count: 18,
      longestMin: 150,
      timedRuns: 8,
    }),
  )
  const heater = spans('electric-heater', t0, 1600, 1, 3, [[60, 120]])
  const onset = local('2026-01-05T20:20:30')
  const pfc = chargerSession(pfcCharger(onset, 220))

  it('is raised once the heater goes off, not taken for the dehumidifier', () => {
    const r = run(circuitSeries([heater, pfc], { fromMs: t0, minutes: 180 }), undefined, false, known)
    raisedOnceWithin(r, local('2026-01-05T21:00:00'), 15)
  })

  it('raises nothing when the dehumidifier itself starts under the heater', () => {
    const dehumidifier = spans('dehumidifier', t0, 235, 0.8, 20, [[80.5, 170]])
    const r = run(
      circuitSeries([heater, dehumidifier], { fromMs: t0, minutes: 180 }),
      undefined,
      false,
      known,
    )
    expect(raises(r)).toEqual([])
  })
})

/** A compressor the circuit learned: `levelW` W at `harmonicRatio` VA per W, `count` runs, the longest given. */
const learnedCompressor = (
  id: string,
  levelW: number,
  harmonicRatio: number,
  count: number,
  longestMin: number,
): LoadSignature => learnedSignature({ id, levelW, harmonicRatio, count, longestMin })

/** An evening's lamps and low-PF LED banks, on from `t0` for `minutes`. */
const lampsAndBanks = (t0: number, lampW: number, banksW: number, minutes: number): LoadModel[] => [
  spans('lights', t0, lampW, 0.95, 10, [[0, minutes]]),
  spans('led-banks', t0, banksW, 0.55, 130, [[0, minutes]]),
]

/** The detector over `loads` from `t0`, from a state that knows the circuit (`persist`: JSON each reading). */
const runKnowing = (
  from: StrayWireState,
  loads: LoadModel[],
  t0: number,
  minutes: number,
  o: { persist?: boolean; samples?: number } = {},
) =>
  run(circuitSeries(loads, { fromMs: t0, minutes, samples: o.samples }), undefined, o.persist ?? false, from)

describe('an active-PFC charger plugged in as the circuit’s dehumidifier stopped under a heater', () => {
  // development scenario 71 of circuit-mixed-stray: the dehumidifier (265 W, PF 0.8) ran when the heater
  // came on and stopped under it; the charger (230 W) plugged in as the heater went. The watts after the
  // heater are about what stood before it, so no step shows; the motor's reactive current and harmonic
  // share went, and with the dehumidifier (as learned) out of the background a charger's excess is left
  const t0 = local('2026-02-03T18:00:00')
  const known = knowing(learnedCompressor('dehumidifier', 268, 0.25, 6, 150))
  const evening = lampsAndBanks(t0, 20, 45, 360)
  // on at 20:30, off at 22:10:30 under the heater (22:00–22:15), the charger at 22:14:30
  const dehumidifier = spans('dehumidifier', t0, 265, 0.8, 20, [[150, 250.5]])
  const heater = spans('electric-heater', t0, 1850, 1, 3, [[240, 255]])
  const onset = local('2026-02-03T22:14:30')
  const pfc = chargerSession(pfcCharger(onset, 230))
  const loads = [...evening, dehumidifier, heater]

  it('is raised within 5 minutes of the heater going off', () => {
    const r = runKnowing(known, [...loads, pfc], t0, 360)
    expect(raisedOnceWithin(r, onset, 5).ts).toBeGreaterThan(onset)
  })

  it('raises nothing when the dehumidifier stops under the heater and nothing arrives', () => {
    expect(raises(runKnowing(known, loads, t0, 360))).toEqual([])
  })

  it('raises nothing when a fridge stops beside it in plain view as a lamp switches on', () => {
    // development scenario 75 of circuit-compressor: a fridge stopping as a lamp came on left a fall of
    // neither's size; taking the larger compressor out instead left a charger's watts
    const fridge = spans('fridge', t0, 125, 0.67, 12, [[100, 160.5]])
    const lamp = spans('lights', t0, 46, 1, 3, [[160.5, 162]])
    const withFridge = knowing(
      learnedCompressor('dehumidifier', 271, 0.2, 11, 174),
      learnedCompressor('fridge', 124, 0.23, 24, 94),
    )
    const running = spans('dehumidifier', t0, 265, 0.8, 20, [[60, 360]])
    expect(raises(runKnowing(withFridge, [...evening, running, fridge, lamp], t0, 240))).toEqual([])
  })
})

describe('an active-PFC charger and a fridge plugged in together beside the dehumidifier, which stops minutes later', () => {
  // development scenario 34 of circuit-mixed-stray: the dehumidifier (230 W) in the background stopped 6
  // minutes after the charger (311 W) and a fridge (130 W) came on together. The fall took a motor's
  // reactive current, which an active-PFC charger does not draw: it was the dehumidifier, and the
  // background loses it. Before, the excess fell to the dehumidifier's size and the charger was dismissed
  // as the dehumidifier (or its alert cleared while it still charged)
  const t0 = local('2026-01-07T18:00:00')
  const known = knowing(
    learnedCompressor('dehumidifier', 230, 0.12, 12, 165),
    learnedCompressor('fridge', 132, 0.14, 36, 44),
  )
  const evening = lampsAndBanks(t0, 25, 50, 400)
  const fridge = spans('fridge', t0, 130, 0.7, 14, [[204.5, 240]])
  const onset = local('2026-01-07T21:24:30')
  // an hour at its level, then half an hour's taper
  const pfc = chargerSession(pfcCharger(onset, 311, { ccMin: 60, taperMin: 30, totalMin: 100 }))
  const once = spans('dehumidifier', t0, 230, 0.8, 12, [[120, 210.5]])
  // and on again beside the alert, to the end
  const twice = spans('dehumidifier', t0, 230, 0.8, 12, [
    [120, 210.5],
    [250.5, 400],
  ])

  it('is raised within 10 minutes and kept while the charger holds its level', () => {
    const r = runKnowing(known, [...evening, fridge, once, pfc], t0, 400)
    raisedOnceWithin(r, onset, 10)
    for (const c of clears(r)) expect(c.ts).toBeGreaterThanOrEqual(onset + 60 * MIN)
  })

  it('follows the dehumidifier starting again beside the alert: cleared once the charger stops', () => {
    const r = runKnowing(known, [...evening, fridge, twice, pfc], t0, 400)
    raisedOnceWithin(r, onset, 10)
    // the charger is done 90 minutes after its onset
    expect(clears(r)).toHaveLength(1)
    expect(clears(r)[0]!.ts).toBeGreaterThanOrEqual(onset + 60 * MIN)
    expect(clears(r)[0]!.ts).toBeLessThanOrEqual(onset + 100 * MIN)
  })

  it('raises nothing for the same evening without the charger', () => {
    expect(raises(runKnowing(known, [...evening, fridge, twice], t0, 400))).toEqual([])
  })
})

describe('beside an active-PFC alert on a circuit that knows its 250 W dehumidifier (review of 2026-12-03)', () => {
  const t0 = local('2026-01-07T18:00:00')
  const known = knowing(learnedCompressor('dehumidifier', 250, 0.15, 6, 150))
  // LED banks whose leading current about cancels the charger's lagging one: the meter's PF rounds Q to ~0
  const evening = lampsAndBanks(t0, 10, 60, 600)
  const pfc = chargerSession(pfcCharger(t0 + 60.5 * MIN, 150, { ccMin: 200, taperMin: 40, totalMin: 260 }))

  it('does not take a rectifier charger plugged in beside it for the dehumidifier starting', () => {
    // 250 W, PF 0.6, THD 90 %: its leading current moves |Q| by ~155 var, as a motor would; its harmonic
    // current is no motor's
    const rectifier = chargerSession(charger(t0 + 120.5 * MIN, { ccPowerW: 250 }))
    const loads = [...evening, pfc, rectifier]
    for (const persist of [false, true]) {
      expect(runKnowing(known, loads, t0, 125, { persist }).state.baselineW).toBeLessThan(150)
      // and its alert is not cleared while it still draws 150 W and more of its taper (to minute ~381)
      for (const c of clears(runKnowing(known, loads, t0, 600, { persist })))
        expect(c.ts).toBeGreaterThanOrEqual(t0 + 381 * MIN)
    }
  })

  it('takes a cleaner’s partial first minute back out of the background once the cleaner shows', () => {
    // an averaging meter (4 samples a minute): the cleaner's first minute shows a quarter of its 1000 W,
    // a step of the dehumidifier's watts with a motor's reactive current
    const cleaner = spans('cleaner', t0, 1000, 0.85, 25, [[130.8, 160.6]])
    for (const persist of [false, true]) {
      const r = runKnowing(known, [...evening, pfc, cleaner], t0, 300, { persist, samples: 4 })
      expect(raises(r)).toHaveLength(1)
      // the charger holds its level to minute 260: nothing clears before
      for (const c of clears(r)) expect(c.ts).toBeGreaterThanOrEqual(t0 + 260 * MIN)
    }
  })
})

describe('a fridge the circuit has not learned yet stops beside its running dehumidifier (review of 2026-12-03)', () => {
  // the fall took a motor's reactive current; the learned dehumidifier taken out instead would leave a
  // charger's watts over the background. The fridge was seen arriving and not leaving: it is what left
  const t0 = local('2026-02-03T18:00:00')
  const dehumidifier = spans('dehumidifier', t0, 265, 0.8, 20, [[60, 360]])
  const fridge = spans('fridge', t0, 125, 0.7, 20, [[100, 160.5]])
  const known = knowing(learnedCompressor('dehumidifier', 271, 0.2, 11, 174))

  it('raises nothing', () => {
    for (const persist of [false, true]) {
      const loads = [...lampsAndBanks(t0, 20, 45, 360), dehumidifier, fridge]
      expect(raises(runKnowing(known, loads, t0, 300, { persist }))).toEqual([])
    }
  })
})

function obs(unexplainedW: number, harmonicVA: number | null, reactiveVA: number | null = 0): Observation {
  return {
    source: 'circuit',
    ts: 0,
    unexplainedW,
    harmonicVA,
    reactiveVA,
    toleranceW: 0,
    backgroundCapW: 75,
  }
}

const afterBig = (over: Partial<StrayWireState>): StrayWireState => ({
  ...initialStrayWireState(),
  baselineW: 10,
  prevBig: true,
  ...over,
})

describe('levelOutlastedBigLoad and stepUnderBigLoad', () => {
  it('take a level the same before and after a heater, in watts and harmonic VA, for what stood there', () => {
    const s = afterBig({ preBigW: 118, preBigH: 112 })
    expect(levelOutlastedBigLoad(s, obs(116, 110))).toBe(true)
    // a charger plugged in under the heater left more than was there before it
    expect(levelOutlastedBigLoad(s, obs(300, 250))).toBe(false)
    // the same watts with another load's harmonic current is not the same load
    expect(levelOutlastedBigLoad(s, obs(118, 40))).toBe(false)
  })

  it('take the level left for a charger when the step seen on top of the heater was that big', () => {
    const s = afterBig({ preBigW: 12, preBigH: 3, bigStepW: 215, bigStepTs: 1 })
    expect(stepUnderBigLoad(s, obs(10 + 220, 20))).toBe(true)
    expect(stepUnderBigLoad(s, obs(10 + 120, 20))).toBe(false)
    expect(levelOutlastedBigLoad(afterBig({ preBigW: 230, preBigH: 20, bigStepW: 215 }), obs(230, 20))).toBe(
      false,
    )
  })

  it('never apply after a reading that was no big load', () => {
    expect(
      levelOutlastedBigLoad(afterBig({ prevBig: false, preBigW: 118, preBigH: 112 }), obs(118, 112)),
    ).toBe(false)
  })
})

describe('what the circuit’s normal learns', () => {
  const flatFor = (levelW: number, hours: number) => {
    const n = initialCircuitNormal()
    const from = local('2026-01-05T19:00:00')
    startEpisode(n, from, levelW, 0.15)
    for (let m = 1; m < hours * 60; m++) followEpisode(n, levelW)
    endEpisode(n, from + hours * 60 * MIN, 480)
    return n.signatures
  }

  it('learns a flat evening load as lights only at a lights’ size (10–60 W, banks of 15–45 W)', () => {
    expect(flatFor(90, 6).map((s) => s.kind)).toEqual(['lights'])
    // an active-PFC charger's plateau tangled with a compressor once must not become "lights"
    expect(flatFor(300, 6)).toEqual([])
  })

  it('learns LED banks by their harmonic current where a lamp blurred the level their watts were taken at', () => {
    // banks of 107 W (1.3 VA of harmonic current per W) raised at dusk; a 39 W motion lamp burned beside
    // them as their level was taken, and the background followed a dehumidifier's runs late all night
    const night = (taper: boolean) => {
      const n = initialCircuitNormal()
      const from = local('2026-01-27T17:28:00')
      startEpisode(n, from, 146, 1)
      followEpisode(n, 146, 148)
      followEpisode(n, 146, 148)
      const minutes = 13 * 60
      for (let m = 3; m < minutes; m++) {
        // a charger's taper takes its harmonic current down with its current; the banks' holds
        const share = taper && m > 4 * 60 ? Math.max(0.15, 1 - (m - 4 * 60) / 180) : 1
        const lamp = m % 40 < 3 ? 39 : 0
        followEpisode(n, share * 107 + lamp + (m % 90 < 20 ? 30 : 0), share * 142 + (m % 7) - 3)
      }
      endEpisode(n, from + minutes * MIN, 480)
      return n
    }
    const banks = night(false)
    expect(banks.signatures.map((s) => s.kind)).toEqual(['lights'])
    // the next dusk, found as a heater went off (dated back to its start): the banks by their harmonic VA
    const found = matchSignature(
      banks,
      local('2026-01-28T17:34:00'),
      108,
      140 / 108,
      480,
      undefined,
      55,
      local('2026-01-28T17:16:00'),
    )
    expect(found?.kind).toBe('lights')
    expect(night(true).signatures).toEqual([])
  })

  it('learns dusk lights raised on a watts-only meter though a compressor’s runs showed on top of them', () => {
    // 70 W of LED banks and 57 W of dusk-to-dawn lights from 18:28, raised; under the open alert the
    // background did not follow a 245 W dehumidifier's runs (20 min an hour) nor a motion lamp's minutes;
    // the banks went off at 23:02 and the alert cleared
    const evening = (
      taper: boolean,
      creep = 0,
      tapersUnderRun = false,
      n = initialCircuitNormal(),
      from = local('2026-01-26T18:28:00'),
    ) => {
      startEpisode(n, from, 126, null)
      const minutes = 274
      for (let m = 1; m < minutes; m++) {
        // a charger's CV taper slides under its plateau; the lights hold theirs
        // (a lead-acid charger's CC plateau creeps up as its battery's voltage rises)
        const share = taper && m > 150 ? Math.max(0.3, 1 - (m - 150) / 100) : 1 + (creep * m) / minutes
        const run = (m % 60 >= 5 && m % 60 < 25) || (tapersUnderRun && m > 140)
        const dehumidifier = run ? 245 : 0
        // a 24 W motion lamp for three minutes, its edges half minutes on an averaging meter
        const lamp = [0, 12, 24, 24, 12][Math.max(0, (m % 45) - 9)] ?? 0
        followEpisode(n, share * 126 + dehumidifier + lamp + (m % 5) - 2)
      }
      endEpisode(n, from + minutes * MIN, 480)
      return n
    }
    const lights = evening(false)
    expect(lights.signatures.map((s) => s.kind)).toEqual(['lights'])
    // the next dusk, the same lights arriving over two averaging minutes, by watts alone: one evening is
    // not enough (a lithium charger's full charge looks the same); a second that agrees is
    expect(matchSignature(lights, local('2026-01-27T18:33:00'), 123, null, 480)).toBeUndefined()
    evening(false, 0, false, lights, local('2026-01-27T18:31:00'))
    expect(lights.signatures.map((s) => [s.kind, s.count])).toEqual([['lights', 2]])
    expect(matchSignature(lights, local('2026-01-28T18:33:00'), 123, null, 480)?.kind).toBe('lights')
    expect(evening(true).signatures).toEqual([])
    expect(evening(false, 0.2).signatures).toEqual([])
    // a charger whose taper went by under a compressor's run never showed it: nothing learned
    expect(evening(true, 0, true).signatures).toEqual([])
  })

  it('trusts the day profile only where the circuit keeps its level from day to day', () => {
    const steady = initialCircuitNormal()
    const blurred = initialCircuitNormal()
    const from = local('2026-01-05T00:00:00')
    for (let m = 0; m < 3 * 1440; m++) {
      const ts = from + m * MIN
      learnBackground(steady, ts, 80, 20, 480)
      // a compressor on one day at this hour and off the next
      const day = Math.floor(m / 1440)
      learnBackground(blurred, ts, day % 2 === 0 ? 80 : 330, 20, 480)
    }
    const at = from + 3 * DAY + 21 * 60 * MIN
    expect(matchesDayProfile(steady, at, 80, 20, 480)).toBe(true)
    // even a total right at the bin's mean: that mean is a blur of the compressor's states
    const mean = blurred.profile!.w[42]!
    expect(mean).toBeGreaterThan(100)
    expect(matchesDayProfile(blurred, at, mean, 20, 480)).toBe(false)
  })
})

describe('classify: active PFC only at a charger’s size', () => {
  const p = DEFAULT_STRAY_WIRE_PARAMS
  it('takes an undistorted 150 W step with little reactive power for an active-PFC charger', () => {
    expect(classify(obs(150, 12, 20), 0, 0, p)).toMatchObject({ cls: 'charger', pfc: true })
  })

  it('leaves an undistorted 95 W step (lamps switching together at dusk) as other', () => {
    expect(classify(obs(95, 8, 15), 0, 0, p).cls).toBe('other')
  })
})

/** Three banks of cheap LED fittings (PF 0.55, THD 130 %) coming on within half a minute. */
const THREE_BANKS = [
  { powerW: 40, powerFactor: 0.55, thdPct: 130, delayS: 0 },
  { powerW: 42, powerFactor: 0.56, thdPct: 125, delayS: 15 },
  { powerW: 38, powerFactor: 0.55, thdPct: 128, delayS: 30 },
]

describe('a site whose lights run on a timer (its lighting schedule in the alert settings)', () => {
  // three banks of cheap LED fittings (PF 0.55, THD 130 %) on a contactor at 18:00, off at 06:00
  const timerBanks = ledBanks({
    banks: THREE_BANKS,
    utcOffsetMin: 480,
    // 17:59:30: the three come on within the minute before the 18:00 reading
    onMinuteOfDay: 18 * 60 - 0.5,
    offMinuteOfDay: 6 * 60,
    jitterMin: 0,
    seed: 5,
  })
  const withSchedule = {
    ...DEFAULT_STRAY_WIRE_PARAMS,
    lightingSchedule: [{ onMin: 18 * 60, offMin: 6 * 60 }],
  }
  const evening = local('2026-01-05T16:00:00')

  it('knows the banks switching on at 18:00 for the lights on the first night, before any history', () => {
    const series = [...circuitSeries([timerBanks], { fromMs: evening, minutes: 8 * 60 })]
    // without the schedule the first dusk is a charger-sized rectifier load out of nowhere
    expect(raises(run(series))).toHaveLength(1)
    expect(raises(run(series, withSchedule))).toEqual([])
  })

  it('still raises on a charger plugged in later that evening', () => {
    const onset = local('2026-01-05T20:40:00')
    const c = chargerSession(charger(onset, { ccPowerW: 150 }))
    const r = run(circuitSeries([timerBanks, c], { fromMs: evening, minutes: 8 * 60 }), withSchedule)
    raisedOnceWithin(r, onset, 10)
  })

  it('takes only a load of a lights’ size at the switching time for the lights', () => {
    const at = local('2026-01-05T18:03:00')
    expect(switchedOnBySchedule(withSchedule.lightingSchedule, at, 120, 480)).toBe(true)
    expect(switchedOnBySchedule(withSchedule.lightingSchedule, at, 260, 480)).toBe(false)
    expect(switchedOnBySchedule(withSchedule.lightingSchedule, local('2026-01-05T19:00:00'), 120, 480)).toBe(
      false,
    )
    // a window's on-time just before midnight still matches a load just after it
    expect(switchedOnBySchedule([{ onMin: 1435, offMin: 300 }], local('2026-01-06T00:03:00'), 100, 480)).toBe(
      true,
    )
  })
})

describe('a circuit monitor that starts reporting at night, its LED banks already on', () => {
  // three banks (120 W, PF 0.55, THD 130 %: a rectifier charger's size and waveform) on since 18:00; the
  // detector's first reading is at 21:00, with no step to judge them by
  const banks = ledBanks({
    banks: THREE_BANKS,
    utcOffsetMin: 480,
    onMinuteOfDay: 18 * 60,
    offMinuteOfDay: 6 * 60,
    jitterMin: 0,
    seed: 5,
  })
  const first = local('2026-01-05T21:00:00')

  it('takes what stands at its first reading for the circuit’s background: nothing is raised all night', () => {
    expect(raises(run(circuitSeries([banks], { fromMs: first, minutes: 12 * 60 })))).toEqual([])
  })

  it('raises a charger plugged in beside them later that night', () => {
    const onset = local('2026-01-05T23:10:00')
    const bike = chargerSession(charger(onset, { ccPowerW: 180 }))
    raisedOnceWithin(run(circuitSeries([banks, bike], { fromMs: first, minutes: 8 * 60 })), onset, 10)
  })

  it('a charger already drawing at the first reading is found on its next session, not this one', () => {
    const before = chargerSession(charger(first - 2 * 60 * MIN, { ccPowerW: 200, totalMin: 300 }))
    // (the next dusk is the banks' first step it sees: a step out of nowhere, as on any first night)
    const next = local('2026-01-06T10:30:00')
    const again = chargerSession(charger(next, { ccPowerW: 200, seed: 9 }))
    const r = run(circuitSeries([banks, before, again], { fromMs: first, minutes: 15 * 60 }))
    expect(raises(r).every((v) => v.onsetTs >= next)).toBe(true)
    raisedOnceWithin(r, next, 10)
  })
})

describe('a site whose lights switch at dusk (a photocell; lightsAtDusk and the site’s location)', () => {
  // Beijing: on 2026-01-05 the sun sets at 17:03 local and civil dusk ends at 17:33
  const BEIJING = { lat: 39.9, lon: 116.4, offsetMin: 0 }
  // Kunming, in the same time zone 1,900 km to the south-west: sunset at 18:33 that day
  const KUNMING = { lat: 25.04, lon: 102.71, offsetMin: 0 }
  const photocellBanks = ledBanks({
    banks: THREE_BANKS,
    utcOffsetMin: 480,
    // 17:14:30, a little after sunset: the three come on within a minute
    onMinuteOfDay: 17 * 60 + 14.5,
    offMinuteOfDay: 7 * 60,
    jitterMin: 0,
    seed: 5,
  })
  const evening = local('2026-01-05T15:00:00')
  const at = (duskLights: typeof BEIJING) => ({ ...DEFAULT_STRAY_WIRE_PARAMS, duskLights })

  it('knows the banks switching on at Beijing’s dusk for the lights on the first night, not at Kunming’s', () => {
    const series = [...circuitSeries([photocellBanks], { fromMs: evening, minutes: 8 * 60 })]
    expect(raises(run(series))).toHaveLength(1)
    expect(raises(run(series, at(BEIJING)))).toEqual([])
    // at 17:15 Kunming's sun is still up: lights there would not be on yet
    expect(raises(run(series, at(KUNMING)))).toHaveLength(1)
  })

  it('still raises on a charger plugged in later that evening', () => {
    const onset = local('2026-01-05T20:40:00')
    const c = chargerSession(charger(onset, { ccPowerW: 150 }))
    const r = run(circuitSeries([photocellBanks, c], { fromMs: evening, minutes: 8 * 60 }), at(BEIJING))
    raisedOnceWithin(r, onset, 10)
  })

  it('takes a load of a lights’ size from before sunset to after civil dusk, through the year', () => {
    expect(switchedOnAtDusk(BEIJING, local('2026-01-05T17:10:00'), 120)).toBe(true)
    // overcast: a photocell may switch half an hour before sunset
    expect(switchedOnAtDusk(BEIJING, local('2026-01-05T16:40:00'), 120)).toBe(true)
    expect(switchedOnAtDusk(BEIJING, local('2026-01-05T16:20:00'), 120)).toBe(false)
    expect(switchedOnAtDusk(BEIJING, local('2026-01-05T17:55:00'), 120)).toBe(false)
    expect(switchedOnAtDusk(BEIJING, local('2026-01-05T17:10:00'), 260)).toBe(false)
    // midsummer: sunset at 19:46
    expect(switchedOnAtDusk(BEIJING, local('2026-06-21T19:50:00'), 120)).toBe(true)
    expect(switchedOnAtDusk(BEIJING, local('2026-06-21T17:10:00'), 120)).toBe(false)
    // an astronomical timer set to an hour after sunset
    expect(switchedOnAtDusk({ ...BEIJING, offsetMin: 60 }, local('2026-01-05T18:10:00'), 120)).toBe(true)
    expect(switchedOnAtDusk({ ...BEIJING, offsetMin: 60 }, local('2026-01-05T17:10:00'), 120)).toBe(false)
    // polar night in Longyearbyen: the sun does not rise, so there is no dusk to switch at
    const polar = { lat: 78.22, lon: 15.65, offsetMin: 0 }
    expect(switchedOnAtDusk(polar, Date.parse('2026-12-21T14:00:00Z'), 120)).toBe(false)
    expect(switchedOnAtDusk(undefined, local('2026-01-05T17:10:00'), 120)).toBe(false)
    // New York: sunset 16:43 EST (21:43 UTC) on 2026-01-05; a timer two hours after it switches on the next
    // UTC day (00:10 UTC is 19:10 local): still that evening's dusk, not the next one's
    const newYork = { lat: 40.71, lon: -74.01, offsetMin: 120 }
    expect(switchedOnAtDusk(newYork, Date.parse('2026-01-06T00:10:00Z'), 120)).toBe(true)
    expect(switchedOnAtDusk(newYork, Date.parse('2026-01-06T02:40:00Z'), 120)).toBe(false)
    // Helsinki at midsummer, a timer two hours after sunset (22:50 local): 02:50 local is past local solar
    // midnight, so the sun's times of that instant are the next day's; it is still that evening's dusk
    const helsinki = { lat: 60.17, lon: 24.94, offsetMin: 120 }
    expect(switchedOnAtDusk(helsinki, Date.parse('2026-06-21T23:50:00Z'), 120)).toBe(true)
    expect(switchedOnAtDusk(helsinki, Date.parse('2026-06-21T17:00:00Z'), 120)).toBe(false)
    // Anchorage at midsummer: the sun sets (07:42 UTC) but civil twilight lasts all night
    const anchorage = { lat: 61.22, lon: -149.9, offsetMin: 0 }
    expect(switchedOnAtDusk(anchorage, Date.parse('2026-06-20T07:52:00Z'), 120)).toBe(true)
  })
})

describe('banks of lights that come on a minute or two apart (no step a charger makes)', () => {
  it('become background within half an hour, so a charger later that evening shows as its own step', () => {
    const spread = ledBanks({
      banks: [
        { powerW: 40, powerFactor: 0.55, thdPct: 130, delayS: 0 },
        { powerW: 42, powerFactor: 0.56, thdPct: 125, delayS: 60 },
        { powerW: 38, powerFactor: 0.55, thdPct: 128, delayS: 120 },
      ],
      utcOffsetMin: 480,
      onMinuteOfDay: 18 * 60,
      offMinuteOfDay: 6 * 60,
      jitterMin: 0,
      seed: 6,
    })
    const onset = local('2026-01-05T20:40:00')
    const c = chargerSession(charger(onset, { ccPowerW: 150 }))
    const r = run(circuitSeries([spread, c], { fromMs: local('2026-01-05T16:00:00'), minutes: 8 * 60 }))
    raisedOnceWithin(r, onset, 10)
  })
})

describe('arrivedAsKnownRun: a load that arrived as one of the circuit’s own runs', () => {
  const n = { ...initialCircuitNormal(), signatures: [run_('d', 146, null, 43)] }
  it('is that run when its step was the run’s size, whatever moved after', () => {
    expect(arrivedAsKnownRun(n, 143, null)).toBe(true)
    expect(arrivedAsKnownRun(n, 300, null)).toBe(false)
  })
  it('needs a run seen more than once, and not the lights', () => {
    expect(arrivedAsKnownRun({ ...n, signatures: [run_('d', 146, null, 1)] }, 143, null)).toBe(false)
    const lights = { ...run_('l', 146, null, 9), kind: 'lights' as const }
    expect(arrivedAsKnownRun({ ...n, signatures: [lights] }, 143, null)).toBe(false)
  })
})

describe('a charger plugged in minutes before a running compressor stops', () => {
  // a dehumidifier's motor (PF 0.8, THD 20 %) that runs 19:00–20:14
  const motor: LoadModel = {
    name: 'dehumidifier',
    at: (tMs) =>
      tMs >= local('2026-01-05T19:00:00') && tMs < local('2026-01-05T20:14:00')
        ? { powerW: 265, powerFactor: 0.8, thdPct: 20 }
        : { powerW: 0, powerFactor: 1, thdPct: 0 },
  }
  it('is still raised: the motor’s watts left, the charger’s harmonic current did not', () => {
    const onset = local('2026-01-05T20:10:30')
    const r = run(
      circuitSeries([motor, chargerSession(charger(onset, { ccPowerW: 220 }))], {
        fromMs: local('2026-01-05T18:00:00'),
        minutes: 240,
      }),
    )
    raisedOnceWithin(r, onset, 15)
  })
})

describe('an active-PFC charger plugged in under a cycling heater, after LED banks came on between its runs', () => {
  // 16:30 on: a dehumidifier (300 W, PF 0.78, THD 10 %) all evening; a 1.1 kW heater 17:56–18:19,
  // 18:29–18:53, 19:03–19:26; two banks of low-PF LED lights (50 W each, PF 0.55, THD 130 %) at 18:19
  // and 18:20, while the heater is off, so the background never takes them in before it comes on again;
  // an active-PFC lithium charger (200 W) plugged in at 18:47 under the heater
  const t0 = local('2026-01-05T16:30:00')
  const bank1 = spans('led-banks', t0, 50, 0.55, 130, [[109, 300]])
  const bank2 = spans('led-banks', t0, 50, 0.55, 130, [[110, 300]])
  const onset = local('2026-01-05T18:47:30')
  const pfc = chargerSession(pfcCharger(onset, 200))
  const loads = [...heaterEvening(t0), bank1, bank2]

  it('is raised in the heater’s next pause, by its step over the reading before the heater came on', () => {
    const r = run(circuitSeries([...loads, pfc], { fromMs: t0, minutes: 300 }))
    const raised = raises(r)
    expect(raised).toHaveLength(1)
    // the pause is 18:53–19:03: over the background, the banks' harmonic current made the excess neither
    // a rectifier's nor an active-PFC charger's
    expect(raised[0]!.ts).toBeLessThan(local('2026-01-05T19:03:00'))
    expect(raised[0]!.evidence?.activePfc).toBe(true)
  })

  it('raises nothing for the same evening without the charger', () => {
    expect(raises(run(circuitSeries(loads, { fromMs: t0, minutes: 300 })))).toEqual([])
  })
})

describe('a rectifier charger plugged in minutes before a compressor whose harmonic current is its size stops', () => {
  // a dehumidifier (300 W, PF 0.78, THD 25 %: ~90 VA of harmonic current) 18:00–20:12 and a small
  // rectifier charger (160 W, PF 0.8, THD 60 %: ~100 VA) from 20:10: once the motor stops, the excess
  // over a background that held the motor's harmonic current keeps a tenth of the charger's
  const motor = spans('dehumidifier', local('2026-01-05T18:00:00'), 300, 0.78, 25, [[0, 132]])
  it('is still raised: what fell in that minute carried a motor’s share of harmonic current, not a charger’s', () => {
    const onset = local('2026-01-05T20:10:30')
    const bike = chargerSession(charger(onset, { ccPowerW: 160, powerFactor: 0.8, thdPct: 60 }))
    const r = run(circuitSeries([motor, bike], { fromMs: local('2026-01-05T18:00:00'), minutes: 240 }))
    raisedOnceWithin(r, onset, 15)
  })

  it('raises nothing when the motor stops alone', () => {
    const r = run(circuitSeries([motor], { fromMs: local('2026-01-05T18:00:00'), minutes: 240 }))
    expect(raises(r)).toEqual([])
  })
})

describe('sawStep after a compressor’s own reading (PF and THD)', () => {
  // development scenario 21 of circuit-mixed-quiet, 03:24–03:26: LED banks (65 W) all night; a
  // dehumidifier (236 W) starts, its reading told by its reactive current (no charger); a motion lamp
  // (38 W) comes on the minute after. Measured over two readings, the motor and the lamp together drew
  // little enough reactive power for an active-PFC charger of 271 W
  const state = (): StrayWireState => ({
    ...initialStrayWireState(),
    baselineW: 65,
    baselineH: 81,
    baselineQ: 40,
    prev2W: 66,
    prevW: 297,
    prevH: 121,
    prevQ: 159,
  })
  const now = { ...obs(336, 143, 151), ts: 1 }

  it('measures the step over the compressor’s reading: the lamp’s, no charger’s', () => {
    expect(classify(now, 65, 81, DEFAULT_STRAY_WIRE_PARAMS, 40)).toMatchObject({ cls: 'charger', pfc: true })
    expect(sawStep(state(), now, DEFAULT_STRAY_WIRE_PARAMS, true)).toBe(false)
  })

  it('still measures over two readings when the first was a charger’s partial minute', () => {
    // the same 271 W arriving over two readings of an averaging meter: the first holds 150 W of it, with
    // the same waveform
    const partial = { ...state(), prevW: 215, prevH: 104, prevQ: 61 }
    expect(sawStep(partial, now, DEFAULT_STRAY_WIRE_PARAMS, true)).toBe(true)
  })

  it('still measures over two readings when the first was smaller than an active-PFC charger', () => {
    // a 196 W active-PFC charger over a 41 W lamp, its first reading 98 W: too small to be classed a
    // charger, but with its waveform (held-out scenario 100,003 of circuit-pfc-stray, in npm test)
    const small: StrayWireState = {
      ...initialStrayWireState(),
      baselineW: 41,
      baselineH: 5,
      baselineQ: 14,
      prev2W: 40,
      prevW: 139,
      prevH: 20,
      prevQ: 41,
    }
    expect(sawStep(small, { ...obs(235, 35, 69), ts: 1 }, DEFAULT_STRAY_WIRE_PARAMS, true)).toBe(true)
  })
})

describe('the reading before a big load, as the level a charger under it is measured from', () => {
  // a cleaner that paused for part of a minute just before its last run: that reading (341 W, and the
  // cleaner's harmonic current) is no standing level. When the cleaner stops, what is left is measured
  // over the background, not over it (held-out scenario 100,005 of circuit-under-load: a charger under
  // the cleaner was measured over that partial minute and lost)
  const state = (preBigSteady: boolean): StrayWireState => ({
    ...initialStrayWireState(),
    baselineW: 23,
    baselineH: 5,
    baselineQ: 6,
    lastTs: 0,
    prevW: 1049,
    prevH: 570,
    prevQ: 415,
    prev2W: 1371,
    prevBig: true,
    bigSinceTs: -33 * MIN,
    preBigW: 341,
    preBigH: 160,
    preBigQ: 152,
    preBigSteady,
  })
  // the circuit as the cleaner goes off: 561 W, PF 0.8, THD 60.5 % (363 VA of harmonic current)
  const input = { source: 'circuit' as const, ts: MIN, powerW: 561, powerFactor: 0.8, currentThdPct: 60.5 }

  it('is not taken when it was no steady level', () => {
    const r = detectStrayWire(state(false), input, DEFAULT_STRAY_WIRE_PARAMS)
    expect(r.state.baselineW).toBe(23)
  })

  it('is taken when it stood steady, as lights switched on between a heater’s runs do', () => {
    const r = detectStrayWire(state(true), input, DEFAULT_STRAY_WIRE_PARAMS)
    expect(r.state.baselineW).toBe(341)
    expect(r.state.candidate?.stepW).toBeCloseTo(220, -1)
  })
})

describe('an active-PFC charger plugged in under a cleaner that paused for part of a minute before its last burst', () => {
  // development scenario 66 of circuit-pfc-stray: on an averaging meter (4 instants a minute) the minute
  // of the pause shows a quarter of the cleaner (317 W) and is no level the circuit stood at; measured
  // over it, the charger's 242 W left when the cleaner stopped was no step and never raised
  const t0 = local('2026-01-08T21:00:00')
  const lamps = spans('lights', t0, 42, 0.91, 10, [[0, 200]])
  const cleaner = spans('cleaning-machine', t0, 1100, 0.83, 23, [
    [40, 59.3],
    [60.1, 75.5],
  ])
  const onset = t0 + 65.5 * MIN
  const series = (loads: LoadModel[]) => circuitSeries(loads, { fromMs: t0, minutes: 200, samples: 4 })

  it('is raised once the cleaner has gone, measured over the background', () => {
    const raised = raisedOnceWithin(
      run(series([lamps, cleaner, chargerSession(pfcCharger(onset, 200))])),
      onset,
      30,
    )
    // the charger's own watts, not the background's with it
    expect(raised).toMatchObject({ kind: 'raise', powerW: expect.closeTo(200, -1.5) })
  })

  it('raises nothing for the cleaner alone, nor for a fridge that came on under it', () => {
    expect(raises(run(series([lamps, cleaner])))).toEqual([])
    const fridge = spans('fridge', t0, 120, 0.7, 15, [[65.5, 100]])
    expect(raises(run(series([lamps, cleaner, fridge])))).toEqual([])
  })

  it('measures over that reading where the circuit came back to it: a fridge seen in a whole minute’s pause', () => {
    // development scenario 133 of circuit-mixed-quiet, 20:22–20:25: a fridge (146 W) came on under a
    // cleaner and showed in the minute it paused (290 W, after the cleaner's minute); the cleaner's last
    // burst went and the circuit stood there again (293 W); a motion lamp (39 W) came on. Beside LED banks
    // the fridge passes for active PFC: over the background it would be a step of 146 W
    const state: StrayWireState = {
      ...initialStrayWireState(),
      baselineW: 185,
      baselineH: 148,
      baselineQ: 69,
      prevW: 293,
      prevH: 161,
      prevQ: 62,
      prev2W: 1633,
      prevBig: false,
      prev2Big: true,
      preBigW: 289.5,
      preBigH: 161,
      preBigQ: 60,
      preBigSteady: false,
    }
    const now = { ...obs(331, 177, 85), ts: 1 }
    expect(classify(now, 185, 148, DEFAULT_STRAY_WIRE_PARAMS, 69)).toMatchObject({
      cls: 'charger',
      pfc: true,
    })
    expect(sawStep(state, now, DEFAULT_STRAY_WIRE_PARAMS, true)).toBe(false)
    // where it did not come back there (the cleaner's last minute was partial too), that reading was no
    // level: the step is over the background
    const partial = { ...state, prevW: 315, prevH: 170, prevQ: 80 }
    expect(sawStep(partial, now, DEFAULT_STRAY_WIRE_PARAMS, true)).toBe(true)
  })
})

describe('an active-PFC charger that held its level for minutes before a heater and a compressor came on', () => {
  // 17:30 on: two banks of low-PF LED lights (37 W each, PF 0.55, THD 130 %); an active-PFC lithium
  // charger (140 W) plugged in at 18:23; at 18:30 a 1 kW heater (till 18:45) and a dehumidifier (208 W,
  // PF 0.8, THD 20 %, till 18:42) come on together: by PF and THD the heater's minutes look like a motor's
  const t0 = local('2026-01-05T17:30:00')
  const banks = spans('led-banks', t0, 74, 0.55, 130, [[0, 300]])
  const heater = spans('electric-heater', t0, 1000, 1, 3, [[60.5, 75.5]])
  const dehumidifier = spans('dehumidifier', t0, 208, 0.8, 20, [[60.5, 72.5]])
  const onset = local('2026-01-05T18:23:30')
  const pfc = chargerSession(pfcCharger(onset, 140))
  const loads = [banks, heater, dehumidifier]

  it('is kept through them and raised at its own onset within 30 minutes: no pausing cleaner’s minute holds flat that long', () => {
    const raised = raisedOnceWithin(
      run(circuitSeries([...loads, pfc], { fromMs: t0, minutes: 240 })),
      onset,
      30,
    )
    expect(Math.abs(raised.onsetTs - onset)).toBeLessThanOrEqual(MIN)
  })

  it('raises nothing for the same evening without the charger', () => {
    expect(raises(run(circuitSeries(loads, { fromMs: t0, minutes: 240 })))).toEqual([])
  })
})

describe('classify: an active-PFC input at the top of its THD', () => {
  it('takes a 150 W step with an active-PFC input’s harmonic share at THD 15 % (0.16) for a charger', () => {
    expect(classify(obs(150, 24, 20), 0, 0, DEFAULT_STRAY_WIRE_PARAMS)).toMatchObject({
      cls: 'charger',
      pfc: true,
    })
  })
})

describe('LED banks that came on with a motion lamp beside them, on a PF+THD meter', () => {
  // 17:30 two banks of low-PF LED lights (77 W, PF 0.55, THD 130 %) and a motion lamp (54 W): together a
  // charger's step with a rectifier's harmonic share; the lamp goes off at 17:35 and comes on again at
  // 17:42; a 1.8 kW heater 17:43–17:51
  const t0 = local('2026-01-05T17:00:00')
  const banks = spans('led-banks', t0, 77, 0.55, 130, [[30, 300]])
  const lamp = spans('lights-motion', t0, 54, 0.95, 10, [
    [30, 35],
    [42, 53],
  ])
  const heater = spans('electric-heater', t0, 1800, 1, 3, [[43, 51]])

  // a guard: the banks raised nothing before either; what the rule changes is the charger below
  it('takes the banks into the background once they stand alone below any charger’s size: no alert', () => {
    expect(raises(run(circuitSeries([banks, lamp, heater], { fromMs: t0, minutes: 240 })))).toEqual([])
  })

  it('still raises a rectifier charger plugged in later that evening', () => {
    const onset = local('2026-01-05T19:10:30')
    const bike = chargerSession(charger(onset, { ccPowerW: 160 }))
    raisedOnceWithin(run(circuitSeries([banks, lamp, heater, bike], { fromMs: t0, minutes: 240 })), onset, 15)
  })
})

describe('matchSignature: learned LED banks switch on at their hour', () => {
  // banks of 110 W (harmonic VA ~100) learned coming on at 17:42 and going off at 06:44
  const banks = learnedSignature({
    id: 'banks',
    kind: 'lights',
    levelW: 110,
    harmonicRatio: 0.92,
    window: { fromMin: 17 * 60 + 42, toMin: 6 * 60 + 44 },
    count: 3,
  })
  const n = { ...initialCircuitNormal(), signatures: [banks] }
  const at = (hhmm: string) => local(`2026-01-30T${hhmm}:00`)

  it('takes a load of their size and harmonic share arriving near that hour for them', () => {
    expect(matchSignature(n, at('17:50'), 112, 0.9, 480)?.id).toBe('banks')
    // a photocell an hour early on a dark afternoon, or late on a bright one
    expect(matchSignature(n, at('16:50'), 112, 0.9, 480)?.id).toBe('banks')
    expect(matchSignature(n, at('19:05'), 112, 0.9, 480)?.id).toBe('banks')
  })

  it('does not take a rectifier charger of their size plugged in late at night for them', () => {
    // development scenario 128 of circuit-led-stray: a 140 W charger at 22:43
    expect(matchSignature(n, at('22:43'), 112, 0.9, 480)).toBeUndefined()
  })

  it('judges by when the load arrived, not when it was confirmed', () => {
    expect(matchSignature(n, at('19:30'), 112, 0.9, 480, undefined, undefined, at('17:55'))?.id).toBe('banks')
  })
})

describe('a rectifier charger plugged in minutes before LED banks go off at dawn', () => {
  // banks of low-PF LED lights (77 W, PF 0.55, THD 130 %) on since before 05:00 and off at 06:00; a
  // 130 W rectifier charger plugged in at 05:57. When the banks go, the watts fall below the charger's
  // step over the background, but the harmonic current that fell is the banks' (1.3–1.4 VA per W), not
  // the charger's (about 1.0)
  const t0 = local('2026-01-05T05:00:00')
  const banks = spans('led-banks', t0, 77, 0.55, 130, [[0, 60.5]])
  const onset = local('2026-01-05T05:57:30')

  it('is raised: the background loses the banks, not the charger (found by the review of 2026-12-03)', () => {
    const bike = chargerSession(charger(onset, { ccPowerW: 130 }))
    raisedOnceWithin(run(circuitSeries([banks, bike], { fromMs: t0, minutes: 300 })), onset, 15)
  })

  it('raises nothing when the banks go off alone', () => {
    expect(raises(run(circuitSeries([banks], { fromMs: t0, minutes: 300 })))).toEqual([])
  })
})

describe('a fridge whose start a motion lamp completed to a charger’s size, the lamp off again a minute later', () => {
  // development scenario 21 of circuit-mixed-stray: LED banks and lamps on at night (60 W), a fridge
  // starts (76 W, under a charger's smallest step), a motion lamp (41 W) switches on in the next minute
  // and off in the one after. The lamp arrived with the candidate's step: the background never held it.
  const t0 = local('2026-01-21T02:30:00')
  const lights = spans('lights', t0, 14, 0.95, 10, [[0, 120]])
  const banks = spans('led-banks', t0, 46, 0.55, 130, [[0, 120]])
  const fridge = spans('fridge', t0, 76, 0.8, 15, [[20, 80]])
  const lamp = spans('lights-motion', t0, 41, 0.95, 10, [[21, 22]])
  const loads = [lights, banks, fridge, lamp]

  it('raises nothing: the background keeps the lights it had', () => {
    const r = run(circuitSeries(loads, { fromMs: t0, minutes: 120 }))
    expect(raises(r)).toEqual([])
    expect(r.state.baselineW).toBeGreaterThan(50)
  })

  it('still raises an active-PFC charger plugged in with a lamp beside it that goes off a minute later', () => {
    const onset = local('2026-01-21T02:51:30')
    const pfc = chargerSession(pfcCharger(onset, 160))
    raisedOnceWithin(run(circuitSeries([lights, banks, lamp, pfc], { fromMs: t0, minutes: 120 })), onset, 15)
  })
})

describe('a rectifier charger plugged in two minutes before a dehumidifier of its watts stops', () => {
  // development scenario 52 of circuit-compressor-stray: the circuit falls back to the reading before the
  // charger's step, but the charger's harmonic current is all still there: the dehumidifier left
  const t0 = local('2026-01-21T21:30:00')
  const lamps = spans('lights', t0, 18, 0.95, 10, [[0, 150]])
  const dehumidifier = spans('dehumidifier', t0, 216, 0.8, 15, [[0, 48.5]])
  const onset = local('2026-01-21T22:15:30')
  const rectifier = chargerSession(charger(onset, { chemistry: 'lithium', ccPowerW: 229, ccRise: 0.02 }))

  it('is raised: what fell took a motor’s harmonic current, not the step’s', () => {
    raisedOnceWithin(
      run(circuitSeries([lamps, dehumidifier, rectifier], { fromMs: t0, minutes: 150 })),
      onset,
      15,
    )
  })
})

describe('a rectifier charger plugged in five minutes before the dehumidifier stops, beside LED banks', () => {
  // development scenario 107 of circuit-mixed-stray: when the dehumidifier (220 W) stops, the excess still
  // carries just over half the charger's harmonic current; the rest of the background's harmonic VA that
  // fell in that minute was the motor's, and the background loses it
  const t0 = local('2026-01-23T18:00:00')
  const lamps = spans('lights', t0, 12, 0.95, 10, [[0, 150]])
  const banks = spans('led-banks', t0, 56, 0.55, 130, [[0, 150]])
  const dehumidifier = spans('dehumidifier', t0, 220, 0.8, 25, [[0, 50.5]])
  const onset = local('2026-01-23T18:45:30')
  const rectifier = chargerSession(
    charger(onset, { chemistry: 'lithium', ccPowerW: 160, ccRise: 0.02, powerFactor: 0.72, thdPct: 75 }),
  )

  it('is raised within 15 minutes', () => {
    raisedOnceWithin(
      run(circuitSeries([lamps, banks, dehumidifier, rectifier], { fromMs: t0, minutes: 150 })),
      onset,
      15,
    )
  })

  it('raises nothing when the dehumidifier stops alone', () => {
    expect(raises(run(circuitSeries([lamps, banks, dehumidifier], { fromMs: t0, minutes: 150 })))).toEqual([])
  })
})

describe('an active-PFC charger dropped in the first minute of a cleaner’s run (its motor seen a minute before)', () => {
  // development scenario 23 of circuit-mixed-stray: the cleaner works in bursts over the charger's first
  // minutes; the candidate it drops in the minute its run begins still stood in the reading before, so
  // that reading is no level from before the cleaner: taken for one, the charger's level after the
  // cleaner's one-minute pause passed for what stood there all along and was never raised
  const t0 = local('2026-01-08T20:00:00')
  const lamps = spans('lights', t0, 30, 0.95, 10, [[5, 150]])
  const banks = spans('led-banks', t0, 40, 0.55, 130, [[5, 150]])
  const cleaner = spans('cleaning-machine', t0, 950, 0.8, 40, [
    [22, 23],
    [26, 36],
    [37, 46],
  ])
  const onset = t0 + 20.5 * MIN
  const pfc = chargerSession(pfcCharger(onset, 285))

  it('is raised once the cleaner has gone', () => {
    raisedOnceWithin(
      run(circuitSeries([lamps, banks, cleaner, pfc], { fromMs: t0, minutes: 150 })),
      onset,
      30,
    )
  })

  it('raises nothing for the cleaner alone', () => {
    expect(raises(run(circuitSeries([lamps, banks, cleaner], { fromMs: t0, minutes: 150 })))).toEqual([])
  })
})

describe('a rectifier charger plugged in minutes before LED banks of its own watts go off at dawn', () => {
  // found by the review of 2026-12-03: the circuit falls back to its reading before the charger's step,
  // but what fell carried the banks' harmonic current per W, not the charger's: the banks left
  for (const [banksW, chargerW, lagMin] of [
    [130, 130, 1.5],
    [130, 130, 2.5],
    [140, 130, 2.5],
  ] as const) {
    it(`is raised: ${banksW} W of banks off ${lagMin} min after a ${chargerW} W charger`, () => {
      const t0 = local('2026-01-05T05:00:00')
      const lamps = spans('lights', t0, 20, 0.95, 10, [[0, 300]])
      const banks = spans('led-banks', t0, banksW, 0.55, 130, [[0, 57 + lagMin]])
      const onset = local('2026-01-05T05:57:00')
      const rectifier = chargerSession(charger(onset, { ccPowerW: chargerW }))
      raisedOnceWithin(run(circuitSeries([lamps, banks, rectifier], { fromMs: t0, minutes: 300 })), onset, 15)
    })
  }
})

describe('the circuit’s dehumidifier starting in the minute a motion lamp switches on beside LED banks', () => {
  // development scenario 140 of circuit-mixed-quiet: LED banks (70 W) at night, the learned dehumidifier
  // (252 W) starts as a motion lamp (53 W) switches on, and the lamp goes off in the next minute. The lamp
  // came with the candidate's step: the background never held it, and taking its fall out of the banks
  // left the dehumidifier looking 50 W larger than it is (an active-PFC charger's size and waveform)
  const t0 = local('2026-02-02T01:00:00')
  const known = knowing(learnedCompressor('dehumidifier', 252, 0.18, 14, 176))
  const banks = spans('led-banks', t0, 70, 0.55, 130, [[0, 120]])
  const lamp = spans('lights-motion', t0, 53, 0.95, 10, [[31, 32]])
  const dehumidifier = spans('dehumidifier', t0, 246, 0.8, 20, [[31, 100]])

  it('raises nothing, and the background keeps the banks', () => {
    const r = runKnowing(known, [banks, lamp, dehumidifier], t0, 60)
    expect(raises(r)).toEqual([])
    // the banks, and the dehumidifier taken in as the circuit's own
    expect(r.state.baselineW).toBeGreaterThan(300)
  })

  it('raises nothing when the lamp stays on for four minutes', () => {
    // development scenario 98 of circuit-mixed-stray: the lamp went with the candidate still unconfirmed
    const longer = spans('lights-motion', t0, 60, 0.95, 10, [[31, 35]])
    const r = runKnowing(known, [banks, longer, dehumidifier], t0, 60)
    expect(raises(r)).toEqual([])
    expect(r.state.baselineW).toBeGreaterThan(300)
  })

  it('still raises an active-PFC charger plugged in with the lamp', () => {
    const onset = local('2026-02-02T01:31:00')
    const pfc = chargerSession(pfcCharger(onset, 200))
    raisedOnceWithin(runKnowing(known, [banks, lamp, pfc], t0, 60), onset, 15)
  })
})

describe('a motion lamp that came on with the circuit’s compressor, on a meter that averages the minute', () => {
  // development scenarios 2 of circuit-mixed-quiet and 120 of circuit-mixed-stray: beside LED banks and a
  // lamp, the learned fridge starts as a motion lamp switches on, and the lamp goes off a few minutes later.
  // A meter averaging three instants a minute shows the lamp's fall in two readings: the first was taken out
  // of the background (which never held the lamp), the rest no longer left the fridge's level, and the
  // fridge stood a lamp's part larger than it is (an active-PFC charger's size and waveform)
  const t0 = local('2026-01-26T21:00:00')
  const known = knowing(learnedCompressor('fridge', 134, 0.16, 27, 45))
  const evening = lampsAndBanks(t0, 23, 66, 90)
  const onset = t0 + 11.2 * MIN
  const lamp = spans('lights-motion', t0, 66, 0.95, 10, [[11.2, 15.7]])
  const averaged = (loads: LoadModel[], minutes = 50) =>
    runKnowing(known, [...evening, ...loads], t0, minutes, { samples: 3 })

  it('raises nothing when the lamp’s fall is split over two readings, and the background keeps the banks', () => {
    const r = averaged([lamp, spans('fridge', t0, 131, 0.76, 15, [[11.2, 60]])])
    expect(raises(r)).toEqual([])
    // the banks and the lamp, and the fridge taken in as the circuit's own
    expect(r.state.baselineW).toBeGreaterThan(200)
  })

  it('raises nothing when the lamp reached its watts only in the minute after the step’s', () => {
    // the fridge's start in the last third of a minute, the lamp's a minute later
    const fridge = spans('fridge', t0, 131, 0.76, 15, [[11.7, 60]])
    const late = spans('lights-motion', t0, 60, 0.95, 10, [[12.5, 15.5]])
    expect(raises(averaged([late, fridge]))).toEqual([])
  })

  it('still raises a charger of the fridge’s size plugged in with the lamp, active-PFC or rectifier', () => {
    raisedOnceWithin(averaged([lamp, chargerSession(pfcCharger(onset, 135))]), onset, 15)
    raisedOnceWithin(averaged([lamp, chargerSession(charger(onset, { ccPowerW: 135 }))]), onset, 15)
  })
})

describe('a dehumidifier that never looked like a charger after its first minute, beside LED banks', () => {
  // development scenario 87 of circuit-mixed-stray, whole (three days): at 20:40 on its last evening a
  // dehumidifier (232 W) starts beside LED banks and a lamp. Its first minute looked like an active-PFC
  // charger (the banks' leading current cancels part of the motor's lagging current); every minute after
  // carried a motor's reactive current, no charger's. Tracked as a candidate that never confirmed, it
  // kept the background without it, so a charger plugged in under a cleaner at 21:23 was never found
  it('finds every charging session, the dehumidifier taken into the background', () => {
    const r = runScenario(
      buildScenario('circuit-mixed-stray', 87, 3, DEV_CC_RANGES),
      DEFAULT_STRAY_WIRE_PARAMS,
    )
    expect(r.detected).toBe(r.sessions)
  })
})

describe('an active-PFC charger whose first minute was partial, beside the running dehumidifier', () => {
  // development scenario 130 of circuit-unplugged-early, whole: at 07:31 on its second morning a 188 W
  // active-PFC charger is plugged in mid-minute beside the dehumidifier (190 W) and lights. Its partial
  // first minute rose 125 W (the fridge's size), then it stood 190 W over the background (the
  // dehumidifier's): a level that moved from its step, by watts a compressor's run arriving. It drew no
  // motor's reactive current in any minute, so it is no compressor's run (a motor's lagging current comes
  // with its watts from the first minute)
  it('finds that session, the charger not taken for a compressor’s run arriving', () => {
    const sc = buildScenario('circuit-unplugged-early', 130, 3, DEV_CC_RANGES)
    const session = sc.sessions.find((x) => Math.abs(x.startTs - local('2026-01-27T07:31:00')) < MIN)
    expect(session, 'the morning session of the scenario').toBeDefined()
    const r = runScenario(sc, DEFAULT_STRAY_WIRE_PARAMS)
    expect(r.missedAt).not.toContain(session!.startTs)
  })
})

describe('the circuit’s dehumidifier and LED banks come on together under a heater at dusk', () => {
  // development scenario 113 of circuit-mixed-stray: the dehumidifier (189 W, 0.29 VA per W) and the
  // banks (75 W, 1.41 VA per W, 17:30–23:02) both learned; the heater (1.5 kW) runs 17:40–17:55 and
  // both come on under it. After it, 264 W at 0.6 VA per W is left: neither alone, but the two together
  const t0 = local('2026-01-07T17:00:00')
  const known = knowing(
    learnedCompressor('dehumidifier', 189, 0.29, 16, 172),
    learnedSignature({
      id: 'banks',
      kind: 'lights',
      levelW: 75,
      harmonicRatio: 1.41,
      window: { fromMin: 17 * 60 + 30, toMin: 23 * 60 + 2 },
      count: 2,
    }),
  )
  const lamp = spans('lights', t0, 16, 0.95, 10, [[0, 180]])
  const heater = spans('electric-heater', t0, 1500, 1, 3, [[40, 55]])
  const banks = spans('led-banks', t0, 75, 0.55, 130, [[44, 180]])
  const dehumidifier = spans('dehumidifier', t0, 185, 0.8, 28, [[47, 180]])

  it('raises nothing after the heater', () => {
    expect(raises(runKnowing(known, [lamp, heater, banks, dehumidifier], t0, 120))).toEqual([])
  })

  it('takes the two together only at the lights’ hour, and only with their harmonic current', () => {
    const n = known.normal!
    const at = (hhmm: string) => local(`2026-01-07T${hhmm}:00`)
    const both = (ts: number, h: number) => compressorWithLights(n, ts, 264, h, 20, 480, ts)
    expect(both(at('17:56'), 161)?.id).toBe('banks')
    // at three in the morning the banks do not come on
    expect(both(at('03:00'), 161)).toBeUndefined()
    // a rectifier charger of the sum carries far more harmonic current, an active-PFC one far less
    expect(both(at('17:56'), 290)).toBeUndefined()
    expect(both(at('17:56'), 25)).toBeUndefined()
    // a charger of another size whose harmonic current happens to leave the lights' own once the
    // compressor is taken out (review 2026-12-03: a 230 W lead-acid charger at PF 0.7, THD 60 %)
    const other = (w: number) => compressorWithLights(n, at('17:56'), w, 161, 20, 480, at('17:56'))
    expect(other(200)).toBeUndefined()
    expect(other(230)).toBeUndefined()
    expect(other(350)).toBeUndefined()
    // what a crew undid is not the circuit's normal any more: the lights, or the compressor
    const forgetting = (id: string) =>
      compressorWithLights(n, at('17:56'), 264, 161, 20, 480, at('17:56'), { taught: [], forget: [id] })
    expect(forgetting('banks')).toBeUndefined()
    expect(forgetting('dehumidifier')).toBeUndefined()
  })

  it('still raises a rectifier charger of their size plugged in under the heater', () => {
    const onset = local('2026-01-07T17:47:00')
    const rect = chargerSession(charger(onset, { ccPowerW: 260 }))
    raisedOnceWithin(runKnowing(known, [lamp, heater, rect], t0, 120), onset, 30)
  })
})

describe('LED banks going off in the first minutes of a charger, on a circuit with a learned fridge', () => {
  // review 2026-12-03: a fall that left a compressor's watts of the candidate's step was shed from it even
  // where it carried LED banks' harmonic current: the banks (in the background) went, the charger was
  // shrunk to a fridge's size, and later taken into the background as a load that never looked like one
  const t0 = local('2026-01-05T22:00:00')
  const known = knowing(learnedCompressor('fridge', 133, 0.21, 30, 60))
  const banks = spans('led-banks', t0, 70, 0.55, 130, [[10, 63]])
  const onset = local('2026-01-05T23:00:30')

  it('raises the charger', () => {
    const bike = chargerSession(charger(onset, { ccPowerW: 200, powerFactor: 0.75, thdPct: 60 }))
    raisedOnceWithin(runKnowing(known, [banks, bike], t0, 120), onset, 15)
  })
})

describe('an active-PFC charger plugged in the minute after a heater went off, on a meter that averages the minute', () => {
  // development scenarios 28 and 140 of circuit-mixed-stray: beside LED banks and a lamp, a heater goes off
  // late in a minute and a charger (134 W, 158 W) plugs in within the next. Averaged over three instants,
  // the heater's last minute and the charger's first are both partial: the step over the reading before it
  // is only the rest of the charger's, less than most of its excess, and it was never followed
  const t0 = local('2026-01-14T17:30:00')
  const evening = lampsAndBanks(t0, 24, 74, 120)
  const heater = spans('electric-heater', t0, 1000, 0.99, 3, [[20, 52.9]])
  const onset = t0 + 53.6 * MIN
  const averaged = (loads: LoadModel[]) =>
    run(circuitSeries([...evening, heater, ...loads], { fromMs: t0, minutes: 120, samples: 3 }))

  it('raises it, measured over what stood before the heater came on', () => {
    raisedOnceWithin(averaged([chargerSession(pfcCharger(onset, 140))]), onset, 15)
  })

  it('still raises a charger of a fridge’s or a dehumidifier’s size there', () => {
    raisedOnceWithin(averaged([chargerSession(pfcCharger(onset, 120))]), onset, 15)
    raisedOnceWithin(averaged([chargerSession(pfcCharger(onset, 260))]), onset, 15)
  })

  it('raises nothing for the heater beside the lamp and banks alone', () => {
    expect(raises(averaged([]))).toEqual([])
  })
})

describe('a cleaner’s last minute, in part, on a meter that averages the minute', () => {
  // development scenarios 144, 90 and 74 of circuit-mixed-stray: the cleaner (1.2 kW, PF 0.84, THD 30 %)
  // stops early in a minute beside the circuit's dehumidifier; the minute after it is back where the
  // circuit stood before the cleaner came on. The partial minute was taken for the dehumidifier and a
  // rectifier beside it; the fall after it, for the dehumidifier stopping under the charger, whose
  // harmonic current was taken to be still there, and the cleaner's last minute was raised
  const t0 = local('2026-01-21T10:45:00')
  const known = knowing(learnedCompressor('dehumidifier', 231, 0.13, 12, 170))
  const loads = [
    spans('dehumidifier', t0, 231, 0.85, 11, [[0, 90]]),
    // on at three instants of minute 11 (whole), at two of minute 14's (in part)
    spans('cleaning-machine', t0, 1200, 0.84, 30, [[10.3, 13.5]]),
  ]
  const onset = t0 + 12 * MIN

  it('raises nothing', () => {
    expect(raises(runKnowing(known, loads, t0, 90, { samples: 3 }))).toEqual([])
  })

  it('still raises a charger of a fridge’s or a dehumidifier’s size plugged in under the cleaner', () => {
    for (const ccPowerW of [130, 280])
      raisedOnceWithin(
        runKnowing(known, [...loads, chargerSession(charger(onset, { ccPowerW }))], t0, 90, { samples: 3 }),
        onset,
        30,
      )
  })
  it('still raises a small active-PFC charger plugged in under the cleaner on a circuit drawing kilowatts', () => {
    // back where it stood is judged on what stands over the background: 5 % of 2.4 kW is a small charger
    const plugged = t0 + 20 * MIN
    const standing = spans('lights', t0, 2400, 0.98, 5, [[-30, 200]])
    const cleaner = spans('cleaning-machine', t0, 1200, 0.84, 30, [[10.3, 30.5]])
    const bike = chargerSession(pfcCharger(plugged, 115))
    const series = (ls: LoadModel[]) => circuitSeries(ls, { fromMs: t0, minutes: 120, samples: 3 })
    expect(raises(run(series([standing, cleaner])))).toEqual([])
    expect(raises(run(series([standing, cleaner, bike])))).toHaveLength(1)
  })
})

describe('an active-PFC charger of one of the circuit’s compressors’ size, over lamps alone', () => {
  // development circuit-unplugged-early 128@01-17T08:16: a 146 W active-PFC charger alone beside a 17 W
  // lamp, taken for the 150 W "compressor" the circuit learned from the same charger unplugged in CC the
  // evening before, and 122@02-04T12:14: a 263 W one on an empty circuit, taken for its 249 W
  // dehumidifier (same harmonic share). Neither drew a motor's reactive current; both were followed as runs
  // and never raised
  const t0 = local('2026-01-17T07:30:00')
  const lamp = spans('lights', t0, 17, 0.95, 15, [[-30, 300]])
  const ownCharger = learnedSignature({
    id: 'own',
    levelW: 150,
    harmonicRatio: 0.14,
    count: 2,
    longestMin: 20,
  })
  const dehumidifier = learnedSignature({
    id: 'dehumidifier',
    levelW: 249,
    harmonicRatio: 0.18,
    reactiveRatio: 0.62,
    reactiveRuns: 12,
    count: 21,
    longestMin: 170,
    timedRuns: 12,
  })
  const onset = t0 + 46.5 * MIN
  // THD as those chargers drew: within a motor's harmonic share
  const unplugged = { ccMin: 200, taperMin: 40, totalMin: 82, thdPct: 12 }

  it('raises one learned from its own earlier session in its confirmation time', () => {
    const bike = chargerSession(pfcCharger(onset, 146, unplugged))
    raisedOnceWithin(runKnowing(knowing(ownCharger), [lamp, bike], t0, 180), onset, 16)
  })

  it('raises one of the dehumidifier’s watts and harmonic share in its confirmation time', () => {
    const bike = chargerSession(pfcCharger(onset, 263, unplugged))
    raisedOnceWithin(runKnowing(knowing(dehumidifier), [lamp, bike], t0, 180), onset, 16)
  })

  it('still takes the dehumidifier’s own run for it: its motor draws its reactive current', () => {
    const run = spans('dehumidifier', t0, 252, 0.8, 15, [[46.5, 150]])
    expect(raises(runKnowing(knowing(dehumidifier, ownCharger), [lamp, run], t0, 180))).toEqual([])
  })
})

describe('an active-PFC charger of two of the circuit’s compressors’ difference, beside one of them', () => {
  // development circuit-unplugged-early 73@01-10T10:51 (a 292 W active-PFC charger taken for one
  // compressor starting as another stopped) and 7@02-04T20:45 (244 W): the difference of two motors' watts
  // and harmonic share, but next to none of their reactive current. Both motors lag: two starting add
  // theirs, one starting as the other stops leaves the difference of their reactive VA as learned
  const t0 = local('2026-01-10T09:30:00')
  const lamp = spans('lights', t0, 17, 0.95, 15, [[-30, 300]])
  const compressor = (id: string, levelW: number, reactiveRatio: number, longestMin: number) =>
    learnedSignature({
      id,
      levelW,
      harmonicRatio: 0.2,
      reactiveRatio,
      reactiveRuns: 12,
      count: 21,
      longestMin,
      timedRuns: 12,
    })
  // both motors at PF 0.8 (0.75 var per W): the dehumidifier starting as the fridge stops leaves ~128 var
  const known = knowing(compressor('dehumidifier', 300, 0.75, 170), compressor('fridge', 130, 0.75, 240))
  // the fridge runs throughout: its stop is what a swap would take out of the background
  const fridge = spans('fridge', t0, 130, 0.8, 15, [[-30, 300]])
  const onset = t0 + 46.5 * MIN
  const unplugged = { ccMin: 200, taperMin: 40, totalMin: 82, thdPct: 12 }

  it('raises a charger of their difference in its confirmation time', () => {
    const bike = chargerSession(pfcCharger(onset, 170, unplugged))
    raisedOnceWithin(runKnowing(known, [lamp, fridge, bike], t0, 180), onset, 16)
  })

  it('still takes the dehumidifier starting as the fridge stops for the two of them', () => {
    const stopped = spans('fridge', t0, 130, 0.8, 15, [[-30, 46.5]])
    const dehumidifier = spans('dehumidifier', t0, 300, 0.8, 20, [[46.5, 150]])
    expect(raises(runKnowing(known, [lamp, stopped, dehumidifier], t0, 180))).toEqual([])
  })
})

describe('the dehumidifier starting over LED banks as a motion lamp switches on (development circuit-mixed-quiet 73)', () => {
  // the banks' leading current cancels part of the motor's lagging one: the meter's unsigned |Q| barely
  // rises, so the step reads as an active-PFC input, and the lamp in the same minute puts it 45 W over the
  // dehumidifier's learned level. The lamp had switched minutes before: it is the dehumidifier with a lamp
  const t0 = local('2026-01-16T23:00:00')
  const known = knowing(learnedCompressor('dehumidifier', 205, 0.2, 12, 150))
  const night = lampsAndBanks(t0, 20, 90, 240)
  const motion = spans('lights-motion', t0, 45, 0.93, 25, [
    [13, 17],
    [19, 45],
  ])

  it('raises nothing', () => {
    const dehumidifier = spans('dehumidifier', t0, 205, 0.8, 20, [[19, 150]])
    for (const persist of [false, true])
      expect(raises(runKnowing(known, [...night, motion, dehumidifier], t0, 240, { persist }))).toEqual([])
  })

  it('still raises an active-PFC charger of that level plugged in as the lamp switched', () => {
    const onset = local('2026-01-16T23:19:00')
    const pfc = chargerSession(pfcCharger(onset, 250, { ccMin: 120, taperMin: 30, totalMin: 160 }))
    raisedOnceWithin(runKnowing(known, [...night, motion, pfc], t0, 240), onset, 12)
  })
})

describe('an active-PFC charger of one of the circuit’s compressors’ size, over LED banks', () => {
  // development circuit-unplugged-early 138@01-24T20:09: a 308 W active-PFC charger over 42 W of banks
  // (PF 0.54, THD 119 %) and a 22 W lamp, taken for the 311 W "compressor" learned from the same charger
  // unplugged in CC the night before, and 1@01-16T21:34: a 182 W one beside the running 291 W dehumidifier
  // and 57 W of banks, taken for a 173 W one learned so. Over the banks' leading current the meter's
  // unsigned |Q| hides the background's sign, and neither was judged by its reactive current
  const t0 = local('2026-01-24T19:30:00')
  const onset = t0 + 39.5 * MIN
  const banks = (w: number, pf: number, thd: number) => spans('led-banks', t0, w, pf, thd, [[-60, 300]])
  const lamp = (w: number) => spans('lights', t0, w, 0.96, 25, [[-60, 300]])
  const unplugged = { ccMin: 200, taperMin: 40, totalMin: 82 }
  const ownCharger = (levelW: number) =>
    learnedSignature({ id: 'own', levelW, harmonicRatio: 0.12, count: 2, longestMin: 60 })
  const dehumidifier = learnedSignature({
    id: 'dehumidifier',
    levelW: 252,
    harmonicRatio: 0.18,
    reactiveRatio: 0.75,
    reactiveRuns: 12,
    count: 21,
    longestMin: 170,
    timedRuns: 12,
  })

  it('raises one over the banks alone (they may lead): the most its reactive VA can be is no motor’s', () => {
    const bike = chargerSession(pfcCharger(onset, 308, { ...unplugged, powerFactor: 0.95, thdPct: 14 }))
    const loads = [banks(42, 0.54, 119), lamp(22), bike]
    raisedOnceWithin(runKnowing(knowing(ownCharger(311)), loads, t0, 180), onset, 16)
  })

  it('raises one beside a running motor that the banks cannot outweigh (the background lags)', () => {
    const running = spans('dehumidifier', t0, 291, 0.81, 23, [[-60, 300]])
    const bike = chargerSession(pfcCharger(onset, 182, { ...unplugged, powerFactor: 0.99, thdPct: 13 }))
    const loads = [banks(57, 0.58, 128), lamp(51), running, bike]
    raisedOnceWithin(runKnowing(knowing(ownCharger(173), dehumidifier), loads, t0, 180), onset, 16)
  })

  it('still takes the dehumidifier’s own run over the banks for it: its motor draws its reactive current', () => {
    const run = spans('dehumidifier', t0, 252, 0.8, 15, [[39.5, 150]])
    const loads = [banks(42, 0.54, 119), lamp(22), run]
    expect(raises(runKnowing(knowing(dehumidifier, ownCharger(311)), loads, t0, 180))).toEqual([])
  })

  it('and one with the fridge starting beside it minutes later, taken into the background under it', () => {
    // development circuit-unplugged-early 137@01-21T21:40: the fridge's |Q| over the banks, a difference of
    // unsigned readings, made the background lag by more than it did, and the dehumidifier's rise in |Q|
    // read as an active-PFC input's
    const fridge = learnedSignature({
      id: 'fridge',
      levelW: 149,
      harmonicRatio: 0.1,
      count: 30,
      longestMin: 45,
    })
    const run = spans('dehumidifier', t0, 250, 0.85, 23, [[39.5, 150]])
    const fridgeRun = spans('fridge', t0, 149, 0.77, 9, [[43.5, 80]])
    const loads = [banks(68, 0.56, 106), lamp(14), run, fridgeRun]
    const dehumidifier250 = { ...dehumidifier, levelW: 250, reactiveRatio: 0.62 }
    expect(raises(runKnowing(knowing(dehumidifier250, fridge), loads, t0, 180))).toEqual([])
  })
})

/** A 230 W dehumidifier the circuit learned over a dozen runs, with its motor's reactive share. */
const dehumidifier230 = () =>
  learnedSignature({
    id: 'dehumidifier',
    levelW: 230,
    harmonicRatio: 0.12,
    reactiveRatio: 0.71,
    reactiveRuns: 9,
    count: 12,
    longestMin: 170,
    timedRuns: 9,
  })

describe('the dehumidifier starting beside a young active-PFC charger, its start split over two readings', () => {
  // development circuit-unplugged-early 6@01-24T19:32: a 267 W active-PFC charger over LED banks, and two
  // minutes after it settled the 230 W dehumidifier started, an averaging meter showing a third of it in
  // one reading and the rest in the next. Together past a charger's largest, the two passed for a cleaner
  // over the candidate, which was dropped; the charger ran on under the motor for an hour, never raised
  const t0 = local('2026-01-24T19:00:00')
  const banks = spans('led-banks', t0, 80, 0.66, 108, [[-30, 300]])
  const dehumidifier = dehumidifier230()
  const onset = t0 + 33 * MIN
  const unplugged = { ccMin: 200, taperMin: 40, totalMin: 69, thdPct: 12 }
  // on 40 s into the minute four readings after the charger's: the averaging meter shows a third of it
  const motor = spans('dehumidifier', t0, 226, 0.8, 15, [[36 + 2 / 3, 200]])

  it('follows the motor into the background and raises the charger in its confirmation time', () => {
    const bike = chargerSession(pfcCharger(onset, 267, unplugged))
    const r = runKnowing(knowing(dehumidifier), [banks, bike, motor], t0, 120, { samples: 6 })
    raisedOnceWithin(r, onset, 16)
  })

  it('still takes the dehumidifier starting so on an empty circuit for its run', () => {
    expect(raises(runKnowing(knowing(dehumidifier), [banks, motor], t0, 120, { samples: 6 }))).toEqual([])
  })
})

describe('an active-PFC charger unplugged in constant current, learned as a "compressor" from its steps', () => {
  // development circuit-unplugged-early 6@01-26T18:00: the resident's 265 W active-PFC charger, cut in CC
  // the evening before beside the running dehumidifier, was learned from its step on and off as one of the
  // circuit's compressors (flat, on and off as steps). Its steps moved next to no reactive current over a
  // background that lagged (the motor's current over the banks' leading one: the meter's |Q| moves by
  // what moves): no motor. Its next session, over the banks alone (where |Q| tells nothing), was matched
  // to that "compressor" and followed as its run, never raised
  const t0 = local('2026-01-24T17:00:00')
  const banks = spans('led-banks', t0, 80, 0.66, 108, [[-30, 3000]])
  const dehumidifier = dehumidifier230()
  // it runs through the first evening's session, and is off the next evening
  const motor = spans('dehumidifier', t0, 228, 0.8, 15, [[0, 240]])
  const unplugged = { ccMin: 200, taperMin: 40, totalMin: 40, thdPct: 12 }
  const first = t0 + 60.5 * MIN
  const second = t0 + DAY + 60.5 * MIN
  const sessions = (ms: number[]) => ms.map((at) => chargerSession(pfcCharger(at, 265, unplugged)))

  it('raises its next session in its confirmation time', () => {
    const r = runKnowing(knowing(dehumidifier), [banks, motor, ...sessions([first, second])], t0, 1440 + 180)
    expect(raises(r)).toHaveLength(2)
    expect(raises(r)[1]!.ts - second).toBeLessThanOrEqual(16 * MIN)
  })

  it('learns no motor in it', () => {
    const r = runKnowing(knowing(dehumidifier), [banks, motor, ...sessions([first])], t0, 180)
    const learned = r.state.normal!.signatures.filter(
      (s) => s.id !== 'dehumidifier' && s.kind === 'compressor',
    )
    expect(learned.map((s) => [Math.round(s.levelW / 10) * 10, s.noMotorRuns, s.reactiveRatio])).toEqual([
      [270, 1, undefined],
    ])
  })
})

describe('an active-PFC charger raised and unplugged in constant current on an empty circuit', () => {
  // development circuit-unplugged-early 10@01-21T06:24: the resident's 156 W charger on an empty circuit,
  // raised, and unplugged in CC an hour later, was learned as a compressor from what the alert followed
  // (flat, gone as a step: lamps switching beside it left no step on and off of one size to learn it by),
  // and its next session, over LED banks, was taken for that "compressor". Where it was raised it drew no
  // motor's reactive current over a background without rectifiers: what is learned of it is no motor's.
  // Here a lamp lit while it charged goes off as it is unplugged: its steps do not pair
  const t0 = local('2026-01-21T06:00:00')
  const lamp = spans('lights-motion', t0, 36, 0.95, 15, [[60, 92.5]])
  const onset = t0 + 24.5 * MIN
  const bike = chargerSession(pfcCharger(onset, 156, { ccMin: 200, taperMin: 40, totalMin: 68, thdPct: 10 }))

  it('raises it and learns no motor in it', () => {
    const r = runKnowing(knowing(), [lamp, bike], t0, 130)
    raisedOnceWithin(r, onset, 16)
    const learned = r.state.normal!.signatures.filter((s) => s.kind === 'compressor')
    expect(learned.map((s) => [Math.round(s.levelW / 10) * 10, s.noMotorRuns, s.reactiveRatio])).toEqual([
      [160, 1, undefined],
    ])
  })
})

describe('an active-PFC charger plugged in under a heater beside the dehumidifier’s run, of its size', () => {
  // development circuit-unplugged-early 134@01-05T19:32: a 241 W active-PFC charger plugged in under a
  // heater while the 235 W dehumidifier ran (the background lagged: its motor's reactive current outweighs
  // the lamps'). Seen a reading or two after the heater went off, it read 0.18 var per W of its own, where
  // that dehumidifier's motor draws 0.71, too few readings for any motor's least (showedNoMotor): taken for
  // the dehumidifier's run and never raised. Here a dehumidifier at PF 0.85 beside 60 W of lamps
  const t0 = local('2026-01-05T19:00:00')
  const dehumidifierSig = learnedSignature({
    id: 'dehumidifier',
    levelW: 235,
    harmonicRatio: 0.11,
    reactiveRatio: 0.62,
    reactiveRuns: 6,
    count: 21,
    longestMin: 170,
    timedRuns: 12,
  })
  const lamp = spans('lights', t0, 60, 0.95, 15, [[-60, 300]])
  const heater = spans('electric-heater', t0, 1600, 1, 3, [[32, 40]])
  const onset = t0 + 33.5 * MIN
  const unplugged = { ccMin: 200, taperMin: 40, totalMin: 160 }

  it('raises it once the heater goes off: it drew none of that motor’s reactive current', () => {
    const running = spans('dehumidifier', t0, 235, 0.85, 25, [[-60, 300]])
    const bike = chargerSession(pfcCharger(onset, 241, unplugged))
    raisedOnceWithin(runKnowing(knowing(dehumidifierSig), [lamp, running, heater, bike], t0, 240), onset, 16)
  })

  it('still takes the dehumidifier starting under the heater for its run', () => {
    const started = spans('dehumidifier', t0, 235, 0.85, 25, [[33.5, 150]])
    expect(raises(runKnowing(knowing(dehumidifierSig), [lamp, started, heater], t0, 240))).toEqual([])
  })
})

describe('a dehumidifier the circuit has not learned starts over LED banks at night (PF+THD)', () => {
  // development scenario 90 of circuit-unplugged-early, 01-15 04:02: LED banks (42 W, PF 0.54, THD 100 %)
  // lead by ~34 var; a 196 W dehumidifier (PF 0.82: ~137 var lagging) starts. The meter's unsigned |Q|
  // rose to ~100 var, 0.30 var per W of the step over the banks' 34: an active-PFC input's share, and it
  // was raised. Over banks that lead for certain, |Q| past theirs is the motor's own less their lead.
  // That one (0.29 var per W past the banks' |Q|) is also what an active-PFC input leading at PF 0.95
  // reads, and is raised still (the next describe); a larger motor's lag is no charger's either way
  const t0 = local('2026-01-15T03:30:00')
  const banks = spans('led-banks', t0, 42, 0.54, 100, [[0, 120]])

  it('raises nothing', () => {
    const dehumidifier = spans('dehumidifier', t0, 260, 0.78, 22, [[31, 120]])
    const r = run(circuitSeries([banks, dehumidifier], { fromMs: t0, minutes: 90 }))
    expect(raises(r)).toEqual([])
  })

  it('still raises an active-PFC charger of its size plugged in over the banks', () => {
    const onset = t0 + 31 * MIN
    const r = run(circuitSeries([banks, chargerSession(pfcCharger(onset, 200))], { fromMs: t0, minutes: 90 }))
    raisedOnceWithin(r, onset, 20)
  })

  it('still raises one at the lowest PF an active-PFC input runs at', () => {
    const onset = t0 + 31 * MIN
    const low = chargerSession(pfcCharger(onset, 200, { powerFactor: 0.93, thdPct: 12 }))
    raisedOnceWithin(run(circuitSeries([banks, low], { fromMs: t0, minutes: 90 })), onset, 20)
  })
})

describe('an active-PFC charger whose current leads a little, over LED banks (PF+THD)', () => {
  // an active-PFC input's EMI-filter capacitors can make it lead at light load: over banks that lead, its
  // |Q| adds to theirs, and read as a lagging load past their lead (|Q| now plus theirs) it drew 0.5 var
  // per W and more, a motor's, and was held back all night (review of the rule above)
  const t0 = local('2026-01-15T03:30:00')
  const banks = spans('led-banks', t0, 42, 0.54, 100, [[0, 120]])
  const leadingCharger = (powerW: number, powerFactor: number): LoadModel => {
    const c = spans('charger', t0, powerW, powerFactor, 8, [[31, 120]])
    return { name: c.name, at: (tMs) => ({ ...c.at(tMs), leading: true }) }
  }

  for (const [w, pf] of [
    [200, 0.97],
    [200, 0.99],
    [150, 0.98],
  ] as const) {
    it(`raises a ${w} W one at PF ${pf}, leading`, () => {
      const r = run(circuitSeries([banks, leadingCharger(w, pf)], { fromMs: t0, minutes: 120 }))
      raisedOnceWithin(r, t0 + 31 * MIN, 20)
    })
  }
})
