import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { taughtSignature } from '../../alerts/index.ts'
import { DEFAULT_STRAY_WIRE_PARAMS } from '../../alerts/stray-wire-types.ts'
import {
  byDay,
  crewCost,
  crewKind,
  DEFAULT_CREW,
  firstDay,
  GOALS,
  kindOfLoad,
  runEvalSet,
  runScenario,
  score,
} from '../../eval/stray-wire/evaluate.ts'
import { buildScenario, FAMILIES, FAMILY_GROUPS } from '../../eval/stray-wire/families.ts'
import { DEV_RANGES, HELD_OUT_RANGES, MIN, type Scenario } from '../../eval/stray-wire/scenario.ts'
import type { LoadModel } from '../../simulators/index.ts'

// A small slice of `npm run eval:stray-wire`: every family × 5 scenarios × 2 days per set (after a day
// of warm-up). On the families the detector was first built around it meets the goal (at this size one
// false alert would already be 1/100 circuit-days, so none is allowed). On the field families of
// domain.md "More of the real world" it does not yet: those assertions hold what was reached (the
// detector before them found no active-PFC charger and raised on most dusks under low-PF LED banks).
// A resident's own charger unplugged in CC and back on later days (circuit-unplugged-early*) came after
// those assertions were set, and is held to none of them yet: `npm run eval:stray-wire` scores it.
const OWN_CHARGER = ['circuit-unplugged-early', 'circuit-unplugged-early-basic']
const FIELD = [...FAMILY_GROUPS['field loads, PF+THD']!, 'circuit-mixed-basic', ...OWN_CHARGER]
const FIRST = FAMILIES.filter((f) => !FIELD.includes(f))

describe.each([
  { name: 'development', seeds: [1, 2, 3, 4, 5], ranges: DEV_RANGES },
  { name: 'held-out', seeds: [100_001, 100_002, 100_003, 100_004, 100_005], ranges: HELD_OUT_RANGES },
])('the stray-wire detector on the $name evaluation set', ({ seeds, ranges }) => {
  const results = runEvalSet({ families: FAMILIES, seeds, days: 2, ranges }, DEFAULT_STRAY_WIRE_PARAMS)
  const first = score(results.filter((r) => FIRST.includes(r.family)))
  const field = score(
    results.filter(
      (r) =>
        FIELD.includes(r.family) && r.family !== 'circuit-mixed-basic' && !OWN_CHARGER.includes(r.family),
    ),
  )
  const pfc = score(results.filter((r) => r.family === 'circuit-pfc-stray'))
  const ledBanks = score(
    results.filter((r) => r.family === 'circuit-led-banks' || r.family === 'circuit-led-stray'),
  )

  it('covers enough sessions and circuit-days to mean something', () => {
    expect(first.circuitDays).toBe(100)
    expect(first.sessions).toBeGreaterThanOrEqual(30)
    expect(field.sessions).toBeGreaterThanOrEqual(30)
  })

  it('meets the goal on the families it was first built around: every session, no false alert, fast', () => {
    expect(first.recallInCc).toBeGreaterThanOrEqual(GOALS.recall)
    expect(first.falseAlerts).toBe(0)
    expect(first.medianDetectMin!).toBeLessThanOrEqual(GOALS.medianDetectMin)
    expect(first.worstUnmaskedDetectMin!).toBeLessThanOrEqual(GOALS.worstDetectMin)
  })

  it('finds every active-PFC charger (PF ≥ 0.93, THD ≤ 18 %) within 30 minutes', () => {
    expect(pfc.sessions).toBeGreaterThanOrEqual(5)
    expect(pfc.recallInCc).toBe(1)
    expect(pfc.worstDetectMin!).toBeLessThanOrEqual(GOALS.worstDetectMin)
  })

  it('keeps low-PF LED banks at dusk to at most one false alert in 20 circuit-days', () => {
    expect(ledBanks.falseAlerts).toBeLessThanOrEqual(1)
    expect(ledBanks.recall).toBeGreaterThanOrEqual(0.8)
  })

  it('holds what was reached on the field families with PF and THD (the goal is not met there yet)', () => {
    expect(field.recall).toBeGreaterThanOrEqual(0.9)
    expect(field.falsePer1000Days).toBeLessThanOrEqual(150)
    expect(field.medianDetectMin!).toBeLessThanOrEqual(GOALS.medianDetectMin + 2)
  })
})

