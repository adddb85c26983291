// Loads of a circuit's own normal seen in combination or in passing: two of its compressors at once, or
// one stopping as the other starts (stray-wire-circuit-normal.ts learns each run on its own), and a
// candidate that arrived as one of its runs. Matched before a charger-shaped load is raised.

import { MIN } from './minute.ts'
import {
  type CircuitNormal,
  floorFallAt,
  floorRiseAt,
  knownRunAt,
  LEADING_Q_PER_H,
  LEVEL_SHARE,
  type LoadSignature,
  levelMatches,
  MIN_LAMP_RISE_W,
  matchSignature,
  motorUnproven,
  motorWithHarmonics,
  nearLevel,
  PENDING_MAX_MS,
  type PendingStep,
  RECURRING_RUNS,
  type RunWatch,
  reactiveAdds,
  recurringCompressor,
  standingFloor,
  startedAtLevel,
  type TaughtLoads,
} from './stray-wire-circuit-normal.ts'
import {
  MAX_HARMONIC_RATIO,
  MOTOR_MIN_VAR_PER_W,
  mostRectifierLead,
  PFC_MAX_HARMONIC_RATIO,
} from './stray-wire-classify.ts'
import {
  LAMP_MAX_VAR_PER_W,
  LAMP_MOVE_MAX_W,
  LAMP_MOVE_MIN_W,
  MOTOR_MAX_VAR_PER_W,
  median,
  near,
  RECENT_READINGS,
  STEP_HELD_READINGS,
} from './stray-wire-evidence.ts'
import type { Candidate, StrayWireParams } from './stray-wire-types.ts'

/** What else is known of the load the circuit's compressors are asked to explain (explainedByKnownLoads). */
export interface HowItArrived {
  /** What crews taught: their loads, and the learned ones they undid. */
  feedback?: TaughtLoads
  /** Compressor runs followed now: each stands in the background already, it does not arrive again. */
  followed?: readonly RunWatch[]
  /** When the load arrived: a compressor seen run once counts if it came back within its off time. */
  arrivedTs?: number
  /**
   * Where the load drew no motor's reactive current as the meter shows it (showedNoMotor): its reactive VA
   * at levelW. Two motors running add their lagging currents, so no pair of them both starting; one
   * stopping as the other starts leaves the difference of their reactive VA, which must fit.
   */
  noMotorQ?: number
  /**
   * The excess's reactive VA at levelW as read over a background that lagged (netLagging), with any motor
   * that moved under it: one compressor starting as another stopped moves it by the difference of their
   * reactive VA, which must fit it (their magnetising currents go with their watts, run after run).
   */
  swapQ?: number
  /** How far the meter's harmonic VA moves between readings where nothing switched (harmonicNoiseVA). */
  noiseH?: number
  /**
   * The most the excess's own reactive VA at levelW can be, as the meter showed it (mostVarPerW): two
   * motors starting together draw the sum of their lagging magnetising currents, which must fit under it.
   */
  mostQ?: number
}

/**
 * Two of the circuit's own compressors at once: both running (a dehumidifier and a fridge), or, where
 * the meter reports harmonic current, one stopping in the minute the other starts (the step is their
 * difference). Each is matched in watts and harmonic VA, which add across loads; a difference only if
 * the one that stopped can have been part of the standing load. Not one whose run is in `followed`: it
 * stands in the background already, it does not arrive again.
 */
export function explainedByKnownLoads(
  n: CircuitNormal,
  levelW: number,
  levelH: number | null,
  standingW: number,
  arrived: HowItArrived = {},
): boolean {
  const { feedback, followed, arrivedTs, noMotorQ, swapQ, noiseH, mostQ } = arrived
  const runs: LoadSignature[] = []
  const all = feedback ? [...feedback.taught, ...n.signatures] : n.signatures
  for (const s of all) {
    if (s.kind === 'lights' || feedback?.forget.includes(s.id)) continue
    if (followed?.some((w) => w.signatureId === s.id)) continue
    if (s.source === 'learned' && !knownRunAt(s, arrivedTs)) continue
    // a crew's answer names one alert's load at the level it was seen at, once (a fridge answered twice
    // over different backgrounds is two levels of one load): not one of two loads arriving together
    if (s.source === 'crew') continue
    runs.push(s)
  }
  const hOf = (s: LoadSignature): number | null =>
    s.harmonicRatio === null ? null : s.harmonicRatio * s.levelW
  const fits = (w: number, h: number | null, scaleW: number): boolean => {
    if (Math.abs(levelW - w) > Math.max(10, COMBO_SHARE * scaleW)) return false
    if (levelH === null || h === null) return true
    return Math.abs(levelH - h) <= Math.max(10, COMBO_H_SHARE * scaleW)
  }
  for (let i = 0; i < runs.length; i++) {
    const a = runs[i]!
    const ha = hOf(a)
    for (let j = 0; j < runs.length; j++) {
      if (j === i) continue
      const b = runs[j]!
      const hb = hOf(b)
      const scale = a.levelW + b.levelW
      const both = noMotorQ === undefined
      if (
        both &&
        j > i &&
        fits(a.levelW + b.levelW, ha === null || hb === null ? null : ha + hb, scale) &&
        pairCarriesBoth(a, b, levelH, ha, hb, mostQ, noiseH)
      )
        return true
      // watts alone cannot tell a swap from a charger of that size: only with harmonic current
      if (levelH === null || ha === null || hb === null) continue
      if (standingW < b.levelW - Math.max(10, LEVEL_SHARE * b.levelW)) continue
      // the one that started adds its harmonic current at 0.8 of its own at least (harmonic currents of
      // unlike loads add mostly in phase: as learned, each read between 0.8 and all of its own), and the
      // one that stopped took no more than all of its own, crept since by a few % with its watts: a step
      // that carries less, by more than the meter's harmonic VA moves between readings, is no such swap
      // (an active-PFC charger of the difference's watts, THD 5-15 %)
      if (
        noiseH !== undefined &&
        levelH < SWAP_H_LEAST_SHARE * ha - (1 + COMBO_SHARE) * hb - SWAP_NOISE_MOVES * noiseH
      )
        continue
      const q = noMotorQ ?? swapQ
      if (q !== undefined && !swapReactiveFits(a, b, q)) continue
      if (fits(a.levelW - b.levelW, ha - hb, scale)) return true
    }
  }
  return false
}

/**
 * One of the circuit's compressors and its lights at their hour, found together (they came on under a
 * heater or cleaner): what is left of the load once the compressor, as learned, is taken out matches the
 * lights in watts and harmonic current, in their window and not already on. Only where the meter reports
 * harmonic current: LED banks are told by it, and a charger of the sum carries a rectifier's or none.
 */
export function compressorWithLights(
  n: CircuitNormal,
  ts: number,
  levelW: number,
  levelH: number | null,
  backgroundH: number,
  utcOffsetMin: number,
  arrivedTs: number,
  feedback?: TaughtLoads,
): LoadSignature | undefined {
  if (levelH === null) return undefined
  for (const a of n.signatures) {
    if (!motorWithHarmonics(a, feedback?.forget)) continue
    const restW = levelW - a.levelW
    const restH = levelH - a.harmonicRatio * a.levelW
    if (restW <= 0 || restH <= 0) continue
    const lights = matchSignature(n, ts, restW, restH / restW, utcOffsetMin, feedback, backgroundH, arrivedTs)
    // about their own watts too, not only their harmonic current (a charger of another size): a lamp
    // switching beside them blurs the watts by up to its own
    if (lights?.kind === 'lights' && Math.abs(restW - lights.levelW) <= Math.max(25, 0.3 * lights.levelW))
      return lights
  }
  return undefined
}

/**
 * One of the circuit's compressors and lamps or LED banks beside it, smaller than any charger, found
 * together (they came on under a heater or cleaner, or in the same minutes, the banks' harmonic current
 * a rectifier's share of the two's watts): the load's reactive current lags, which no charger's does (a
 * rectifier's fundamental leads, an active-PFC input draws next to none), so a motor is in it, and what
 * is left once that compressor, as learned, is taken out is short of a charger's least watts (and carries
 * no more harmonic current than fittings of its watts can). The meter's
 * |Q| has no sign: the lag is read only over a background that lagged itself (no rectifiers in it:
 * reactiveAdds), where |Q| rose, and by more than the load could have led by to turn the total round: the
 * most a rectifier charger of its watts and harmonic VA leads by (mostRectifierLead).
 */
