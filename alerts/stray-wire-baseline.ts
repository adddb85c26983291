// The background under a circuit or shed residual: lights, pile electronics, meter offset. A charger
// is whatever steps up above it, so the baseline follows quiet readings and small undistorted steps,
// and is frozen while a charger is being tracked.
import {
  compressorOf,
  type LoadSignature,
  levelMatches,
  matchSignature,
  recurringCompressor,
  round1,
} from './stray-wire-circuit-normal.ts'
import { type Classified, MOTOR_MIN_VAR_PER_W, type Observation } from './stray-wire-classify.ts'
import {
  cameWithStep,
  LAMP_MOVE_MAX_W,
  LAMP_MOVE_MIN_W,
  near,
  shedFromStep,
  steadyBefore,
  YOUNG_READINGS,
} from './stray-wire-evidence.ts'
import { endWatchedRun, runEndedUnderAlert } from './stray-wire-outlasted.ts'
import type { StrayWireParams, StrayWireState } from './stray-wire-types.ts'

/** Background tracking: a quiet reading pulls the baseline 20 % of the way (≈ 5 min time constant). */
const BASELINE_GAIN = 0.2
/** Readings just above quiet for this long are a new background (lights switched on), not a charger. */
const ABSORB_AFTER_READINGS = 3
/** Power-only meters: a charger-sized level seen this long without its step becomes background. */
const ORPHAN_LEVEL_READINGS = 30

/**
 * Start from this reading if it can be background; else from nothing, so a charger already on shows. On a
 * circuit it always can: what stands at the first reading came with no step to judge it by, and banks of
 * low-PF LED fittings on since dusk have a rectifier charger's size and waveform (started at night, the
 * detector raised on them in its first minutes and learned them with the lamps beside them as one load).
 * A charger already drawing then is found on its next session. A shed's residual is known: the piles'
 * electronics, so more than they draw is a charger already on.
 */
export function initBaseline(s: StrayWireState, obs: Observation): void {
  const plausible = obs.source === 'circuit' || obs.unexplainedW <= obs.backgroundCapW
  s.baselineW = plausible ? obs.unexplainedW : 0
  s.baselineH = plausible && obs.harmonicVA !== null ? obs.harmonicVA : 0
  s.baselineQ = plausible && obs.reactiveVA !== null ? obs.reactiveVA : 0
}

/**
 * While a charger is tracked the baseline is frozen (its slow taper must not leak into the background),
 * except for steps a light makes: small, sudden, undistorted. A charger's own drops (lithium cut-off)
 * carry harmonic current with them and are not taken for lights.
 */
export function followLightSteps(s: StrayWireState, obs: Observation, params: StrayWireParams): void {
  if (obs.harmonicVA === null && obs.source === 'circuit') {
    followLightStepsByWatts(s, obs, params)
    return
  }
  if (s.prevW === null || s.prevH === null || obs.harmonicVA === null) return
  const dW = obs.unexplainedW - s.prevW
  const dH = obs.harmonicVA - s.prevH
  if (Math.abs(dW) < 8) return
  // a load's step may straddle two meter intervals: the rise in the minute after a candidate's first is
  // the rest of its step (a compressor reaching its level), not lights switching beside it
  if (s.candidate && s.candidate.readings < 2 && dW > 0) return
  // a lamp that came with the candidate's step and went off again fell from the step, not from the
  // background, which never held it (cameWithStep). An averaging meter splits its fall over two minutes:
  // the first, not yet telling, was taken for the background's; with the rest the two are judged together
  const piece = s.candidate?.fell
  if (dW < 0 && piece && piece.ts === s.lastTs && cameWithStep(s, piece.w - dW, piece.h - dH)) {
    s.baselineW = s.baselineW! + piece.w
    s.baselineH += piece.h
    if (piece.q !== null) s.baselineQ = (s.baselineQ ?? 0) + piece.q
    shedFromStep(s, piece.w - dW)
    s.candidate!.fell = undefined
    return
  }
  if (dW < 0 && cameWithStep(s, -dW, -dH)) {
    shedFromStep(s, -dW)
    return
  }
  const dQ =
    obs.reactiveVA !== null && s.prevQ !== null && s.prevQ !== undefined ? obs.reactiveVA - s.prevQ : null
  if (dQ !== null && motorBesidePfc(s, dW, dQ, dH, params)) {
    follow(s, dW, dH, dQ)
    if (dW > 0) s.motorRiseTs = obs.ts
    return
  }
  if (compressorBesidePfc(s, obs, dW, dQ)) return
  if (compressorSplitBesideCandidate(s, obs, dW)) return
  // under a cleaner or heater a small change says nothing about the lights
  const top = s.baselineW! + params.maxChargerW
  if (s.prevW > top || obs.unexplainedW > top) return
  // LED drivers with PF > 0.9 carry at most ~0.48 VA of harmonics per W; chargers ≥ 0.55. A distorted
  // step is followed only as this circuit's own low-PF LED banks switching at their hour, and off again
  if (Math.abs(dH) >= 0.5 * Math.abs(dW)) {
    if (dW < 0) takeBackOff(s, dW, dH)
    else if (knownBanksOn(s, obs, dW, dH, params) || banksUnderAlert(s, obs, dW, params))
      follow(s, dW, dH, dQ)
    else {
      // or the second of two banks a minute apart: the two readings' rise together is the banks
      const two = twoMinuteRise(s, obs)
      if (two && knownBanksOn(s, obs, two.w, two.h, params)) follow(s, two.w, two.h, null)
    }
    return
  }
  if (Math.abs(dW) > maxBesideW(s, params)) return
  if (dW < 0 && takeBackOff(s, dW)) return
  // beside an active-PFC charger, whose taper carries no harmonic current either, a fall that goes on
  // a slide of two falls or more is the taper going on, not a lamp switching off (at most a partial
  // minute and the rest of its step)
  const pfc = s.alert ? s.alert.pfc === true : s.candidate?.pfc === true
  if (dW < 0 && pfc && (s.fallRun ?? 0) >= 2) return
  const before = { w: s.baselineW!, h: s.baselineH, q: s.baselineQ ?? 0 }
  follow(s, dW, dH, dQ)
  if (dW < 0 && s.candidate && !s.alert)
    s.candidate.fell = {
      w: round1(before.w - s.baselineW!),
      h: round1(before.h - s.baselineH),
      q: dQ === null ? null : round1(before.q - (s.baselineQ ?? 0)),
      ts: obs.ts,
    }
}

