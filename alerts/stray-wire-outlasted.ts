// A load taken for one of the circuit's own compressors is followed until it leaves. A compressor's runs
// recur at about the same length (a fridge's 10–45 min, a dehumidifier's 1–3 h: domain.md); a charger
// the same size holds for hours more. So a load that outlasts every run of the compressor it was taken
// for by a good margin was not it: it is raised then, late but not never. Each run seen from its step on
// to its step off teaches the compressor's length (by watts alone a charger of a fridge's size was
// otherwise never raised at all).

import { MIN } from './minute.ts'
import {
  type CircuitNormal,
  type LoadSignature,
  levelMatches,
  nearLevel,
  type PendingStep,
  type RunWatch,
  round1,
  timeRun,
} from './stray-wire-circuit-normal.ts'
import type { Observation } from './stray-wire-classify.ts'
import { near } from './stray-wire-evidence.ts'
import { explainedByKnownLoads } from './stray-wire-known-loads.ts'
import type { Candidate, StrayWireState } from './stray-wire-types.ts'

/** A compressor run is at least this long, min (as learned runs: stray-wire-circuit-normal.ts). */
const RUN_MIN_MIN = 10
/** A flat load on this long is lights, not a compressor run (as learned runs). */
const MAX_RUN_MIN = 240
/** Runs seen whole before their length is trusted. */
export const TIMED_RUNS = 8
/** How much longer than the longest run seen a load must hold: a share of it, and at least this. */
const OUTLAST_SHARE = 1.3
const OUTLAST_MIN = 30
/**
 * Across a heater or cleaner a fall ends a followed load only this near its level: readings minutes apart,
 * what else switched under the big load is in the fall too (LED banks of 88 W going off under a heater
 * beside a 129 W charger taken for the fridge's run ended its follow by STEP_FIT_SHARE). A run's creep
 * and the meter's noise are within it.
 */
const ACROSS_BIG_FIT_SHARE = 0.12
/** A load is gone when the circuit falls below its background and this share of its level... */
const GONE_SHARE = 0.5
/** ...or steps down from the reading before by its level, give or take this share of it. */
const STEP_FIT_SHARE = 0.35
/** Loads followed at once: a charger taken for the fridge, then the fridge itself. */
const MAX_WATCHES = 3

/** Starts following a load just taken for `sig`; compressors only (a run has a length). */
export function watchRun(s: StrayWireState, sig: LoadSignature, cand: Candidate, levelW: number): void {
  if (sig.kind !== 'compressor') return
  // a crew's "not charging: compressor" has no run lengths of its own: the circuit's learned compressor
  // of that size may have. Without one whose runs were timed the crew's is followed all the same, to the
  // longest a compressor runs (outlastAfterMin): a crew's answer to one run would otherwise hide chargers
  // of that size for good (followed as a learned one not timed yet, it was never raised either)
  const timed =
    sig.source === 'learned'
      ? sig
      : (s.normal!.signatures.find(
          (x) =>
            x.source === 'learned' &&
            x.kind === 'compressor' &&
            levelMatches(x, levelW, null) &&
            runsTimed(x),
        ) ?? sig)
  const watch: RunWatch = {
    signatureId: timed.id,
    onsetTs: cand.onsetTs,
    levelW: Math.round(levelW * 10) / 10,
    baseW: Math.round(s.baselineW! * 10) / 10,
    harmonicVA: cand.harmonicVA,
    ...(sig.source === 'learned' && sig.harmonicRatio === null && sig.count < 2
      ? { trial: true as const }
      : {}),
  }
  s.normal!.watches = [...(s.normal!.watches ?? []), watch].slice(-MAX_WATCHES)
}

/**
 * How long a load must hold before it is no run of `sig`, min. A compressor a crew named has no runs timed:
 * a load taken for it is no run once it holds longer than any compressor runs (a dehumidifier's 1–3 h). While
 * a learned one's runs are not known (a new meter has seen one or two), past what any compressor's run lasts:
 * a charger taken for its second run is raised late, not never.
 */