export function compressorWithLamps(
  n: CircuitNormal,
  levelW: number,
  levelH: number | null,
  reactiveVA: number | null,
  background: { w: number; h: number; q: number | undefined },
  params: StrayWireParams,
): LoadSignature | undefined {
  const q0 = background.q
  if (levelH === null || reactiveVA === null || q0 === undefined) return undefined
  if (!reactiveAdds(background.w, background.h, q0)) return undefined
  const mostLead = mostRectifierLead(levelW, levelH)
  if (reactiveVA - q0 < LAG_SHOWN_VAR || q0 + reactiveVA <= mostLead) return undefined
  return n.signatures.find((a) => {
    if (!motorWithHarmonics(a, params.feedback?.forget)) return false
    const restW = levelW - a.levelW
    // the rest carries no more harmonic current than the most distorted fittings of its watts: a level
    // measured over a background that lost a load since (a dehumidifier stopping under a charger) is short
    // of what stands, and its harmonic VA tells it
    const restH = levelH - a.harmonicRatio * a.levelW
    return restW > 0 && restW < params.minStepW && restH <= MAX_HARMONIC_RATIO * restW
  })
}

/** Reactive VA a level's must rise by to show a lag: more than the meter's PF in two decimals moves it. */
const LAG_SHOWN_VAR = 30

/**
 * Watts only: one of the circuit's regular compressors and its lights at their hour, arrived together
 * (the fridge starting in the minute the banks came on at dusk): what is left once the compressor, as
 * learned, is taken out matches the lights, in their window and not already on, and the compressor is
 * not followed as a run that started before (one run at a time). Returns both: the compressor is
 * followed as its run, so a charger of the sum is raised once it outlasts it.
 */
export function compressorWithLightsByWatts(
  n: CircuitNormal,
  ts: number,
  levelW: number,
  utcOffsetMin: number,
  arrivedTs: number,
  feedback?: TaughtLoads,
): { compressor: LoadSignature; lights: LoadSignature } | undefined {
  for (const a of n.signatures) {
    if (a.kind !== 'compressor' || a.source !== 'learned' || !knownRunAt(a, arrivedTs)) continue
    if (a.harmonicRatio !== null || feedback?.forget.includes(a.id)) continue
    // one run at a time: a compressor followed as its run since before the arrival runs already
    if (followedSince(n, a.id, arrivedTs)) continue
    const restW = levelW - a.levelW
    if (restW <= 0) continue
    const lights = matchSignature(n, ts, restW, null, utcOffsetMin, feedback, undefined, arrivedTs)
    if (lights?.kind === 'lights') return { compressor: a, lights }
  }
  return undefined
}

/**
 * Watts only: one of the circuit's regular compressors starting in the minutes its evening lights come on,
 * lights it has not learned as a load (they come on bank by bank, or beside compressors, so
 * compressorWithLightsByWatts has no signature to match). What tells them is the circuit's own floor
 * (floorRiseAt): it rises at this hour every evening by about the lights' watts. What is left once the
 * compressor, as learned, is taken out is within that rise, and the level now stands no higher than the
 * usual evening floor with the compressor on top: the lights (or the first of their pieces), not a
 * charger, which would stand above it. The compressor is followed as its run (one run at a time, as
 * compressorWithLightsByWatts), so a charger of the sum is still raised once it outlasts it.
 */
export function compressorAtFloorRise(
  n: CircuitNormal,
  levelW: number,
  backgroundW: number,
  utcOffsetMin: number,
  arrivedTs: number,
  /** The least step a charger draws (params.minStepW) */
  minChargerW: number,
  /** The step was seen as it came, not under a heater or cleaner */
  inView: boolean,
  feedback?: TaughtLoads,
): LoadSignature | undefined {
  const rise = floorRiseAt(n, arrivedTs, utcOffsetMin)
  if (!rise) return undefined
  const riseW = rise.afterW - rise.beforeW
  // the floors are learned without the compressors followed in the background: so is the level now
  const floorW = standingFloor(n, backgroundW, arrivedTs)
  return n.signatures.find((a) => {
    if (a.kind !== 'compressor' || a.source !== 'learned' || !knownRunAt(a, arrivedTs)) return false
    if (a.harmonicRatio !== null || feedback?.forget.includes(a.id)) return false
    if (followedSince(n, a.id, arrivedTs)) return false
    // the compressor's level creeps a few % run to run; the floors are smoothed means of minutes
    const slack = FLOOR_SLACK_W + COMBO_SHARE * a.levelW
    const restW = levelW - a.levelW
    // the background stands no lower than the floor before the lights' hour on earlier days: where it
    // does, what stood then (a charger left in the background) is gone, and the rise learned over it is
    // no evening of this circuit's as it stands. Seen as it came, what is left is smaller than any
    // charger's step: the lights come on in pieces (a lamp, a bank: 10-60 W), none of which alone would be
    // a candidate. A rest of a charger's size there may be a charger plugged in beside the compressor's
    // start: taken for the lights, it would stand in the background once the compressor stopped, never
    // raised (the evening's rise is all the lights together, a charger's watts where they are many).
    // Under a heater or cleaner the pieces that came on meanwhile show at once, and a rest up to the
    // whole rise is theirs (a charger there is not told by watts)
    return (
      floorW >= rise.beforeW - slack &&
      restW >= MIN_LAMP_W &&
      (!inView || restW < minChargerW) &&
      restW <= riseW + slack &&
      floorW + levelW <= rise.afterW + a.levelW + slack
    )
  })
}

/** A floor's day-to-day wander (a photocell's minutes inside a half-hour) and meter error, W. */
const FLOOR_SLACK_W = 10
/** The least a lamp draws (domain.md: 10 W): a smaller rest is the compressor's own creep. */
const MIN_LAMP_W = 10

/**
 * Motor `a` starting as motor `b` stops leaves a's reactive VA less b's over the background. Each motor's
 * is its learned share of its watts where learned from runs enough (it stays within about a tenth run to
 * run), else anything a motor draws (PF 0.6-0.85 as the meter shows it, MOTOR_MIN_VAR_PER_W to
 * MOTOR_MAX_VAR_PER_W): the load's own reactive VA must lie between the least and the most the
 * difference can be. An active-PFC charger's (next to none) fits only two motors of near equal reactive VA.
 */
function swapReactiveFits(a: LoadSignature, b: LoadSignature, q: number): boolean {
  const [aLo, aHi] = motorQRange(a)
  const [bLo, bHi] = motorQRange(b)
  return q >= aLo - bHi && q <= aHi - bLo
}

/**
 * Motors `a` and `b` starting together: their lagging magnetising currents add (both lag the voltage by
 * near the same angle), and so, mostly in phase, do their harmonic currents. A step that carries less than
 * the least of their reactive VA summed (each its learned share less its run-to-run wander, or any motor's
 * least where not learned), or less than 0.8 of their harmonic VA summed by more than the meter's
 * harmonic noise, lacks most of one of them: a compressor and an active-PFC charger of the other's watts
 * (next to no reactive VA, THD 5-15 %), not those two. Development circuit-mixed-stray#17@01-22T21:08: a
 * 140 W charger with a 265 W dehumidifier, 405 W and at most 166 var over LED banks, was taken for the
 * circuit's 126 W fridge and 272 W dehumidifier, which draw 286 var at least.
 */
function pairCarriesBoth(
  a: LoadSignature,
  b: LoadSignature,
  levelH: number | null,
  ha: number | null,
  hb: number | null,
  mostQ: number | undefined,
  noiseH: number | undefined,
): boolean {
  if (mostQ !== undefined && mostQ < learnedLeastQ(a) + learnedLeastQ(b)) return false
  if (levelH === null || ha === null || hb === null || noiseH === undefined) return true
  return levelH >= SWAP_H_LEAST_SHARE * (ha + hb) - SWAP_NOISE_MOVES * noiseH
}

/**
 * The least reactive VA a learned compressor draws, where runs enough showed its motor's share; one whose
 * runs never did may be no motor at all (lamps switched together, learned by their watts), and counts none.
 */
function learnedLeastQ(s: LoadSignature): number {
  if (s.reactiveRatio === undefined || (s.reactiveRuns ?? 0) < REACTIVE_RUNS_MIN) return 0
  return motorQRange(s)[0]
}

/**
 * A motor's reactive VA: its learned share of its watts where learned from runs enough (it stays within
 * about a tenth run to run), else anything a motor draws (PF 0.6-0.85 as the meter shows it).
 */
function motorQRange(s: LoadSignature): [number, number] {
  if (s.reactiveRatio === undefined || (s.reactiveRuns ?? 0) < REACTIVE_RUNS_MIN)
    return [MOTOR_MIN_VAR_PER_W * s.levelW, MOTOR_MAX_VAR_PER_W * s.levelW]
  const own = s.reactiveRatio * s.levelW
  const slack = Math.max(REACTIVE_SLACK_VAR, REACTIVE_SLACK_SHARE * own)
  return [own - slack, own + slack]
}

/** The least share of its own harmonic current a load adds to a level's (unlike loads' add mostly in phase). */
const SWAP_H_LEAST_SHARE = 0.8
/** A level read short of a swap's least by this many of the meter's reading-to-reading moves is not noise. */
const SWAP_NOISE_MOVES = 3