/** Another load's step taken into the background; a rise is remembered, to be taken back at its size. */
function follow(s: StrayWireState, dW: number, dH: number, dQ: number | null): void {
  s.baselineW = Math.max(0, s.baselineW! + dW)
  s.baselineH = Math.max(0, s.baselineH + dH)
  if (dQ !== null) s.baselineQ = Math.max(0, (s.baselineQ ?? 0) + dQ)
  if (dW > 0)
    s.beside = [
      ...(s.beside ?? []),
      { w: round1(dW), h: round1(dH), q: dQ === null ? null : round1(dQ) },
    ].slice(-BESIDE_KEPT)
}

/**
 * The rise over the last two readings, where the first of them was itself a distorted rise (a bank that
 * switched on a minute before this one, not followed on its own: it is half the banks' size). Two banks
 * going off a minute apart are not taken back as one: a test of it held without it (the alert's own
 * harmonic current still showed), so it is left out until a case needs it.
 */
function twoMinuteRise(s: StrayWireState, obs: Observation): { w: number; h: number } | undefined {
  const h = s.normal?.recentH
  if (s.prevW === null || s.prev2W === null || s.prevH === null || obs.harmonicVA === null || !h) return
  if (h.length < 2) return
  const prev2H = h[h.length - 2]!
  const firstW = s.prevW - s.prev2W
  const firstH = s.prevH - prev2H
  if (firstW < 8 || firstH < 0.5 * firstW) return
  return { w: obs.unexplainedW - s.prev2W, h: obs.harmonicVA - prev2H }
}

/** A distorted rise that is one of the circuit's learned or taught low-PF LED light banks, at its hour. */
function knownBanksOn(
  s: StrayWireState,
  obs: Observation,
  dW: number,
  dH: number,
  params: StrayWireParams,
): boolean {
  if (!s.normal || dW <= 0) return false
  const sig = matchSignature(s.normal, obs.ts, dW, dH / dW, params.utcOffsetMin, params.feedback, s.baselineH)
  // their own watts and harmonic share: not any load with their harmonic current (a second charger)
  return sig?.kind === 'lights' && sig.window !== null && levelMatches(sig, dW, dH / dW)
}

/**
 * A distorted rise under an open alert smaller than any charger's step: LED banks switching on beside the
 * charger, whatever the circuit has learned of them yet (a new meter's first evening). Left in the
 * excess, their harmonic current passes for the charger's after it leaves and holds the alert open all
 * night. A charger plugged in beside it steps by more (minStepW) and is watched as a second step.
 */
function banksUnderAlert(s: StrayWireState, obs: Observation, dW: number, params: StrayWireParams): boolean {
  const a = s.alert
  if (a === null || a.pfc || dW < BANKS_MIN_W || dW >= params.minStepW) return false
  // over all the charger ever drew: not its own current coming back after a dip
  return obs.unexplainedW - s.baselineW! > a.peakW + 0.5 * dW
}

/** The least distorted rise taken for LED banks under an open alert (smaller: a charger's noise). */
const BANKS_MIN_W = 15

/** Rises followed beside a candidate or alert, the last few: each may go off again. */
export const BESIDE_KEPT = 4

type Beside = NonNullable<StrayWireState['beside']>

/**
 * A fall the size of a rise followed earlier is that load going off: the background loses exactly what
 * it gained then. Measured again, the fall would carry the followed load's noise into the background
 * (a charger's harmonic current moves by VA from minute to minute), and a motion-sensor lamp switching
 * all night would walk the background away from the truth until the charger looked gone.
 */
function takeBackOff(s: StrayWireState, dW: number, dH?: number): boolean {
  const beside = s.beside ?? []
  // a distorted fall takes back a rise of its harmonic current too (a charger's own fall carries its own)
  const hFits = (h: number | null) =>
    dH === undefined || (h !== null && Math.abs(h + dH) <= Math.max(10, 0.3 * h))
  const i = beside.findIndex((b) => Math.abs(b.w + dW) <= Math.max(8, 0.15 * b.w) && hFits(b.h))
  if (i < 0) return false
  const b = beside[i]!
  s.baselineW = Math.max(0, s.baselineW! - b.w)
  if (b.h !== null) s.baselineH = Math.max(0, s.baselineH - b.h)
  if (b.q !== null) s.baselineQ = Math.max(0, (s.baselineQ ?? 0) - b.q)
  s.beside = withoutRise(beside, i)
  return true
}