export function outlastAfterMin(sig: LoadSignature): number {
  if (sig.source === 'crew') return MAX_RUN_MIN
  if (!runsTimed(sig)) return MAX_RUN_MIN + OUTLAST_MIN
  return Math.max(OUTLAST_SHARE * sig.longestMin, sig.longestMin + OUTLAST_MIN)
}

/** Whether enough of a compressor's runs were seen whole to know how long it runs. */
function runsTimed(sig: LoadSignature): sig is LoadSignature & { longestMin: number } {
  return (sig.timedRuns ?? 0) >= TIMED_RUNS && sig.longestMin !== undefined
}

export interface Outlasted {
  watch: RunWatch
  signature: LoadSignature
  heldMin: number
  /** It faded (a charger's taper) where a run of the compressor it was taken for would have stepped off. */
  faded?: true
  /** The compressor it was taken for started its own run beside it (one motor runs once). */
  ranAgain?: true
}

/**
 * A load taken for a compressor's second run (seen run once) fades when what stands over its background
 * slides below this share of its level, one taken for a compressor known better below GONE_SHARE (a
 * charger's taper loses 3–16 % of it a minute; a compressor stops at once, a dehumidifier's run creeps
 * up)...
 */
const FADE_SHARE = 0.8
/** ...from a reading already below this share of it (sliding, not a load beside it leaving)... */
const FADING_SHARE = 0.95
/** ...down by less than this share of its level (a step down this big is something leaving). */
const FADE_STEP_SHARE = 0.2

/**
 * One reading of the followed loads. Returns one that outlasted its compressor's runs (no longer
 * followed); ends the watch of each that left, teaching its compressor the run's length. A step down
 * ends the watch of the load its size fits best (a fridge stopping while a dehumidifier of a like size
 * runs on), and a load is gone too when the circuit falls below what stood without it. A step down of
 * another compressor's size that a load's background held lowers that background instead.
 */
