// Stray-wire (飞线) charging detector: a pure step function over one circuit's or one shed's readings.
// A charger shows as a step of 120–350 W over the background that stays (CC for hours, then a slow CV
// taper), distorted (THD 60–120 %) where the meter reports it. Lights are too small, cleaners and
// heaters too big, legit charging is metered by the ports. See domain.md "Stray-wire detection".
import type { EveryField } from './every-field.ts'
import { MIN } from './minute.ts'
import {
  BESIDE_KEPT,
  compressorMovedUnderBig,
  followLightSteps,
  initBaseline,
  setBackgroundWaveform,
  undoMotorRise,
  updateBaseline,
} from './stray-wire-baseline.ts'
import { bridgeBursts, rectifierInPauses } from './stray-wire-bursts.ts'
import {
  ALONE_ABOVE_SHARE,
  ALONE_BELOW_SHARE,
  arrivesDailyAsHarmonics,
  type CircuitNormal,
  copyNormal,
  endEpisode,
  followEpisode,
  type LoadSignature,
  learnBackground,
  learnedCompressorsAccount,
  levelMatches,
  matchesDayProfile,
  matchSignature,
  nearLevel,
  noteMatch,
  noteSteps,
  type PendingStep,
  type RunWatch,
  SAME_ONSET_MS,
  startEpisode,
} from './stray-wire-circuit-normal.ts'
import {
  type Classified,
  classify,
  isCriticalHour,
  isEveningOrNight,
  localHour,
  type Observation,
  observe,
} from './stray-wire-classify.ts'
import { chargerStepUnderCleaner } from './stray-wire-cleaner-step.ts'
import {
  elementOverCandidate,
  keepBackgroundUnderElement,
  rectifierStaysUnderElement,
} from './stray-wire-element-over.ts'
import {
  backFromBigLoadEdge,
  bigWaveformAt,
  clearOfMotor,
  continuesTaper,
  fallsEveryMinute,
  followLagging,
  hiddenChargerShows,
  LAMP_MOVE_MAX_W,
  LAMP_MOVE_MIN_W,
  leftUnderCharger,
  levelHolds,
  levelOutlastedBigLoad,
  looksLikeMotor,
  MIN_MASKING_LOAD_W,
  median,
  motorPastLead,
  near,
  noteBigRun,
  noteBigWaveform,
  noteBridge,
  partOfBigLoad,
  RECENT_READINGS,
  sawStep,
  seenAgainTooFew,
  slidesAsTaper,
  startCandidate,
  stepLeftAgain,
  TAPER_READINGS,
} from './stray-wire-evidence.ts'
import { explainRaise, type LikeCompressor, likeCompressorWhy } from './stray-wire-explain.ts'
import {
  arrivedAsKnownRun,
  chargerBesideRun,
  chargerBesideStartInView,
  compressorAfterLampLeft,
  compressorAtFloorRise,
  compressorBesideLamp,
  compressorByWatts,
  compressorOverStandingBeforeBig,
  compressorWithLampOverLeading,
  compressorWithLamps,
  compressorWithLights,
  compressorWithLightsByWatts,
  explainedByKnownLoads,
  mostVarPerW,
  ownVarPerW,
  shortOfMotor,
  shortOfMotorOverBanks,
  showedNoMotor,
  swappedOverPartialStop,
  swappedWithLightsOff,
  swappedWithRun,
  swapVarPerW,
} from './stray-wire-known-loads.ts'
import { lagSignNow, lagsForCertain } from './stray-wire-lag-sign.ts'
import { knownLamps, LAMP_BURST_MS, withLampSize } from './stray-wire-lamp-sizes.ts'
import { lightsAtFloorRise } from './stray-wire-lights-under-big.ts'
import { besideRunning, compressorStartedOver, ranBeforeIt } from './stray-wire-one-motor.ts'
import { endWatchedRun, followWatches, type Outlasted, TIMED_RUNS, watchRun } from './stray-wire-outlasted.ts'
import {
  fellToLevel,
  knownBeforeStepUp,
  lampAfterStep,
  lampsOffAfterStep,
  movedByLamps,
  settledBeforeBig,
  smallSteadyLevel,
} from './stray-wire-plateau.ts'
import { switchedOnAtLightsHour } from './stray-wire-schedule.ts'
import { asCandidate, followSecondStep, type SecondStep } from './stray-wire-second-step.ts'
import { followSmallStep, type SmallTaper } from './stray-wire-small-taper.ts'
import {
  chargerLeftAsStop,
  compressorStepBesideTaper,
  judgedAgainAfterRise,
  stopSeen,
} from './stray-wire-step-beside-taper.ts'
import {
  chargerStepFromLast,
  chargerStepOnHeater,
  chargerSwappedIn,
  chargerUnderBigLoad,
  harmonicNoiseVA,
  noteHarmonicNoise,
  pfcStepOverUntaken,
  pfcSwappedIn,
} from './stray-wire-swaps.ts'
import {
  chargerRestUnderHeater,
  chargerUnderHeaterShows,
  followChargerUnderHeater,
} from './stray-wire-taper-under-heater.ts'
import {
  type ActiveAlert,
  type Candidate,
  DEFAULT_STRAY_WIRE_PARAMS,
  type StrayWireInput,
  type StrayWireParams,
  type StrayWireSeverity,
  type StrayWireState,
  type StrayWireVerdict,
} from './stray-wire-types.ts'
import {
  carriedByHeaterRun,
  chargerArrivedUnderBig,
  compressorStepUnderHeater,
  followBigLevel,
  restOfStepOnHeater,
} from './stray-wire-under-heater.ts'

export * from './stray-wire-types.ts'

/** Readings this far apart at most are one after the other (1-minute telemetry with jitter). */
const NEXT_READING_MS = 1.5 * MIN

/**
 * The least a charger in constant current draws over the circuit's background, W, where only watts tell:
 * lead-acid chargers start at ~120 W AC input (domain.md), less a sixth for the background's and the
 * meter's error.
 */
const MIN_CHARGER_PLATEAU_W = 100

/** A fall from one reading to the next of at least this much is part of a slide, if others came before. */
const SLIDE_MIN_W = 2

export interface StrayWireResult {
  state: StrayWireState
  verdict?: StrayWireVerdict
}

/**
 * The state to work on, a copy (the input stays intact) with every field in one order, set or not: states
 * read back from JSON (which drops what is undefined) and states that grew fields as loads came and went
 * then share one hidden class, and the detector's property reads stay monomorphic. Measured over mixed
 * field circuits, the copy by spread cost about a third of the detector's CPU per reading.
 */
function copyState(state: StrayWireState): StrayWireState & { normal: CircuitNormal } {
  const copy: EveryField<StrayWireState> & { normal: CircuitNormal } = {
    v: 1,
    lastTs: state.lastTs,
    baselineW: state.baselineW,
    baselineH: state.baselineH,
    baselineQ: state.baselineQ,
    prevQ: state.prevQ,
    // replaced whole at every reading, never written into
    lagSign: state.lagSign,
    // replaced whole when it changes, never written into
    harmonicNoise: state.harmonicNoise,
    prevW: state.prevW,
    prevH: state.prevH,
    prev2W: state.prev2W,
    prev2H: state.prev2H,
    prev2Q: state.prev2Q,
    fallRun: state.fallRun,
    prevBig: state.prevBig,
    prev2Big: state.prev2Big,
    bigSinceTs: state.bigSinceTs,
    bigMaxW: state.bigMaxW,
    // replaced whole when it changes, never written into
    bigWaveform: state.bigWaveform,
    motorRiseTs: state.motorRiseTs,
    preBigW: state.preBigW,
    preBigH: state.preBigH,
    preBigQ: state.preBigQ,
    preBigSteady: state.preBigSteady,
    bigStepW: state.bigStepW,
    bigStepTs: state.bigStepTs,
    bigLevel: state.bigLevel && {
      ...state.bigLevel,
      pending: state.bigLevel.pending && { ...state.bigLevel.pending },
    },
    arrivedUnderBig: state.arrivedUnderBig && {
      ...state.arrivedUnderBig,
      from: { ...state.arrivedUnderBig.from },
      to: { ...state.arrivedUnderBig.to },
    },
    beside: state.beside,
    lampRise: state.lampRise,
    // replaced whole when it changes, never written into
    lampSizes: state.lampSizes,
    lampMoveTs: state.lampMoveTs,
    otherRun: state.otherRun,
    orphanRun: state.orphanRun,
    candidate: state.candidate && copyCandidate(state.candidate),
    alert: state.alert && { ...state.alert },
    // replaced whole at every reading, never written into (followSmallStep)
    smallBefore: state.smallBefore,
    smallStep: state.smallStep && {
      ...state.smallStep,
      t: state.smallStep.t.slice(),
      w: state.smallStep.w.slice(),
    },
    normal: copyNormal(state.normal),
    taughtInForce: state.taughtInForce,
  }
  return copy
}

/** The candidate with its own readings (pushed into as it is followed); no spread of a temporary object. */
function copyCandidate(cand: Candidate): Candidate {
  const copy = { ...cand, recentW: cand.recentW.slice() }
  if (cand.recentTs) copy.recentTs = cand.recentTs.slice()
  return copy
}

/** The last `n` of `xs` with `x` after them, as one new array (`xs` is another state's, left intact). */
function keptWith(xs: readonly number[] | undefined, x: number, n: number): number[] {
  const next = xs === undefined ? [] : xs.slice(Math.max(0, xs.length - n + 1))
  next.push(x)
  return next
}