/**
 * The rises followed beside, less the i-th: those after it recorded the level and background with it on,
 * which no longer hold, so they are no longer levels to come back to (backToLevel).
 */
function withoutRise(beside: Beside, i: number): Beside {
  return beside.flatMap((b, k) => (k < i ? [b] : k === i ? [] : [{ w: b.w, h: b.h, q: b.q }]))
}

/**
 * The largest undistorted step taken for another load beside the one followed. Beside an open alert for
 * a distorted load (a rectifier, LED drivers), whose harmonic current tells it is still there, any step
 * without harmonic current is another load's: a compressor starting or stopping under it. Otherwise
 * lights only: an active-PFC charger's own step carries no harmonic current either.
 */
function maxBesideW(s: StrayWireState, params: StrayWireParams): number {
  const a = s.alert
  const distorted = a !== null && !a.pfc && (a.harmonicPerW ?? 0) >= DISTORTED_PER_W
  return distorted ? params.maxChargerW : LAMP_MOVE_MAX_W
}

/**
 * Beside an active-PFC charger (a candidate's or an alert's), which draws almost no reactive current, a
 * step of one of the circuit's learned compressors' watts that moved a motor's reactive current with it
 * is that compressor starting or stopping, not the charger: the background follows it (also where the
 * two together pass the largest charger). Only from a steady minute; a fall only of what the background
 * held.
 */
function motorBesidePfc(
  s: StrayWireState,
  dW: number,
  dQ: number,
  dH: number,
  params: StrayWireParams,
): boolean {
  const pfc = s.alert ? s.alert.pfc === true : s.candidate?.pfc === true
  if (!pfc || !steadyBefore(s) || Math.sign(dW) !== Math.sign(dQ)) return false
  const w = Math.abs(dW)
  // no heater or cleaner under it: the charger and the compressor at most
  const top = s.baselineW! + params.maxChargerW + w + 20
  if (s.prevW > top || s.prevW + dW > top) return false
  return (s.normal?.signatures ?? []).some(
    (x) =>
      recurringCompressor(x) &&
      x.harmonicRatio !== null &&
      Math.abs(w - x.levelW) <= Math.max(15, 0.15 * x.levelW) &&
      Math.abs(dQ) >= MOTOR_VAR_PER_W * x.levelW &&
      // and its harmonic share, no rectifier's (whose leading current moves |Q| as much: review 2026-12-03)
      Math.abs(dH) <= (x.harmonicRatio! + MOTOR_SHARE_SLACK) * w &&
      (dW > 0 || backgroundHolds(s, x.levelW)),
  )
}

/**
 * PF and THD, a candidate: one of the circuit's learned compressors started beside it, its step split by
 * an averaging meter over two readings. The candidate, charger-shaped in every reading, had settled at its
 * level before the two; the first rose by part of the motor's watts (taken for the candidate's, its level
 * then past its own), this one by the rest, with a motor's reactive current for its watts (an induction
 * motor draws it from its first second; an active-PFC or rectifier charger's constant current does not
 * step up by a compressor's size in a minute), and the two together are that compressor in watts and
 * harmonic share. The motor
 * joins the background, as one seen starting in one reading does (motorBesidePfc), and the candidate's
 * reading of the first part stands at the candidate's level. Left as it was, the two together passed for
 * a cleaner over the candidate, which was dropped, and the charger under the motor was never seen.
 */
function compressorSplitBesideCandidate(s: StrayWireState, obs: Observation, dW: number): boolean {
  const cand = s.candidate
  if (!cand || s.alert || s.prevW === null || s.prev2W === null || s.prevBig || s.prev2Big) return false
  const { prev2H, prev2Q } = s
  if (prev2H === null || prev2H === undefined || prev2Q === null || prev2Q === undefined) return false
  if (obs.harmonicVA === null || obs.reactiveVA === null) return false
  const first = s.prevW - s.prev2W
  const w = obs.unexplainedW - s.prev2W
  const levels = cand.recentW
  if (dW <= 0 || first <= 0 || levels.length < 3) return false
  // a charger's every reading so far (a load that mostly looked like none, a fridge over LED banks, is
  // not kept over the motor: it may be the other compressor)
  if (cand.chargerReadings !== cand.readings) return false
  // the first part went into the candidate's last reading, over a level it had settled at in the two
  // readings before (its own step may straddle two readings too: a rise just after it may be its rest)
  const last = levels[levels.length - 1]!
  const level = levels[levels.length - 2]!
  if (Math.abs(last - (s.prevW - s.baselineW!)) > 1 || !near(s.prev2W - s.baselineW!, level)) return false
  if (!near(levels[levels.length - 3]!, level)) return false
  // the two drew a motor's reactive current with their watts
  const q = obs.reactiveVA - prev2Q
  if (q < MOTOR_VAR_PER_W * w) return false
  const h = obs.harmonicVA - prev2H
  const x = (s.normal?.signatures ?? []).find(
    (x) =>
      recurringCompressor(x) &&
      x.harmonicRatio !== null &&
      Math.abs(w - x.levelW) <= Math.max(15, 0.15 * x.levelW) &&
      first < x.levelW &&
      h <= (x.harmonicRatio! + MOTOR_SHARE_SLACK) * w,
  )
  if (!x) return false
  levels[levels.length - 1] = round1(last - first)
  if (cand.maxW < last + 0.1) cand.maxW = Math.max(...levels)
  follow(s, w, Math.max(0, h), q)
  s.motorRiseTs = obs.ts
  return true
}