export function followWatches(
  s: StrayWireState,
  obs: Observation,
  big: boolean,
  canRaise: boolean,
  /** what crews taught (StrayWireParams.feedback): a load taken for a crew's compressor is followed too */
  taught: readonly LoadSignature[] = [],
): Outlasted | undefined {
  const n = s.normal!
  if (!n.watches || n.watches.length === 0) {
    if (n.watchesBeforeBigW !== undefined) n.watchesBeforeBigW = undefined
    return undefined
  }
  if (obs.source !== 'circuit') {
    n.watches = undefined
    n.watchesBeforeBigW = undefined
    return undefined
  }
  // a heater or cleaner on top hides them: wait for it to go, keeping what the circuit stood at before it
  if (big || s.prevBig) {
    if (big && n.watchesBeforeBigW === undefined && s.prevW !== null) n.watchesBeforeBigW = levelBeforeBig(s)
    return undefined
  }
  const stepOffW = (s.prevW ?? obs.unexplainedW) - obs.unexplainedW
  const nowW = obs.unexplainedW
  // a run that ended under the big load stepped off there unseen: it shows as the fall across the big
  // load, from what stood before it came on to what stands once it went (its partial last minute past).
  // A compressor's motor stops at once, and its fall is its whole level (lights that came on under the
  // heater lessen it: they are under a run's size); a slide (a charger's taper) is still judged reading
  // by reading
  const acrossBig = n.watchesBeforeBigW !== undefined
  const offW = acrossBig ? n.watchesBeforeBigW! - nowW : stepOffW
  const fitShare = acrossBig ? ACROSS_BIG_FIT_SHARE : STEP_FIT_SHARE
  n.watchesBeforeBigW = undefined
  // (the tests of one followed load below are functions of their own, not closures: this runs at every
  // reading while a load is followed)
  // (another compressor's run that ended under the big load is not judged so: what else switched under it
  // is in the fall too, and a background lowered by it kept a run that had ended followed)
  const rebased = n.watches.filter((w) => otherLeft(n, taught, stepOffW, nowW, w))
  const below = n.watches.filter(
    (w) => !rebased.includes(w) && !slidUnder(n, stepOffW, w) && nowW < w.baseW + GONE_SHARE * w.levelW,
  )
  // the step down is the load's that fell below its background, if one did and its size fits
  let stepped: RunWatch | undefined = below.find((w) => fits(offW, nowW, w, fitShare))
  if (!stepped)
    for (const w of n.watches)
      if (
        fits(offW, nowW, w, fitShare) &&
        (!stepped || Math.abs(offW - w.levelW) < Math.abs(offW - stepped.levelW))
      )
        stepped = w
  // a load followed since before another came on stands in that one's background: a slide there is the
  // older one's (a charger tapering under a compressor's run that came on beside it), seen over the
  // younger ones' levels stacked on it
  const standing = n.watches.filter((w) => w !== stepped && !below.includes(w))
  const kept: RunWatch[] = []
  const faded: RunWatch[] = []
  let out: Outlasted | undefined
  for (const seen of n.watches) {
    const w = rebased.includes(seen) ? { ...seen, baseW: Math.max(0, round1(seen.baseW - stepOffW)) } : seen
    const sig = signatureOf(n, taught, w)
    if (!sig) continue
    const heldMin = (obs.ts - w.onsetTs) / MIN
    // a compressor's run ends by a step of its size (its motor stops at once; a dehumidifier's creeps up
    // while it runs), a charger's by a taper. Faded, whatever it was taken for (a compressor seen once, one
    // whose runs are timed, one a crew named), it was a charger: raised now (when nothing else is), and no
    // run is timed. Not faded, a charger shorter than the compressor's longest run was never raised, and
    // its length taught the compressor a longer run still. A slide below half its level (below most of it
    // for a compressor seen run once) fades it once it slides on: lights in its background going off one
    // bank a minute slide as far, then hold
    const own = seen !== stepped && !underOlder(standing, seen)
    const ownExcessW = obs.unexplainedW - stackedW(standing, seen) - w.baseW
    const fell = slide(w, stepOffW)
    if (own && slidOn(w, ownExcessW, stepOffW)) {
      faded.push(w)
      if (canRaise && !out) out = { watch: w, signature: sig, heldMin, faded: true }
      // nor was it seen: taken for the compressor, it counted as seen again (matchSignature); a crew's
      // signature lives in the settings and is not counted
      const untaught = { ...sig, count: Math.max(1, sig.count - 1) }
      n.signatures = n.signatures.map((x) => (x === sig ? untaught : x))
      continue
    }
    const crossed = own && slidBelow(w, fell, ownExcessW, stepOffW, w.trial ? FADE_SHARE : GONE_SHARE)
    // crossed, it is kept a few minutes for its slide on, whatever steps beside it meanwhile (a fridge's
    // run ending): only its own step off of its size ends it
    const since = crossed ? obs.ts : w.crossedTs
    if (seen !== stepped && since !== undefined && obs.ts - since <= CROSSED_KEEP_MIN * MIN) {
      const crossedW = crossed ? round1(ownExcessW) : w.crossedW!
      kept.push({ ...w, seenTs: obs.ts, ...fell, crossedW, crossedTs: since })
      continue
    }
    if (seen === stepped || below.includes(seen)) {
      timeWatchedRun(n, w, sig, obs.ts)
      continue
    }
    const afterMin = outlastAfterMin(sig)
    if (!canRaise || heldMin < afterMin) {
      kept.push(seenOn(w, obs.ts, fell))
      continue
    }
    // what stands over its background now may be another of the circuit's compressors, arrived in the
    // minute this one left (its step off unseen): then nothing says it is still there. Not the very load
    // a crew named: the circuit's own record of the dehumidifier the crew answered, at its level, is that
    // load, not another (a charger of its size held 4 h was dropped unraised). Nor, for a crew's compressor,
    // while what stands over its background is still the level the load was taken at: that load held on
    // past any compressor's run, where another arrived the minute it left would have had to be of its very
    // size (a 225 W charger taken for the crew's 224 W, its CC creeping up to 253 W, was taken for the
    // circuit's own 276 W dehumidifier at 4 h and dropped unraised)
    const excessW = obs.unexplainedW - w.baseW
    const stillItself = sig.source === 'crew' && nearLevel(excessW, w.levelW)
    const other =
      !stillItself &&
      (n.signatures.some(
        (x) =>
          x.id !== sig.id &&
          x.kind === 'compressor' &&
          !(sig.source === 'crew' && levelMatches(x, sig.levelW, null)) &&
          levelMatches(x, excessW, null),
      ) ||
        explainedByKnownLoads(n, excessW, null, w.baseW))
    if (!out && !other) out = { watch: w, signature: sig, heldMin }
  }
  // what came on over a load that faded stood on it: its background is that much lower
  const rest =
    faded.length === 0
      ? kept
      : kept.map((w) => {
          const under = faded.filter((f) => f.onsetTs < w.onsetTs).reduce((sum, f) => sum + f.levelW, 0)
          return under > 0 ? { ...w, baseW: Math.max(0, round1(w.baseW - under)) } : w
        })
  n.watches = rest.length > 0 ? rest : undefined
  return out
}