export function detectStrayWire(
  state: StrayWireState,
  input: StrayWireInput,
  params: StrayWireParams = DEFAULT_STRAY_WIRE_PARAMS,
): StrayWireResult {
  // late or duplicate readings (QoS 1 redelivery, buffered uploads) cannot move a per-minute detector back
  if (state.lastTs !== null && input.ts <= state.lastTs) return { state }
  if (!Number.isFinite(input.ts)) return { state }
  const seen = observe(input, params)
  if (!Number.isFinite(seen.unexplainedW)) return { state }

  const s = copyState(state)
  const lagSign = lagSignNow(s.lagSign, seen.ts, seen.unexplainedW, seen.harmonicVA, seen.reactiveVA)
  const obs: Observation = lagsForCertain(lagSign) ? { ...seen, lags: true } : seen
  const gapMin = s.lastTs === null ? 0 : (obs.ts - s.lastTs) / MIN
  if (gapMin > params.maxGapMin) {
    s.candidate = null
    // nor is an open alert's slide followed across it (as a candidate's): a stop beside it is judged from
    // readings a minute apart, and the readings after a silence start a slide of their own
    if (s.alert && (s.alert.recentW || s.alert.recentTs)) {
      s.alert.recentW = undefined
      s.alert.recentTs = undefined
    }
    // harmonic steps are measured between readings in a row, not across a silence
    s.normal.recentH = undefined
    // nor is how long a load held
    s.normal.watches = undefined
    s.normal.watchesBeforeBigW = undefined
  }

  if (s.baselineW === null) initBaseline(s, obs)
  // what arrived with the step left in its first minutes: nothing of the background left with it
  if (stepLeftAgain(s, obs)) s.candidate = null
  if (s.candidate || s.alert) followLightSteps(s, obs, params)
  let c = classify(obs, s.baselineW!, s.baselineH, params, s.baselineQ ?? 0)
  if (c.cls === 'big' && !s.prevBig && s.motorRiseTs !== undefined) {
    undoMotorRise(s)
    c = classify(obs, s.baselineW!, s.baselineH, params, s.baselineQ ?? 0)
  }

  // the big load still running, which a background that lost loads under it makes pass for two chargers
  if (!s.candidate && !s.alert && stillTheBigLoad(s, obs, c, params)) c = { ...c, cls: 'big' }

  let verdict: StrayWireVerdict | undefined
  // a candidate this reading drops still stood in the reading before it: that reading held it
  const tracked = s.candidate !== null || s.alert !== null
  const outlasted = followWatches(s, obs, c.cls === 'big', !s.alert, params.feedback?.taught)
  const p = taughtInForce(params, s, obs)
  const under = s.alert || outlasted ? undefined : arrivedUnderHeater(s, obs, p)
  if (s.alert) verdict = trackAlert(s, obs, c, p, input)
  else if (outlasted) verdict = raiseOutlasted(s, outlasted, obs, input, p)
  else if (under) {
    // a charger plugged in under a heater that went off since: the step seen on top of it, over what the
    // circuit holds now without it (what else came or went under the heater stays background)
    rebase(s, under.w, under.h, under.q)
    s.normal.episode = null
    begin(s, obs, under.step)
    s.candidate!.onsetTs = under.ts
  } else verdict = trackCandidate(s, obs, c, p, input)
  // the candidate a load stepped on top of was taken into the background: the new one is measured over it,
  // and this reading was no heater's or cleaner's
  // (or one of its compressors that started on top of the candidate was: this reading was no big load's)
  if (
    c.cls === 'big' &&
    obs.harmonicVA === null &&
    (s.candidate?.onsetTs === obs.ts ||
      (s.candidate !== null && s.normal.watches?.some((w) => w.onsetTs === obs.ts)))
  )
    c = classify(obs, s.baselineW!, s.baselineH, params, s.baselineQ ?? 0)

  // a step too small for a candidate that slid as a charger's taper (a top-up started low in its taper)
  const small = verdict
    ? undefined
    : followSmallStep(s, obs, p, confirmMinFor(s.smallStep?.pfc === true, obs.ts, p), gapMin)
  if (small) verdict = raiseSmallTaper(s, small, obs, input, p)
  // the evening of a load raised as a charger agrees with lights only where it ends as lights do
  // (stray-wire-circuit-normal.ts endedAsLights): the episode following that load is marked, not another
  const ep = s.normal.episode
  if (verdict?.kind === 'raise' && ep && Math.abs(ep.onsetTs - verdict.onsetTs) <= SAME_ONSET_MS)
    s.normal.episode = { ...ep, raised: true }
  // a candidate dropped for any other reason than its load leaving teaches nothing
  if (!s.candidate && !s.alert) s.normal.episode = null
  if (!s.candidate && !s.alert) s.beside = undefined
  if (obs.source === 'circuit')
    noteSteps(
      s.normal,
      obs.ts,
      obs.unexplainedW,
      obs.harmonicVA,
      s.prevW,
      params.utcOffsetMin,
      obs.reactiveVA,
    )
  s.lastTs = obs.ts
  if (c.cls === 'big') noteBigRun(s, obs, params, tracked || s.candidate !== null || s.alert !== null)
  followBigLevel(s, obs, c.cls === 'big', params)
  noteLampRise(s, obs, c)
  // the minute after a candidate's step may be the rest of its own (lampSwitchedNear): it does not stand for
  // a lamp switched, nor hide one switched before
  if (
    lampSwitched(s, obs, c) &&
    !(s.candidate && obs.ts > s.candidate.onsetTs && obs.ts - s.candidate.onsetTs <= NEXT_READING_MS)
  )
    s.lampMoveTs = obs.ts
  s.fallRun = s.prevW !== null && obs.unexplainedW < s.prevW - SLIDE_MIN_W ? (s.fallRun ?? 0) + 1 : 0
  noteHarmonicNoise(s, obs, c.cls === 'big', gapMin <= params.maxGapMin)
  s.prev2W = s.prevW
  s.prev2H = s.prevH
  s.prev2Q = s.prevQ
  if (c.cls === 'big' && !s.prevBig) s.bigSinceTs = obs.ts
  if (c.cls === 'big') s.bigMaxW = s.prevBig ? Math.max(s.bigMaxW ?? 0, c.excessW) : c.excessW
  if (c.cls === 'big') noteBigWaveform(s, obs, c)
  s.prev2Big = s.prevBig
  s.prevBig = c.cls === 'big'
  s.prevW = obs.unexplainedW
  s.prevH = obs.harmonicVA
  s.prevQ = obs.reactiveVA
  s.lagSign = lagSign
  return verdict ? { state: s, verdict } : { state: s }
}

/**
 * What crews taught, as it stands for this reading. By watts alone, a compressor a crew named is left to the
 * circuit's own compressors once they account for it (learnedCompressorsAccount): the crew's answer gave
 * its level once, over whatever ran beside it then; the circuit's own give theirs from many runs, matched
 * as closely as a run repeats, their run lengths timed, and two of them together not taken for a load
 * that arrived while one of them ran. Kept, a crew's dehumidifier took a charger of its size for a run and
 * it was raised four hours late or, unplugged before then, never (development circuit-mixed-basic
 * 18@01-17: a 350 W charger taken for the 360 W a crew answered, a dehumidifier's run and a fridge's
 * together, while the fridge ran). Where the meter reports PF and THD, their harmonic share tells the
 * loads apart. The signature stays the crew's (listed, undone as before); loads already taken for it are
 * followed as its runs.
 */
function taughtInForce(
  params: StrayWireParams,
  s: StrayWireState & { normal: CircuitNormal },
  obs: Observation,
): StrayWireParams {
  const fb = params.feedback
  if (!fb || obs.harmonicVA !== null) return params
  // it depends on nothing else: worked out again only when a crew's answer (new parameters) or the circuit's
  // signatures changed, not at every reading
  const { signatures } = s.normal
  const last = s.taughtInForce
  if (last && last.params === params && last.signatures === signatures) return last.inForce
  const taught = fb.taught.filter(
    (x) => x.kind !== 'compressor' || !learnedCompressorsAccount(s.normal, x, fb.forget),
  )
  const inForce = taught.length === fb.taught.length ? params : { ...params, feedback: { ...fb, taught } }
  s.taughtInForce = { params, signatures, inForce, toJSON: inMemoryOnly }
  return inForce
}

/** JSON.stringify leaves out a field whose toJSON gives undefined. */
const inMemoryOnly = (): undefined => undefined

/**
 * An excess past one charger's largest that passes for two chargers by its harmonic share, in the reading
 * after one that held a heater's or cleaner's watts over the background, and within a cleaner motor's
 * swing of it: that big load still running, not two chargers left as it went off (a heater or cleaner
 * going off takes its whole watts, 800 W and up). Its harmonic share over the background rises where
 * loads of the background stopped under it (a compressor takes its watts and little harmonic current):
 * development circuit-mixed-stray 110@01-29, a 1,100 W cleaner over a background left 400 W too high by a
 * dehumidifier and a fridge that stopped under it, raised as 735 W of chargers.
 */
function stillTheBigLoad(
  s: StrayWireState,
  obs: Observation,
  c: Classified,
  params: StrayWireParams,
): boolean {
  if (c.cls !== 'charger' || c.excessW <= params.maxChargerW || !s.prevBig || s.prevW === null) return false
  // the reading before held a heater's or cleaner's watts: not a charger and a compressor together,
  // which pass for a big load and for two chargers by turns as their harmonic share moves
  if (s.prevW - s.baselineW! < MIN_MASKING_LOAD_W) return false
  return Math.abs(obs.unexplainedW - s.prevW) <= BIG_SWING_SHARE * s.prevW
}

/** A cleaner's motor swings by ±12 % from minute to minute; with the meter's margin. */
const BIG_SWING_SHARE = 0.15

/**
 * Where the meter reports PF and THD, the circuit moved by a lamp's watts from one minute to the next, with
 * no heater or cleaner in either minute: a lamp switched.
 */
function lampSwitched(s: StrayWireState, obs: Observation, c: Classified): boolean {
  if (obs.source !== 'circuit' || obs.harmonicVA === null) return false
  if (c.cls === 'big' || s.prevBig || s.prevW === null) return false
  const d = Math.abs(obs.unexplainedW - s.prevW)
  return d >= LAMP_MOVE_MIN_W && d <= LAMP_MOVE_MAX_W
}

/**
 * A lamp switched in the minutes a motion lamp burns for before the candidate's step (it may have gone
 * off, or another come on, in the step's minute) or since (its level may hold one), but for the minute
 * after the step, which may be the rest of its own on an averaging meter.
 */
function lampSwitchedNear(s: StrayWireState, cand: Candidate): boolean {
  const ts = s.lampMoveTs
  if (ts === undefined || ts < cand.onsetTs - LAMP_TRIGGER_MS) return false
  return ts <= cand.onsetTs || ts > cand.onsetTs + NEXT_READING_MS
}

/**
 * How long after its step a level of a compressor and one of the circuit's lamps is held back before it is
 * raised: a motion lamp's burst (1–4 min a trigger, retriggered a few times) and the minute its fall takes.
 */
const LAMP_HOLD_MS = 9 * MIN

/** A motion lamp burns 1–4 min per trigger (domain.md): one switched longer ago than this is off again. */
const LAMP_TRIGGER_MS = 5 * MIN

/**
 * Watts only, with nothing followed: the circuit rose by a lamp's watts (two rises in a row on an
 * averaging meter's partial minute), or that lamp went off again. A load stepping on minutes after it is
 * measured over a background that holds the lamp (stray-wire-evidence.ts keeps it with the candidate).
 */
function noteLampRise(s: StrayWireState, obs: Observation, c: Classified): void {
  if (obs.source !== 'circuit' || obs.harmonicVA !== null || s.candidate || s.alert) return
  if (s.prevW === null || s.prevBig || c.cls === 'big') return
  const d = obs.unexplainedW - s.prevW
  const last = s.lampRise
  if (d >= LAMP_MOVE_MIN_W && d <= LAMP_MOVE_MAX_W) {
    // the rise in the reading before (device clocks stamp readings a few ms off the minute)
    const partial = last !== undefined && obs.ts - last.ts <= NEXT_READING_MS && last.w + d <= LAMP_MOVE_MAX_W
    s.lampRise = { w: Math.round((partial ? last.w + d : d) * 10) / 10, ts: obs.ts }
  } else if (last && Math.abs(d + last.w) <= Math.max(LAMP_MOVE_MIN_W, 0.3 * last.w)) {
    // lit and off again within a motion lamp's burst: one of the circuit's lamps, by its size
    if (obs.ts - last.ts <= LAMP_BURST_MS) s.lampSizes = withLampSize(s.lampSizes, (last.w - d) / 2)
    s.lampRise = undefined
  }
}

/**
 * Watts only: the circuit's whole draw now is what one of its learned compressors draws alone: the
 * background went (lights off at dawn) as the compressor started, and the level over it is the
 * difference, a charger's size. A run just started draws at most a little over its learned level (the
 * mean of its steps on and off: it creeps up over the run), and as much as 8 % under it. Taken so
 *  - where the load was found as a heater or cleaner stopped: measured over the background from before it
 *    (development circuit-mixed-basic 17@01-14: LED banks 55 W off and the dehumidifier, 210 W, on under a
 *    heater; 152 W raised);
 *  - in plain view, where its step was that compressor's too (within 8 %) and the background went in the
 *    minutes after it (138@01-20: the dehumidifier's 201 W step, LED banks of 76 W off two minutes later,
 *    more than a lamp's watts and before the step had held three readings; 125 W raised). A charger of
 *    the compressor's size whose step was seen is followed as its run in any case (by its step).
 * The cost: a charger of the compressor's size less the background, plugged in under a heater while the
 * background stays, is followed as that compressor's run, raised once it outlasts its runs.
 */