/** Creep of both compressors' levels (a few % each) and meter error; harmonic VA is noisier. */
const COMBO_SHARE = 0.06
const COMBO_H_SHARE = 0.08

/**
 * A load that arrived as a step the size of one of the circuit's own runs (a compressor starting) is
 * that run, whatever moved after it: a charger's constant current does not change by a compressor's
 * size in a minute, so a later change is another load coming or going, judged as a step of its own.
 */
export function arrivedAsKnownRun(
  n: CircuitNormal,
  stepW: number,
  hRatio: number | null,
  feedback?: TaughtLoads,
  /** Compressors the load's own reactive current says it is not (shortOfMotorOverBanks). */
  notThisMotor?: (s: LoadSignature) => boolean,
): boolean {
  const all = feedback ? [...feedback.taught, ...n.signatures] : n.signatures
  for (const s of all) {
    if (s.kind === 'lights' || feedback?.forget.includes(s.id) || notThisMotor?.(s)) continue
    if (s.source === 'learned' && (s.count < RECURRING_RUNS || motorUnproven(s))) continue
    if (levelMatches(s, stepW, hRatio)) return true
  }
  return false
}

/**
 * Watts only: the step is one of the circuit's compressors starting in the minute another stopped, whose
 * own start was seen and whose stop was not (a fridge due to stop, within its longest run, as the
 * dehumidifier came on). Without harmonic current nothing else tells that swap from a charger of the
 * difference's size, so it takes both: a compressor standing in the background, due to stop (past half
 * its longest run, or 10 min for one of the circuit's regulars, not beyond it), and a step that is the
 * other's level less it. The one that stood is a pending step of a known compressor's size, or, where
 * the step came out from under a heater or cleaner (`stopHidden`), a load already taken for one and
 * followed since (a fridge taken in after a heater went off, stopping under the heater's next run as the
 * dehumidifier started), or one of the circuit's regulars (runs seen ten times and more, as the one that
 * started) that the background held: a fridge running as the heater came on and stopping under it. The
 * cost: a charger of exactly their difference's size plugged in under a heater is followed as that
 * compressor's run (raised if it outlasts it). The one that started is not one followed as its run since
 * before the step: that one runs already. Returns the compressor that started and the load that left.
 */
export function swappedWithRun(
  n: CircuitNormal,
  stepW: number,
  onsetTs: number,
  standingW: number,
  feedback?: TaughtLoads,
  stopHidden = false,
): { started: LoadSignature; leftW: number; pending?: PendingStep; watch?: RunWatch } | undefined {
  const runs = (feedback ? [...feedback.taught, ...n.signatures] : n.signatures).filter(
    (s) =>
      s.kind === 'compressor' &&
      !feedback?.forget.includes(s.id) &&
      !(s.source === 'learned' && s.count < RECURRING_RUNS),
  )
  const due = (b: LoadSignature, sinceTs: number): boolean =>
    b.source === 'learned' &&
    b.longestMin !== undefined &&
    onsetTs - sinceTs <= b.longestMin * MIN &&
    onsetTs - sinceTs >= (b.count >= REGULAR_RUNS ? RUN_MIN_MS : DUE_SHARE * b.longestMin * MIN)
  const standing = (w: number): boolean => standingW >= w - Math.max(10, LEVEL_SHARE * w)
  // a compressor followed as its run since before the step runs already, if the background holds it
  // beside the one that stopped (else its watch outlived it: its stop went unseen under a heater)
  const running = (a: LoadSignature, leftW: number): boolean =>
    standing(a.levelW + leftW) && followedSince(n, a.id, onsetTs)
  const startedBeside = (left: LoadSignature, leftW: number): LoadSignature | undefined =>
    runs.find(
      (a) =>
        a.id !== left.id &&
        !running(a, leftW) &&
        Math.abs(stepW - (a.levelW - leftW)) <= Math.max(10, COMBO_SHARE * (a.levelW + leftW)),
    )
  for (const p of n.pending ?? []) {
    if (p.h !== null || p.ts >= onsetTs || !standing(p.w)) continue
    // the load that left: one of the compressors, within the longest run it was seen to make
    const left = runs.find((b) => levelMatches(b, p.w, null) && due(b, p.ts))
    const started = left && startedBeside(left, p.w)
    if (started) return { started, leftW: p.w, pending: p }
  }
  // a followed load's stop is taken on trust only where it could not be seen: under a heater or cleaner.
  // In plain view a charger of the difference's size beside a fridge due to stop would pass for the swap
  // and be followed as the other compressor, never raised
  if (!stopHidden) return undefined
  for (const w of n.watches ?? []) {
    if (w.harmonicVA !== null || w.onsetTs >= onsetTs || !standing(w.levelW)) continue
    const left = runs.find((b) => b.id === w.signatureId && due(b, w.onsetTs))
    const started = left && startedBeside(left, w.levelW)
    if (started) return { started, leftW: w.levelW, watch: w }
  }
  // or one of the circuit's regulars (a fridge that runs most of the day) that the background held
  for (const left of runs) {
    if (left.source !== 'learned' || left.count < REGULAR_RUNS || !standing(left.levelW)) continue
    const started = startedBeside(left, left.levelW)
    if (started && started.count >= REGULAR_RUNS) return { started, leftW: left.levelW }
  }
  return undefined
}

/**
 * Watts only: one of the circuit's compressors stopped partway through the minute before the step, and
 * another started (a fridge off a few seconds into a minute, a dehumidifier on in the next). An averaging
 * meter shows that minute as part of the fridge's watts: the circuit fell from the level it stood at by
 * less than the fridge draws, and the next reading rose instead of showing the rest of the fall, so no
 * stage drops it as a partial minute and the step is measured over it, short of the one that started by
 * what was left of the one that stopped (development circuit-mixed-basic 62@01-20: a 124 W fridge's
 * 39 W fall, a 287 W dehumidifier's run read as a 195 W step). A compressor stops all at once: the level
 * under the step is the one before the fall less the whole compressor, which the background held, and
 * the load that started is matched over it as a steady plateau is (8 %). A charger plugged in then is
 * measured there by its own watts: taken for that compressor's run only at its size, and raised should it
 * outlast its runs, as any load of a compressor's size is. Returns the compressor that started and the
 * background without the one that stopped.
 */
export function swappedOverPartialStop(
  n: CircuitNormal,
  cand: Candidate,
  levelW: number,
  standingW: number,
  feedback?: TaughtLoads,
): { started: LoadSignature; left: LoadSignature; backgroundW: number } | undefined {
  const { fellFromW, beforeW } = cand
  if (fellFromW === undefined || beforeW === undefined) return undefined
  const fall = fellFromW - beforeW
  const runs = n.signatures.filter(
    (s) =>
      s.kind === 'compressor' &&
      s.source === 'learned' &&
      s.count >= RECURRING_RUNS &&
      !motorUnproven(s) &&
      !feedback?.forget.includes(s.id),
  )
  // the circuit as it drew with the load: what it stood at, less what stands under the step
  const drawnW = standingW + levelW
  for (const left of runs) {
    const slack = Math.max(10, LEVEL_SHARE * left.levelW)
    // part of its watts, not more (more is another load leaving too), from a level that held it; and more
    // than its creep (a fall within PARTIAL_STOP_SHARE of a level is that level: meter noise, a lamp)
    if (fall > left.levelW + slack || fall < PARTIAL_STOP_SHARE * left.levelW) continue
    if (fellFromW < left.levelW - slack) continue
    const backgroundW = Math.max(0, fellFromW - left.levelW)
    const ownW = drawnW - backgroundW
    const started = runs.find(
      (a) =>
        a.id !== left.id &&
        knownRunAt(a, cand.onsetTs) &&
        !followedSince(n, a.id, cand.onsetTs) &&
        Math.abs(ownW - a.levelW) <= Math.max(10, STEADY_LEVEL_SHARE * a.levelW),
    )
    if (started) return { started, left, backgroundW }
  }
  return undefined
}

/** A partial minute lies at least this share of a load's watts from either level (stray-wire-settle.ts). */
const PARTIAL_STOP_SHARE = 0.12

/** A run of compressor `id` followed since before `ts` (one run at a time: it runs already). */
const followedSince = (n: CircuitNormal, id: string, ts: number): boolean =>
  (n.watches ?? []).some((w) => w.signatureId === id && w.onsetTs < ts)

/** Runs seen this often make a compressor one of the circuit's regulars (a fridge cycles ~20 times a day). */
const REGULAR_RUNS = 10

/**
 * The one that stopped had run at least this share of its longest run: a fridge 8 min into its 20 min
 * runs is not due to stop, and a charger of the difference's size plugged in then is no swap.
 */
const DUE_SHARE = 0.5
/**
 * One of the circuit's regulars (a fridge cycling all day) is due to stop once it has run a compressor
 * run's least: its longest run learned may be a tangle of several, and half of it longer than any.
 */
const RUN_MIN_MS = 10 * MIN