/**
 * The reading before a big load's first, W: unless it rose from the one before it by more than a run's
 * creep (then it was the big load's partial first minute on an averaging meter, and the one before it
 * stood).
 */
function levelBeforeBig(s: StrayWireState): number {
  const w = s.prevW!
  return s.prev2W !== null && w - s.prev2W > BEFORE_BIG_RISE_SHARE * s.prev2W ? s.prev2W : w
}

/** A rise past this share of the level before it is a load's partial minute, not a reading that stood. */
const BEFORE_BIG_RISE_SHARE = 0.1

/** The signature a followed load was taken for: the circuit's own, or one a crew taught. */
const signatureOf = (
  n: CircuitNormal,
  taught: readonly LoadSignature[],
  w: RunWatch,
): LoadSignature | undefined =>
  n.signatures.find((x) => x.id === w.signatureId) ?? taught.find((x) => x.id === w.signatureId)

/**
 * A step (`stepOffW` down) that fits this load's size too is still the other's when a load followed since
 * before this one came on (standing in its background) fits it better: a 173 W charger followed over a
 * 230 W dehumidifier whose run ended (233 W off) still stood at 170 W over the rest, and was taken for the
 * step off and lost.
 */
const olderFitsBetter = (n: CircuitNormal, stepOffW: number, w: RunWatch): boolean =>
  n.watches!.some(
    (o) =>
      o !== w &&
      o.onsetTs < w.onsetTs &&
      Math.abs(stepOffW - o.levelW) <= STEP_FIT_SHARE * o.levelW &&
      Math.abs(stepOffW - o.levelW) < Math.abs(stepOffW - w.levelW),
  )

/**
 * A step down the size of another of the circuit's compressors (not of this one's, unless an older one's
 * fits it better), which the background it was followed over held, with what stands over the rest of that
 * background (the circuit at `x` W) still its level: that compressor's run ended, this load holds on, over
 * a background that much lower.
 */
function otherLeft(
  n: CircuitNormal,
  taught: readonly LoadSignature[],
  stepOffW: number,
  x: number,
  w: RunWatch,
): boolean {
  if (stepOffW <= 0) return false
  if (Math.abs(stepOffW - w.levelW) <= STEP_FIT_SHARE * w.levelW && !olderFitsBetter(n, stepOffW, w))
    return false
  const sig = signatureOf(n, taught, w)
  if (!sig) return false
  const restW = w.baseW - stepOffW
  return (
    restW >= -STEP_FIT_SHARE * stepOffW &&
    nearLevel(x - Math.max(0, restW), w.levelW) &&
    n.signatures.some(
      (o) =>
        o.id !== sig.id &&
        o.source === 'learned' &&
        o.kind === 'compressor' &&
        levelMatches(o, stepOffW, null),
    )
  )
}

/**
 * A load followed since after another came on does not end on a slide of that one (sliding already):
 * that is the older one's taper.
 */
const slidUnder = (n: CircuitNormal, stepOffW: number, w: RunWatch): boolean =>
  n.watches!.some(
    (o) =>
      o !== w &&
      o.onsetTs < w.onsetTs &&
      (o.falling ?? 0) >= SLIDE_READINGS - 1 &&
      smallFall(stepOffW, o.levelW),
  )

/**
 * A step of its size, unless what stands over its background (the circuit at `x` W) is still its level (a
 * load of the same size that nobody followed left: a compressor that came on beside it, or was in its
 * background). A load that stays stands at its level, give or take creep and meter error as any level is
 * matched: a third off it is another load (lights that came on at dusk while a fridge ran, 70 W over a
 * 100 W run).
 */