/**
 * Watts only, the first reading after a heater or cleaner on top of an open alert went off: the circuit
 * stands lower (or higher) than in the reading before it came on by one of the circuit's learned
 * compressors, nearer its size than the alert's own level and told apart from it. That compressor stopped
 * (started) under the heater: it leaves (joins) the background. Else the charger, still there, stands
 * over a background that holds a dehumidifier gone since, and the alert is cleared while the bike charges
 * on; or the dehumidifier back on stands in the excess and holds the alert open after the charger left.
 * A run followed since before the raise is known to be in the background: its fall is its own even where
 * it is of the alert's size.
 */
export function compressorMovedUnderBig(
  s: StrayWireState,
  obs: Observation,
  taught: readonly LoadSignature[] = [],
): boolean {
  const alert = s.alert
  const before = alert?.beforeBig
  if (!alert || !before || obs.source !== 'circuit') return false
  if (before.h !== null && obs.harmonicVA !== null)
    return compressorBesideAcrossBig(s, obs, before.w, before.h, before.q)
  if (before.h !== null || obs.harmonicVA !== null) return false
  const from = before.w
  const own = ownLevel(s)
  const dW = obs.unexplainedW - from
  const w = Math.abs(dW)
  // a run followed since before the raise ended under it, whatever the alert's own size: as when its step
  // off is seen (runEndedUnderAlert), it takes its own watts out of the background (not timed: unseen)
  if (dW < 0 && runEndedUnderAlert(s, w, obs.ts, taught)) {
    s.baselineW = Math.max(0, s.baselineW! + dW)
    return true
  }
  if (own === undefined || Math.abs(w - own) <= OWN_SIZE_SHARE * own) return false
  const moved = (s.normal?.signatures ?? []).some(
    (x) =>
      recurringCompressor(x) &&
      levelMatches(x, w, null) &&
      Math.abs(w - x.levelW) < Math.abs(w - own) &&
      Math.abs(x.levelW - own) > OWN_SIZE_SHARE * own &&
      (dW > 0 || backgroundHolds(s, x.levelW)),
  )
  if (!moved) return false
  s.baselineW = Math.max(0, s.baselineW! + dW)
  return true
}

/**
 * PF and THD, the first reading after a heater or cleaner on top of an open alert went off: the circuit
 * stands lower (higher) than in the reading before it came on by one of its learned compressors, judged
 * as a step beside the alert in plain view is (compressorBesideAlert: its watts and harmonic share, told
 * from the alert's own load by size or by the motor's reactive current that moved with it). That
 * compressor stopped (started) under the big load, where no step could be seen: it leaves (joins) the
 * background, its harmonic and reactive current with it. Left in, the charger still there stands over a
 * background that holds a dehumidifier gone since, its watts and (rectifier) harmonic current short of
 * the alert's by the motor's, and the alert clears while the bike charges on.
 */
function compressorBesideAcrossBig(
  s: StrayWireState,
  obs: Observation,
  fromW: number,
  fromH: number,
  fromQ: number | null | undefined,
): boolean {
  const dW = obs.unexplainedW - fromW
  const sign = Math.sign(dW)
  const w = Math.abs(dW)
  const h = sign * (obs.harmonicVA! - fromH)
  const dQ = fromQ === null || fromQ === undefined || obs.reactiveVA === null ? null : obs.reactiveVA - fromQ
  const x = compressorBesideAlert(s, w, h, fromW - s.baselineW!, sign < 0, motorMoved(obs, dW, dQ))
  if (!x) return false
  moveCompressorBesideAlert(s, x, sign, w, Math.max(0, h), dQ)
  return true
}

/**
 * A learned compressor beside an open alert stopped (sign -1) or started (+1): remembered stopping, so
 * that its start again is known (a start takes it off), and the background loses (gains) `w` watts, `h`
 * harmonic VA and its reactive VA. The meter's |Q| has no sign and PF comes in two decimals: the change
 * in |Q| across the step is the motor's own only where it moved with the watts. Otherwise (the circuit's
 * LED banks leading, or the reading's rounding) it is the compressor's as learned over a lagging circuit,
 * or, where no run showed it, the background keeps its reactive VA.
 */
function moveCompressorBesideAlert(
  s: StrayWireState,
  x: LoadSignature,
  sign: number,
  w: number,
  h: number,
  dQ: number | null,
): void {
  const alert = s.alert!
  const off = alert.compressorsOff ?? []
  const i = off.indexOf(x.id)
  alert.compressorsOff = sign < 0 ? [...off, x.id].slice(-BESIDE_KEPT) : off.filter((_, k) => k !== i)
  s.baselineW = Math.max(0, s.baselineW! + sign * w)
  s.baselineH = Math.max(0, s.baselineH + sign * h)
  const q =
    dQ !== null && Math.sign(dQ) === sign
      ? Math.abs(dQ)
      : x.reactiveRatio === undefined
        ? null
        : x.reactiveRatio * w
  if (q !== null) s.baselineQ = Math.max(0, (s.baselineQ ?? 0) + sign * q)
}