/**
 * Watts only: the compressor a confirmed candidate is a run of. Where its readings after the step's
 * minute hold steady (a charger's constant current, a compressor alone), its plateau must lie within 8 %
 * of a learned compressor's level: at the 12 % any level matches, a 291 W charger on a circuit whose
 * dehumidifier runs at 261 W was taken for a run of it and never raised. A plateau a lamp moved (a
 * motion lamp switching beside the compressor) is matched within 12 %, or by its level in the minute the
 * lamp was off, to a learned compressor within 8 %: the lamp's 27 W on a 257 W run made 280 W, and 255 W
 * as it went off for a minute. The lamp must have come back: a level that fell and stayed down is a
 * charger's taper or another load leaving, not a lamp. (A lamp of the background blinking off beside a
 * charger of the compressor's size and the lamp's looks the same by watts; the charger is then raised only
 * if it outlasts the compressor's runs.) Lights and other loads crews named match as anywhere else (12 %); a
 * compressor a crew named, as the circuit's own do (8 %).
 * A steady plateau is also matched (8 %) as measured over what the circuit drew as the load stepped on,
 * where a lamp switched in the minutes before (`overStepBackground`).
 */
export function compressorByWatts(
  n: CircuitNormal,
  ts: number,
  cand: Candidate,
  plateauW: number,
  utcOffsetMin: number,
  feedback: TaughtLoads | undefined,
  backgroundH: number | undefined,
): LoadSignature | undefined {
  const ws = afterStep(cand)
  const levelW = median(ws)
  // tighter than a CC plateau's flatness elsewhere (10 %), which a 27 W lamp beside a 257 W run passes
  const steady = ws.length >= 2 && Math.max(...ws) - Math.min(...ws) <= Math.max(12, STEADY_SHARE * levelW)
  const share = steady ? STEADY_LEVEL_SHARE : LEVEL_SHARE
  const known = matchSignature(
    n,
    ts,
    plateauW,
    null,
    utcOffsetMin,
    feedback,
    backgroundH,
    cand.onsetTs,
    share,
  )
  if (known) return known
  if (steady) {
    for (const w of overStepBackground(cand, plateauW)) {
      const run = steadyRunAt(n, ts, w, cand, utcOffsetMin, feedback)
      if (run?.kind === 'compressor' && run.source === 'learned') return run
    }
  }
  if (ws.length < 3) return undefined
  const low = Math.min(...ws)
  // from the level with the lamp on: the median may be the lamp-off level, where it was off most minutes
  const dip = Math.max(...ws) - low
  if (dip < LAMP_MOVE_MIN_W || dip > LAMP_MOVE_MAX_W) return undefined
  // the lamp came back after the first minute it was off (it may be off again now: a motion lamp
  // blinks), the minutes it was off at one level within meter noise and creep
  const firstOff = ws.findIndex((w) => w - low <= Math.max(LOW_SLACK_W, LOW_SLACK_SHARE * low))
  const after = ws.slice(firstOff + 1)
  if (!after.some((w) => w >= low + LAMP_MOVE_MIN_W)) return undefined
  const run = steadyRunAt(n, ts, low, cand, utcOffsetMin, feedback)
  return run?.kind === 'compressor' && run.source === 'learned' ? run : undefined
}

/**
 * Watts only: a steady level that is one of the circuit's learned compressors (within 8 %) with one of its
 * own lamps lit in the step's minute (a motion lamp triggered as the fridge started: the step is the two
 * together). `lampsW` are the lamp sizes the circuit was seen to light and switch off again many times
 * (stray-wire-lamp-sizes.ts). Only where the shape is a motor's start: seen as it came (no heater or
 * cleaner over it), one reading's step to the level it holds since (a charger's soft start or a tangle of
 * loads climbs over minutes), flat since, over the background it stepped from. By watts alone a charger
 * of the two's size looks the same: this only holds the raise back while the lamp's burst may still end
 * (the detector), so that a lamp going off leaves the compressor's level to be matched
 * (compressorAfterLampLeft). Returns the run and the lamp.
 */
export function compressorBesideLamp(
  n: CircuitNormal,
  ts: number,
  cand: Candidate,
  levelW: number,
  lampsW: readonly number[],
  backgroundW: number,
  utcOffsetMin: number,
  feedback: TaughtLoads | undefined,
): { run: LoadSignature; lampW: number } | undefined {
  if (lampsW.length === 0 || cand.stepW === undefined || cand.baseW === undefined) return undefined
  if (cand.onsetTs !== cand.firstTs || cand.bigReadings > 0) return undefined
  // nothing taken into the background beside it since its step: a lamp lit beside a charger and gone off
  // again would show as the charger's level falling by a lamp's watts (compressorAfterLampLeft)
  if (Math.abs(backgroundW - cand.baseW) > Math.max(6, 0.03 * backgroundW)) return undefined
  // every reading since the step is there to look at, the first already at the level (one reading's step)
  const ws = cand.recentW
  if (cand.readings !== ws.length || ws.length < 3) return undefined
  const flat = Math.max(12, STEADY_SHARE * levelW)
  if (Math.max(...ws) - Math.min(...ws) > flat || !near(cand.stepW, levelW)) return undefined
  for (const lampW of lampsW) {
    const run = steadyRunAt(n, ts, levelW - lampW, cand, utcOffsetMin, feedback)
    if (run?.kind === 'compressor' && run.source === 'learned') return { run, lampW }
  }
  return undefined
}

/** Readings this near the lowest (W, or share of it) are the load alone: meter noise, a compressor's creep. */
const LOW_SLACK_W = 6
const LOW_SLACK_SHARE = 0.03

/**
 * Watts only: the candidate held its step for its first readings (STEP_HELD_READINGS), then fell by one
 * lamp's watts and held: a lamp that switched on in the minute the load did went off again (a motion lamp
 * beside a fridge starting). The load's own level is what stands since the fall; where that is one of the
 * circuit's learned compressors within 8 % (as a steady plateau is matched), this is its run.
 * (Lamps of the background going off beside a load leave the load's own level at its step: that is
 * matched first, by the step.) The cost, as for a lamp blinking beside a run: a charger whose step was
 * followed within minutes by a background lamp going off, leaving exactly a compressor's level, is
 * followed as that run, raised only if it outlasts the compressor's runs. The level since the fall is
 * also matched as measured over what the circuit drew as the load stepped on (`overStepBackground`).
 */
export function compressorAfterLampLeft(
  n: CircuitNormal,
  ts: number,
  cand: Candidate,
  utcOffsetMin: number,
  feedback: TaughtLoads | undefined,
): { run: LoadSignature; levelW: number } | undefined {
  const { recentW: ws, stepW } = cand
  // every reading since the step is still there to look at
  if (stepW === undefined || cand.readings !== ws.length || ws.length < 4) return undefined
  if (!ws.slice(0, STEP_HELD_READINGS).every((w) => near(w, stepW))) return undefined
  // one lamp leaving: one fall of a lamp's watts after those readings, or two falls in a row that make it
  // up (an averaging meter's partial minute: a lamp off a few seconds into a minute shows only a few W of
  // its watts in it, the rest in the next); every other minute flat within meter noise (the step's own
  // minute may be partial). A charger tapering from its first minute falls minute after minute instead
  let first = -1
  let last = -1
  let fell = 0
  for (let i = STEP_HELD_READINGS; i < ws.length; i++) {
    const d = ws[i - 1]! - ws[i]!
    const noise = Math.max(6, 0.03 * ws[i]!)
    if ((d >= LAMP_MOVE_MIN_W || d > noise) && d <= LAMP_MOVE_MAX_W) {
      if (first < 0) first = i
      last = i
      fell += d
    } else if (Math.abs(d) > noise) return undefined
  }
  if (first < 0 || last - first > 1 || fell < LAMP_MOVE_MIN_W || fell > LAMP_MOVE_MAX_W) return undefined
  const levelW = median(ws.slice(last))
  const run = steadyRunAt(n, ts, levelW, cand, utcOffsetMin, feedback)
  if (run?.kind === 'compressor') return { run, levelW }
  for (const w of overStepBackground(cand, levelW)) {
    const again = steadyRunAt(n, ts, w, cand, utcOffsetMin, feedback)
    if (again?.kind === 'compressor') return { run: again, levelW }
  }
  return undefined
}

/**
 * Watts only: a steady level found as a heater or cleaner went off, standing on what the circuit held over
 * the background just before that load came on (lights switched on at dusk minutes before, not yet taken
 * into the background). That level was there before the big load and is no new load: what arrived under
 * it is the rest, and where the rest is one of the circuit's learned compressors within 8 % (a steady
 * plateau's match) it is that compressor's run, started under the heater. Returns it with the level it
 * stands at over the background holding the rest. The cost, as for a lamp in the minutes before a step in
 * plain view: a charger of a compressor's size plugged in under a heater on top of lights just lit is
 * followed as that compressor's run, raised should it outlast its runs.
 */
