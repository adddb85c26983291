// `npm run eval:stray-wire:errors -- --families circuit-mixed-quiet [--scenarios 150]`: what was really on
// the circuit when the detector went wrong, on the development set only: the held-out set is for scoring,
// and a detector tuned by looking into its errors would no longer be judged on scenarios it has not seen.
// Each false alert is grouped by the loads that stepped around its onset and the loads running when it
// was raised, and by how it was raised (a step, under a heater or cleaner, a second step under an open
// alert, or a load of a compressor's size that faded or outlasted its runs); each missed session (and,
// with --slow, each found late) by the loads running as it began, whether its charger had active PFC and
// whether an alert was open then; each alert cleared while its charger still charged (the evaluation's
// early clears) by the loads that stepped as the detector stopped seeing it. Circuits only (sheds have no
// loads list). For looking into a family, not a score: `npm run eval:stray-wire` judges the goals.
import { parseArgs } from 'node:util'
import { DEFAULT_STRAY_WIRE_PARAMS } from '../../alerts/index.ts'
import { parseOrUsage, usageError } from '../../domain/command-line.ts'
import type { LoadModel } from '../../simulators/index.ts'
import {
  type CrewOptions,
  DEFAULT_CREW,
  replayWithCrew,
  SESSION_GRACE_MS,
  stillCharging,
} from './evaluate.ts'
import { buildScenario, FAMILIES } from './families.ts'
import { DEV_RANGES, MIN, type Scenario } from './scenario.ts'

const USAGE = `Usage: npm run eval:stray-wire:errors -- [options]   (development set only)
  --families A,B         circuit families to look into (default: all circuit families): ${FAMILIES.join(', ')}
  --scenarios N          scenarios per family (default 150)
  --days N               days per scenario (default 3)
  --all                  every error's example, not the first three of each group
  --day1                 the raises of the unscored first day instead (no charger runs then)
  --slow N               also the sessions found, but more than N minutes after they began (goal: 30)
  --crew                 with crews answering each false alert as the evaluation's do (its --crew)
  --crew-after N         minutes after the raise the crew answers (default ${DEFAULT_CREW.answerAfterMin})
  --help                 this text`

const { values } = parseOrUsage(
  () =>
    parseArgs({
      options: {
        families: { type: 'string' },
        scenarios: { type: 'string', default: '150' },
        days: { type: 'string', default: '3' },
        // every error's example rather than the first three of each group: for comparing two builds
        all: { type: 'boolean', default: false },
        day1: { type: 'boolean', default: false },
        slow: { type: 'string' },
        // with crews answering false alerts, as `npm run eval:stray-wire -- --crew`: diff the two lists
        crew: { type: 'boolean', default: false },
        'crew-after': { type: 'string', default: String(DEFAULT_CREW.answerAfterMin) },
        help: { type: 'boolean', default: false },
      },
    }),
  USAGE,
)
const shown = values.all ? Number.POSITIVE_INFINITY : 3
const families =
  values.families?.split(',').map((f) => f.trim()) ?? FAMILIES.filter((f) => f.startsWith('circuit'))
const unknown = families.filter((f) => !FAMILIES.includes(f))
if (unknown.length > 0) usageError(`unknown families: ${unknown.join(', ')}`, USAGE)
const days = Number(values.days)
const slowMin = values.slow === undefined ? undefined : Number(values.slow)
if (slowMin !== undefined && !(slowMin >= 0)) usageError(`--slow must be minutes, got ${values.slow}`, USAGE)
const crewAfter = Number(values['crew-after'])
if (!Number.isFinite(crewAfter) || crewAfter < 0)
  usageError(`--crew-after wants minutes ≥ 0, not ${values['crew-after']}`, USAGE)
const crew: CrewOptions | undefined = values.crew ? { answerAfterMin: crewAfter } : undefined
const seeds = Array.from({ length: Number(values.scenarios) }, (_, i) => 1 + i)

/** Loads drawing more than lamps' noise. */
const ON_W = 25
const isCharger = (l: LoadModel): boolean => l.name.startsWith('charger')
const names = (loads: readonly LoadModel[]): string => [...new Set(loads.map((l) => l.name))].sort().join(' ')
const at = (t: number): string => new Date(t + 8 * 3600_000).toISOString().slice(5, 16)

class Tally {
  readonly groups = new Map<string, string[]>()
  add(key: string, example: string): void {
    const list = this.groups.get(key) ?? []
    list.push(example)
    this.groups.set(key, list)
  }
  print(title: string): void {
    const total = [...this.groups.values()].reduce((n, l) => n + l.length, 0)
    console.log(`\n${title}: ${total}`)
    for (const [key, list] of [...this.groups].sort((a, b) => b[1].length - a[1].length))
      console.log(`${String(list.length).padStart(5)}  ${key}   e.g. ${list.slice(0, shown).join(' ')}`)
  }
}

/** What was running as a session began, and what its charger was. */
function sessionKey(loads: readonly LoadModel[], startTs: number): { key: string; watts: string } {
  const charger = loads.find((l) => isCharger(l) && l.at(startTs + 5 * MIN).powerW > ON_W)
  const sample = charger?.at(startTs + 5 * MIN)
  const kind = sample && sample.powerFactor > 0.9 ? 'active-PFC charger' : 'rectifier charger'
  const running = loads.filter((l) => !isCharger(l) && l.at(startTs + 2 * MIN).powerW > ON_W)
  return { key: `${kind}, running [${names(running)}]`, watts: `${sample?.powerW.toFixed(0)}W` }
}