/**
 * PF and THD, an open alert for an active-PFC charger: the circuit fell (rose) by one of its learned
 * compressors (compressorBesideAlert), in one reading from a steady one, or over two where an averaging
 * meter split the step (the first part, if a lamp's size, was followed as a lamp's then). The compressor
 * stopped (started): it leaves (joins) the background, its harmonic and reactive current with it. Left
 * in, the charger still there stands over a background that holds a compressor gone since and the alert
 * clears while the bike charges on; or the compressor back on stands in the excess and holds the alert
 * open after the charger stopped. (The motor's reactive current is no test here: low-PF LED drivers'
 * leading current beside it hides most of it in the Q a meter's PF and THD give.)
 */
function compressorBesidePfc(s: StrayWireState, obs: Observation, dW: number, dQ: number | null): boolean {
  if (!s.alert?.pfc || s.prevW === null || s.prevH === null || obs.harmonicVA === null) return false
  const sign = Math.sign(dW)
  let fromW = s.prevW
  let fromH = s.prevH
  // the part of the step the background already followed (a first partial minute of a lamp's size)
  let taken = 0
  if (!steadyBefore(s)) {
    const recent = s.normal?.recentH
    if (s.prev2W === null || !recent || recent.length < 2) return false
    const first = sign * (s.prevW - s.prev2W)
    if (first < LAMP_MOVE_MIN_W) return false
    fromW = s.prev2W
    fromH = recent[recent.length - 2]!
    if (first <= LAMP_MOVE_MAX_W) taken = first
  }
  const w = sign * (obs.unexplainedW - fromW)
  const h = sign * (obs.harmonicVA - fromH)
  const beforeW = fromW - (s.baselineW! - sign * taken)
  const x = compressorBesideAlert(s, w, h, beforeW, sign < 0, motorMoved(obs, dW, dQ))
  if (!x) return false
  // the part not yet followed, its harmonic and reactive current as this reading's share of the step
  // carried them
  const rest = w - taken
  moveCompressorBesideAlert(
    s,
    x,
    sign,
    rest,
    Math.max(0, h) * (rest / w),
    dQ === null ? null : dQ * (rest / Math.abs(dW)),
  )
  return true
}

/**
 * This reading's step moved a motor's reactive current with its watts, in the same direction: at least
 * the least a compressor's motor draws per W (PF 0.85 or less: 0.62 var per W and more, less a margin).
 * An active-PFC input draws at most ~0.4 (PF ≥ 0.93): whatever leading current LED drivers beside it
 * draw, its leaving moves the circuit's reactive VA by no more than its own. On an averaging meter the
 * step's partial minute carries its share of both, so the ratio holds for the part this reading shows.
 */
function motorMoved(obs: Observation, dW: number, dQ: number | null): boolean {
  if (dQ === null || obs.reactiveVA === null || dW === 0) return false
  return Math.sign(dQ) === Math.sign(dW) && Math.abs(dQ) >= MOTOR_MIN_VAR_PER_W * Math.abs(dW)
}

/**
 * Under an open alert, a fall (`fell`) or a rise of `w` W, of harmonic VA `h`, that is one of the
 * circuit's learned compressors by level and harmonic share (no rectifier's), while the alert's own load
 * is of another size and stood at its own level over the background before the step (`beforeW`): the
 * circuit still holds the alert's level over the background less (plus) the compressor. A fall only of
 * what the background holds, and not of about all the excess (a charger unplugged in its taper, below
 * the level it was raised at, falls by that); a rise only of a compressor followed stopping under this
 * alert (else a second active-PFC charger of a compressor's size plugged in under it is taken for one
 * starting: its harmonic share may be a motor's). Returns the compressor.
 * Where the step moved a motor's reactive current (`motor`), the alert's active-PFC charger, which draws
 * almost none, cannot have made it, whatever its watts: a compressor of the charger's own size (a
 * dehumidifier beside a 250 W charger) is then told apart by its var, not its size. The charger leaving
 * takes its watts alone; a compressor stopping, its watts and its motor's reactive current at once.
 */
function compressorBesideAlert(
  s: StrayWireState,
  w: number,
  h: number,
  beforeW: number,
  fell: boolean,
  motor: boolean,
): LoadSignature | undefined {
  const own = ownLevel(s)
  const alert = s.alert
  if (!alert || own === undefined || w <= 0) return undefined
  // of the alert's own size, only the motor's var tells the compressor from the charger
  const ownSized = (v: number, of: number) => !motor && Math.abs(v - of) <= OWN_SIZE_SHARE * of
  if (ownSized(w, own)) return undefined
  if (Math.abs(beforeW - own) > OWN_LEVEL_SHARE * own) return undefined
  if (fell && ownSized(w, beforeW)) return undefined
  return (s.normal?.signatures ?? []).find(
    (x) =>
      recurringCompressor(x) &&
      x.harmonicRatio !== null &&
      levelMatches(x, w, h / w) &&
      !ownSized(x.levelW, own) &&
      h <= (x.harmonicRatio + MOTOR_SHARE_SLACK) * w &&
      (fell ? backgroundHolds(s, x.levelW) : (alert.compressorsOff ?? []).includes(x.id)),
  )
}

/** The excess before a compressor's step stood within this share of the alert's own level. */
const OWN_LEVEL_SHARE = 0.25

/** The background holds a load of `w` W (to a compressor's creep and the meter's error). */
export const backgroundHolds = (s: StrayWireState, w: number): boolean =>
  s.baselineW! >= w - Math.max(20, 0.1 * w)