export function compressorOverStandingBeforeBig(
  n: CircuitNormal,
  ts: number,
  cand: Candidate,
  plateauW: number,
  utcOffsetMin: number,
  feedback: TaughtLoads | undefined,
): { run: LoadSignature; levelW: number; standingW: number } | undefined {
  const standingW = cand.standingBeforeBigW
  if (standingW === undefined || cand.onsetTs === cand.firstTs) return undefined
  const ws = afterStep(cand)
  const steady = ws.length >= 2 && Math.max(...ws) - Math.min(...ws) <= Math.max(12, STEADY_SHARE * plateauW)
  if (!steady) return undefined
  const levelW = plateauW - standingW
  const run = steadyRunAt(n, ts, levelW, cand, utcOffsetMin, feedback)
  return run?.kind === 'compressor' && run.source === 'learned' ? { run, levelW, standingW } : undefined
}

/** The circuit's signature a steady level `w` of the candidate matches, compressors within 8 % (watts only). */
function steadyRunAt(
  n: CircuitNormal,
  ts: number,
  w: number,
  cand: Candidate,
  utcOffsetMin: number,
  feedback: TaughtLoads | undefined,
): LoadSignature | undefined {
  return matchSignature(n, ts, w, null, utcOffsetMin, feedback, undefined, cand.onsetTs, STEADY_LEVEL_SHARE)
}

/**
 * Watts only: a level over the background as the circuit stood when the load stepped on, where that
 * differs from the background it was measured over by a lamp. The background follows a lamp switched in
 * the minutes before the step a fraction a minute (and drops only at its second low reading): the load
 * stepped from the reading before it. A lamp that came on in the minutes before and was never seen to go
 * off went off as the load came on (a motion lamp burns a few minutes; a compressor starting in that
 * minute took the lamp's watts out of its step): the load is the level and the lamp. The cost: a charger
 * of a compressor's size less such a lamp, plugged in while the lamp stays on, is followed as that
 * compressor's run (raised if it outlasts its runs); one plugged in as the lamp goes off is measured
 * right, as is one beside a motion lamp, which goes off under it (its plateau is then not steady).
 */
function overStepBackground(cand: Candidate, levelW: number): number[] {
  const ws: number[] = []
  if (cand.beforeW !== undefined && cand.baseW !== undefined) ws.push(levelW + cand.baseW - cand.beforeW)
  if (cand.lampBeforeW !== undefined) {
    ws.push(levelW + cand.lampBeforeW)
    // where the background had taken only part of a small lamp yet (it follows one a fraction a minute),
    // the load is the level over the circuit as it stood before the lamp: the reading before the step less
    // the lamp (119@01-12: a 104 W fridge's 92 W over a background holding 13 W of a 27 W lamp). The
    // level and the lamp's rise stays a candidate too: a rise split by an averaging meter is measured short
    const notHeldW = cand.beforeW !== undefined && cand.baseW !== undefined ? cand.beforeW - cand.baseW : 0
    if (notHeldW > 0) ws.push(levelW + cand.lampBeforeW - notHeldW)
  }
  return ws
}

/** The candidate's recent readings without its step's minute while they still hold it (it may be partial). */
function afterStep(cand: Candidate): readonly number[] {
  return cand.chargerReadings <= RECENT_READINGS ? cand.recentW.slice(1) : cand.recentW
}

/** A charger's constant-current plateau holds within this share of its level (or 12 W) over minutes. */
const STEADY_SHARE = 0.05
/** A steady plateau is a learned compressor's run within this share of its level. */
const STEADY_LEVEL_SHARE = 0.08

/**
 * Where the meter reports PF and THD: what arrived under a heater or cleaner, no charger's waveform as a
 * whole, may be one of the circuit's compressors and a rectifier charger that came on under it. Less the
 * compressor's learned watts and harmonic current, what is left carries a rectifier's share of harmonic
 * current and is of an active-PFC charger's size at least (the compressor's creep blurs it by a few % of
 * its watts). No charger need be there where the circuit's own runs and less than that explain it: one
 * or two that started, or one that started as another stopped. Returns what the largest such compressor
 * adds to the background: its watts, its harmonic current, and the least reactive power a motor of its
 * watts draws. An active-PFC charger beside a compressor is told by the compressor's own reactive VA per
 * W, learned from its runs (pfcBesideRun): a motor's share is anything from 0.55 to 1.3 var per W as the
 * meter shows it, but one compressor's, learned where no leading current stood beside it, stays within
 * about a tenth run to run. Where the circuit before the big load may have led (LED drivers: the
 * meter's |Q| has no sign, theirs cancels a motor's), only by as much as its own |Q| could hide.
 */
export function chargerBesideRun(
  n: CircuitNormal,
  arrived:
    | { w: number; h: number; q: number | null; before?: { w: number; h: number; q: number } }
    | undefined,
  params: StrayWireParams,
  /** When the heater or cleaner came on: a compressor that stepped on before it and is still on cannot arrive. */
  bigSinceTs?: number | null,
): { w: number; h: number; q: number; pfc?: true } | undefined {
  if (!arrived) return undefined
  const runs = n.signatures.filter((a) => motorWithHarmonics(a, params.feedback?.forget))
  const minW = params.minPfcStepW ?? params.minStepW
  if (runsExplain(runs, arrived, minW)) {
    const idle = runs.filter((a) => !runningBefore(n, a, bigSinceTs, arrived.before))
    return idle.length < runs.length ? pfcBesideRun(idle, arrived, minW, params) : undefined
  }
  let found: { w: number; h: number; q: number } | undefined
  for (const a of runs) {
    const restW = arrived.w - a.levelW
    const h = a.harmonicRatio * a.levelW
    if (restW < minW || restW > params.maxChargerW) continue
    if (arrived.h - h < params.minHarmonicRatio * restW) continue
    if (!found || a.levelW > found.w) found = { w: a.levelW, h, q: MOTOR_MIN_VAR_PER_W * a.levelW }
  }
  return found ?? pfcBesideRun(runs, arrived, minW, params)
}

/**
 * Where the meter reports PF and THD, a step in plain view (no heater or cleaner over it) that is no
 * charger's as a whole (a motor's reactive current in it, or past a charger's largest) may be one of the
 * circuit's compressors starting and an active-PFC charger plugged in with it, in the same minute or as a
 * heater went off: less the compressor's learned watts, harmonic and reactive current, what is left is a
 * charger's size, undistorted, and draws no motor's reactive current (pfcBesideRun). Reactive current
 * adds across loads, so one or two of the compressors alone would have brought theirs: where less
 * arrived, they did not come alone. The meter's |Q| has no sign: over a level that may lead (LED
 * drivers), a motor's lag may read short by twice that level's |Q|, and each test allows it. Where
 * several compressors leave such a rest, the largest is taken (as under a heater): the candidate over it
 * outlives the other's run ending (leftUnderCharger). Returns what the compressor adds to the background.
 */
export function chargerBesideStartInView(
  n: CircuitNormal,
  arrived: { w: number; h: number; q: number; before: { w: number; h: number; q: number } },
  params: StrayWireParams,
  ts: number,
  /** Seen from a quiet level, no heater or cleaner just off: a rectifier charger beside it is judged too. */
  plainView = false,
): { w: number; h: number; q: number } | undefined {
  const { before } = arrived
  // motors alone, learned or not, draw a motor's reactive share of the whole step's watts: less (had the
  // level before led, by as much as its |Q| could hide) says a load with little reactive current is in it
  // (a compressor not yet learned read as a learned smaller one and a rest of a charger's size:
  // development circuit-mixed-stray 51@01-16, a 274 W dehumidifier at 0.7 var per W, read as a 101 W
  // fridge and 173 W)
  if (arrived.q + leadHidden(before) >= MOTOR_MIN_VAR_PER_W * arrived.w) return undefined
  const minW = params.minPfcStepW ?? params.minStepW
  const withRectifier = plainView ? rectifierBesideStart(n, arrived, params, ts) : undefined
  if (withRectifier) return withRectifier
  // one compressor the circuit has run, however seldom yet, is what arrived by its watts alone: it started
  if (n.signatures.some((x) => x.kind === 'compressor' && fitsAlone(arrived.w, x.levelW, minW)))
    return undefined
  // one whose step the background still stands on is running: it cannot start again; nor can one whose
  // run is followed now where the level before the step still holds that run over the background it
  // stood on (one motor runs once)
  const runs = n.signatures
    .filter((a) => motorWithHarmonics(a, params.feedback?.forget))
    .filter((a) => !runningBefore(n, a, ts, before) && !followedStanding(n, a, before))
  return pfcBesideRun(runs, arrived, minW, params, true)
}