const fits = (stepOffW: number, x: number, w: RunWatch, share: number = STEP_FIT_SHARE): boolean =>
  Math.abs(stepOffW - w.levelW) <= share * w.levelW && !nearLevel(x - w.baseW, w.levelW)

/** Of the loads standing, one followed since before `w` came on: `w` stands in its background. */
const underOlder = (standing: RunWatch[], w: RunWatch): boolean => standing.some((o) => o.onsetTs < w.onsetTs)

/** What the loads standing that came on after `w` add over it, W. */
const stackedW = (standing: RunWatch[], w: RunWatch): number =>
  standing.reduce((sum, o) => (o.onsetTs > w.onsetTs ? sum + o.levelW : sum), 0)

/**
 * The watch of a load seen on at `ts`, its slide as it stands now, and no longer below its line. Most
 * readings of a load followed end here: it is copied whole and its slide written in, field by field (the
 * same fields, in the same order, as taking the two crossing fields out and spreading the slide over it,
 * which cost a runtime copy per reading); one that had crossed its line is still copied without them.
 */
function seenOn(w: RunWatch, ts: number, fell: Pick<RunWatch, 'falling' | 'fellW' | 'fellMostW'>): RunWatch {
  if ('crossedW' in w || 'crossedTs' in w) {
    const { crossedW: _, crossedTs: __, ...rest } = w
    return { ...rest, seenTs: ts, ...fell }
  }
  const next: RunWatch = { ...w, seenTs: ts }
  next.falling = fell.falling
  if ('fellW' in fell) next.fellW = fell.fellW
  if ('fellMostW' in fell) next.fellMostW = fell.fellMostW
  return next
}

/** A fall of a slide: down, by less than a step's worth of the load's level. */
const smallFall = (stepOffW: number, levelW: number): boolean =>
  stepOffW > 0 && stepOffW < FADE_STEP_SHARE * levelW

/** The falls in a row a load made by this reading, each small (under a step's worth), or none. */
function slide(w: RunWatch, stepOffW: number): Pick<RunWatch, 'falling' | 'fellW' | 'fellMostW'> {
  // the meter's noise may lift one reading of a slow taper a little: the slide goes on, that reading
  // not counted
  if (w.falling && stepOffW <= 0 && -stepOffW < SLIDE_NOISE_SHARE * w.levelW)
    return { falling: w.falling, fellW: w.fellW ?? 0, fellMostW: w.fellMostW ?? 0 }
  if (!smallFall(stepOffW, w.levelW)) return { falling: 0 }
  return {
    falling: (w.falling ?? 0) + 1,
    fellW: round1((w.falling ? (w.fellW ?? 0) : 0) + stepOffW),
    fellMostW: round1(Math.max(w.falling ? (w.fellMostW ?? 0) : 0, stepOffW)),
  }
}

/**
 * Crossed below its line (slidBelow), a load fades once it has slid on by this share of its level more,
 * falling reading after reading (a taper's fall a minute is 1–8 % of its level, the meter's noise a few
 * tenths of a %): lights in its background that went off over the minutes before leave its level flat.
 */
const SLID_ON_SHARE = 0.03

function slidOn(w: RunWatch, excessW: number, stepOffW: number): boolean {
  if (w.crossedW === undefined || !smallFall(stepOffW, w.levelW)) return false
  return w.crossedW - excessW >= SLID_ON_SHARE * w.levelW
}

/** A rise this share of a load's level at most is the meter's noise on a slide, not its end. */
const SLIDE_NOISE_SHARE = 0.01
/** How long a load that crossed below its line is kept for its slide on, min. */
const CROSSED_KEEP_MIN = 10

/** A slide is three falls in a row at least, none of them this share of the whole or more. */
const SLIDE_READINGS = 3
const SLIDE_MOST_SHARE = 0.45

/**
 * A load slid down this reading as a charger's taper does, where a compressor's run stops at once: it
 * fell a little this reading and the ones before (three at least, none of them most of the slide), and
 * crossed below `share` of its level from a reading already below FADING_SHARE of it and above `share`,
 * by less than a step's worth. A taper falls minute after minute by a few % of its level each; a load in
 * its background leaving (LED banks at midnight, seen over two minutes on a meter that averages each)
 * makes one or two falls that carry all of it.
 */