/** Harmonic VA per W a compressor's step may carry over its learned share (loads beside it, meter noise). */
const MOTOR_SHARE_SLACK = 0.15

/**
 * A compressor's start followed beside an active-PFC charger in the minute before a heater or cleaner
 * came on was that load's partial first minute (an averaging meter shows part of it): it is taken back
 * out of the background.
 */
export function undoMotorRise(s: StrayWireState): void {
  if (s.motorRiseTs === undefined) return
  const rose = s.motorRiseTs === s.lastTs
  s.motorRiseTs = undefined
  const b = s.beside?.[s.beside.length - 1]
  if (!rose || !b) return
  s.baselineW = Math.max(0, s.baselineW! - b.w)
  if (b.h !== null) s.baselineH = Math.max(0, s.baselineH - b.h)
  if (b.q !== null) s.baselineQ = Math.max(0, (s.baselineQ ?? 0) - b.q)
  s.beside = s.beside!.slice(0, -1)
}

/**
 * Reactive VA per W a compressor starting or stopping moves at least: a motor's least
 * (MOTOR_MIN_VAR_PER_W), less a margin for LED drivers' leading current beside it.
 */
const MOTOR_VAR_PER_W = MOTOR_MIN_VAR_PER_W - 0.15

/** Harmonic VA per W of a rectifier charger at least (minHarmonicRatio's default). */
const DISTORTED_PER_W = 0.5

/**
 * Watts only, on a circuit: a charger in constant current holds its level, then tapers; it never steps
 * up by a lamp's watts. A rise of a few tens of W between steady minutes is another load switching on
 * beside it (lights at dusk, a fridge). A fall is followed only as the end of such a rise, at its size:
 * any other may be the charger's own (a stage of its charge ending) or a fridge stopping whose start was
 * never seen (following every fall cost more sessions than it saved false alerts, development set).
 */
function followLightStepsByWatts(s: StrayWireState, obs: Observation, params: StrayWireParams): void {
  if (s.prevW === null || s.prev2W === null) return
  const dW = obs.unexplainedW - s.prevW
  if (overCharger(s, obs, dW, params)) return
  // the minute before it was steady: not the second half of a step an averaging meter split
  const steady = steadyBefore(s)
  if (dW < 0) {
    const fall = -dW
    const excess = s.prevW - s.baselineW!
    const own = ownLevel(s)
    // one of the circuit's compressors, in the background, nearer the fall's size than what stood over
    // the background (a dehumidifier of 300 W stopping beside a charger of 350 W; not a charger unplugged
    // late in its taper at a fridge's size): it left, not the alert's load
    if (steady && s.alert && compressorNearer(s, fall, excess)) {
      s.baselineW = Math.max(0, s.baselineW! - fall)
      forgetRise(s, fall)
      return
    }
    // a run of the circuit's compressors followed since before the alert was raised stopped: its own
    // level leaves the background, the alert's load stays (stray-wire-outlasted.ts)
    if (steady && s.alert && runEndedUnderAlert(s, fall, obs.ts, params.feedback?.taught)) {
      s.baselineW = Math.max(0, s.baselineW! - fall)
      forgetRise(s, fall)
      return
    }
    // back at the reading before loads rose beside the alert: they left, whatever the meter split them in
    if (s.alert && backToLevel(s, obs.unexplainedW)) return
    // all that stood over the background left: the followed load (a charger unplugged in its taper may
    // be a lamp's or a fridge's size), never another load's
    if (Math.abs(fall - excess) <= Math.max(15, 0.15 * fall)) return
    if (followedRunStopped(s, fall, obs)) {
      s.baselineW = Math.max(0, s.baselineW! - fall)
      return
    }
    // a load followed on as it came is followed off as it goes, at the same size
    if (takeBackOff(s, dW)) return
    // one of the circuit's compressors stopping beside the followed load, that ran before it arrived:
    // in the background then, not on top of the followed load in the excess
    if (!steady || own === undefined || !compressorBeside(s, fall, own) || excess > OWN_EXCESS_SHARE * own)
      return
    if (s.baselineW! >= fall - 20) s.baselineW = Math.max(0, s.baselineW! - fall)
    return
  }
  if (!steady || (s.candidate && s.candidate.readings < 2)) return
  if (dW > LAMP_MOVE_MAX_W) {
    // one of the circuit's compressors starting under an open alert (beside a candidate, a compressor
    // starting and a charger plugged in look alike: the candidate's confirmation sorts that out)
    if (!s.alert || !compressorBeside(s, dW, ownLevel(s)!)) return
  } else if (dW < LAMP_MOVE_MIN_W) return
  const rise = { w: round1(dW), h: null, q: null, fromW: round1(s.prevW), baseW: round1(s.baselineW!) }
  s.baselineW = s.baselineW! + dW
  s.beside = [...(s.beside ?? []), rise].slice(-BESIDE_KEPT)
}

/**
 * Watts only: the circuit fell back to the reading it stood at before a rise followed beside the charger:
 * what rose since went off again (a motion lamp lit and went off), and the background is again what it
 * was then, whatever pieces the meter showed it in. An averaging meter reads a lamp lit for part of a
 * minute as a partial rise, and its going off as a fall split over two minutes; neither piece is the
 * lamp's size, so taken back piece by piece (takeBackOff) the rises stayed in the background and it walked
 * up by a lamp at each blink, until the charger's excess was gone and the alert cleared while it charged
 * (development circuit-mixed-basic 46@01-06T22:03: 367 -> 450 W over a 54 W motion lamp's blinks; 6@01-30
 * T01:12: a lamp's off-step split 15 + 36 W, left in the background, later taken for the alert's load).
 * A charger in constant current holds its watts, so the reading back at that level is the lamp gone,
 * not the charger; the charger leaving falls by its own level (a charger's, not a lamp's) below it.
 */
