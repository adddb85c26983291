// The evidence the stray-wire detector weighs for and against a candidate charger: whether a step was
// seen, whether the level holds, whether a big load on top is a motor or a heater, and whether a level
// seen around a big load is what was under it or only a partial minute of it.
import type { Classified, Observation } from './stray-wire-classify.ts'
import type { Candidate, StrayWireParams, StrayWireState } from './stray-wire-types.ts'

/** Charger-shaped readings kept per candidate, and how many minute-to-minute steps must be steady. */
export const RECENT_READINGS = 10
export const STEADY_PAIRS = 4
/** The share of a new candidate's excess its arrival step must account for. */
const STEP_SHARE = 0.7
/** Readings of a big load at this share of its run's top are whole minutes of it, not its edges. */
const INTERIOR_SHARE = 0.85
/**
 * A level seen between two stretches of a big load is a charger under it only if what came and went on
 * top is itself a cleaner or heater (domain.md: 800 W and up, less its ±12 % and meter margin). Less,
 * and the level is a fraction of that load: a partial minute of a pausing cleaner on an averaging meter.
 */
const MIN_MASKING_LOAD_W = 600

/**
 * A charger plugs in as a step within a minute or two; a background that creeps (port meter error as
 * legit sessions taper) never does. After a big load, which hides steps, it gets the benefit of the doubt.
 */
export function sawStep(s: StrayWireState, obs: Observation, params: StrayWireParams, pfc = false): boolean {
  // without PF/THD a level we never saw arrive (first reading) may as well be the lights; so may an
  // undistorted one (an active-PFC charger's only tell is its step)
  if (s.prevW === null) return obs.harmonicVA !== null && !pfc
  // a rectifier's harmonic current shows through a big load; an active-PFC charger's step does not:
  // an undistorted level found when a heater or cleaner stops was never seen to arrive
  if (s.prevBig) return !pfc
  const before = s.prev2W === null ? s.prevW : Math.min(s.prevW, s.prev2W)
  const stepW = obs.unexplainedW - before
  // the step carries most of the excess: two lamps arriving a few minutes apart add up to a charger's
  // level but never arrive as one
  return stepW >= 0.5 * params.minStepW && stepW >= STEP_SHARE * (obs.unexplainedW - s.baselineW!)
}

/**
 * A cleaner's motor, as opposed to a heater: harmonic current that is not the candidate's (brushes,
 * triac), or without THD, a load that swings by more than a thermostat-switched element does.
 */
export function looksLikeMotor(s: StrayWireState, obs: Observation, c: Classified): boolean {
  if (c.excessVA !== null) return true
  if (!s.prevBig || s.prevW === null) return false
  // an averaging meter shows the minutes a heater switches in as a part of it: only two readings
  // inside the run, near its top, tell a motor's swing from a thermostat's edge
  const prevExcessW = s.prevW - s.baselineW!
  const top = INTERIOR_SHARE * Math.max(s.bigMaxW ?? 0, c.excessW)
  if (prevExcessW < top || c.excessW < top) return false
  return Math.abs(obs.unexplainedW - s.prevW) > 0.06 * obs.unexplainedW
}

/**
 * A charger in constant current holds its level from one minute to the next (a light switching on top
 * moves it once); the partial minutes a pausing cleaner leaves between its bursts scatter.
 */
export function levelHolds(cand: Candidate, heldMin: number, confirmMin: number): boolean {
  const w = cand.recentW
  let steady = 0
  for (let i = 1; i < w.length; i++) if (Math.abs(w[i]! - w[i - 1]!) <= 0.06 * w[i]! + 5) steady += 1
  if (steady >= STEADY_PAIRS) return true
  // a device reporting every few minutes gives fewer pairs: all of them steady over the whole
  // confirmation time will do, if nothing else (a heater's edges, a quiet minute) came in between
  const clean = cand.bigReadings === 0 && cand.readings === cand.chargerReadings
  return clean && steady >= 2 && steady === w.length - 1 && heldMin >= confirmMin
}

/** Resistive loads carry the supply's few % of voltage distortion, hence the 4 % of their watts. */
export function hiddenChargerShows(cand: Candidate, c: Classified): boolean {
  if (cand.harmonicVA === null || c.excessVA === null) return false
  const rest = c.excessVA - 0.04 * (c.excessW - cand.maxW)
  return Math.abs(rest - cand.harmonicVA) <= 0.3 * cand.harmonicVA
}

/**
 * A charger found right after a cleaner or heater may have plugged in under it (the step was hidden):
 * its onset is when the big load began, at the earliest, and the watts it left above the pre-load
 * background (frozen meanwhile) are the step.
 */
export function startCandidate(s: StrayWireState, obs: Observation, c: Classified): void {
  const afterBig = s.prevBig && s.bigSinceTs !== null && s.bigSinceTs !== undefined
  s.candidate = {
    onsetTs: afterBig ? s.bigSinceTs! : obs.ts,
    firstTs: obs.ts,
    chargerReadings: 1,
    readings: 1,
    quietRun: 0,
    minW: c.excessW,
    maxW: c.excessW,
    harmonicVA: c.excessVA,
    motorReadings: 0,
    bigReadings: 0,
    hiddenReadings: 0,
    recentW: [c.excessW],
    sinceBig: 1,
    stepW: Math.round(c.excessW * 10) / 10,
    ...(c.pfc ? { pfc: true } : {}),
  }
}

/**
 * The second and third readings after a big load went off (the first may be a partial minute), steady
 * with each other and at the level seen before it came on: the same load bridged the masked minutes
 * (watts-only circuits; with THD the harmonics tell).
 */
export function noteBridge(cand: Candidate, c: Classified): void {
  if (c.excessVA !== null || cand.levelBeforeBigW === null || cand.levelBeforeBigW === undefined) return
  const w = cand.recentW
  const a = w[w.length - 1]!
  const b = w[w.length - 2]
  const near = (x: number, y: number) => Math.abs(x - y) <= 0.06 * Math.max(x, y) + 5
  if (b !== undefined && near(a, b) && near(b, cand.levelBeforeBigW)) cand.bridges = (cand.bridges ?? 0) + 1
}

/** Watts only: the level right after a big load is a fraction of it, not what was under it. */
export function partOfBigLoad(s: StrayWireState, obs: Observation, c: Classified): boolean {
  if (!s.prevBig || obs.source !== 'circuit' || obs.harmonicVA !== null) return false
  return (s.bigMaxW ?? Number.POSITIVE_INFINITY) - c.excessW < MIN_MASKING_LOAD_W
}

/**
 * Watts only, the minutes at a working cleaner's edges and pauses are partial (an averaging meter
 * shows a fraction of it) and can sit at a charger's level; once a motor has been seen, only a level
 * that holds on its own after the cleaner has gone counts.
 */
export function clearOfMotor(cand: Candidate, obs: Observation): boolean {
  if (obs.harmonicVA !== null) return true
  // an onset put back to the start of a big load says nothing about the level: it must hold after it
  const inferredOnset = cand.onsetTs !== cand.firstTs
  if (!inferredOnset && cand.motorReadings === 0) return true
  return (cand.sinceBig ?? 0) > STEADY_PAIRS
}