function compressorAlone(
  s: StrayWireState,
  obs: Observation,
  cand: Candidate,
  levelW: number,
  params: StrayWireParams,
): LoadSignature | undefined {
  if (!(s.baselineW! > 0)) return undefined
  const hidden = cand.onsetTs !== cand.firstTs
  if (!hidden && cand.stepW === undefined) return undefined
  const totalW = levelW + s.baselineW!
  const run = matchSignature(
    s.normal!,
    obs.ts,
    totalW,
    null,
    params.utcOffsetMin,
    params.feedback,
    undefined,
    cand.onsetTs,
    ALONE_BELOW_SHARE,
  )
  if (run?.kind !== 'compressor' || run.source !== 'learned') return undefined
  if (totalW > (1 + ALONE_ABOVE_SHARE) * run.levelW) return undefined
  return hidden || nearLevel(cand.stepW!, run.levelW, ALONE_BELOW_SHARE) ? run : undefined
}

/**
 * A followed run is the one a pending step-up stands for: of its size, and stepped on in the minutes
 * around when it was taken for the compressor (the step settles a reading or two after the candidate's
 * onset; an averaging meter's partial minute is one more).
 */
const sameRun = (w: RunWatch, p: PendingStep): boolean =>
  w.harmonicVA === null && near(p.w, w.levelW) && Math.abs(p.ts - w.onsetTs) <= SAME_RUN_MS

const SAME_RUN_MS = 4 * MIN

/**
 * A step's level that held flat through its last readings and stands there still: lamps and LED banks
 * hold their watts, where a charger's taper falls 3-16 % a minute (at least a few W a minute at the
 * least step's size) and a charger unplugged falls by its whole level.
 */
function heldFlat(recentW: readonly number[], nowW: number): boolean {
  const last = recentW.slice(-TAPER_READINGS)
  if (last.length < TAPER_READINGS) return false
  const top = Math.max(...last, nowW)
  const bottom = Math.min(...last, nowW)
  return top - bottom <= Math.max(FLAT_BAND_W, FLAT_BAND_SHARE * top)
}

/** How far a held level's readings spread (a circuit meter's noise at a lamp's watts). */
const FLAT_BAND_W = 5
const FLAT_BAND_SHARE = 0.05