function slidBelow(
  w: RunWatch,
  fell: ReturnType<typeof slide>,
  excessW: number,
  stepOffW: number,
  share: number,
): boolean {
  const beforeW = excessW + stepOffW
  if (!smallFall(stepOffW, w.levelW) || beforeW >= FADING_SHARE * w.levelW) return false
  const { falling = 0, fellW = 0, fellMostW = 0 } = fell
  if (falling < SLIDE_READINGS || fellMostW >= SLIDE_MOST_SHARE * fellW) return false
  return excessW < share * w.levelW && beforeW >= share * w.levelW
}

/**
 * A followed run ended at `ts`: it teaches the compressor's run length, only when its end was seen (not
 * when it left under a heater or cleaner), and not past what a compressor's run may last.
 */
function timeWatchedRun(n: CircuitNormal, w: RunWatch, sig: LoadSignature, ts: number): void {
  // a crew's signature lives in the settings: it is not timed
  if (sig.source !== 'learned') return
  const heldMin = (ts - w.onsetTs) / MIN
  const seen = ts - (w.seenTs ?? ts - MIN) <= MIN
  if (!seen || heldMin < RUN_MIN_MIN || heldMin >= MAX_RUN_MIN) return
  // the state is plain JSON handed from reading to reading: the signature is replaced, not edited
  const timed = { ...sig }
  timeRun(timed, heldMin, ts)
  n.signatures = n.signatures.map((x) => (x === sig ? timed : x))
}

/**
 * A followed run seen to end at `ts` outside followWatches (beside a young candidate, where the step off
 * was tangled with the candidate's step): it is no longer followed, its length is timed, and its start is
 * no longer waiting for a step off (matched to a later fall, it would make the run hours long).
 */
export function endWatchedRun(n: CircuitNormal, w: RunWatch, ts: number): void {
  const rest = (n.watches ?? []).filter((x) => x !== w)
  n.watches = rest.length > 0 ? rest : undefined
  const sig = n.signatures.find((x) => x.id === w.signatureId)
  if (sig) timeWatchedRun(n, w, sig, ts)
  const start = (p: PendingStep): boolean =>
    Math.abs(p.ts - w.onsetTs) <= START_SLACK_MS && near(p.w, w.levelW)
  if (n.pending?.some(start)) n.pending = n.pending.filter((p) => !start(p))
}

/**
 * Watts only, under an open alert: the circuit fell by the level of a run followed since before the alert
 * was raised (the background holds it), within what that compressor's runs last. Its run ended: its motor
 * stops at once, where a charger in constant current holds, so the fall is the compressor's even where the
 * alert's load is of its size (a 133 W charger raised over a 130 W fridge's run that stood on it: taken for
 * all that stood over the background, the charger's watts went with it and the alert was cleared while it
 * drew on). The run is timed (where its step off was seen) and no longer followed; the caller takes the
 * fall out of the background. Past its compressor's longest run a followed load may have ended unseen
 * (under a heater): then the fall is not taken for it.
 */
export function runEndedUnderAlert(
  s: StrayWireState,
  fallW: number,
  ts: number,
  taught: readonly LoadSignature[] = [],
): boolean {
  const n = s.normal
  if (!s.alert || !n?.watches) return false
  const watch = n.watches.find((w) => {
    const sig = n.signatures.find((x) => x.id === w.signatureId) ?? taught.find((x) => x.id === w.signatureId)
    return (
      sig !== undefined &&
      near(fallW, w.levelW) &&
      s.baselineW! >= w.levelW - HELD_MARGIN_W &&
      (ts - w.onsetTs) / MIN <= outlastAfterMin(sig)
    )
  })
  if (!watch) return false
  endWatchedRun(n, watch, ts)
  return true
}

/** The background holds a load's level give or take this, W (meter error, a compressor's creep). */
const HELD_MARGIN_W = 20

/** A run's start step was noted within this long of its onset (a step straddling two meter minutes). */
const START_SLACK_MS = 2 * MIN