function backToLevel(s: StrayWireState, readingW: number): boolean {
  const beside = s.beside ?? []
  // the fall (over this reading, or the two an averaging meter split it over) took back at least half of
  // what rose since: not a charger's taper sliding down through that level minutes later
  const fromTop = Math.max(s.prevW ?? readingW, s.prev2W ?? readingW)
  if (fromTop - readingW < LAMP_MOVE_MIN_W) return false
  let best = -1
  for (const [i, b] of beside.entries()) {
    if (b.fromW === undefined || b.baseW === undefined) continue
    const off = Math.abs(readingW - b.fromW)
    if (off > Math.max(LEVEL_BACK_W, 0.15 * b.w)) continue
    const rose = beside.slice(i).reduce((w, x) => w + x.w, 0)
    if (fromTop - b.fromW < 0.5 * rose) continue
    if (best < 0 || off < Math.abs(readingW - beside[best]!.fromW!)) best = i
  }
  if (best < 0) return false
  s.baselineW = beside[best]!.baseW!
  s.beside = beside.slice(0, best)
  return true
}

/**
 * A compressor's fall taken out of the background by its own watts: its rise, if followed beside the
 * alert, is no longer there to take back (else the circuit passing that rise's level again later would
 * take it out twice).
 */
function forgetRise(s: StrayWireState, fall: number): void {
  const beside = s.beside ?? []
  const i = beside.findIndex((b) => Math.abs(b.w - fall) <= Math.max(8, 0.15 * b.w))
  if (i >= 0) s.beside = withoutRise(beside, i)
}

/** A reading this close to the one before a rise is back at that level (meter noise, a CC charger's ripple). */
const LEVEL_BACK_W = 8

/**
 * Watts only: this reading or the one before stands over the background by more than a charger draws: a
 * heater or cleaner is on, and a small change says nothing of the lights. Under an open alert the charger
 * and one of the circuit's compressors beside it may pass that together, so a step of that compressor's
 * watts between a level a charger alone may draw and one over it is the compressor starting or stopping,
 * not a big load's edge (a heater's or cleaner's whole step is bigger than any compressor's). Left out,
 * a dehumidifier starting over a 210 W charger stayed in the alert's excess and held it open long after
 * the charger stopped (development circuit-mixed-basic 80@01-10T00:38).
 */
function overCharger(s: StrayWireState, obs: Observation, dW: number, params: StrayWireParams): boolean {
  const top = s.baselineW! + params.maxChargerW
  if (s.prevW! <= top && obs.unexplainedW <= top) return false
  if (!s.alert || Math.min(s.prevW!, obs.unexplainedW) > top) return true
  return !compressorOf(s.normal, Math.abs(dW), null)
}

/**
 * A step of the size of one of the circuit's learned compressors, and not of the followed load's own
 * size `own`: a charger does not step by a compressor's watts, it is there or gone.
 */
function compressorBeside(s: StrayWireState, w: number, own: number): boolean {
  if (Math.abs(w - own) <= OWN_SIZE_SHARE * own) return false
  return compressorOf(s.normal, w, null)
}

/**
 * A fall the size of one of the circuit's learned compressors that the background holds, nearer that
 * size than `excessW`, the alert's load as it stood over the background.
 */
function compressorNearer(s: StrayWireState, fall: number, excessW: number): boolean {
  return (s.normal?.signatures ?? []).some(
    (x) =>
      recurringCompressor(x) &&
      levelMatches(x, fall, null) &&
      Math.abs(fall - x.levelW) < Math.abs(fall - excessW) &&
      s.baselineW! >= x.levelW - 20,
  )
}

/**
 * A candidate's first minutes, watts only: one of the circuit's compressors, followed as its run since
 * before the candidate's step, fell away at its level while the candidate still stood at its step. The
 * compressor stopped beside the new load (a fridge ending its run in the minute after a charger was
 * plugged in): it leaves the background and its run ends (timed, no longer followed). Without this, the
 * candidate, its excess now a charger's less the fridge's, was dropped and its level taken for background.
 * The minute before the fall was the candidate's step, so it need not be steady.
 */
function followedRunStopped(s: StrayWireState, fall: number, obs: Observation): boolean {
  const cand = s.candidate
  if (!cand || s.alert || cand.stepW === undefined || !s.normal?.watches) return false
  if (cand.readings > YOUNG_READINGS || s.prevW === null) return false
  if (!near(s.prevW - s.baselineW!, cand.stepW)) return false
  const watch = s.normal.watches.find(
    (w) => w.onsetTs < cand.onsetTs && near(fall, w.levelW) && s.baselineW! >= w.levelW - 20,
  )
  if (!watch) return false
  endWatchedRun(s.normal, watch, obs.ts)
  return true
}

/** A step within this share of the alert's own level may be the alert's load itself. */
const OWN_SIZE_SHARE = 0.2
/** An excess this far over the alert's own level holds another load on top of it. */
const OWN_EXCESS_SHARE = 1.2