function trackCandidate(
  s: StrayWireState,
  obs: Observation,
  c0: Classified,
  params: StrayWireParams,
  input: StrayWireInput,
): StrayWireVerdict | undefined {
  const cand = s.candidate
  let c = c0
  if (cand && backFromBigLoadEdge(s, cand, obs)) {
    // the candidate was the big load's last minute: what stands now is what stood before it
    s.candidate = null
    s.normal!.episode = null
    s.baselineW = obs.unexplainedW
    setBackgroundWaveform(s, obs)
    return undefined
  }
  const leftH = cand ? leftUnderCharger(s, cand, c, obs) : null
  if (cand && leftH !== null) {
    // another load left under the charger (a compressor stopping): its watts went, the charger's
    // harmonic current did not (it adds across loads). The background is what is left without it.
    s.baselineW = obs.unexplainedW - cand.recentW[cand.recentW.length - 1]!
    s.baselineH = Math.max(0, s.baselineH - leftH)
    if (obs.reactiveVA !== null && s.prevQ !== null && s.prevQ !== undefined)
      s.baselineQ = Math.max(0, (s.baselineQ ?? 0) + obs.reactiveVA - s.prevQ)
    c = classify(obs, s.baselineW, s.baselineH, params, s.baselineQ ?? 0)
  }
  // watts only, one of the circuit's compressors started or stopped beside a charger sliding down its taper:
  // the background moved by the motor's watts, the charger slides on beneath it
  const beside = cand && leftH === null ? compressorStepBesideTaper(s, cand, obs, params) : undefined
  if (cand && beside) {
    if (beside.movedW >= params.minStepW) {
      // a start of a charger's size is followed as that compressor's run, as one started over a candidate
      // is: a charger of the compressor's watts plugged in beside the slide holds past its runs and is
      // raised then, where taken into the background unwatched it stayed there for its whole charge
      // (measured over the background without the slide, which goes on falling under it). A smaller step
      // is no charger's constant current: lights of a small fridge's watts (10-60 W) coming on beside the
      // slide would outlast its runs and be raised
      noteMatch(s.normal!, beside.run, obs.ts, obs.ts)
      watchRun(s, beside.run, { ...cand, onsetTs: obs.ts, harmonicVA: null }, beside.movedW)
      s.beside = [...(s.beside ?? []), { w: beside.movedW, h: null, q: null }].slice(-BESIDE_KEPT)
    }
    s.baselineW = s.baselineW! + beside.movedW
    c = classify(obs, s.baselineW, s.baselineH, params, s.baselineQ ?? 0)
    if (beside.movedW < 0) cand.stopBeside = { ts: obs.ts, w: -beside.movedW, levelW: c.excessW }
  } else if (cand?.stopBeside && c.cls !== 'big') {
    // the charger, unplugged at the compressor's watts, fell as the compressor stopping would: the slide
    // not going on beneath says which it was, and the compressor is in the background again
    const stop = cand.stopBeside
    const left = chargerLeftAsStop(stop, obs.ts, c.excessW)
    cand.stopBeside = left === undefined ? stopSeen(stop, c.excessW) : undefined
    if (left) {
      s.baselineW = s.baselineW! + stop.w
      c = classify(obs, s.baselineW, s.baselineH, params, s.baselineQ ?? 0)
    }
  }
  // a charger plugged into a nearly full pack slides down its taper from its first minute, below the least
  // step a charger makes: the taper going on is still the charger
  let judgedLater = false
  if (cand && c.cls === 'other' && continuesTaper(cand, c, params, obs.ts)) {
    judgedLater = seenAgainTooFew(cand)
    c = { ...c, cls: 'charger', ...(cand.pfc ? { pfc: true } : {}) }
  }
  // a charger-sized step on top of a candidate takes the excess past a charger's largest: one more load
  // beside it, not a heater or cleaner (their whole step alone is bigger; a partial first minute of one
  // is followed by its whole step, which is no charger's)
  const onTop =
    c.cls === 'charger' ||
    (c.cls === 'big' && s.prevW !== null && obs.unexplainedW - s.prevW <= params.maxChargerW)
  const before = cand && onTop ? knownBeforeStepUp(s, cand, obs, params) : undefined
  if (cand && before) {
    // watts only: a load of a compressor's size stepped up on top of the candidate, which is one of the
    // circuit's known loads by its own step. That one is background now (followed to its end); the new
    // step is a candidate of its own, over the reading before it
    noteMatch(s.normal!, before, obs.ts, cand.onsetTs)
    watchRun(s, before, cand, cand.stepW!)
    s.baselineW = s.prevW!
    s.normal!.episode = null
    s.candidate = null
    c = classify(obs, s.baselineW, s.baselineH, params, s.baselineQ ?? 0)
    if (c.cls === 'charger') {
      begin(s, obs, c)
    }
    return undefined
  }
  const started = cand && !before && c.cls === 'big' ? compressorStartedOver(s, cand, obs, params) : undefined
  if (cand && started) {
    // watts only: one of the circuit's compressors started on top of the candidate (the two together past a
    // charger's largest, the step itself a charger's size, which no heater's or cleaner's whole step is).
    // It is background now, followed as its run; the candidate stands on over it
    noteMatch(s.normal!, started.sig, obs.ts, obs.ts)
    const backgroundW = s.baselineW!
    s.baselineW = s.prevW!
    watchRun(s, started.sig, { ...cand, onsetTs: obs.ts, harmonicVA: null }, started.stepW)
    s.baselineW = backgroundW + started.stepW
    s.beside = [...(s.beside ?? []), { w: started.stepW, h: null, q: null }].slice(-BESIDE_KEPT)
    c = classify(obs, s.baselineW, s.baselineH, params, s.baselineQ ?? 0)
  }
  if (!cand && (c.cls === 'quiet' || c.cls === 'other') && chargerSwappedIn(s, obs, c, params)) {
    // a load left as a rectifier arrived: watts barely moved, harmonic current did (domain.md: it adds
    // across loads). The background is what stood without the load that left.
    c = classify(obs, s.baselineW!, s.baselineH, params, s.baselineQ ?? 0)
    begin(s, obs, c)
    return undefined
  }
  if (!cand && (c.cls === 'quiet' || c.cls === 'other')) {
    const swap = pfcSwappedIn(s, obs, params)
    if (swap) {
      rebase(s, swap.w, swap.h, swap.q)
      begin(s, obs, classify(obs, s.baselineW!, s.baselineH, params, s.baselineQ ?? 0))
      return undefined
    }
  }
  if (!cand) {
    // judged before the background takes this reading in: the level the step stood on may be taken with it
    const overUntaken = pfcStepOverUntaken(s, obs, c, params)
    // one of the circuit's compressors started and an active-PFC charger arrived with it, in plain view (no
    // charger's step as a whole: a motor's reactive current in it, or the two past a charger's largest,
    // short of any heater's or cleaner's)
    const inView =
      c.cls === 'other' || (c.cls === 'big' && c.excessW < MIN_MASKING_LOAD_W)
        ? startBesideChargerInView(s, obs, params)
        : undefined
    updateBaseline(s, obs, c, params)
    // the day profile's reactive VA must be the background's, as its watts are. A reading that is the
    // background as it now stands (within the quiet margin of its watts: quiet, or a level just taken
    // into it) has the background's reactive VA, measured. One with a load on top that the background
    // leaves out (a compressor's first minutes, before it is taken in) holds that motor's lagging
    // current, which the watts learned do not: it teaches the bin no var. (Not the background's tracked
    // var: where a followed compressor is taken into the background, its watts move at once and its var
    // only as quiet readings pull it, so that would trail the watts.)
    if (c.cls !== 'big' && c.cls !== 'charger')
      learnBackground(
        s.normal!,
        obs.ts,
        s.baselineW!,
        s.baselineH,
        params.utcOffsetMin,
        Math.abs(obs.unexplainedW - s.baselineW!) < params.quietW ? obs.reactiveVA : null,
      )
    const unseen = partOfBigLoad(s, obs, c)
    if (c.cls === 'charger' && levelOutlastedBigLoad(s, obs)) {
      // the same level before and after a heater or cleaner is what stood there all along (lights that
      // came on without a step we could trust), not a charger plugged in under it
      s.baselineW = obs.unexplainedW
      setBackgroundWaveform(s, obs)
      return undefined
    }
    const under = chargerUnderBigLoad(s, obs, c, params)
    if (under) {
      // the background was not what stood before the big load came on (lights that switched on
      // between its runs): the charger is the step over the reading before it
      rebase(s, s.preBigW!, s.preBigH!, s.preBigQ)
      begin(s, obs, under)
      return undefined
    }
    if (c.cls === 'charger' && sawStep(s, obs, params, c.pfc === true) && !unseen) {
      begin(s, obs, c)
      // it came on with the heater that just went off, its harmonic current there all along: followed from
      // its onset as under that heater, and this reading one more of its own
      const carried = carriedByHeaterRun(s, s.candidate!, obs, params)
      if (carried === 0) return undefined
      followedUnder(s.candidate!, carried)
      return trackCandidate(s, obs, c, params, input)
    }
    // one of the circuit's compressors and a rectifier charger came on under a heater or cleaner: what
    // stood before it and the compressor are the background, the charger is the step over them
    const beside =
      c.cls === 'other' && s.prevBig
        ? chargerBesideRun(s.normal!, arrivedUnderBigLoad(s, obs), params, s.bigSinceTs)
        : undefined
    if (beside) {
      rebase(s, s.preBigW! + beside.w, s.preBigH! + beside.h, s.preBigQ! + beside.q)
      begin(s, obs, classify(obs, s.baselineW!, s.baselineH, params, s.baselineQ ?? 0))
      if (beside.pfc) s.candidate!.besideRun = true
      return undefined
    }
    if (inView) {
      // the compressor is background (its run followed as any), the charger the step over it
      rebase(s, inView.w, inView.h, inView.q)
      begin(s, obs, classify(obs, s.baselineW!, s.baselineH, params, s.baselineQ ?? 0))
      s.candidate!.besideRun = true
      return undefined
    }
    const onHeater = chargerStepOnHeater(s, obs, c, params)
    if (onHeater) {
      // a rectifier plugged in under a running heater: its step shows on top of the element's steady
      // watts, its harmonic current beside the element's little. The heater stays what it was (a big load
      // over the background); the charger is followed under it by its harmonic current
      startCandidate(s, obs, onHeater)
      const cand = s.candidate!
      cand.onsetTs = obs.ts
      cand.underHeater = {
        w: Math.round((s.prevW! - s.baselineW!) * 10) / 10,
        h: Math.round(Math.max(0, s.prevH! - s.baselineH) * 10) / 10,
        ...(obs.reactiveVA === null
          ? {}
          : { q: Math.round((obs.reactiveVA - (s.baselineQ ?? 0)) * 10) / 10 }),
      }
      startEpisode(s.normal!, cand.onsetTs, onHeater.excessW, ratioOf(onHeater))
      return undefined
    }
    const underCleaner = chargerStepUnderCleaner(s, obs, c, params)
    if (underCleaner) {
      // a rectifier plugged in under a cleaner's motor: its harmonic current over the motor's own share,
      // its watts read against the motor's mean. The cleaner stays what it was (a big load over the
      // background); the charger is followed under it by its harmonic current, from the step's first reading
      const { w, h, onsetTs } = underCleaner
      startCandidate(s, obs, { cls: 'charger', excessW: w, excessVA: h })
      s.candidate!.onsetTs = onsetTs
      startEpisode(s.normal!, onsetTs, w, h / w)
      return undefined
    }
    const step = chargerStepFromLast(s, obs, c, params)
    if (step) {
      // the background had not caught up with a load that came on just before (a fridge as a heater
      // went off): the charger is the step, over what the circuit drew the minute before it
      rebase(s, s.prevW!, s.prevH!, s.prevQ)
      begin(s, obs, step)
    } else if (overUntaken) {
      // an active-PFC charger plugged in on top of a compressor's first minutes: the compressor is background
      rebase(s, overUntaken.w, overUntaken.h, overUntaken.q)
      begin(s, obs, overUntaken.step)
    }
    return undefined
  }
  // seen with no big load over it, the heater it plugged in under went off: one that comes on later is
  // judged as any big load (its watts are not that heater's)
  if (c.cls !== 'big' && cand.underHeater) delete cand.underHeater
  // the rest of its step, split by an averaging meter, arrived on top of the heater: its level is the whole
  const rest = restOfStepOnHeater(cand, obs, c, params)
  if (rest) {
    const w = Math.round(rest.w * 10) / 10
    cand.minW = cand.maxW = cand.stepW = w
    cand.recentW = [w]
    cand.recentTs = undefined
    cand.harmonicVA = rest.h
  }
  // a cleaner or heater on top hides the charger's watts, not its harmonic current: a heater adds
  // almost none, so the candidate's own harmonic VA still showing through counts for it
  // (under the heater it plugged in under, measured before it: followed down its taper by its harmonic current)
  const reactiveOverQ = obs.reactiveVA === null ? null : obs.reactiveVA - (s.baselineQ ?? 0)
  const heaterRest =
    c.cls === 'big' && cand.underHeater ? chargerRestUnderHeater(cand, c, reactiveOverQ) : undefined
  const hidden =
    c.cls === 'big' &&
    (cand.underHeater
      ? heaterRest !== undefined && chargerUnderHeaterShows(cand, heaterRest, obs.ts)
      : hiddenChargerShows(cand, c, bigWaveformAt(s, obs.ts), s.baselineW!, s.baselineH))
  if (hidden && heaterRest !== undefined) followChargerUnderHeater(cand, heaterRest, obs.ts)
  if (c.cls === 'big') cand.bigReadings += 1
  // a heater's element over a candidate seen in view (what the big load added carries no motor's current)
  const element = elementOverCandidate(s, cand, obs, c)
  if (c.cls === 'big' && !hidden) {
    // the minute next to a big load's edge may be partial: the level is the one before it
    const since = cand.sinceBig ?? 0
    if (since > 0) cand.levelBeforeBigW = since >= 3 ? (cand.recentW[cand.recentW.length - 2] ?? null) : null
    cand.sinceBig = 0
  }
  if (c.cls === 'big' && !hidden) {
    // a heater's element over a rectifier whose harmonic current stays: kept across the run
    if (rectifierStaysUnderElement(cand, obs, element, params)) return undefined
    if (looksLikeMotor(s, obs, c)) cand.motorReadings += 1
    cand.burstReadings = (cand.burstReadings ?? 0) + 1
    // a charger-sized reading next to a working cleaner is a partial minute or a pause of the cleaner,
    // unless it carried a rectifier's harmonic current, which neither does
    if (cand.motorReadings >= 2 && !settledBeforeBig(cand, obs) && !rectifierInPauses(s, cand, obs)) {
      s.candidate = null
      if (element) keepBackgroundUnderElement(s)
    }
    return undefined
  }
  // seen again at its level after the bursts it was kept under: it ran through them
  if (c.cls !== 'big') bridgeBursts(s, cand, obs, c)
  // watts only, on a circuit (no port meters to skew against), a charger in CC never falls out of its
  // range; lights flickering (two motion-sensor banks together pass for a small charger) and a
  // heater's partial minutes at its thermostat edges do. What is left is background again.
  if (obs.source === 'circuit' && obs.harmonicVA === null && (c.cls === 'quiet' || c.cls === 'other')) {
    s.candidate = null
    // the level the step brought held, flat, and only crossed the least charger step by meter noise: lights
    // of that size, and the background holds them now. Left to updateBaseline, a level straddling that
    // border stood over the background for good: its readings as 'other' take it only three in a row, as
    // 'charger' only after half an hour, and each resets the other's count
    if (c.cls === 'other' && heldFlat(cand.recentW, c.excessW)) {
      s.baselineW = obs.unexplainedW
      s.otherRun = 0
      s.orphanRun = 0
      return undefined
    }
    updateBaseline(s, obs, c, params)
    return undefined
  }
  if (c.cls === 'charger' && partOfBigLoad(s, obs, c)) {
    s.candidate = null
    return undefined
  }
  cand.readings += 1
  if (smallSteadyLevel(s, cand, obs, c, params)) {
    // lights that came on with a lamp beside them (its watts made a charger's step, the banks' harmonic
    // current a rectifier's share) and stayed when the lamp went: no charger is that small and that flat
    s.candidate = null
    rebase(s, obs.unexplainedW, obs.harmonicVA!, obs.reactiveVA)
    return undefined
  }
  if (c.cls === 'quiet') {
    cand.quietRun += 1
    if (cand.quietRun >= params.quietResetReadings) {
      s.candidate = null
      endEpisode(s.normal!, obs.ts - params.quietResetReadings * MIN, params.utcOffsetMin)
      updateBaseline(s, obs, c, params)
    }
    return undefined
  }
  cand.quietRun = 0
  if (c.cls !== 'charger' && !hidden) {
    // a step that has looked like no charger for three confirmation periods (the night's, 18 min: a
    // charger is confirmed in less) and carries no rectifier's harmonic current now is some other load (a
    // motor, by its reactive current): the background takes it, as it takes any load that is not
    // charger-shaped. Tracked on, it kept the background without it, and a charger plugged in beside it
    // later was measured against a level too low. Hidden readings count as the charger's.
    if (
      c.cls === 'other' &&
      c.excessVA !== null &&
      c.excessVA < params.minHarmonicRatio * c.excessW &&
      cand.readings - cand.chargerReadings > 3 * params.confirmNightMin
    ) {
      s.candidate = null
      s.normal!.episode = null
      s.baselineW = obs.unexplainedW
      setBackgroundWaveform(s, obs)
    }
    return undefined
  }
  cand.chargerReadings += 1
  cand.sinceBig = (cand.sinceBig ?? 0) + 1
  // a hidden reading stands for the charger continuing at its last seen level
  const levelW = hidden ? (cand.recentW[cand.recentW.length - 1] ?? c.excessW) : c.excessW
  cand.recentW.push(Math.round(levelW * 10) / 10)
  if (cand.recentW.length > RECENT_READINGS) cand.recentW.shift()
  cand.recentTs ??= []
  cand.recentTs.push(obs.ts)
  if (cand.recentTs.length > cand.recentW.length) cand.recentTs.shift()
  if (hidden) {
    cand.hiddenReadings += 1
    cand.hiddenTs = keptWith(cand.hiddenTs, obs.ts, RECENT_READINGS)
  } else {
    followEpisode(s.normal!, c.excessW, c.excessVA)
    cand.minW = Math.min(cand.minW, c.excessW)
    cand.maxW = Math.max(cand.maxW, c.excessW)
    if (c.excessVA !== null && cand.harmonicVA !== null)
      cand.harmonicVA += 0.3 * (c.excessVA - cand.harmonicVA)
    followLagging(s, cand, obs, c.excessW)
  }
  if (!hidden && cand.sinceBig === 3) noteBridge(cand, c)
  // a slide seen again past a heater's hidden minutes is counted, not judged, until readings in view after
  // it fell too: the readings the heater hid hold the level last seen, steady as a plateau's, and a bank
  // switched off under the heater falls once across them and holds (stray-wire-evidence.ts seenAgainTooFew)
  if (judgedLater) return undefined

  const hour = localHour(obs.ts, params.utcOffsetMin)
  const confirmMin = confirmMinFor(cand.pfc === true, obs.ts, params)
  const heldMin = (obs.ts - cand.onsetTs) / MIN
  // most of the unmasked readings must be charger-shaped, not a flicker that crossed the step once
  const enough = cand.chargerReadings >= Math.max(3, Math.ceil(0.6 * cand.readings))
  const held = heldMin >= confirmMin - 1
  // started in its taper (a top-up), it slides where a plateau holds
  const tapering = slidesAsTaper(cand.recentW)
  const normal =
    held && enough && (levelHolds(cand, heldMin, confirmMin) || tapering) && clearOfMotor(cand, obs)
  // a level that came back unchanged after a heater's on-phase was there all along; a motor's partial
  // minutes repeat their fraction too, so not after a cleaner. One swing is no motor: it is the
  // charger's own step when it plugged in under the heater.
  const bridged = held && (cand.bridges ?? 0) >= 1 && cand.motorReadings <= 1 && cand.chargerReadings >= 4
  if (!normal && !bridged) {
    // watched for three confirmation periods and still undecided: give up on this step. Without THD
    // it was most likely the background creeping (shed residual); a distorted load is never taken
    // for background, it stays visible to the next step.
    if (cand.readings - cand.hiddenReadings > 3 * confirmMin) {
      s.candidate = null
      if (obs.harmonicVA === null) s.baselineW = obs.unexplainedW
    }
    return undefined
  }

  // what this circuit does every day (its lights at dusk, its compressor's runs) is no charger; one of its
  // compressors running since before this load arrived is not this load starting (one motor, one run)
  const plateauW = median(cand.recentW)
  const hRatio = cand.harmonicVA === null ? null : cand.harmonicVA / plateauW
  const feedback = besideRunning(s, cand, params.feedback)
  let known =
    hRatio === null
      ? compressorByWatts(
          s.normal!,
          obs.ts,
          cand,
          plateauW,
          params.utcOffsetMin,
          feedback,
          obs.harmonicVA === null ? undefined : s.baselineH,
        )
      : matchSignature(
          s.normal!,
          obs.ts,
          plateauW,
          hRatio,
          params.utcOffsetMin,
          feedback,
          obs.harmonicVA === null ? undefined : s.baselineH,
          cand.onsetTs,
        )
  // the level now (the plateau's first minutes may hold a compressor that stopped since)
  const nowW = median(cand.recentW.slice(-3))
  if (!known && hRatio === null && obs.source === 'circuit')
    known = compressorAlone(s, obs, cand, nowW, { ...params, feedback })
  // watts only, a plateau moved by a lamp's steps and back at the load's own step, risen by a lamp's
  // watts in the minute after it and flat since, or only fallen since its step, by lamps' steps, to a
  // level that held: a lamp switched beside it in its first minutes (a rise in the minute after a step
  // may be the rest of it, so it is not followed), or lamps of the background going off (at dawn).
  // Its own level is its step. (Matching the step wherever the level stayed away from it cost 8 sessions
  // for 27 false alerts on the development set: a fall in the minutes after the step may be the rest of
  // what came with it.)
  const byStep =
    known ||
    hRatio !== null ||
    cand.stepW === undefined ||
    !movedByLamps(cand.recentW) ||
    !(near(nowW, cand.stepW) || lampAfterStep(cand.recentW) || lampsOffAfterStep(cand))
      ? undefined
      : matchSignature(
          s.normal!,
          obs.ts,
          cand.stepW,
          null,
          params.utcOffsetMin,
          feedback,
          undefined,
          cand.onsetTs,
        )
  // watts only, the step held, is none of the circuit's loads, and then fell by one lamp's watts: a lamp
  // that came on with the load went off again, and what stands since may be one of its compressors' runs
  const lampLeft =
    known || byStep || hRatio !== null
      ? undefined
      : compressorAfterLampLeft(s.normal!, obs.ts, cand, params.utcOffsetMin, feedback)
  // watts only, found as a heater or cleaner went off: one of its compressors started under it, over lights
  // that stood before it came on
  const overStanding =
    known || byStep || lampLeft || hRatio !== null
      ? undefined
      : compressorOverStandingBeforeBig(s.normal!, obs.ts, cand, plateauW, params.utcOffsetMin, feedback)
  // watts only, found as a heater went off: one of its compressors started under it, seen as its step
  const stepUnder =
    known || byStep || lampLeft || overStanding || hRatio !== null || obs.source !== 'circuit'
      ? undefined
      : compressorStepUnderHeater(s.normal!, obs.ts, cand, plateauW, params.utcOffsetMin, feedback)
  const usual =
    matchesDayProfile(
      s.normal!,
      obs.ts,
      obs.unexplainedW,
      obs.harmonicVA,
      params.utcOffsetMin,
      obs.reactiveVA,
    ) ||
    arrivesDailyAsHarmonics(
      s.normal!,
      cand.onsetTs,
      cand.firstTs,
      plateauW,
      cand.harmonicVA,
      s.baselineH,
      params.utcOffsetMin,
    )
  // watts only, a steady level within 12 % of one of the circuit's compressors but not within the 8 % its
  // runs are matched at is still taken for that compressor's run where the day profile says this circuit
  // draws it at this hour every day, as every level within 12 % was before: followed as the run, it is
  // raised should it outlast the compressor's longest (stray-wire-outlasted.ts). Taken into the
  // background by the day profile alone, it would never be raised
  if (!known && usual && hRatio === null)
    known = matchSignature(
      s.normal!,
      obs.ts,
      plateauW,
      null,
      params.utcOffsetMin,
      feedback,
      undefined,
      cand.onsetTs,
    )
  // where the meter shows it, a load that drew no motor's reactive current (showedNoMotor, below) is no two
  // of the circuit's compressors starting, and one starting as the other stopped only where the difference
  // of their reactive VA is as little as its own (where its own was read: over LED banks that may lead only
  // the most it can be is known, and a pair is judged by watts and harmonic VA as before)
  const noMotor = hRatio !== null && showedNoMotor(cand, plateauW)
  const ownQPerW = noMotor ? ownVarPerW(cand) : undefined
  const swapQPerW = hRatio === null ? undefined : swapVarPerW(cand)
  const mostQPerW = hRatio === null ? undefined : mostVarPerW(cand)
  // watts only, a compressor whose run is followed stands in the background: it is not one of two arriving
  const twoRuns = explainedByKnownLoads(s.normal!, nowW, cand.harmonicVA, s.baselineW!, {
    feedback: params.feedback,
    followed: hRatio === null ? s.normal!.watches : undefined,
    arrivedTs: cand.onsetTs,
    noMotorQ: ownQPerW === undefined ? undefined : ownQPerW * nowW,
    swapQ: swapQPerW === undefined ? undefined : swapQPerW * nowW,
    noiseH: harmonicNoiseVA(s),
    mostQ: mostQPerW === undefined ? undefined : mostQPerW * nowW,
  })
  const withLights = twoRuns
    ? undefined
    : compressorWithLights(
        s.normal!,
        obs.ts,
        nowW,
        cand.harmonicVA,
        s.baselineH,
        params.utcOffsetMin,
        cand.onsetTs,
        params.feedback,
      )
  const lightsBy =
    twoRuns || withLights || hRatio !== null || obs.source !== 'circuit'
      ? undefined
      : compressorWithLightsByWatts(
          s.normal!,
          obs.ts,
          nowW,
          params.utcOffsetMin,
          cand.onsetTs,
          params.feedback,
        )
  // watts only, one of its compressors starting as its evening lights come on, lights it never learned
  // as a load: its floor rises by about as much at this hour every evening (compressorAtFloorRise)
  const atRise =
    twoRuns || withLights || lightsBy || hRatio !== null || obs.source !== 'circuit'
      ? undefined
      : compressorAtFloorRise(
          s.normal!,
          nowW,
          s.baselineW!,
          params.utcOffsetMin,
          cand.onsetTs,
          params.minStepW,
          cand.onsetTs === cand.firstTs,
          params.feedback,
        )
  // watts only, one of its compressors starting as one of its own motion lamps lit in the same minute: the
  // step is the two together (compressorBesideLamp), told from a charger of their size only once the lamp
  // goes off (below)
  const besideLamp =
    known ||
    byStep ||
    lampLeft ||
    overStanding ||
    stepUnder ||
    twoRuns ||
    withLights ||
    lightsBy ||
    atRise ||
    hidden ||
    hRatio !== null ||
    obs.source !== 'circuit'
      ? undefined
      : compressorBesideLamp(
          s.normal!,
          obs.ts,
          cand,
          nowW,
          knownLamps(s.lampSizes),
          s.baselineW!,
          params.utcOffsetMin,
          feedback,
        )
  // an active-PFC charger told from the compressor beside it by that one's reactive current: what is left
  // is no run of the circuit's compressors, alone or with lights (by watts it may be any)
  if (cand.besideRun && known?.kind === 'compressor') known = undefined
  // nor is a load that drew no motor's reactive current where the meter shows it one of its compressors
  // run alone (an active-PFC charger of a compressor's size, or one learned as a compressor from an earlier
  // session unplugged in CC); a crew's answer stands
  if (noMotor && known?.kind === 'compressor' && known.source === 'learned') known = undefined
  // nor one whose own reactive current, where the meter shows it, fell short of that compressor's motor's
  if (hRatio !== null && known && (shortOfMotor(cand, known) || shortOfMotorOverBanks(cand, known)))
    known = undefined
  // over LED drivers' leading current an undistorted step that read as an active-PFC input may be one of
  // its compressors with a lamp switched beside it: its unsigned |Q| tells nothing there
  if (!known && !noMotor && cand.pfc && !cand.besideRun && hRatio !== null && lampSwitchedNear(s, cand))
    known = compressorWithLampOverLeading(
      s.normal!,
      plateauW,
      cand.harmonicVA,
      obs.reactiveVA,
      { w: s.baselineW!, h: s.baselineH, q: s.baselineQ },
      feedback,
    )
  // where the meter shows it, a level read as a rectifier's that is one of its compressors with lamps
  // beside it too small for a charger (LED banks it has not learned yet, their harmonic current a
  // rectifier's share of the two's watts), the motor's lagging current read over a background that lagged
  const withLamps =
    twoRuns ||
    withLights ||
    lightsBy ||
    atRise ||
    hidden ||
    hRatio === null ||
    hRatio < params.minHarmonicRatio
      ? undefined
      : compressorWithLamps(
          s.normal!,
          nowW,
          cand.harmonicVA,
          obs.reactiveVA,
          { w: s.baselineW!, h: s.baselineH, q: s.baselineQ },
          params,
        )
  const pair =
    !cand.besideRun &&
    (twoRuns ||
      withLights !== undefined ||
      lightsBy !== undefined ||
      atRise !== undefined ||
      withLamps !== undefined)
  // the level the load stands at: its step where it held, else the level now where it fell since (the
  // one that stopped still ran in the step's minute)
  const swapW =
    cand.stepW === undefined
      ? undefined
      : near(nowW, cand.stepW)
        ? cand.stepW
        : fellToLevel(cand, nowW)
          ? nowW
          : undefined
  const swap =
    known || byStep || pair || hRatio !== null || obs.source !== 'circuit' || swapW === undefined
      ? undefined
      : swappedWithRun(
          s.normal!,
          swapW,
          cand.onsetTs,
          s.baselineW!,
          params.feedback,
          cand.onsetTs !== cand.firstTs,
        )
  // watts only, the reading before the step a partial minute of one of its compressors stopping
  const partialSwap =
    known ||
    byStep ||
    stepUnder ||
    pair ||
    swap ||
    hRatio !== null ||
    obs.source !== 'circuit' ||
    swapW === undefined
      ? undefined
      : swappedOverPartialStop(s.normal!, cand, swapW, s.baselineW!, params.feedback)
  // watts only, the circuit's lights going off at their hour as one of its compressors started
  const lightsOffSwap =
    known ||
    byStep ||
    stepUnder ||
    pair ||
    swap ||
    partialSwap ||
    hRatio !== null ||
    obs.source !== 'circuit' ||
    swapW === undefined ||
    // seen as it came: under a heater or cleaner a load may have left unseen, and the step is no swap's
    cand.onsetTs !== cand.firstTs ||
    cand.bigReadings > 0
      ? undefined
      : swappedWithLightsOff(
          s.normal!,
          swapW,
          cand.onsetTs,
          s.baselineW!,
          params.utcOffsetMin,
          params.feedback,
        )
  // the level moved since it arrived (a CC plateau does not): what arrived may be a compressor's run
  const moved = Math.abs(nowW - (cand.stepW ?? nowW)) > Math.max(15, 0.15 * nowW)
  // only where harmonic current vouches for it: by watts alone a charger's step may be a compressor's
  // size too (tried on the watts-only mixed circuits: it cost more sessions than it saved false alerts)
  const run =
    moved &&
    hRatio !== null &&
    !noMotor &&
    arrivedAsKnownRun(s.normal!, cand.stepW!, hRatio, params.feedback, (sig) =>
      shortOfMotorOverBanks(cand, sig),
    )
  const scheduled = switchedOnAtLightsHour(params, cand.onsetTs, nowW)
  // watts only, found as a heater or cleaner went off: the evening's lights, come on under it at the hour
  // the circuit's floor rises by their watts every evening (stray-wire-lights-under-big.ts)
  const lightsUnderBig =
    hRatio === null &&
    obs.source === 'circuit' &&
    cand.onsetTs !== cand.firstTs &&
    !tapering &&
    lightsAtFloorRise(s.normal!, nowW, s.baselineW!, params.utcOffsetMin, cand.onsetTs, cand.firstTs)
  const ranBefore =
    known && hRatio === null && obs.source === 'circuit' ? ranBeforeIt(s, cand, known, plateauW) : undefined
  // nothing this circuit runs slides down minute after minute (a compressor's run creeps up, lamps step):
  // what a crew named stands
  if (tapering && known?.source !== 'crew') known = undefined
  if (
    known ||
    (!tapering &&
      (byStep ||
        lampLeft ||
        overStanding ||
        stepUnder ||
        swap ||
        partialSwap ||
        lightsOffSwap ||
        usual ||
        pair ||
        scheduled ||
        lightsUnderBig ||
        run))
  ) {
    if (known) {
      noteMatch(s.normal!, known, obs.ts, cand.onsetTs)
      watchRun(s, known, cand, nowW)
    } else if (byStep) {
      noteMatch(s.normal!, byStep, obs.ts, cand.onsetTs)
      watchRun(s, byStep, cand, cand.stepW!)
    } else if (lampLeft) {
      noteMatch(s.normal!, lampLeft.run, obs.ts, cand.onsetTs)
      watchRun(s, lampLeft.run, cand, lampLeft.levelW)
    } else if (overStanding) {
      // the run is followed over a background that holds what stood before the big load
      noteMatch(s.normal!, overStanding.run, obs.ts, cand.onsetTs)
      watchRunBeside(s, overStanding.run, cand, overStanding.levelW, overStanding.standingW)
    } else if (stepUnder) {
      // the run is followed from its step, over a background that holds what stands beside it
      noteMatch(s.normal!, stepUnder.run, obs.ts, stepUnder.onsetTs)
      const from = { ...cand, onsetTs: stepUnder.onsetTs }
      watchRunBeside(s, stepUnder.run, from, stepUnder.levelW, stepUnder.besideW)
    } else if (swap) {
      // the one that stopped left the background; the one that started is followed to its end
      s.baselineW = Math.max(0, s.baselineW! - swap.leftW)
      if (swap.pending) s.normal!.pending = s.normal!.pending?.filter((p) => p !== swap.pending)
      // the run that stopped, where it was followed from the step it is pending by: it ended here
      const stopped = swap.pending && s.normal!.watches?.find((w) => sameRun(w, swap.pending!))
      if (stopped) endWatchedRun(s.normal!, stopped, cand.onsetTs)
      if (swap.watch) {
        const rest = s.normal!.watches?.filter((w) => w !== swap.watch)
        s.normal!.watches = rest && rest.length > 0 ? rest : undefined
      }
      noteMatch(s.normal!, swap.started, obs.ts, cand.onsetTs)
      watchRun(s, swap.started, cand, swap.started.levelW)
    } else if (partialSwap) {
      // the one that stopped left the background whole; its pending step and followed run ended there
      s.baselineW = partialSwap.backgroundW
      const { left } = partialSwap
      s.normal!.pending = s.normal!.pending?.filter(
        (p) => !(p.h === null && p.ts < cand.onsetTs && levelMatches(left, p.w, null)),
      )
      const stopped = s.normal!.watches?.find((w) => w.signatureId === left.id && w.onsetTs < cand.onsetTs)
      if (stopped) endWatchedRun(s.normal!, stopped, cand.onsetTs)
      noteMatch(s.normal!, partialSwap.started, obs.ts, cand.onsetTs)
      watchRun(s, partialSwap.started, cand, partialSwap.started.levelW)
    } else if (lightsOffSwap) {
      // the lights left the background at their hour; the compressor that started is followed to its end
      s.baselineW = Math.max(0, s.baselineW! - lightsOffSwap.leftW)
      noteMatch(s.normal!, lightsOffSwap.started, obs.ts, cand.onsetTs)
      watchRun(s, lightsOffSwap.started, cand, lightsOffSwap.started.levelW)
    } else if (withLights) {
      // the lights stand for one arrival a night, as when matched alone
      noteMatch(s.normal!, withLights, obs.ts, cand.onsetTs)
    } else if (lightsBy) {
      noteMatch(s.normal!, lightsBy.lights, obs.ts, cand.onsetTs)
      noteMatch(s.normal!, lightsBy.compressor, obs.ts, cand.onsetTs)
      // the run is followed over a background that holds the lights
      const { compressor } = lightsBy
      watchRunBeside(s, compressor, cand, compressor.levelW, nowW - compressor.levelW)
    } else if (atRise) {
      // as lightsBy: the run is followed over a background that holds the lights
      noteMatch(s.normal!, atRise, obs.ts, cand.onsetTs)
      watchRunBeside(s, atRise, cand, atRise.levelW, nowW - atRise.levelW)
    }
    s.candidate = null
    s.normal!.episode = null
    if (hidden) {
      // a heater or cleaner is on top now: the background is what stood before it, with this load
      s.baselineW = s.baselineW! + nowW
      if (cand.harmonicVA !== null) s.baselineH += cand.harmonicVA
      // seen arriving on top of a heater, and known: what is new since the heater came on, when it goes
      // off, is measured over a level that holds it (lights at dusk stand for one arrival a night)
      if (cand.underHeater && s.preBigW !== null && s.preBigW !== undefined) {
        s.preBigW += nowW
        if (cand.harmonicVA !== null && s.preBigH !== null && s.preBigH !== undefined)
          s.preBigH += cand.harmonicVA
      }
    } else {
      s.baselineW = obs.unexplainedW
      setBackgroundWaveform(s, obs)
    }
    if (ranBefore && known) {
      // the load taken for the compressor before this run of it was a charger: raised now, and no longer
      // followed (its run is not timed)
      const rest = s.normal!.watches?.filter((w) => w !== ranBefore)
      s.normal!.watches = rest && rest.length > 0 ? rest : undefined
      const heldMin = (obs.ts - ranBefore.onsetTs) / MIN
      return raiseOutlasted(
        s,
        { watch: ranBefore, signature: known, heldMin, ranAgain: true },
        obs,
        input,
        params,
      )
    }
    return undefined
  }

  // watts only, on a circuit, a step seen in plain view: where neither the step (over the reading before
  // it) nor the plateau reached the smallest charger's constant current, a load that is none of the
  // circuit's is no charger either (a compressor whose runs were not learned yet, starting in the minute a
  // lamp of the background went off, shows as the difference). It is not raised; undecided for three
  // confirmation periods, it is taken into the background as any undecided step. One of the two alone may
  // fall short for a charger: its plateau measured over a background that still holds a lamp gone since,
  // its step split by an averaging meter. A load found when a heater or cleaner stopped is measured over
  // the background from before it, which lamps that went off under it left too high: there a small
  // plateau and step may still be a charger. Not a load that slides as a taper, every minute of it: a
  // charger topping up a nearly full pack starts part-way down its taper, at a share of its constant
  // current (half of it and more), so under 100 W from a charger whose CC draw was over it; nothing else a
  // circuit runs slides so (lamps going off fall in a reading or two and hold)
  if (
    obs.source === 'circuit' &&
    !(tapering && fallsEveryMinute(cand.recentW)) &&
    cand.harmonicVA === null &&
    cand.onsetTs === cand.firstTs &&
    plateauW < MIN_CHARGER_PLATEAU_W &&
    (cand.stepW ?? plateauW) < MIN_CHARGER_PLATEAU_W
  ) {
    if (cand.readings - cand.hiddenReadings > 3 * confirmMin) {
      s.candidate = null
      s.baselineW = obs.unexplainedW
    }
    return undefined
  }
  // where the meter shows it, a step over LED banks that read as an active-PFC input whose own reactive
  // current, read past the banks' lead, is a motor's: a compressor none of whose runs was learned yet. Not
  // raised; undecided for three confirmation periods, it is taken into the background as any such step
  if (hRatio !== null && motorPastLead(cand)) {
    if (cand.readings - cand.hiddenReadings > 3 * confirmMin) {
      s.candidate = null
      s.baselineW = obs.unexplainedW
      setBackgroundWaveform(s, obs)
    }
    return undefined
  }
  // watts only, one of its compressors and one of its own motion lamps lit in the same minute: held back
  // while the lamp's burst may still end (1–4 min a trigger), so that what stands once it went off is
  // matched as that compressor's run (compressorAfterLampLeft). A charger of the two's size is raised once
  // that time is past, its onset unchanged; one taken for the run stays followed as any run is
  if (besideLamp && obs.ts - cand.onsetTs < LAMP_HOLD_MS && cand.readings < RECENT_READINGS) return undefined
  const severity: StrayWireSeverity = isCriticalHour(hour) ? 'critical' : 'major'
  // what it drew of reactive current goes with it to what is learned of it when it ends (a charger cut in
  // constant current leaves as a step, as a compressor's run does)
  if (noMotor && s.normal!.episode) s.normal!.episode.noMotor = true
  s.alert = {
    onsetTs: cand.onsetTs,
    raisedTs: obs.ts,
    severity,
    peakW: cand.maxW,
    lastPresentTs: obs.ts,
    absentSinceTs: null,
    ...(cand.pfc ? { pfc: true } : {}),
    ...(cand.stopBeside ? { stopBeside: cand.stopBeside } : {}),
    ...(obs.source === 'circuit' && obs.harmonicVA === null ? slideSoFar(cand) : {}),
    ...ownHarmonics(cand),
  }
  s.candidate = null
  const evidence = explainRaise(s, cand, obs, input, params.utcOffsetMin)
  return {
    kind: 'raise',
    ts: obs.ts,
    onsetTs: cand.onsetTs,
    severity,
    // a tapering load is worth what it draws now, as the meter shows it; a plateau's highest reading is its level
    powerW: Math.round(evidence.taperToW ?? cand.maxW),
    evidence,
  }
}

