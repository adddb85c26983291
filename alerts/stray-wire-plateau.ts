// What a candidate's readings since its step say of its shape, before it is raised: the level it fell to
// and stood at, whether its plateau is flat, a lamp switching in the minute after the step, lights going
// off under it, whether it settled before a big load came on, a small steady level of its own.
import { type LoadSignature, matchSignature } from './stray-wire-circuit-normal.ts'
import {
  type Classified,
  MAX_HARMONIC_RATIO,
  type Observation,
  PFC_AT_LOAD_MAX_H_PER_W,
} from './stray-wire-classify.ts'
import { LAMP_MOVE_MAX_W, LAMP_MOVE_MIN_W, median, near, steadyBefore } from './stray-wire-evidence.ts'
import type { Candidate, StrayWireParams, StrayWireState } from './stray-wire-types.ts'

/** A plateau whose readings spread by more than this share of its median is not one load's CC level. */
const FLAT_SPREAD_SHARE = 0.1

/**
 * Watts only, every reading since the step still there to look at: the level fell from the step within
 * its first readings and has stood at `nowW` since (a compressor that ran in the step's minute stopped as
 * the new load started), not slid there (a charger's taper under it).
 */
export function fellToLevel(cand: Candidate, nowW: number): boolean {
  const ws = cand.recentW
  if (cand.stepW === undefined || nowW >= cand.stepW || cand.readings !== ws.length) return false
  const from = ws.findIndex((w) => Math.abs(w - nowW) <= LEVEL_STOOD_W)
  if (from < 1 || from > FALL_WITHIN_READINGS || ws.length - from < 3) return false
  // it fell into the level as a step, and stood there since
  return (
    ws[from - 1]! - nowW >= FALL_MIN_W && ws.slice(from).every((w) => Math.abs(w - nowW) <= LEVEL_STOOD_W)
  )
}

/** The last fall into the level was a step of at least this (W): a taper slides a few W a minute. */
const FALL_MIN_W = 15

/** A level that stands moves by no more than this (W): meter noise and a compressor's creep over minutes. */
const LEVEL_STOOD_W = 6
/** The one that stopped was gone by the step's third reading (an averaging meter's partial minute). */
const FALL_WITHIN_READINGS = 3

/** Readings that spread by no more than FLAT_SPREAD_SHARE of their median (none: not flat). */
function flat(ws: readonly number[]): boolean {
  const m = median(ws)
  return m > 0 && (Math.max(...ws) - Math.min(...ws)) / m <= FLAT_SPREAD_SHARE
}

/**
 * Watts only: a step of at least a charger's smallest up from a steady minute, on top of a candidate that
 * stood at its own step and matches one of the circuit's known loads at it. Returns that load. (The two
 * together may be past a charger's largest over the background, a dehumidifier and a charger: the caller
 * asks only where the step itself is no bigger than a charger, which no heater's or cleaner's whole step is.)
 */
export function knownBeforeStepUp(
  s: StrayWireState,
  cand: Candidate,
  obs: Observation,
  params: StrayWireParams,
): LoadSignature | undefined {
  if (obs.source !== 'circuit' || obs.harmonicVA !== null || cand.stepW === undefined) return
  if (s.prevBig || !steadyBefore(s)) return
  if (obs.unexplainedW - s.prevW < params.minStepW) return
  if (!near(s.prevW - s.baselineW!, cand.stepW)) return
  return matchSignature(s.normal!, obs.ts, cand.stepW, null, params.utcOffsetMin, params.feedback)
}

/** The minute after the step rose by a lamp's watts, and the level held there since. */
export function lampAfterStep(ws: readonly number[]): boolean {
  if (ws.length < 3) return false
  const rise = ws[1]! - ws[0]!
  if (rise < LAMP_MOVE_MIN_W || rise > LAMP_MOVE_MAX_W) return false
  return ws.slice(2).every((w) => near(w, ws[1]!))
}