/**
 * One of the circuit's compressors whose run is followed now (a watch stands for it) and whose level the
 * circuit still stands on: the background it was followed over plus its level, give or take a run's
 * creep. Such a motor runs; it is not what arrived in a step beside a charger (development
 * circuit-mixed-stray 34@01-07T21:26: the dehumidifier, followed at 228 W and still standing as a heater
 * went off, was taken for the motor in a fridge's and an active-PFC charger's step, so the background held
 * it twice and the charger's taper fell out of view). A run that ended unseen under a heater or cleaner
 * leaves the level short of it and is not excluded so.
 */
function followedStanding(n: CircuitNormal, a: LoadSignature, before: { w: number }): boolean {
  return (n.watches ?? []).some(
    (w) =>
      w.signatureId === a.id &&
      before.w >= w.baseW + w.levelW - Math.max(STANDING_SLACK_W, LEVEL_SHARE * w.levelW),
  )
}

/**
 * One of the circuit's compressors starting with a rectifier charger plugged in the same minute, seen from
 * a quiet level in plain view (no heater or cleaner just off, whose motor or lamps may have moved): less
 * the compressor's learned watts and harmonic current, what is left is a charger's watts carrying a
 * rectifier's harmonic share (more than any of the circuit's motors draws), and the step's reactive VA is
 * at least that compressor's own magnetising current (learned from runs enough; not allowed short by what
 * LED drivers could lead: lamps switched over it read short) and no more than it plus an active-PFC's
 * little beside it. Returns what the compressor adds to the background; the rest is followed as a
 * candidate. Development circuit-compressor-stray#115@02-04T22:41: a 135 W lead-acid charger and the
 * 296 W dehumidifier, one 435 W step of 185 harmonic VA and 195 var, the dehumidifier learned at 303 W,
 * 49 VA and 194 var: 132 W and 136 VA left. (Also after a heater or cleaner, and allowing LED drivers'
 * lead, it took 11 false alerts more on the PF+THD mixed and compressor families.)
 */
function rectifierBesideStart(
  n: CircuitNormal,
  arrived: { w: number; h: number; q: number; before: { w: number; h: number; q: number } },
  params: StrayWireParams,
  ts: number,
): { w: number; h: number; q: number } | undefined {
  let found: { w: number; h: number; q: number } | undefined
  for (const a of n.signatures) {
    if (!motorWithHarmonics(a, params.feedback?.forget) || runningBefore(n, a, ts, arrived.before)) continue
    if (a.reactiveRatio === undefined || (a.reactiveRuns ?? 0) < REACTIVE_RUNS_MIN) continue
    const restW = arrived.w - a.levelW
    if (restW < params.minStepW || restW > params.maxChargerW) continue
    const h = a.harmonicRatio * a.levelW
    if (arrived.h - h < params.minHarmonicRatio * restW) continue
    const [lo, hi] = motorQRange(a)
    if (arrived.q < lo || arrived.q > hi + PFC_REST_VAR_PER_W * restW) continue
    if (!found || a.levelW > found.w) found = { w: a.levelW, h, q: a.reactiveRatio * a.levelW }
  }
  return found
}

/**
 * Reactive VA a level's LED drivers may hide of a lagging load that arrives over it: none where the level
 * lags for certain (reactiveAdds), else twice the |Q| read (a lead that large, netted to a lag).
 */
const leadHidden = (before: { w: number; h: number; q: number }): number =>
  reactiveAdds(before.w, before.h, before.q) ? 0 : 2 * before.q

/** A step of `w` is a load of `levelW` with less than a charger's least beside it. */
const fitsAlone = (w: number, levelW: number, minW: number): boolean =>
  w - levelW > -Math.max(10, 0.06 * levelW) && w - levelW < minW

/**
 * One or two of these runs that started, or one that started as another stopped, and less than a
 * charger's watts beside them (a compressor's creep, a lamp) are what arrived: no charger need be there.
 * A motor's harmonic current comes with its watts and adds across loads: runs that started carry their
 * learned share of it, and where far less than that arrived they did not start (what arrived is another
 * load of about their watts: a smaller compressor and an active-PFC charger; development
 * circuit-mixed-stray 48@01-09, a 104 W fridge and a 167 W charger read as the 265 W dehumidifier,
 * which ran before the heater and carries 66 harmonic VA to their 25).
 */
function runsExplain(
  runs: readonly MotorRun[],
  arrived: { w: number; h: number; q?: number | null },
  minW: number,
  /** Where given, runs must show their learned reactive current, less what a lead before could hide. */
  leadVar?: number,
): boolean {
  const levels: { w: number; h: number; q?: number }[] = [
    ...runs.map((a) => ({ ...runLevel(a), q: runQ(a) })),
    ...runs.flatMap((a, i) =>
      runs.slice(i + 1).map((b) => ({
        w: a.levelW + b.levelW,
        h: runLevel(a).h + runLevel(b).h,
        q: runQ(a) === undefined || runQ(b) === undefined ? undefined : runQ(a)! + runQ(b)!,
      })),
    ),
    // one stopping as the other started: their harmonic current's difference says nothing sure
    ...runs.flatMap((a) =>
      runs.filter((b) => b.levelW < a.levelW).map((b) => ({ w: a.levelW - b.levelW, h: 0 })),
    ),
  ]
  // runs that started add their learned reactive current (in full over a level that lagged; less at most
  // what a lead before could hide): where far less arrived, they did not start (a fridge and an
  // active-PFC charger read as a fridge and a dehumidifier by watts and harmonic share; development
  // circuit-mixed-stray 34@01-07)
  const qShort = (x: { q?: number }): boolean =>
    leadVar !== undefined &&
    x.q !== undefined &&
    arrived.q !== null &&
    arrived.q !== undefined &&
    arrived.q + leadVar < x.q - Math.max(REACTIVE_SLACK_VAR, REACTIVE_SLACK_SHARE * x.q)
  return levels.some(
    (x) =>
      arrived.w - x.w > -Math.max(10, 0.06 * x.w) &&
      arrived.w - x.w < minW &&
      arrived.h >= x.h - Math.max(RUN_H_SLACK_VA, RUN_H_SLACK_SHARE * x.h) &&
      !qShort(x),
  )
}

/** A run's learned reactive VA, where learned from a few runs. */
const runQ = (a: MotorRun): number | undefined =>
  a.reactiveRatio === undefined || (a.reactiveRuns ?? 0) < REACTIVE_RUNS_MIN
    ? undefined
    : a.reactiveRatio * a.levelW

type MotorRun = LoadSignature & { harmonicRatio: number }
/** A run's watts and the harmonic VA that comes with them. */
const runLevel = (a: MotorRun): { w: number; h: number } => ({ w: a.levelW, h: a.harmonicRatio * a.levelW })

/**
 * How far short of the runs' own harmonic VA what arrived may read: the meter's THD from minute to minute
 * at several hundred W (about ±10 VA), a small lamp going off in the same minutes, and a run's share
 * wandering a little from the one learned.
 */
const RUN_H_SLACK_VA = 25
const RUN_H_SLACK_SHARE = 0.3

/**
 * The compressor stepped on before the heater or cleaner came on (a pending step of its level, and of its
 * reactive VA where the step's was measured over a lagging level, at most a pending step's age old) and
 * the circuit still stood on it then (the level before the big load at least the one the step rose to): it
 * is in the background already, it cannot be what arrived under the big load. A pending step alone only
 * says no step off was seen: the compressor may have stopped in minutes the reading never settled.
 */
function runningBefore(
  n: CircuitNormal,
  a: LoadSignature,
  bigSinceTs: number | null | undefined,
  before: { w: number } | undefined,
): boolean {
  if (bigSinceTs === null || bigSinceTs === undefined || a.reactiveRatio === undefined || !before)
    return false
  const q = a.reactiveRatio * a.levelW
  return (n.pending ?? []).some(
    (p) =>
      p.ts < bigSinceTs &&
      bigSinceTs - p.ts < PENDING_MAX_MS &&
      before.w >= p.fromW + p.w - Math.max(STANDING_SLACK_W, LEVEL_SHARE * p.w) &&
      nearLevel(p.w, a.levelW) &&
      (p.q === null ||
        p.q === undefined ||
        Math.abs(p.q - q) <= Math.max(REACTIVE_SLACK_VAR, 2 * REACTIVE_SLACK_SHARE * q)),
  )
}

/** A level may fall short of where a step rose to by this much (or LEVEL_SHARE of the step) and still hold it. */
const STANDING_SLACK_W = 10

/**
 * An active-PFC charger beside one of the circuit's compressors that came on under the heater or cleaner:
 * less the compressor's learned watts, harmonic and reactive current (its motor's reactive VA per W as
 * learned where no leading current stood beside it), what is left is of a charger's size, undistorted,
 * and carries about none of the reactive current a motor its size would draw. Only compressors whose
 * reactive share was learned from a few runs. Where the circuit before the big load may have led (not
 * reactiveAdds: LED drivers' leading current stood net), the meter's unsigned |Q| of it may be a lead that
 * cancels part of what arrived: a compressor with a motor beside it reads as one with a PFC charger, the
 * rest short of its own reactive VA by twice that |Q|. There the rest must be an active-PFC input's with
 * that added too: where the banks' lead and the lag beside them nearly cancel, the |Q| before is small
 * and hides no motor (development circuit-mixed-stray 81@01-08: a 168 W charger beside a 275 W
 * dehumidifier over banks reading 16 var, missed for its whole session). Returns what the compressor adds
 * to the background.
 */