/**
 * Where the meter reports THD, the charger is there as long as its harmonic current is: that holds
 * through a lead-acid float of a few watts (PF ~0.4) and ignores lights that switched behind our back.
 * Without THD (shed residual, basic meters) only the watts tell, above what meter drift can fake.
 */
/** What the alert keeps of its candidate's harmonic current: per W of its plateau, and in all. */
function ownHarmonics(cand: Candidate): Pick<ActiveAlert, 'harmonicPerW' | 'harmonicVA'> {
  const levelW = median(cand.recentW)
  if (cand.harmonicVA === null || !(levelW > 0)) return {}
  return {
    harmonicPerW: Math.round((cand.harmonicVA / levelW) * 100) / 100,
    harmonicVA: Math.round(cand.harmonicVA * 10) / 10,
  }
}

/** A candidate's readings none of a big load masked, carried to its alert (ActiveAlert.recentW). */
function slideSoFar(cand: Candidate): Pick<ActiveAlert, 'recentW' | 'recentTs'> {
  const n = Math.min(cand.recentW.length, cand.sinceBig ?? cand.recentW.length)
  if (n < 1) return {}
  return {
    // to a tenth of a watt, as every reading the alert adds (the candidate's first is kept unrounded)
    recentW: cand.recentW.slice(-n).map((w) => Math.round(w * 10) / 10),
    ...(cand.recentTs?.length ? { recentTs: cand.recentTs.slice(-n) } : {}),
  }
}