/**
 * The followed load's own level: an alert's as its episode measured it after the first minutes, else the
 * level of the run it was followed as (raised when it outlasted it), else its peak; a candidate's, its step.
 */
const ownLevel = (s: StrayWireState): number | undefined =>
  s.alert ? (s.normal?.episode?.levelW ?? s.alert.levelW ?? s.alert.peakW) : (s.candidate?.stepW ?? undefined)

export function updateBaseline(
  s: StrayWireState,
  obs: Observation,
  c: Classified,
  params: StrayWireParams,
): void {
  // its own count: lights sitting just above quiet all evening must not make the next step an orphan
  if (c.cls !== 'charger') s.orphanRun = 0
  if (c.cls === 'quiet') {
    s.otherRun = 0
    const b = s.baselineW!
    const x = obs.unexplainedW
    // lights going off drop the background at once; one low reading alone may be a feeder/port skew
    // glitch, and meter error alone cannot make the background much below zero
    const floor = -(obs.toleranceW + 10)
    // a circuit meter has no skew: a fall larger than a lamp's (which may blink off for a minute) is a
    // load that left at once, a compressor stopping, and the next step must not stand on it
    const dropped =
      x < b && ((s.prevW !== null && s.prevW < b) || (obs.source === 'circuit' && b - x > LAMP_MOVE_MAX_W))
    // on a circuit there is no skew to fake a drop: the first of the two low readings may be the partial
    // minute the lights went off in, so the level is the latest one
    const droppedTo = obs.source === 'circuit' ? Math.max(x, floor) : Math.max(x, s.prevW!, floor)
    // nor to fake a rise: a lamp's watts that held over two readings (an averaging meter's partial minute
    // of it is one) with a rectifier's harmonic share (an LED bank's drivers, where the meter shows it) is
    // a bank switched on, and the background takes it whole. Pulled a fifth of the way a
    // minute, it stood short of the lamp when the next bank of LED lights came on a minute or two later,
    // and that bank's step carried the rest of the first as its own (a charger's size from two banks)
    const rose =
      obs.source === 'circuit' &&
      s.prevW !== null &&
      heldRise(s.prevW - b, x - b) &&
      obs.harmonicVA !== null &&
      obs.harmonicVA - s.baselineH >= params.minHarmonicRatio * (x - b)
    s.baselineW = dropped ? droppedTo : rose ? x : Math.max(floor, b + BASELINE_GAIN * (x - b))
    // what left took its harmonic and reactive current with it (a compressor's var, a rectifier's harmonics)
    const gain = dropped || rose ? 1 : BASELINE_GAIN
    if (obs.harmonicVA !== null) s.baselineH += gain * (obs.harmonicVA - s.baselineH)
    if (obs.reactiveVA !== null)
      s.baselineQ = (s.baselineQ ?? 0) + gain * (obs.reactiveVA - (s.baselineQ ?? 0))
    return
  }
  if (c.cls === 'charger' && (obs.harmonicVA === null || obs.source === 'circuit')) {
    // a charger-sized level that never arrived as a step (it was there at start-up, grew behind a big
    // load, or came on as banks of lights a minute apart: a charger plugs in within one) and has sat
    // here for half an hour is background. Left out, it would hide the next charger: its step would
    // carry too little of the excess over a background that never held it.
    s.otherRun = 0
    s.orphanRun = (s.orphanRun ?? 0) + 1
    if (s.orphanRun >= ORPHAN_LEVEL_READINGS) {
      s.baselineW = obs.unexplainedW
      setBackgroundWaveform(s, obs)
      s.orphanRun = 0
    }
    return
  }
  // an undistorted charger-sized level that did not start a candidate (no step was seen) is background
  // like any other undistorted load: PFC lights, a resistive appliance
  if (c.cls !== 'other' && !(c.cls === 'charger' && c.pfc)) {
    s.otherRun = 0
    return
  }
  s.otherRun += 1
  // a background may only grow past the lights' range when the meter shows it is not a rectifier, or
  // on a circuit, when the step is too small for a charger: banks of low-PF LED lights (PF 0.5–0.65,
  // THD 90–150 %) are rectifiers too, and a circuit may carry more of them than 75 W. A shed's residual
  // creeps with port meter error, so there the cap stays.
  const undistorted = c.excessVA !== null && c.excessVA < 0.3 * c.excessW
  const small = obs.source === 'circuit' && c.excessW < params.minStepW
  if (
    s.otherRun >= ABSORB_AFTER_READINGS &&
    (undistorted || small || obs.unexplainedW <= obs.backgroundCapW)
  ) {
    s.baselineW = obs.unexplainedW
    setBackgroundWaveform(s, obs)
    s.otherRun = 0
  }
}

/**
 * Two readings over the background by a lamp's watts at least (LAMP_MOVE_MIN_W: past a circuit meter's
 * noise) that stand within a quarter of that rise of each other: a level that held, not a partial minute.
 */
const heldRise = (beforeW: number, nowW: number): boolean =>
  beforeW >= LAMP_MOVE_MIN_W && nowW >= LAMP_MOVE_MIN_W && Math.abs(nowW - beforeW) <= 0.25 * nowW

/** The background's harmonic and reactive VA become what the meter shows now (a new background). */
export function setBackgroundWaveform(s: StrayWireState, obs: Observation): void {
  if (obs.harmonicVA !== null) s.baselineH = obs.harmonicVA
  if (obs.reactiveVA !== null) s.baselineQ = obs.reactiveVA
}