function pfcBesideRun(
  runs: readonly MotorRun[],
  arrived: { w: number; h: number; q: number | null; before?: { w: number; h: number; q: number } },
  minW: number,
  params: StrayWireParams,
  /** Runs are told by their reactive current too (runsExplain) */
  byReactive = false,
): { w: number; h: number; q: number; pfc: true } | undefined {
  const before = arrived.before
  if (arrived.q === null || !before) return undefined
  // where the circuit before may have led, the meter's |Q| for it may hide twice its own of what arrived
  const leadVar = leadHidden(before)
  if (runsExplain(runs, arrived, minW, byReactive ? leadVar : undefined)) return undefined
  const arrivedQ = arrived.q
  if (runs.some((b) => runAlone(b, arrived.w, arrived.h, arrivedQ, leadVar))) return undefined
  let found: { w: number; h: number; q: number; pfc: true } | undefined
  for (const a of runs) {
    if (a.reactiveRatio === undefined || (a.reactiveRuns ?? 0) < REACTIVE_RUNS_MIN) continue
    const restW = arrived.w - a.levelW
    if (restW < minW || restW > params.maxChargerW) continue
    const h = a.harmonicRatio * a.levelW
    if (arrived.h - h > PFC_MAX_HARMONIC_RATIO * restW) continue
    const q = a.reactiveRatio * a.levelW
    // the compressor's own reactive current is all there, and hardly more: what is left is no motor
    const slack = Math.max(REACTIVE_SLACK_VAR, REACTIVE_SLACK_SHARE * q)
    const restQ = arrived.q - q
    if (restQ < -slack || restQ > PFC_REST_VAR_PER_W * restW + slack) continue
    // had the circuit before led, the rest drew twice its |Q| more (after it the circuit lags: a motor's
    // current outweighs the lead; were it to lead still, the rest would draw less than none)
    if (restQ + leadVar > PFC_REST_VAR_PER_W * restW + slack) continue
    if (!found || a.levelW > found.w) found = { w: a.levelW, h, q, pfc: true }
  }
  return found
}

/**
 * One run whose watts, harmonic and reactive current are each what arrived is that run starting alone: its
 * level as a run just started alone stands (startedAtLevel), its harmonic VA within the runs' slack,
 * and its reactive VA within the residual's (and what a lead before could hide, `leadVar`), or, never
 * learned, at least a motor's. Not a smaller
 * compressor and an active-PFC charger beside it (development circuit-mixed-quiet 155@01-13: a 286 W
 * dehumidifier learned at 303 W, read as a 146 W fridge and a 138 W charger over banks reading 0 var).
 */
function runAlone(b: MotorRun, w: number, h: number, q: number, leadVar: number): boolean {
  const own = runLevel(b)
  if (!startedAtLevel(w, own.w)) return false
  if (Math.abs(h - own.h) > Math.max(RUN_H_SLACK_VA, RUN_H_SLACK_SHARE * own.h)) return false
  // its own never learned where it could be read (over LED banks only): any motor's least, which what
  // arrived, had the circuit before led by all its |Q|, must reach
  if (b.reactiveRatio === undefined) return q + leadVar >= MOTOR_MIN_VAR_PER_W * own.w - REACTIVE_SLACK_VAR
  const ownQ = b.reactiveRatio * b.levelW
  return Math.abs(q - ownQ) <= Math.max(REACTIVE_SLACK_VAR, REACTIVE_SLACK_SHARE * ownQ) + leadVar
}

/** Runs a compressor's reactive share must have been learned from before a residual is judged by it. */
const REACTIVE_RUNS_MIN = 2
/**
 * How far a residual's reactive VA may be from the compressor's learned own: the meter's PF in two
 * decimals at a few hundred W, and the share wandering by about a tenth run to run (development set).
 */
const REACTIVE_SLACK_VAR = 20
const REACTIVE_SLACK_SHARE = 0.15
/**
 * Reactive VA per W an active-PFC charger draws at most (PF ≥ 0.95), less than any motor's 0.55 (as the
 * meter shows a motor alone; beside LED drivers that may lead it shows less, so there pfcBesideRun asks
 * it of the rest however the banks stood: with and without twice the |Q| read before).
 */
const PFC_REST_VAR_PER_W = 0.33

/**
 * Where the meter reports PF and THD: the candidate is undistorted (no rectifier in it to lead) and, over a
 * background that lagged, drew no more reactive current than an active-PFC input does (PF >= 0.95: at most
 * PFC_REST_VAR_PER_W), in three readings at least; where none lagged for certain (LED banks' leading
 * current in it), the most its reactive VA can be was no more (followLagging). An induction motor draws
 * its reactive current with its watts (PF 0.6-0.85, MOTOR_MIN_VAR_PER_W and more): this load is none of
 * the circuit's compressors, alone or two together, whatever its watts and harmonic share (an active-PFC
 * charger's THD 5-15 % is a motor's too). An excess whose reactive VA fell well below none says the background lost a motor's
 * reactive current unseen: it tells nothing then.
 */
export function showedNoMotor(cand: Candidate, levelW: number): boolean {
  if (cand.harmonicVA === null || cand.harmonicVA > PFC_MAX_HARMONIC_RATIO * levelW) return false
  const perW = ownVarPerW(cand)
  if (perW !== undefined) return perW <= PFC_REST_VAR_PER_W && perW >= -BACKGROUND_Q_SLACK_PER_W
  // over LED banks' leading current: the most its own reactive VA can be (followLagging) is an active-PFC
  // input's at most, which no motor's lagging current, cancelled by the banks' lead or not, can show
  const most = cand.overLeading
  if (!most || most.n < LAGGING_READINGS_MIN || !(most.w > 0)) return false
  return most.q / most.w <= PFC_REST_VAR_PER_W
}

/**
 * Where the meter reports PF and THD: the candidate's own reactive VA, read over a background that lagged
 * (no LED drivers' leading current in it to cancel part of a motor's: followLagging), falls short of what
 * this compressor's motor draws, as learned from its runs' steps. An induction motor draws its magnetising
 * current with its watts, run after run (its share wanders by about a tenth): a load that read less is not
 * this compressor (an active-PFC charger of its size). Two readings are enough here, where showedNoMotor
 * needs three against any motor's least: the gap to this motor's own share is more than the meter's PF in
 * two decimals moves a mean of two. Not the bound over LED banks (overLeading): the compressors' own runs
 * there read short of their learned share more often than chargers did (development, mixed and unplugged
 * families: 20 of their runs to 4 chargers). Development circuit-unplugged-early#134@01-05T19:32: a 241 W
 * active-PFC charger plugged in under a heater, beside the dehumidifier's run, read 0.18 var per W once the
 * heater went off, and was taken for the 235 W dehumidifier that draws 0.71.
 */
export function shortOfMotor(cand: Candidate, sig: LoadSignature): boolean {
  if (sig.kind !== 'compressor' || sig.source !== 'learned') return false
  if (sig.reactiveRatio === undefined || (sig.reactiveRuns ?? 0) < REACTIVE_RUNS_MIN) return false
  const sum = cand.lagging
  if (!sum || sum.n < SHORT_READINGS_MIN || !(sum.w > 0)) return false
  const motorQ = (sig.reactiveRatio * sum.w) / sum.n
  return sum.q / sum.n < motorQ - Math.max(REACTIVE_SLACK_VAR, REACTIVE_SLACK_SHARE * motorQ)
}

/** Readings of its own reactive current a candidate needs to be told from a learned motor's share. */
const SHORT_READINGS_MIN = 2

/**
 * Where the meter reports PF and THD, over LED banks whose leading current hides the sign of |Q|: the most
 * the candidate's own reactive VA can be (overLeading: |Q| now plus all the background's, as if the banks
 * led by all they read), with what a rectifier beside the motor could lead by (LEADING_Q_PER_H per VA of
 * harmonic current beyond the motor's own share), is short of half what this compressor's motor draws, as
 * learned from its runs' steps. A motor's magnetising current lags with its watts, run after run; the
 * banks can cancel at most their own lead, which the bound already gives back: a load that reads under
 * it is not this compressor (an active-PFC charger of its size, and a lamp switched with it in its first
 * minutes). Half, not shortOfMotor's 15 %: over the banks, at that slack, the compressors' own runs read
 * short of their learned share more often than chargers did (shortOfMotor); at half, none of the
 * development PF+THD families' runs did (no false alert added). One reading is enough: the bound is the
 * meter's own |Q|, and half a motor's share is 50 var and more at a compressor's 180 W and up. Not allowed
 * for: where a motor's lag nearly cancels the banks' lead, PF in two decimals and THD's noise swing that
 * |Q| by tens of var minute to minute (review49: 0-81 var for the same loads); no compressor's run came
 * under the bound in review49's probe (nearest 0.80 of its share). Only steps seen arriving in plain view.
 * Development circuit-unplugged-early#11@01-28T18:08: a 188 W active-PFC charger and a 41 W motion lamp
 * arrived in one step after a gap in the readings, over 83 W of banks, and read 0.19 var per W at most; it
 * was taken for the 224 W dehumidifier that draws 0.81, and raised 246 min later.
 */