/** Share of its peak harmonic current a distorted alert's load must keep to be still there. */
const PRESENT_MIN_SHARE = 0.1

function chargerStillThere(
  c: Classified,
  obs: Observation,
  alert: ActiveAlert,
  params: StrayWireParams,
): boolean {
  // the background under a long session drifts (port meter error as legit sessions come and go), so a
  // quarter of the peak is the least the watts alone can vouch for: the alert clears late in the taper
  if (c.excessVA === null || alert.pfc)
    return c.excessW >= Math.max(params.presentW + obs.toleranceW / 8, 0.25 * alert.peakW)
  if (c.excessVA < 10) return false
  // the watts back at the background with the alert's own harmonic current all there: a load the
  // background held left unseen (a compressor stopping under a heater), not the charger
  if (c.excessW < 5) return ownHarmonicsThere(c.excessVA, alert)
  // a tenth of the harmonic current it had at its peak at least: a lithium charger keeps that to its
  // cut-off; less may be the background's own harmonics, misjudged over hours of loads switching beside it
  if (alert.harmonicPerW !== undefined && c.excessVA < PRESENT_MIN_SHARE * alert.harmonicPerW * alert.peakW)
    return false
  // the excess is distorted, or carries most of the alert's own harmonic current as last seen: watts of
  // another load beside it (a compressor, lamps the background missed) dilute the excess, not that
  return (
    c.excessVA >= 0.5 * c.excessW || (alert.harmonicVA !== undefined && c.excessVA >= 0.6 * alert.harmonicVA)
  )
}