describe('chargers topping up a nearly full pack', () => {
  it('are labelled, a fifth of stray sessions on development, and start falling down their taper', () => {
    let topUps = 0
    let all = 0
    for (let seed = 1; seed <= 30; seed++) {
      const sc = buildScenario('circuit-stray', seed, 3, DEV_RANGES)
      const chargers = (sc.loads ?? []).filter((l) => l.name.startsWith('charger'))
      sc.sessions.forEach((s, i) => {
        all += 1
        if (!s.topUp) return
        topUps += 1
        const early = chargers[i]!.at(s.startTs + MIN).powerW
        // a taper, not a plateau: a quarter of an hour in (or at its end, if sooner) it draws clearly less
        const later = chargers[i]!.at(Math.min(s.startTs + 15 * MIN, s.endTs - MIN)).powerW
        expect(later).toBeLessThan(0.97 * early)
      })
    }
    expect(topUps / all).toBeGreaterThan(0.1)
    expect(topUps / all).toBeLessThan(0.3)
  })
})

describe("a resident's own charger unplugged before its taper (circuit-unplugged-early)", () => {
  const chargers = (sc: Scenario) => (sc.loads ?? []).filter((l) => l.name.startsWith('charger'))
  const scenarios = Array.from({ length: 20 }, (_, i) =>
    buildScenario('circuit-unplugged-early-basic', i + 1, 3, DEV_RANGES),
  )

  it('cuts sessions in constant current after 20–90 min: a step off with no taper, where the label ends', () => {
    let cut = 0
    for (const sc of scenarios) {
      const own = chargers(sc)
      sc.sessions.forEach((s, i) => {
        const min = (s.endTs - s.startTs) / MIN
        if (min > 90) return
        expect(min).toBeGreaterThanOrEqual(20)
        // still at (or above) its early draw in its last minute, nothing once it ends
        const early = own[i]!.at(s.startTs + 2 * MIN).powerW
        expect(own[i]!.at(s.endTs - MIN).powerW).toBeGreaterThan(0.95 * early)
        expect(own[i]!.at(s.endTs + 1000).powerW).toBe(0)
        cut += 1
      })
    }
    expect(cut).toBeGreaterThanOrEqual(15)
  })

  it('brings the same charger back on later days at its own level (within its ±3 % and ripple)', () => {
    let laterAfterCut = 0
    for (const sc of scenarios) {
      const own = chargers(sc)
      const levels = sc.sessions.map((s, i) => own[i]!.at(s.startTs + 2 * MIN).powerW)
      for (const w of levels) expect(Math.abs(w / levels[0]! - 1)).toBeLessThan(0.1)
      const firstCut = sc.sessions.findIndex((s) => s.endTs - s.startTs <= 90 * MIN)
      if (firstCut >= 0) laterAfterCut += sc.sessions.length - 1 - firstCut
    }
    expect(laterAfterCut).toBeGreaterThanOrEqual(10)
  })
})

describe('the unscored first day', () => {
  it('counts its raises apart: a fridge the watts-only detector has not learned yet, raised at 00:23', () => {
    const sc = buildScenario('circuit-mixed-basic', 1, 3, DEV_RANGES)
    const r = runScenario(sc, DEFAULT_STRAY_WIRE_PARAMS)
    expect(r.warmupRaises).toBeGreaterThanOrEqual(1)
    expect(r.falseAt.every((t) => t >= sc.startMs)).toBe(true)
  })

  it('is scored for a newly installed meter (no warm-up): that raise is its first day’s false alert', () => {
    const sc = buildScenario('circuit-mixed-basic', 1, 3, DEV_RANGES)
    const r = runScenario(sc, DEFAULT_STRAY_WIRE_PARAMS, 0)
    expect(r.warmupRaises).toBe(0)
    expect(r.firstDayFalseAlerts).toBeGreaterThanOrEqual(1)
    const d = firstDay([r])
    expect(d.falseAlerts).toBe(r.firstDayFalseAlerts)
    expect(d.falseAlerts + d.laterFalseAlerts).toBe(r.falseAlerts)
    expect(d.sessions).toBe(r.firstDaySessions)
  })
})