export function shortOfMotorOverBanks(cand: Candidate, sig: LoadSignature): boolean {
  if (sig.kind !== 'compressor' || sig.source !== 'learned' || sig.harmonicRatio === null) return false
  if (sig.reactiveRatio === undefined || (sig.reactiveRuns ?? 0) < REACTIVE_RUNS_MIN) return false
  // seen arriving in plain view: a step found as a heater or cleaner went off has its |Q| read over a
  // background made of readings under them (a cleaner's motor lags by hundreds of var), not read
  if (cand.onsetTs !== cand.firstTs || cand.bigReadings > 0) return false
  const most = cand.overLeading
  if (!most || most.n < 1 || !(most.w > 0) || cand.harmonicVA === null) return false
  const w = most.w / most.n
  const leadVar = LEADING_Q_PER_H * Math.max(0, cand.harmonicVA - sig.harmonicRatio * w)
  return most.q / most.n + leadVar < OVER_BANKS_SHARE * sig.reactiveRatio * w - REACTIVE_SLACK_VAR
}

/** The share of a motor's learned reactive VA its runs read at least over LED banks (shortOfMotorOverBanks). */
const OVER_BANKS_SHARE = 0.5

/**
 * The candidate's own reactive VA per W, read over a background that lagged in enough readings (not the
 * bound over LED banks' leading current): undefined where it was not read so.
 */
export function ownVarPerW(cand: Candidate): number | undefined {
  const sum = cand.lagging
  return sum && sum.n >= LAGGING_READINGS_MIN && sum.w > 0 ? sum.q / sum.w : undefined
}

/**
 * The candidate's reactive VA per W as read over a background with no rectifier in it, in two readings at
 * least, also where a motor of the background may have moved unseen under a heater or cleaner
 * (netLagging): what two of the circuit's compressors swapping must fit. Two are enough, as for
 * shortOfMotor: the swap's reactive VA is known from both motors' learned shares.
 */
export function swapVarPerW(cand: Candidate): number | undefined {
  const sum = cand.netLagging
  return sum && sum.n >= SHORT_READINGS_MIN && sum.w > 0 ? sum.q / sum.w : undefined
}

/**
 * The most the candidate's own reactive VA per W can be as the meter showed it: read over a background
 * with no rectifier in it (netLagging, in two readings at least, as for a swap), or bounded over LED
 * banks' leading current (overLeading: |Q| now plus all the background's, in three). Where it has both
 * (its background changed), the larger: it is a bound, and two motors must fit under either.
 */
export function mostVarPerW(cand: Candidate): number | undefined {
  const net = swapVarPerW(cand)
  const over = cand.overLeading
  const banks = over && over.n >= LAGGING_READINGS_MIN && over.w > 0 ? over.q / over.w : undefined
  if (net === undefined) return banks
  return banks === undefined ? net : Math.max(net, banks)
}

/** Readings of its own reactive current the candidate needs: the meter's PF in two decimals is noisy. */
const LAGGING_READINGS_MIN = 3
/**
 * How far below none a load's reactive VA per W may read from the meter's PF in two decimals near unity
 * (about a tenth of the watts in var) before the background's reactive VA must have been wrong.
 */
const BACKGROUND_Q_SLACK_PER_W = 0.15

/**
 * Where the meter reports PF and THD but the background's reactive VA cannot be trusted (it carries LED
 * drivers' harmonic current: not reactiveAdds), an undistorted step that read as an active-PFC input (its
 * unsigned |Q| barely rose, or fell) may be one of the circuit's compressors: the drivers' leading current
 * cancels part of the motor's lagging one. A motion lamp switching in the same minutes moves the level by
 * a lamp's watts off the compressor's learned one. Taken for that compressor (with a lamp) where its level
 * is within a lamp's watts of the compressor's, it carries the motor's harmonic current (a lamp adds its
 * driver's, or none), and the excess's own reactive VA, read with either sign the
 * background's |Q| may have (|Q| now plus the background's where it led, less where it lagged, or the
 * background's less |Q| now where the total leads still), can be the motor's: at least its learned share
 * (else any motor's at PF 0.85) and no more than any motor draws (PF 0.6), give or take a lamp's. An
 * active-PFC charger beside a motor running in the background reads neither: |Q| now plus the background's
 * holds two motors' reactive current, the difference hardly any. Its run
 * is then followed as that compressor's, raised should it outlast it.
 */
export function compressorWithLampOverLeading(
  n: CircuitNormal,
  levelW: number,
  levelH: number | null,
  q: number | null,
  background: { w: number; h: number; q: number | undefined },
  feedback?: TaughtLoads,
): LoadSignature | undefined {
  if (levelH === null || q === null || background.q === undefined) return undefined
  if (reactiveAdds(background.w, background.h, background.q)) return undefined
  for (const a of n.signatures) {
    if (!motorWithHarmonics(a, feedback?.forget)) continue
    const lampW = Math.abs(levelW - a.levelW)
    if (lampW > LAMP_MOVE_MAX_W) continue
    if (levelH < OWN_H_SHARE * a.harmonicRatio * a.levelW) continue
    const lo = (a.reactiveRatio ?? MOTOR_MIN_VAR_PER_W) * a.levelW
    const hi = MOTOR_MAX_VAR_PER_W * a.levelW
    const slack = Math.max(REACTIVE_SLACK_VAR, REACTIVE_SLACK_SHARE * lo) + LAMP_MAX_VAR_PER_W * lampW
    const motorQ = (x: number): boolean => x >= lo - slack && x <= hi + slack
    // the background led, the total lags or leads; or it lagged as the total does (a motor in it)
    const excess = [q + background.q, background.q - q, q - background.q]
    if (!excess.some(motorQ)) continue
    return a
  }
  return undefined
}

/** A run of a compressor carries at least half its learned harmonic VA (matchSignature's own share). */
const OWN_H_SHARE = 0.5

/**
 * Watts only: the circuit's lights went off at their hour (dawn, or a timer's) in the minutes one of its
 * compressors started: both steps fall in one reading, or in a gap of readings, and the step seen is the
 * compressor's watts less the lights'. The circuit's floor falls at this hour every morning by the lights'
 * watts (floorFallAt); where the background still stands above the floor the circuit keeps after that
 * hour, what stands above it is the lights that left, and the step with it added back is one of the
 * circuit's recurring compressors as a steady plateau matches (8 %): the lights left the background and
 * the compressor's run is followed. A charger plugged in then at exactly that difference is raised should
 * it outlast the compressor's runs, as any load of a compressor's size is. Returns the compressor that
 * started and the watts the lights took with them.
 */
export function swappedWithLightsOff(
  n: CircuitNormal,
  stepW: number,
  onsetTs: number,
  backgroundW: number,
  utcOffsetMin: number,
  feedback?: TaughtLoads,
): { started: LoadSignature; leftW: number } | undefined {
  const fall = floorFallAt(n, onsetTs, utcOffsetMin)
  if (!fall) return undefined
  // the background stood at the floor of the lights' hours, nothing else running on it (what else ran
  // might have been what stopped): all it held over the morning's floor is the lights
  const standingW = standingFloor(n, backgroundW, onsetTs)
  if (Math.abs(standingW - fall.beforeW) > Math.max(FLOOR_SLACK_W, FLOOR_SLACK_SHARE * fall.beforeW))
    return undefined
  // the lights that left drew a lamp's watts at least: a background within the slack of the lights' floor
  // but at or under the morning's (a floor that falls by less than the slack) had no lights left to take
  // out, and taking "less than nothing" out raised the background
  const leftW = standingW - fall.afterW
  if (leftW < MIN_LAMP_RISE_W) return undefined
  const started = n.signatures.find(
    (s) =>
      recurringCompressor(s) &&
      !feedback?.forget.includes(s.id) &&
      !followedSince(n, s.id, onsetTs) &&
      Math.abs(stepW + leftW - s.levelW) <= Math.max(10, STEADY_LEVEL_SHARE * s.levelW),
  )
  return started ? { started, leftW } : undefined
}

/** How far a background may stand from the floor learned at that hour and be it, beyond FLOOR_SLACK_W. */
const FLOOR_SLACK_SHARE = 0.2