/** Most of the harmonic current the alert's load had when last seen, and a tenth of its peak's. */
function ownHarmonicsThere(excessVA: number, alert: ActiveAlert): boolean {
  if (alert.harmonicVA === undefined || alert.harmonicPerW === undefined) return false
  return (
    excessVA >= 0.6 * alert.harmonicVA && excessVA >= PRESENT_MIN_SHARE * alert.harmonicPerW * alert.peakW
  )
}

function trackAlert(
  s: StrayWireState,
  obs: Observation,
  seen: Classified,
  params: StrayWireParams,
  input: StrayWireInput,
): StrayWireVerdict | undefined {
  const alert = s.alert!
  const second = followSecondStep(s, alert, obs, params)
  if (second) return raiseSecond(s, alert, second, obs, input, params)
  if (seen.cls === 'big') {
    if (!s.prevBig && s.prevW !== null) {
      // on an averaging meter the reading before may be the big load's partial minute, up from the one
      // before it by part of the big load (the settle stage drops those of watts-only readings, not those
      // with PF and THD): the circuit before it came on is that one's
      const partial =
        obs.harmonicVA !== null && s.prev2W !== null && !s.prev2Big && s.prevW - s.prev2W >= params.minStepW
      alert.beforeBig = partial
        ? { w: s.prev2W!, h: s.prev2H ?? null, q: s.prev2Q ?? null }
        : { w: s.prevW, h: s.prevH, q: s.prevQ ?? null }
    }
    // its slide is not seen under the big load: judged afresh from the readings after it
    alert.recentW = undefined
    alert.recentTs = undefined
    return undefined
  }
  if (!s.prevBig) alert.beforeBig = undefined
  // watts only: a compressor taken for stopping beside the slide as it was raised was the charger leaving,
  // where the slide did not go on beneath it (chargerLeftAsStop): the compressor is in the background again,
  // and the charger was gone from the reading it fell at
  const stop = alert.stopBeside
  // another load came on before the stop was judged: judged again from it (an alert left on a compressor's
  // watts until its run ends, were the stop left standing)
  const again = stop ? judgedAgainAfterRise(stop, obs.ts, seen.excessW) : undefined
  const left = stop && !again ? chargerLeftAsStop(stop, obs.ts, seen.excessW) : undefined
  if (stop) alert.stopBeside = again ?? (left === undefined ? stopSeen(stop, seen.excessW) : undefined)
  if (left) {
    s.baselineW = s.baselineW! + stop!.w
    alert.absentSinceTs ??= stop!.fellTs ?? stop!.ts
  }
  let judged = left ? classify(obs, s.baselineW!, s.baselineH, params, s.baselineQ ?? 0) : seen
  // watts only: the circuit fell by one of its compressors' watts and the charger's slide going on over
  // the minute, together, as the alert's excess went: the compressor stopped beside the charger, which
  // slides on beneath it (a fridge ending its run a minute after a top-up was raised; taken for the charger
  // leaving, the alert cleared 10 min later while it charged on). The charger unplugged at those watts falls
  // alike: the stop is judged as one beside a candidate's slide is (chargerLeftAsStop, above), and where the
  // slide does not go on beneath, the compressor is put back and the charger was gone from this reading.
  // Only from a reading the charger was seen at: its slide's last reading is the one before
  const seenBefore = alert.absentSinceTs === null && alert.recentTs?.at(-1) === s.lastTs
  if (!stop && !s.prevBig && seenBefore && alert.recentW && !chargerStillThere(judged, obs, alert, params)) {
    const slide = { recentW: alert.recentW, ...(alert.recentTs ? { recentTs: alert.recentTs } : {}) }
    const beside = compressorStepBesideTaper(s, slide, obs, params)
    if (beside && beside.movedW < 0) {
      s.baselineW = s.baselineW! + beside.movedW
      judged = classify(obs, s.baselineW, s.baselineH, params, s.baselineQ ?? 0)
      alert.stopBeside = { ts: obs.ts, w: -beside.movedW, levelW: judged.excessW }
    }
  }
  // the heater or cleaner on top went off: a compressor that stopped or started under it moved the
  // background. A rectifier's alert whose harmonic current is all there measures the charger's watts by it
  // (below), whatever left the background, before the big load came on too, unseen (the step across the
  // big load's run holds only what left under it); so that one is judged only once its load is not seen as
  // it stood. Not so an active-PFC alert (its presence is its watts alone, which a compressor of less than
  // its size stopping leaves "present"), nor a circuit standing higher than before the big load (a
  // compressor that started under it adds to what the charger seems to draw)
  const lost =
    s.prevBig &&
    (obs.harmonicVA === null ||
      alert.pfc === true ||
      (alert.beforeBig !== undefined && obs.unexplainedW > alert.beforeBig.w) ||
      !chargerStillThere(judged, obs, alert, params))
  const c =
    lost && compressorMovedUnderBig(s, obs, params.feedback?.taught)
      ? classify(obs, s.baselineW!, s.baselineH, params, s.baselineQ ?? 0)
      : judged
  const present = chargerStillThere(c, obs, alert, params)
  if (present && c.excessW < 5 && c.excessVA !== null && alert.harmonicPerW) {
    // what left is the background's: it stands without it now, under the charger's watts as its own
    // harmonic current tells them
    const chargerW = Math.min(alert.peakW, c.excessVA / alert.harmonicPerW)
    s.baselineW = Math.max(0, obs.unexplainedW - chargerW)
    alert.lastPresentTs = obs.ts
    alert.absentSinceTs = null
    return undefined
  }
  if (present) {
    followEpisode(s.normal!, c.excessW, c.excessVA)
    if (obs.source === 'circuit' && obs.harmonicVA === null) {
      alert.recentW = keptWith(alert.recentW, Math.round(c.excessW * 10) / 10, RECENT_READINGS)
      alert.recentTs = keptWith(alert.recentTs, obs.ts, RECENT_READINGS)
    }
    // its harmonic current follows the charger's current down the taper, slowly: a sudden fall is its end.
    // Only while the excess is itself distorted: else it would come to follow a compressor's harmonic
    // current that was never taken into the background, and hold the alert open for it
    if (alert.harmonicVA !== undefined && c.excessVA !== null && c.excessVA >= 0.5 * c.excessW)
      alert.harmonicVA = Math.round((alert.harmonicVA + 0.2 * (c.excessVA - alert.harmonicVA)) * 10) / 10
    alert.lastPresentTs = obs.ts
    alert.absentSinceTs = null
    alert.peakW = Math.max(alert.peakW, c.excessW)
    if (alert.severity === 'major' && isCriticalHour(localHour(obs.ts, params.utcOffsetMin))) {
      alert.severity = 'critical'
      return { kind: 'escalate', ts: obs.ts, onsetTs: alert.onsetTs, severity: 'critical' }
    }
    return undefined
  }
  // domain.md: cleared when the load is gone for 10 min, counted from the first reading without it
  if (alert.absentSinceTs === null) alert.absentSinceTs = obs.ts
  if (obs.ts - alert.absentSinceTs < params.clearAfterMin * MIN) return undefined
  s.alert = null
  s.otherRun = 0
  endEpisode(s.normal!, alert.absentSinceTs, params.utcOffsetMin)
  // what is left now is background again
  s.baselineW = obs.unexplainedW
  setBackgroundWaveform(s, obs)
  return { kind: 'clear', ts: obs.ts, onsetTs: alert.onsetTs }
}

/** Minutes a charger-shaped load must hold before it is raised: longer by day, and for an undistorted one. */
function confirmMinFor(pfc: boolean, ts: number, params: StrayWireParams): number {
  const hour = localHour(ts, params.utcOffsetMin)
  return (
    (isEveningOrNight(hour) ? params.confirmNightMin : params.confirmDayMin) +
    (pfc ? (params.confirmPfcExtraMin ?? 0) : 0)
  )
}

/**
 * A step too small for a candidate slid as a charger's taper: raised with the onset of its step, over the
 * circuit as it stood before it. Whatever was made of it meanwhile (a candidate, a run of a compressor
 * followed from its step) was this load.
 */
function raiseSmallTaper(
  s: StrayWireState,
  small: SmallTaper,
  obs: Observation,
  input: StrayWireInput,
  params: StrayWireParams,
): StrayWireVerdict {
  const { step } = small
  s.smallStep = undefined
  s.candidate = null
  const watches = s.normal!.watches?.filter((w) => w.onsetTs < step.onsetTs - 2 * MIN)
  s.normal!.watches = watches && watches.length > 0 ? watches : undefined
  s.baselineW = step.baseW
  if (step.baseH !== null) s.baselineH = step.baseH
  if (step.baseQ !== null) s.baselineQ = step.baseQ
  const severity: StrayWireSeverity = isCriticalHour(localHour(obs.ts, params.utcOffsetMin))
    ? 'critical'
    : 'major'
  const peakW = Math.max(...step.w)
  const cand: Candidate = {
    onsetTs: step.onsetTs,
    firstTs: step.onsetTs,
    chargerReadings: step.w.length,
    readings: step.w.length,
    quietRun: 0,
    minW: Math.min(...step.w),
    maxW: peakW,
    harmonicVA: step.harmonicVA,
    motorReadings: 0,
    bigReadings: 0,
    hiddenReadings: 0,
    recentW: step.w.slice(-RECENT_READINGS),
    stepW: step.w[0]!,
    ...(step.pfc ? { pfc: true } : {}),
  }
  s.alert = {
    onsetTs: step.onsetTs,
    raisedTs: obs.ts,
    severity,
    peakW,
    lastPresentTs: obs.ts,
    absentSinceTs: null,
    ...(step.pfc ? { pfc: true } : {}),
    ...ownHarmonics(cand),
  }
  startEpisode(
    s.normal!,
    step.onsetTs,
    small.nowW,
    ratioOf({ cls: 'charger', excessW: small.nowW, excessVA: step.harmonicVA }),
  )
  const evidence = explainRaise(s, cand, obs, input, params.utcOffsetMin, {
    fromW: small.fromW,
    toW: small.nowW,
    underLeastStep: true,
  })
  return {
    kind: 'raise',
    ts: obs.ts,
    onsetTs: step.onsetTs,
    severity,
    powerW: Math.round(small.nowW),
    evidence,
  }
}