describe('crews teaching the detector (--crew)', () => {
  // a watts-only mixed circuit whose fridge and dehumidifier the detector raises before it learns them
  const sc = buildScenario('circuit-mixed-basic', 6, 3, DEV_RANGES)
  const without = runScenario(sc, DEFAULT_STRAY_WIRE_PARAMS)
  const withCrew = runScenario(sc, DEFAULT_STRAY_WIRE_PARAMS, undefined, DEFAULT_CREW)

  it('answers each false alert with its load’s kind, and the detector stops raising on what it was taught', () => {
    expect(without.answered).toBe(0)
    expect(without.taught).toEqual([])
    expect(withCrew.answered).toBeGreaterThanOrEqual(2)
    expect(withCrew.taught.length + withCrew.refused).toBe(withCrew.answered)
    expect(withCrew.taught.every((t) => t.source === 'crew')).toBe(true)
    expect(withCrew.taught.filter((t) => t.kind === 'compressor').length).toBeGreaterThanOrEqual(2)
    expect(withCrew.falseAlerts + withCrew.warmupRaises).toBeLessThan(
      without.falseAlerts + without.warmupRaises,
    )
  })

  it('answers 30 min after the raise, or at the clear if sooner: the signature the API’s clear would teach', () => {
    for (const t of withCrew.taught) {
      const raisedAt = Number(t.alertId!.split('@')[1])
      expect(t.lastTs - raisedAt).toBeGreaterThanOrEqual(0)
      expect(t.lastTs - raisedAt).toBeLessThanOrEqual(DEFAULT_CREW.answerAfterMin * MIN)
    }
    const soon = runScenario(sc, DEFAULT_STRAY_WIRE_PARAMS, undefined, { answerAfterMin: 0 })
    const first = soon.taught[0]!
    const raisedAt = Number(first.alertId!.split('@')[1])
    expect(first.lastTs).toBe(raisedAt)
    // the pure half of the API's teach builds it: same alert, same answer, same signature
    expect(
      taughtSignature(
        {
          alertId: first.alertId!,
          deviceId: sc.id,
          raisedAt,
          evidence: { levelW: first.levelW },
          lastValue: 1,
        },
        'compressor',
        raisedAt,
        DEFAULT_STRAY_WIRE_PARAMS.utcOffsetMin,
      ).levelW,
    ).toBe(first.levelW)
  })

  it('scores day by day, and counts the sessions the taught signatures cost against the run without them', () => {
    for (const r of [without, withCrew]) {
      const days = byDay([r])
      expect(days.map((d) => d.day)).toEqual([1, 2, 3])
      expect(days.reduce((n, d) => n + d.sessions, 0)).toBe(r.sessions)
      expect(days.reduce((n, d) => n + d.falseAlerts, 0)).toBe(r.falseAlerts)
    }
    const c = crewCost([without], [withCrew])
    expect(withCrew.detected - without.detected).toBe(c.gained - c.lost)
    expect(crewCost([without], [without])).toEqual({ lost: 0, late: 0, lateMin: 0, gained: 0, earlier: 0 })
  })

  it('names the load that rose at the alert’s onset and still draws at the raise; a charger is left alone; sheds list no loads', () => {
    const onset = Date.UTC(2026, 0, 10, 12)
    const step = (name: string, w: number, fromTs: number): LoadModel => ({
      name,
      at: (t) =>
        ({ powerW: t >= fromTs ? w : 0, powerFactor: 0.9, thdPct: 10 }) as ReturnType<LoadModel['at']>,
    })
    const fake = (loads: LoadModel[]): Scenario => ({ ...sc, loads }) as Scenario
    const v = { kind: 'raise', ts: onset + 10 * MIN, onsetTs: onset } as never
    expect(crewKind(fake([step('lights-always', 40, 0), step('fridge', 120, onset)]), v)).toBe('compressor')
    expect(crewKind(fake([step('dehumidifier', 250, 0), step('led-banks', 90, onset)]), v)).toBe('lights')
    expect(crewKind(fake([step('electric-heater', 1500, onset - 60 * MIN)]), v)).toBe('equipment')
    expect(crewKind(fake([step('charger-lithium', 200, onset), step('fridge', 120, 0)]), v)).toBeUndefined()
    expect(crewKind(fake([]), v)).toBeUndefined()
    // a heater whose run began the minute a dehumidifier came on under it, off by the raise: the crew on
    // site finds the dehumidifier drawing the alert's watts
    const span = (name: string, w: number, fromTs: number, toTs: number): LoadModel => ({
      name,
      at: (t) =>
        ({ powerW: t >= fromTs && t < toTs ? w : 0, powerFactor: 0.9, thdPct: 10 }) as ReturnType<
          LoadModel['at']
        >,
    })
    const heaterGone = [
      span('electric-heater', 1500, onset, onset + 5 * MIN),
      step('dehumidifier', 250, onset),
    ]
    expect(crewKind(fake(heaterGone), v)).toBe('compressor')
    expect(kindOfLoad('cleaning-machine')).toBe('equipment')
  })

  it('main.ts --crew prints both runs day by day and the sessions they cost', () => {
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'eval/stray-wire/main.ts',
        ...['--set', 'dev', '--families', 'circuit-mixed-basic', '--scenarios', '2', '--days', '4', '--crew'],
      ],
      { encoding: 'utf8' },
    )
    expect(r.stdout).toContain('with crews answering each alert 30 min after its raise')
    expect(r.stdout).toMatch(/day 1 +day 2 +day 3 +day 4/)
    expect(r.stdout).toMatch(/circuit-mixed-basic +\S+ → \S+ .* lost \d+, late \d+/)
  })
})