/** The loads that stepped by more than lamps' noise around ts, each with + or -. */
const steppedAt = (loads: readonly LoadModel[], ts: number): string =>
  loads
    .filter((l) => Math.abs(l.at(ts + MIN).powerW - l.at(ts - 3 * MIN).powerW) > ON_W)
    .map((l) => `${l.name}${l.at(ts + MIN).powerW > l.at(ts - 3 * MIN).powerW ? '+' : '-'}`)
    .sort()
    .join(' ')

function explain(sc: Scenario, falseAlerts: Tally, misses: Tally, slow: Tally, early: Tally): void {
  const loads = sc.loads ?? []
  const detected = sc.sessions.map(() => false)
  const openAtStart = sc.sessions.map(() => false)
  // the session the open alert stands for, as evaluate.ts follows it
  let open: number | null = null
  // when the open alert's load was first not seen (the clear comes 10 min on, or after a big load's run)
  let absentSince: number | null = null
  // as the alert engine runs it, and evaluate.ts scores it
  for (const { t, result: r } of replayWithCrew(sc, DEFAULT_STRAY_WIRE_PARAMS, undefined, crew)) {
    // an alert cleared while its charger still charges (evaluate.ts's early clears): by the loads that
    // stepped when the detector first missed it
    if (r.verdict?.kind === 'clear' && open !== null) {
      const s = sc.sessions[open]!
      if (!values.day1 && stillCharging(sc, s, t)) {
        const gone = absentSince ?? t - DEFAULT_STRAY_WIRE_PARAMS.clearAfterMin * MIN
        const running = loads.filter((l) => !isCharger(l) && l.at(gone - 2 * MIN).powerW > ON_W)
        early.add(
          `stepped [${steppedAt(loads, gone)}] running [${names(running)}]`,
          `${sc.id}@${at(gone)}(on ${at(s.startTs)}-${at(s.endTs).slice(6)})`,
        )
      }
      open = null
    }
    if (r.verdict?.kind === 'raise' && t >= sc.startMs) {
      const i = sc.sessions.findIndex((s) => t >= s.startTs && t <= s.endTs + SESSION_GRACE_MS)
      open = i < 0 ? null : i
    }
    absentSince = r.state.alert?.absentSinceTs ?? null
    // sessions begin within a minute, not on it: the first reading after the start tells
    for (const [i, s] of sc.sessions.entries())
      if (t >= s.startTs && t < s.startTs + MIN) openAtStart[i] = r.state.alert !== null
    // the first day is unscored: --day1 looks into it alone (no stray charger runs then)
    if (r.verdict?.kind !== 'raise' || t < sc.startMs !== values.day1) continue
    // as the eval scores it: a raise belongs to a session until 12 min after its load is gone
    const i = sc.sessions.findIndex((s) => t >= s.startTs && t <= s.endTs + SESSION_GRACE_MS)
    if (i >= 0) {
      const s = sc.sessions[i]!
      const late = (t - s.startTs) / MIN
      if (!detected[i] && slowMin !== undefined && late > slowMin) {
        const { key, watts } = sessionKey(loads, s.startTs)
        slow.add(
          `${openAtStart[i] ? 'under an open alert, ' : ''}${key}`,
          `${sc.id}@${at(s.startTs)}/${watts}/${late.toFixed(0)}min`,
        )
      }
      detected[i] = true
      continue
    }
    const onset = r.verdict.onsetTs
    const stepped = steppedAt(loads, onset)
    const running = loads.filter((l) => l.at(t).powerW > ON_W)
    const v = r.verdict
    const path =
      v.evidence.likeCompressor?.told ??
      (v.replacesOnsetTs !== undefined ? 'second-step' : v.evidence.startedUnderLoad ? 'under-load' : 'step')
    falseAlerts.add(`${path} stepped [${stepped}] running [${names(running)}]`, `${sc.id}@${at(t)}`)
  }
  sc.sessions.forEach((s, i) => {
    if (detected[i] || values.day1) return
    const { key, watts } = sessionKey(loads, s.startTs)
    misses.add(`${openAtStart[i] ? 'under an open alert, ' : ''}${key}`, `${sc.id}@${at(s.startTs)}/${watts}`)
  })
}

const falseAlerts = new Tally()
const misses = new Tally()
const slow = new Tally()
const early = new Tally()
for (const family of families)
  for (const seed of seeds)
    explain(buildScenario(family, seed, days, DEV_RANGES), falseAlerts, misses, slow, early)
console.log(
  `development set, ${seeds.length} scenarios × ${days} days of ${families.join(', ')}` +
    (crew ? `, crews answering ${crew.answerAfterMin} min after each raise` : ''),
)
falseAlerts.print(
  `${values.day1 ? 'raises in the first day' : 'false alerts'}, by the loads that stepped at their onset and were running when raised`,
)
if (!values.day1) misses.print('missed sessions, by charger and the loads running as they began')
if (!values.day1)
  early.print(
    'alerts cleared while their charger still charged, by the loads that stepped as the alert went unseen (there/session)',
  )
if (!values.day1 && slowMin !== undefined)
  slow.print(
    `sessions found more than ${slowMin} min after they began (example/charger/minutes to its raise)`,
  )