/**
 * A load taken for one of the circuit's compressors held far longer than any of its runs: it was no run
 * of it. Raised with the onset it arrived at; the background is again what stood without it.
 */
function raiseOutlasted(
  s: StrayWireState,
  out: Outlasted,
  obs: Observation,
  input: StrayWireInput,
  params: StrayWireParams,
): StrayWireVerdict {
  const { watch, signature } = out
  s.candidate = null
  s.normal!.episode = null
  // what stands without it now: other loads came and went since it was taken for the compressor
  const levelW = watch.levelW
  // (a faded one stands at part of its level now: the background it was taken over)
  s.baselineW = out.faded ? watch.baseW : Math.max(0, obs.unexplainedW - levelW)
  if (obs.harmonicVA !== null && watch.harmonicVA !== null)
    s.baselineH = Math.max(0, obs.harmonicVA - watch.harmonicVA)
  const severity: StrayWireSeverity = isCriticalHour(localHour(obs.ts, params.utcOffsetMin))
    ? 'critical'
    : 'major'
  // present while its watts are (its harmonic current, if any, was a compressor's size)
  s.alert = {
    onsetTs: watch.onsetTs,
    raisedTs: obs.ts,
    severity,
    peakW: levelW,
    lastPresentTs: obs.ts,
    absentSinceTs: null,
    pfc: true,
    levelW,
  }
  const cand: Candidate = {
    onsetTs: watch.onsetTs,
    firstTs: watch.onsetTs,
    chargerReadings: 1,
    readings: 1,
    quietRun: 0,
    minW: levelW,
    maxW: levelW,
    harmonicVA: watch.harmonicVA,
    motorReadings: 0,
    bigReadings: 0,
    hiddenReadings: 0,
    recentW: [Math.round(levelW * 10) / 10],
    stepW: watch.levelW,
  }
  const evidence = explainRaise(s, cand, obs, input, params.utcOffsetMin)
  const like: LikeCompressor = {
    levelW: signature.levelW,
    by: signature.source === 'crew' ? 'crew' : 'circuit',
    seenOnce: watch.trial === true,
    told: out.faded ? 'faded' : out.ranAgain ? 'ranAgain' : 'outlasted',
    heldMin: Math.round(out.heldMin),
    timedRuns: signature.timedRuns ?? 0,
    // what the decision went by (outlastAfterMin): a crew's compressor and one with too few runs timed
    // have no longest run, only what any compressor's run lasts
    longestMin:
      signature.source !== 'crew' && (signature.timedRuns ?? 0) >= TIMED_RUNS
        ? (signature.longestMin ?? null)
        : null,
  }
  evidence.likeCompressor = like
  if (out.faded) evidence.taper = 'tapering'
  // its shape matched the compressor's: only its time tells (no rectifier or PFC line, no "matches none")
  evidence.why = [
    evidence.why[0]!,
    likeCompressorWhy(like),
    ...evidence.why.filter((w) => w.startsWith('this circuit usually draws')),
  ]
  return { kind: 'raise', ts: obs.ts, onsetTs: watch.onsetTs, severity, powerW: Math.round(levelW), evidence }
}

/**
 * A second charger-shaped load arrived under the open alert and held: the alert now stands for it (its
 * onset, its time), raised again so that a crew hears of it, whatever the first one was.
 */
function raiseSecond(
  s: StrayWireState,
  alert: ActiveAlert,
  second: SecondStep,
  obs: Observation,
  input: StrayWireInput,
  params: StrayWireParams,
): StrayWireVerdict {
  // an alert's severity may rise while open, never fall (alerts/lifecycle.ts)
  const severity: StrayWireSeverity =
    alert.severity === 'critical' || isCriticalHour(localHour(obs.ts, params.utcOffsetMin))
      ? 'critical'
      : 'major'
  const cand = asCandidate(second)
  const replacesOnsetTs = alert.onsetTs
  alert.onsetTs = second.onsetTs
  alert.raisedTs = obs.ts
  // it stands for more than the load it was raised for at first
  delete alert.levelW
  alert.severity = severity
  alert.lastPresentTs = obs.ts
  alert.absentSinceTs = null
  const evidence = explainRaise(s, cand, obs, input, params.utcOffsetMin)
  if (second.fromW !== undefined) {
    // watts only: its step and that it held at its level are all there is to tell
    evidence.why[0] = `arrived while an alert was open: a step of +${Math.round(second.stepW)} W`
    evidence.why[1] = `held at its level for ${evidence.heldMin} min`
  } else if (second.seenTs !== undefined) {
    // found when a heater or cleaner went off: measured against the reading before it came on
    evidence.why[0] =
      `arrived under a heater or cleaner while an alert was open: +${Math.round(second.stepH)} VA of ` +
      `harmonic current, +${Math.round(second.stepW)} W over the reading before it came on`
    evidence.why[1] = `its harmonic current held for ${Math.round((obs.ts - second.seenTs) / MIN)} min after it went off`
  } else {
    evidence.why[0] =
      `arrived while an alert was open: +${Math.round(second.stepH)} VA of harmonic current, ` +
      `${second.stepW >= 0 ? '+' : ''}${Math.round(second.stepW)} W`
    // no plateau of its own was measured under the open alert: what held was its harmonic current, and
    // its watts show only when no other load moved in the same minute
    evidence.why[1] =
      `its harmonic current held for ${evidence.heldMin} min` +
      (second.stepW < params.minStepW ? '; its watts did not show: another load left in the same minute' : '')
  }
  return {
    kind: 'raise',
    ts: obs.ts,
    onsetTs: second.onsetTs,
    severity,
    powerW: Math.round(Math.max(second.stepW, 0)),
    evidence,
    replacesOnsetTs,
  }
}

/**
 * The step a charger made under a heater that went off in the last readings (stray-wire-under-heater.ts),
 * where nothing is followed.
 */
function arrivedUnderHeater(s: StrayWireState, obs: Observation, params: StrayWireParams) {
  return s.candidate ? undefined : chargerArrivedUnderBig(s, obs, params)
}

/** A candidate for the load `c` stands for, and the episode the circuit's normal learns it from. */
function begin(s: StrayWireState, obs: Observation, c: Classified): void {
  startCandidate(s, obs, c)
  startEpisode(s.normal!, s.candidate!.onsetTs, c.excessW, ratioOf(c))
}

/** A candidate as though followed under a big load for `readings` before this one, at the level seen now. */
function followedUnder(cand: Candidate, readings: number): void {
  cand.readings = cand.chargerReadings = cand.hiddenReadings = cand.bigReadings = readings
  cand.recentW = new Array<number>(Math.min(readings, RECENT_READINGS - 1)).fill(cand.recentW[0]!)
  cand.recentTs = undefined
}

/** The background becomes what the circuit drew at one reading (W, harmonic and reactive VA). */
function rebase(s: StrayWireState, w: number, h: number, q: number | null | undefined): void {
  s.baselineW = w
  s.baselineH = h
  if (q !== null && q !== undefined) s.baselineQ = q
}

const ratioOf = (c: Classified): number | null =>
  c.excessVA === null || c.excessW <= 0 ? null : c.excessVA / c.excessW

/**
 * Follows a run of `sig` at `levelW` where `besideW` watts stand beside it that are not the run's (lights
 * that came with it, what stood before a big load): the run's background, as watchRun records it, holds
 * them; the circuit's background is left as it was.
 */
function watchRunBeside(
  s: StrayWireState,
  sig: LoadSignature,
  cand: Candidate,
  levelW: number,
  besideW: number,
): void {
  const backgroundW = s.baselineW!
  s.baselineW = backgroundW + besideW
  watchRun(s, sig, cand, levelW)
  s.baselineW = backgroundW
}

/**
 * A step in plain view that held from the reading before (the partial minute an averaging meter shows of
 * its edge is past; a charger's plateau and a compressor's run hold their watts, a cleaner's first
 * minute goes on to its whole), judged before the background takes it in: one of the circuit's
 * compressors that started beside an active-PFC charger (chargerBesideStartInView). Returns the
 * background with that compressor in it.
 */
function startBesideChargerInView(
  s: StrayWireState,
  obs: Observation,
  params: StrayWireParams,
): { w: number; h: number; q: number } | undefined {
  if (obs.source !== 'circuit' || obs.harmonicVA === null || obs.reactiveVA === null || s.prevW === null)
    return
  if (s.baselineQ === null || s.baselineQ === undefined) return
  if (Math.abs(obs.unexplainedW - s.prevW) > Math.max(HELD_W, HELD_SHARE * obs.unexplainedW)) return
  const before = { w: s.baselineW!, h: s.baselineH, q: s.baselineQ }
  // right after a run that reached a heater's or cleaner's watts, only where that load went off whole (the
  // circuit fell from the run's largest by at least the least of them): a cleaner's motor swinging over a
  // background that took in part of it holds a level for two readings as well
  const runMaxW = s.prevBig ? (s.bigMaxW ?? 0) : 0
  if (runMaxW >= MIN_MASKING_LOAD_W && runMaxW - (obs.unexplainedW - before.w) < MIN_MASKING_LOAD_W) return
  const arrived = {
    w: obs.unexplainedW - before.w,
    h: obs.harmonicVA - before.h,
    q: obs.reactiveVA - before.q,
  }
  // seen from a quiet level: the reading before the step stood at the background, no heater or cleaner off
  const plain = !s.prevBig && s.prev2W !== null && Math.abs(s.prev2W - before.w) < params.quietW
  const run = chargerBesideStartInView(s.normal!, { ...arrived, before }, params, obs.ts, plain)
  return run && { w: before.w + run.w, h: before.h + run.h, q: before.q + run.q }
}
/** A level held from one reading to the next: a motor's and a charger's watts, give or take the meter's. */
const HELD_W = 10
const HELD_SHARE = 0.04

/** What the circuit draws now over the reading before a big load came on: what arrived under it. */
function arrivedUnderBigLoad(
  s: StrayWireState,
  obs: Observation,
): { w: number; h: number; q: number | null; before: { w: number; h: number; q: number } } | undefined {
  const { preBigW: w, preBigH: h, preBigQ: q } = s
  // all three were kept before it (none while a candidate stood): the background is rebased on them
  if (obs.harmonicVA === null || w === null || w === undefined || h === null || h === undefined) return
  if (q === null || q === undefined) return
  return {
    w: obs.unexplainedW - w,
    h: obs.harmonicVA - h,
    q: obs.reactiveVA === null ? null : obs.reactiveVA - q,
    before: { w, h, q },
  }
}