/**
 * Since its step (its first reading) the level only fell, by lamps' steps (with no more than meter noise
 * between them), in all by no more than the circuit drew before the step, and held after the last: the
 * background's lights going off beside the load, which a charger's constant-current plateau never does in
 * its first minutes. Not after a big load (no reading before the step to hold the lights). Lights go off
 * at their hour whatever else starts: LED banks switch off a bank a minute, as often from the minute after
 * a compressor started as from its fourth (development watts-only circuits: dehumidifiers starting one or
 * two minutes before LED banks went off, at dawn or at night, were raised at the level left while three
 * readings were asked). A partial first minute reads short and rises after it: no fall. The cost: a
 * charger of a learned compressor's size plugged in a minute or two before the background's lamps go off
 * is followed as that compressor's run, raised only once it outlasts the compressor's runs.
 */
export function lampsOffAfterStep(cand: Candidate): boolean {
  const { recentW: ws, stepW, beforeW } = cand
  // every reading since the step is still there to look at
  if (stepW === undefined || beforeW === undefined || cand.readings !== ws.length || ws.length < 4)
    return false
  let fell = 0
  for (let i = 1; i < ws.length; i++) {
    const d = ws[i - 1]! - ws[i]!
    if (d > LAMP_MOVE_MAX_W || d < -Math.max(6, 0.03 * ws[i]!)) return false
    if (d >= LAMP_MOVE_MIN_W) fell += d
  }
  // lamps go off as steps and the level holds after them; a charger plugged in near full starts in its
  // constant-voltage taper and falls every minute, by a lamp's watts at first: not lamps, while it falls
  const endW = ws[ws.length - 1]!
  if (Math.abs(ws[ws.length - 2]! - endW) > Math.max(6, 0.03 * endW)) return false
  return fell >= LAMP_MOVE_MIN_W && fell <= beforeW + LAMP_MOVE_MIN_W
}

export function movedByLamps(ws: readonly number[]): boolean {
  if (!(median(ws) > 0) || flat(ws)) return false
  for (let i = 1; i < ws.length; i++) if (Math.abs(ws[i]! - ws[i - 1]!) > LAMP_MOVE_MAX_W) return false
  return true
}

/**
 * Where the meter reports PF and THD, a candidate that held a flat charger's level for minutes before
 * the big load came on is no partial minute of a pausing cleaner: it is kept under it.
 */
export function settledBeforeBig(cand: Candidate, obs: Observation): boolean {
  if (obs.harmonicVA === null || cand.chargerReadings - cand.hiddenReadings < SETTLED_READINGS) return false
  if (cand.readings !== cand.chargerReadings) return false
  if (!flat(cand.recentW)) return false
  const m = median(cand.recentW)
  // an active-PFC input at THD ≤ 15 % and PF ≥ 0.95 carries ≤ 0.16 VA per W; a compressor beside LED
  // banks, whose capacitive current hides its reactive, passes for one at 0.18–0.24 (development
  // scenarios). An active-PFC charger with more (THD 18 % at PF 0.93: 0.19) is not kept, as none was
  // before this: the classifier's looser 0.25 takes it for a charger, this does not vouch for it
  return !cand.pfc || (cand.harmonicVA !== null && cand.harmonicVA <= PFC_AT_LOAD_MAX_H_PER_W * m)
}

const SETTLED_READINGS = 5

/**
 * Where the meter reports PF and THD: the excess has stood at one level below a charger's smallest step
 * for SMALL_STEADY_READINGS readings in a row, distorted no more than LED drivers are. Any rectifier
 * passes that bound (none is that small: it is the size that tells); it only keeps out a charger whose
 * background load left, which shows more harmonic current than that over what is left.
 */
export function smallSteadyLevel(
  s: StrayWireState,
  cand: Candidate,
  obs: Observation,
  c: Classified,
  params: StrayWireParams,
): boolean {
  const steady =
    obs.harmonicVA !== null &&
    c.cls === 'other' &&
    c.excessW < params.minStepW &&
    c.excessVA !== null &&
    c.excessVA <= MAX_HARMONIC_RATIO * c.excessW &&
    s.prevW !== null &&
    Math.abs(obs.unexplainedW - s.prevW) <= Math.max(5, 0.05 * obs.unexplainedW)
  cand.smallRun = steady ? (cand.smallRun ?? 0) + 1 : 0
  return cand.smallRun >= SMALL_STEADY_READINGS
}

const SMALL_STEADY_READINGS = 5
