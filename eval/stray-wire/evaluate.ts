// Runs the detector over labelled scenarios and scores it the way domain.md judges it: recall, false
// alerts per 1,000 circuit-days, time to detect (median and worst).
import { detectStrayWire } from '../../api/alerts/stray-wire-detector.ts'
import { initialStrayWireState, type StrayWireParams } from '../../api/alerts/stray-wire-types.ts'
import { buildScenario } from './families.ts'
import { DAY, type EvalRanges, MIN, type Scenario } from './scenario.ts'

export interface ScenarioResult {
  id: string
  family: string
  days: number
  sessions: number
  detected: number
  /** Minutes from each detected session's start to the raise. */
  detectMin: number[]
  /** The same, only for sessions that began while no cleaner or heater was running. */
  detectMinUnmasked: number[]
  /** Sessions that began under a cleaner or heater: the step cannot be seen until it stops. */
  masked: number
  falseAlerts: number
  /** ms of false raises and missed session starts, for debugging. */
  falseAt: number[]
  missedAt: number[]
}

/** A raise belongs to a session if it comes after the start and before the load is gone for 10 min. */
const SESSION_GRACE_MS = 12 * MIN

export function runScenario(sc: Scenario, params: StrayWireParams): ScenarioResult {
  let state = initialStrayWireState()
  const detectedTs: (number | null)[] = sc.sessions.map(() => null)
  const falseAt: number[] = []
  const end = sc.startMs + sc.days * DAY
  for (let t = sc.startMs; t < end; t += MIN) {
    const input = sc.inputAt(t)
    if (!input) continue
    const r = detectStrayWire(state, input, params)
    state = r.state
    if (r.verdict?.kind !== 'raise') continue
    const i = sc.sessions.findIndex((s) => t >= s.startTs && t <= s.endTs + SESSION_GRACE_MS)
    if (i < 0) falseAt.push(t)
    else if (detectedTs[i] === null) detectedTs[i] = t
  }
  const detectMin: number[] = []
  const detectMinUnmasked: number[] = []
  const missedAt: number[] = []
  let masked = 0
  sc.sessions.forEach((s, i) => {
    const isMasked = bigLoadAround(sc, s.startTs)
    if (isMasked) masked += 1
    const d = detectedTs[i]
    if (d === null || d === undefined) missedAt.push(s.startTs)
    else {
      detectMin.push((d - s.startTs) / MIN)
      if (!isMasked) detectMinUnmasked.push((d - s.startTs) / MIN)
    }
  })
  return {
    id: sc.id,
    family: sc.family,
    days: sc.days,
    sessions: sc.sessions.length,
    detected: detectMin.length,
    detectMin,
    detectMinUnmasked,
    masked,
    falseAlerts: falseAt.length,
    falseAt,
    missedAt,
  }
}

/** More than a charger and lights can draw, just before or after the session starts (±3 min). */
const BIG_LOAD_W = 650

function unexplained(sc: Scenario, tMs: number): number {
  const input = sc.inputAt(tMs)
  if (!input) return 0
  return input.source === 'circuit' ? input.powerW : input.feederPowerW - input.portsPowerW
}

function bigLoadAround(sc: Scenario, startTs: number): boolean {
  const m = Math.floor(startTs / MIN) * MIN
  for (let k = -3; k <= 3; k++) if (unexplained(sc, m + k * MIN) > BIG_LOAD_W) return true
  return false
}

export interface EvalSet {
  families: readonly string[]
  seeds: readonly number[]
  days: number
  ranges: EvalRanges
}

export function runEvalSet(set: EvalSet, params: StrayWireParams): ScenarioResult[] {
  const results: ScenarioResult[] = []
  for (const family of set.families) {
    for (const seed of set.seeds)
      results.push(runScenario(buildScenario(family, seed, set.days, set.ranges), params))
  }
  return results
}

export interface Score {
  scenarios: number
  circuitDays: number
  sessions: number
  recall: number
  falseAlerts: number
  falsePer1000Days: number
  medianDetectMin: number | null
  worstDetectMin: number | null
  /** Sessions that began under a cleaner or heater, and the worst time over the others. */
  maskedSessions: number
  worstUnmaskedDetectMin: number | null
}

export function score(results: readonly ScenarioResult[]): Score {
  const sessions = results.reduce((n, r) => n + r.sessions, 0)
  const detected = results.reduce((n, r) => n + r.detected, 0)
  const circuitDays = results.reduce((n, r) => n + r.days, 0)
  const falseAlerts = results.reduce((n, r) => n + r.falseAlerts, 0)
  const times = results.flatMap((r) => r.detectMin).sort((a, b) => a - b)
  const unmasked = results.flatMap((r) => r.detectMinUnmasked)
  return {
    scenarios: results.length,
    circuitDays,
    sessions,
    recall: sessions === 0 ? 1 : detected / sessions,
    falseAlerts,
    falsePer1000Days: circuitDays === 0 ? 0 : (1000 * falseAlerts) / circuitDays,
    medianDetectMin: times.length === 0 ? null : times[Math.floor((times.length - 1) / 2)]!,
    worstDetectMin: times.length === 0 ? null : times[times.length - 1]!,
    maskedSessions: results.reduce((n, r) => n + r.masked, 0),
    worstUnmaskedDetectMin: unmasked.length === 0 ? null : Math.max(...unmasked),
  }
}

/** domain.md "Stray-wire detection: what good looks like". */
export const GOALS = { recall: 0.97, falsePer1000Days: 1, medianDetectMin: 15, worstDetectMin: 30 } as const

export function meetsGoals(s: Score): boolean {
  return (
    s.recall >= GOALS.recall &&
    s.falsePer1000Days <= GOALS.falsePer1000Days &&
    (s.medianDetectMin ?? 0) <= GOALS.medianDetectMin &&
    (s.worstDetectMin ?? 0) <= GOALS.worstDetectMin
  )
}