describe('the meters of the evaluation sets', () => {
  /** Charger steps whose first reading lies well between the level before and the level after it. */
  const splitSteps = (seed: number, ranges = DEV_RANGES): number => {
    const sc = buildScenario('circuit-stray', seed, 3, ranges)
    let split = 0
    for (const { startTs } of sc.sessions) {
      const t = Math.ceil(startTs / MIN) * MIN
      const [before, at, after] = [t - MIN, t, t + MIN].map((m) => {
        const r = sc.inputAt(m)
        return r?.source === 'circuit' ? r.powerW : undefined
      })
      if (before === undefined || at === undefined || after === undefined) continue
      const share = (at - before) / (after - before)
      if (share > 0.2 && share < 0.8) split += 1
    }
    return split
  }

  it('development: instant meters on odd seeds, meters that average the minute on even seeds', () => {
    expect(splitSteps(1) + splitSteps(3)).toBe(0)
    expect(splitSteps(2) + splitSteps(4)).toBeGreaterThanOrEqual(2)
  })

  it('held-out: every meter averages', () => {
    expect(splitSteps(100_001, HELD_OUT_RANGES)).toBeGreaterThanOrEqual(1)
  })
})

describe('the evaluation scripts’ command lines', () => {
  const runScript = (script: string, args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', `eval/stray-wire/${script}`, ...args], {
      encoding: 'utf8',
    })

  it.each([
    ['main.ts', ['--bogus'], "Unknown option '--bogus'"],
    ['main.ts', ['--set', 'nope'], 'unknown set: nope (dev or held-out)'],
    ['main.ts', ['--families', 'circuit-nope'], 'unknown families: circuit-nope'],
    ['errors.ts', ['--familes', 'circuit-mixed-quiet'], "Unknown option '--familes'"],
  ])('%s %j: says what is wrong and how to call it, exit 2, no stack trace', (script, args, message) => {
    const r = runScript(script, args)
    expect(r.status).toBe(2)
    expect(r.stderr).toContain(message)
    expect(r.stderr).toContain('Usage: npm run eval:stray-wire')
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('main.ts --new-meter scores no warm-up day and prints the first day apart', () => {
    const r = runScript('main.ts', [
      '--set',
      'dev',
      '--families',
      'circuit-mixed-basic',
      '--scenarios',
      '1',
      '--new-meter',
    ])
    expect(r.stdout).toContain('a newly installed meter: its first day, then the days after it')
    expect(r.stdout).toMatch(/circuit-mixed-basic +first day .*, +[1-9]\d* FA; after it/)
  })

  it('prints the usage for --help, exit 0', () => {
    const r = runScript('errors.ts', ['--help'])
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('--all')
  })

  it('errors.ts --day1 groups the first day’s raises (a fridge not learned yet), not the scored ones', () => {
    const r = runScript('errors.ts', ['--families', 'circuit-mixed-basic', '--scenarios', '1', '--day1'])
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/raises in the first day, .*: [1-9]/)
    expect(r.stdout).toContain('circuit-mixed-basic#1@01-11T00:23')
    expect(r.stdout).not.toContain('missed sessions')
  })
})
