// A charger topping up a nearly full pack may start under the least step a charger makes: part-way down its
// constant-voltage taper it draws 50–95 % of its CC level (domain.md: CC 120–350 W, so 60–330 W), and its
// draw falls from the first minute. Too small to be a candidate (a lamp or two LED banks make such steps),
// such a step is followed here only to see whether it slides as a taper does; lamps and banks hold flat,
// a compressor's run creeps up, a heater's element holds. See domain.md "E-bike charger physics".

import { MIN } from './minute.ts'
import {
  chargerWaveform,
  type Observation,
  PFC_MAX_HARMONIC_RATIO,
  PFC_MAX_REACTIVE_RATIO,
} from './stray-wire-classify.ts'
import type { StrayWireParams, StrayWireState } from './stray-wire-types.ts'

/**
 * The least step followed: the smallest top-up (half of a 120 W lead-acid CC level) less the meter's and
 * the background's margin. Smaller steps are lamps, or a pack plugged in so late that by its size it is
 * one until much later in its taper.
 */
export const SMALL_STEP_MIN_W = 50

/**
 * A taper falls by 1.3–12 % of its draw a minute: lithium chargers decay by a tenth over a 20–60 min CV
 * phase (4–11 %), lead-acid ones towards float over 1–3 h (1.3 % at the slowest, near float). The slope
 * asked of the readings, fitted over all of them, per minute and of their mean: the charger's ±1.5 %
 * ripple moves a fit over six readings by 0.2 % a minute, and lamps, banks and heaters hold flat.
 */
const MIN_SLIDE_PER_MIN = 0.01
/** Each half of the readings must fall on its own too: a lamp going off beside a flat load is one step. */
const HALF_SLIDE_PER_MIN = 0.003
/**
 * A taper's fall is spread over its minutes: of five falls or more, a smooth decay's largest is about a
 * fifth of the whole, the ripple makes it up to a third. A lamp or a compressor leaving beside a flat load
 * makes all of it at once, two lamps going off one after the other (each split over two readings by an
 * averaging meter) half. And the ±1.5 % ripple lifts at most this share of the readings over the one
 * before (a sixth of them at the slowest lead-acid taper; a flat load, half).
 */
const MAX_ONE_FALL_SHARE = 1 / 3
/**
 * The least fall a slide must have made, W: more than a small lamp's (a motion lamp of 10–15 W) going off
 * beside a flat load, which an averaging meter splits over two readings and a compressor's ±1 % beside it
 * blurs into what looks like a slide. A bigger lamp falls by more than MAX_ONE_FALL_SHARE in one reading.
 */
const MIN_FALL_W = 15
const MAX_RISES_SHARE = 0.25
/** Readings fitted at least (after a partial first minute), so that each half has three. */
const MIN_READINGS = 6
/** A taper's fall from one minute to the next is a few %: a fall by more is a load leaving, not a slide. */
const MAX_FALL_SHARE = 0.2
/**
 * A rise past the charger's ripple (±1.5 % a reading) and the background's (a compressor's ±1 % of up to
 * 300 W beside it) is another load arriving.
 */
const MAX_RISE_SHARE = 0.04
const MAX_RISE_W = 5
/** Left undecided this long, the step is given up: a taper shows in far less. */
const FOLLOW_MAX_MIN = 40
/** A slide that has come down to this is too small to tell from lamps: it must show before. */
const LEAST_LEFT_W = 20
/**
 * Readings of the circuit kept before a step, a minute each, and the least looked at: a step is
 * measured over the reading before it, so whatever the rest of the circuit does meanwhile is taken for the
 * step's own. A charger already tapering there (one whose alert cleared at a quarter of its peak, one on
 * before the state began) makes any flat load stepping on beside it slide.
 */
const BEFORE_KEPT = 8
const BEFORE_FITTED = 5
/**
 * The background's fall before the step, as a share of the slide asked of the step (MIN_SLIDE_PER_MIN of
 * its size a minute), past which that slide could be half the background's own.
 */
const BACKGROUND_SLIDE_SHARE = 0.5
/** A charger's taper falls in most minutes despite its ±1.5 % ripple; a flat background in about half. */
const BACKGROUND_FALLING_SHARE = 0.75
/** Readings kept (a minute each): the longest a step is followed. */
const KEPT = FOLLOW_MAX_MIN + 2
/** Readings kept are this far apart at least, min: a minute, less a meter's jitter in reporting. */
const MINUTE_APART = 0.9

/** A small step being followed: the circuit before it, and its readings over that. */
export interface SmallStep {
  onsetTs: number
  /** The reading before the step (the one before that where the step straddled two), W, VA, var. */
  baseW: number
  baseH: number | null
  baseQ: number | null
  /** Its readings since, over the base: minutes since onset and W. */
  t: number[]
  w: number[]
  /** Its harmonic VA last seen, where the meter reports THD. */
  harmonicVA: number | null
  /** Undistorted and without a motor's reactive current: an active-PFC input. Fixed at the first reading. */
  pfc?: boolean
  /** Its first reading is known to be a whole minute of it: the step came over two readings. */
  whole?: boolean
  /** Seen as a heater or cleaner went off, over the circuit as it stood before that load (startedAfterBig). */
  afterBig?: boolean
  /** How far a reading may move by the meters alone (a shed's residual; 0 on a circuit's meter), W. */
  noiseW?: number
  /** Lamps taken into the base since the step (lampSwitchedBeside). */
  lampSwitches?: number
  /**
   * A switch seen beside the slide, not yet held: its readings so far, the last of them (W), and the
   * circuit's harmonic and reactive VA at the reading before it. Replaced, never changed in place.
   */
  switching?: { minutes: number; lastW: number; h0: number | null; q0: number | null; ts?: number }
}

/** What a small step that slid as a taper says when it is raised. */
export interface SmallTaper {
  step: SmallStep
  /** Its draw at the first full minute and now, W. */
  fromW: number
  nowW: number
}

/**
 * Follows small steps on a circuit or a shed's residual while no alert is open. Returns the step once it
 * slid as a taper for long enough to be confirmed (`confirmMin`, as any candidate). A shed's residual is
 * the feeder less the ports' meters: it moves from one reading to the next by the meters' timing (noiseOf),
 * which a slide's tests allow for; the ports' own tapers show in it by the meters' gain error, a slow drift
 * of a few % of their watts with no step before it.
 */
export function followSmallStep(
  s: StrayWireState,
  obs: Observation,
  params: StrayWireParams,
  confirmMin: number,
  gapMin: number,
): SmallTaper | undefined {
  const found = followStep(s, obs, params, confirmMin, gapMin)
  // a new array, the last BEFORE_KEPT with this reading (the state copied for this reading shares the old)
  const before = gapMin > params.maxGapMin ? [] : (s.smallBefore ?? [])
  const next = before.slice(Math.max(0, before.length - BEFORE_KEPT + 1))
  next.push(obs.unexplainedW)
  s.smallBefore = next
  return found
}

/** The step followed, and raised once it slid as a taper (followSmallStep). */
function followStep(
  s: StrayWireState,
  obs: Observation,
  params: StrayWireParams,
  confirmMin: number,
  gapMin: number,
): SmallTaper | undefined {
  if (s.alert || gapMin > params.maxGapMin) {
    s.smallStep = undefined
    return undefined
  }
  const started =
    startedHere(s, obs, params, s.smallStep !== undefined) ?? startedAfterBig(s, obs, params, s.smallStep)
  if (started) {
    s.smallStep = started
    return undefined
  }
  const step = s.smallStep
  if (!step) return undefined
  const last = step.w[step.w.length - 1]!
  const t = (obs.ts - step.onsetTs) / MIN
  // a lamp switched beside the slide: the base takes it, and this minute tells nothing of the slide
  if (lampSwitchedBeside(s, step, obs, obs.unexplainedW - step.baseW, last)) return undefined
  const w = obs.unexplainedW - step.baseW
  // past a charger's largest: a heater or cleaner came on (the step may have been its partial minute)
  if (
    w > params.maxChargerW ||
    !ownWaveform(step, obs, w, params) ||
    !stillSliding(step, w, last, obs) ||
    t > FOLLOW_MAX_MIN
  ) {
    s.smallStep = undefined
    return undefined
  }
  // its tests are a minute's: the ripple against a taper's fall a minute, the fall spread over minutes,
  // KEPT readings a minute each. A meter reporting more often (every 20 s) is still checked at each
  // reading, but only readings a minute apart are kept: per reading, a slow taper's fall (1.3 % a minute,
  // 0.4 % in 20 s) drowned in the ±1.5 % ripple, and 42 readings kept 14 minutes of it
  const lastT = step.t[step.t.length - 1]
  if (lastT !== undefined && t - lastT < MINUTE_APART) return undefined
  step.t.push(Math.round(t * 100) / 100)
  step.w.push(Math.round(w * 10) / 10)
  step.noiseW = Math.max(step.noiseW ?? 0, noiseOf(obs))
  if (step.w.length > KEPT) {
    step.t.shift()
    step.w.shift()
  }
  if (t < confirmMin - 1) return undefined
  return slidFromStep(step)
}

/**
 * How far a reading of the shed's residual may move by the meters' timing alone, W: the feeder and each
 * port average their own minute, so a port's charger rippling or stepping shows in the residual for a
 * reading by a share of its move, up to the meters' tolerance band (a circuit's own meter: none).
 */
const noiseOf = (obs: Observation): number => (obs.source === 'shed' ? SHED_NOISE_SHARE * obs.toleranceW : 0)
/**
 * The share of the residual's tolerance band (the meters' rated error over the ports' and feeder's watts)
 * one reading may move by the meters' timing: over 0.8–1 kW of ports, ±10 W a reading in a band of 25–30 W.
 */
const SHED_NOISE_SHARE = 0.5

/**
 * A step of at least SMALL_STEP_MIN_W over the reading before (or the one before that, an averaging meter
 * splitting it over two), none of them a heater's or cleaner's, of a charger's waveform where the meter
 * shows it.
 */
function startedHere(
  s: StrayWireState,
  obs: Observation,
  params: StrayWireParams,
  following: boolean,
): SmallStep | undefined {
  if (s.prevW === null || s.prevBig) return undefined
  // a shed's residual (feeder less ports) dipped under the reading before it by more than the meters'
  // rated error: a port's step landed in the ports' minute before the feeder's, and the residual came back
  // from it this minute. The dip is no level to measure a step from; the reading before it is, and a step
  // landing in the minute the residual came back is measured from there (measured from the dip it was
  // overstated by the port's step, and never followed: the step after it was lost). A load that truly
  // left in the dip only makes the step measured smaller
  const dipped =
    obs.source === 'shed' && s.prev2W !== null && !s.prev2Big && s.prevW < s.prev2W - obs.toleranceW
  // a step on a circuit that was falling already (a charger's taper) may take that slide for its own (the
  // dip is the meters' timing, no fall of the residual's loads)
  if ((s.fallRun ?? 0) > (dipped ? 1 : 0)) return undefined
  // the reading before was the first of the step followed: this one is its second, not a step of its own.
  // Only where that reading rose past the ripple: lamps' and a meter's watt or two of flicker before a
  // step is no partial minute of it, and taking it for one made the step's first reading its whole, so its
  // true second part ended the follow as another load (development circuit-pfc-stray#136@01-09T19:21)
  const split = !following && !dipped && s.prev2W !== null && !s.prev2Big && s.prevW - s.prev2W > MAX_RISE_W
  // the base's watts, harmonic and reactive VA are one reading's: the step's waveform is reckoned over the
  // same loads as its watts (a dip's would be short by the port's step as its watts are; a shed's meters
  // report watts alone today, so only a split step's base carries them now)
  const fromEarlier = split || dipped
  const baseW = fromEarlier ? s.prev2W! : s.prevW
  // a shed's residual under zero by more than the meters' rated error is no level either
  if (obs.source === 'shed' && baseW < -obs.toleranceW) return undefined
  const w = obs.unexplainedW - baseW
  // the cheap test first: most readings are no step at all
  if (w < SMALL_STEP_MIN_W || w > params.maxChargerW) return undefined
  if (backgroundSliding(s.smallBefore ?? [], fromEarlier, BACKGROUND_SLIDE_SHARE * MIN_SLIDE_PER_MIN * w))
    return undefined
  const baseH = fromEarlier ? (s.prev2H ?? null) : s.prevH
  const baseQ = fromEarlier ? (s.prev2Q ?? null) : (s.prevQ ?? null)
  const step: SmallStep = {
    onsetTs: obs.ts,
    baseW,
    baseH,
    baseQ,
    t: [0],
    w: [Math.round(w * 10) / 10],
    harmonicVA: null,
    // measured over the reading before the split step's first part, this reading is the step's whole
    ...(split ? { whole: true } : {}),
  }
  return ownWaveform(step, obs, w, params) ? step : undefined
}

/**
 * A top-up plugged in under a heater or cleaner slides on beneath it: when that load goes off, what the
 * circuit holds over the reading before the load came on is the charger, part-way down its taper, with no
 * step of its own in view (a lithium top-up from 150-200 W is under 100 W by the time a 20 min heater
 * run ends). Harmonic current adds across loads and an element carries almost none, so a rectifier's share
 * of that level is a load that came or stayed under the big one; an active-PFC top-up carries neither a
 * rectifier's harmonic current nor a motor's reactive current (pfcTopUpAfterBig), and is followed too.
 * Lamps and LED banks that came on meanwhile hold flat, a compressor's motor lags, and only a slide is
 * raised (slidFromStep). Where PF and THD are read, and the level before the big load was a
 * standing one (not its partial first minute, nor a candidate's). The reading right after the big load may
 * be its partial last minute: a follow begun there is begun again at the next if that one falls past a
 * taper's minute from it. Without this the background followed the slide down as lights settling, and
 * the charger, gone within half an hour, was never raised (development circuit-under-load#128@02-03T22:03,
 * #3@01-10T05:46).
 */
function startedAfterBig(
  s: StrayWireState,
  obs: Observation,
  params: StrayWireParams,
  following: SmallStep | undefined,
): SmallStep | undefined {
  if (obs.source !== 'circuit' || obs.harmonicVA === null) return undefined
  if (!s.prevBig && !s.prev2Big) return undefined
  const before = circuitBeforeBig(s)
  if (!before) return undefined
  const w = obs.unexplainedW - before.w
  // begun at the reading before, the big load's last: this one goes on from it, or that was its partial minute
  if (!s.prevBig && following?.afterBig && w >= following.w[following.w.length - 1]! * (1 - MAX_FALL_SHARE))
    return undefined
  if (w < SMALL_STEP_MIN_W || w > params.maxChargerW) return undefined
  const h = obs.harmonicVA - before.h
  if (h < params.minHarmonicRatio * w && !pfcTopUpAfterBig(obs, before, w, h)) return undefined
  const step: SmallStep = {
    onsetTs: obs.ts,
    baseW: before.w,
    baseH: before.h,
    baseQ: before.q,
    t: [0],
    w: [Math.round(w * 10) / 10],
    harmonicVA: null,
    afterBig: true,
  }
  return ownWaveform(step, obs, w, params) ? step : undefined
}

/**
 * An active-PFC top-up under the big load: what stands over the circuit from before it carries neither a
 * rectifier's harmonic current nor a motor's reactive current (its |Q| moved by no more than an active-PFC
 * input's share of its watts). Only its slide then tells it from lamps, banks and a compressor's run, as it
 * does for a rectifier's (slidFromStep).
 */
function pfcTopUpAfterBig(obs: Observation, before: { q: number | null }, w: number, h: number): boolean {
  if (obs.reactiveVA === null || before.q === null) return false
  return h <= PFC_MAX_HARMONIC_RATIO * w && Math.abs(obs.reactiveVA - before.q) <= PFC_MAX_REACTIVE_RATIO * w
}

/**
 * The circuit as it stood before the big load: the reading before its run where that was a standing level,
 * else the background the detector held (a big load's partial first minute, taken for a candidate or read
 * apart from the minute before it, is no level of the circuit's own).
 */
function circuitBeforeBig(s: StrayWireState): { w: number; h: number; q: number | null } | undefined {
  const { preBigW, preBigH, preBigQ } = s
  if (
    s.preBigSteady === true &&
    preBigW !== null &&
    preBigW !== undefined &&
    preBigH !== null &&
    preBigH !== undefined
  )
    return { w: preBigW, h: preBigH, q: preBigQ ?? null }
  if (s.baselineW === null) return undefined
  return { w: s.baselineW, h: s.baselineH, q: s.baselineQ ?? null }
}

/**
 * Where the meter reports PF and THD, what stands over the base has a charger's waveform, and the same kind
 * all along (a rectifier's harmonic current, or an active-PFC input's lack of harmonic and reactive
 * current): a compressor's motor has neither, and another kind of load taking over is not the slide.
 */
function ownWaveform(step: SmallStep, obs: Observation, w: number, params: StrayWireParams): boolean {
  if (obs.harmonicVA === null || step.baseH === null) return true
  if (!(w > 0)) return false
  const h = obs.harmonicVA - step.baseH
  const q =
    obs.reactiveVA === null || step.baseQ === null ? Number.POSITIVE_INFINITY : obs.reactiveVA - step.baseQ
  if (!chargerWaveform(w, h, q, params) && !(step.pfc === true && pfcWithinReading(obs, w, h, q, params)))
    return false
  const pfc = h / w < params.minHarmonicRatio
  if (step.harmonicVA !== null && pfc !== (step.pfc === true)) return false
  step.harmonicVA = h
  if (pfc) step.pfc = true
  return true
}

/** How far the meter's rounding (THD in whole %, PF in two decimals) moves a step's harmonic and reactive VA, as a share of the circuit's watts. */
const THD_READ_SHARE = 0.02
const PF_READ_SHARE = 0.05

/**
 * The meter reads THD to a whole % and PF to two decimals, and its |Q| has no sign: over a few hundred W of
 * background the harmonic VA of a small step moves by up to ~2 % of the circuit's watts from one reading to
 * the next, and over LED drivers' leading current (where distortion takes most of the non-active power)
 * |Q| swings by 5 % and more, each a good share of a 50-100 W step's own bounds. A step read as an
 * active-PFC input at its first reading (strictly: chargerWaveform) stays one while it shows no rectifier's
 * harmonic current and |Q| rose by no more than that input's share, each with the reading's margin; a fall
 * of |Q| says nothing of a motor over banks that lead, and the slide is what is judged (slidFromStep).
 * Development circuit-mixed-stray#123@01-18T07:08: 98 W left after a cleaner, sliding, dropped at its
 * eleventh minute on a harmonic share of 0.31 per W, the background's THD read a % higher.
 */
function pfcWithinReading(
  obs: Observation,
  w: number,
  h: number,
  q: number,
  params: StrayWireParams,
): boolean {
  const circuitW = Math.max(obs.unexplainedW, w)
  return (
    h < params.minHarmonicRatio * w &&
    h <= PFC_MAX_HARMONIC_RATIO * w + THD_READ_SHARE * circuitW &&
    q <= PFC_MAX_REACTIVE_RATIO * w + PF_READ_SHARE * circuitW
  )
}

/**
 * A lamp's watts (domain.md: LED corridor lights 10–60 W; the motion lamps of a stairwell switch every few
 * minutes). A change past the ripple or a taper's minute that is no bigger is taken for one switching
 * beside the load followed; a bigger one is another load (a compressor, a second charger) or this one
 * leaving, and ends the follow as before.
 */
const LAMP_MAX_W = 60
/**
 * Switches taken in per step: one lamp on and off again, the one a stairwell's motion sensor lights as a
 * resident walks by with the bike. More is lamps flickering, whose partial minutes the base cannot follow:
 * each taken in a little off, a flat circuit's level would drift.
 */
const MAX_LAMP_SWITCHES = 2

/**
 * A lamp switched on or off beside the slide: a rise past the ripple, or a fall past a taper's minute, that
 * then held (a lamp holds its watts; an averaging meter's partial minute of it is followed by the whole, so
 * two readings may move), no bigger than a lamp's watts. The base
 * takes the change (watts, harmonic and reactive current alike), and the slide goes on over it; the
 * readings that moved are left out. Without this a top-up sliding under stairwell lamps was dropped at the
 * first lamp and never had the minutes a slide is judged by (development circuit-pfc-stray#101@01-07T22:30).
 * Readings that go on moving are lamps
 * flickering, or another load: the follow ends as before. Returns whether this reading is left out.
 */
function lampSwitchedBeside(
  s: StrayWireState,
  step: SmallStep,
  obs: Observation,
  w: number,
  last: number,
): boolean {
  const n = step.w.length
  // the first reading may be a partial minute of the step itself (stillSliding)
  if (n === 1 && !step.whole) return false
  // watts only, nothing tells the load under the lamp is the one that stepped: a flat load's readings over
  // lamps taken in make a slide of their own (development watts-only circuits: 24 false alerts more). With
  // PF and THD its waveform is checked before and after. A switch seen before such a reading is not held
  // over it: it is judged from the readings that follow as any reading is, never against a stale one
  if (s.prevW === null || s.prevBig || obs.harmonicVA === null || step.baseH === null) {
    step.switching = undefined
    return false
  }
  const fallPerMin =
    n >= 3 ? Math.max(0, -slope(step.t, step.w, 0, n)) : n === 2 ? Math.max(0, step.w[0]! - step.w[1]!) : 0
  const ripple = MAX_RISE_SHARE * last + MAX_RISE_W
  const pending = step.switching
  if (!pending) {
    const rose = w > last + ripple
    const fell = w < last * (1 - MAX_FALL_SHARE)
    if (!rose && !fell) return false
    if ((step.lampSwitches ?? 0) >= MAX_LAMP_SWITCHES) return false
    if (Math.abs(w - last) > LAMP_MAX_W + fallPerMin) return false
    step.switching = { minutes: 1, lastW: w, h0: s.prevH, q0: s.prevQ ?? null, ts: obs.ts }
    return true
  }
  step.switching = undefined
  // held: no move past the ripple and the slide's own fall over the minutes since that reading (a meter
  // that missed a reading or two let the slide fall two minutes or more)
  const sinceMin = pending.ts === undefined ? 1 : Math.max(1, Math.round((obs.ts - pending.ts) / MIN))
  const held = Math.abs(w - pending.lastW) <= ripple + fallPerMin * sinceMin
  if (!held) {
    // a partial minute, then the whole: one more reading may move
    if (pending.minutes >= 2) return false
    step.switching = { ...pending, minutes: pending.minutes + 1, lastW: w, ts: obs.ts }
    return true
  }
  // measured as if the slide held over the switch's minutes: what it fell meanwhile is left out (one
  // flat pair in a slide fitted over all its minutes), never made up. Made up at the slide's fitted fall,
  // a lamp's on and off beside a flat load of LED banks (±2 W) made a slide of the banks' ripple
  // (development circuit-mixed-quiet#11@01-12T18:16, #142@01-19T18:25, circuit-led-banks#144@01-07T22:40)
  const switchedW = w - last
  // a circuit draws nothing less than nothing: a lamp going off takes at most what stood under the step
  if (Math.abs(switchedW) > LAMP_MAX_W || step.baseW + switchedW < -MAX_RISE_W) return false
  step.lampSwitches = (step.lampSwitches ?? 0) + 1
  step.baseW += switchedW
  if (pending.h0 !== null) step.baseH = Math.max(0, step.baseH + obs.harmonicVA - pending.h0)
  if (step.baseQ !== null && obs.reactiveVA !== null && pending.q0 !== null)
    step.baseQ = Math.max(0, step.baseQ + obs.reactiveVA - pending.q0)
  return false
}

/** No fall past a taper's, no rise past the ripple: the same load, going on as it did. */
function stillSliding(step: SmallStep, w: number, last: number, obs: Observation): boolean {
  const noise = noiseOf(obs)
  if (w > last * (1 + MAX_RISE_SHARE) + MAX_RISE_W + noise) {
    // the first reading may have been a partial minute of the step (an averaging meter): the slide is
    // measured from the first whole one
    if (step.w.length !== 1 || step.whole) return false
    step.whole = true
    step.t.shift()
    step.w.shift()
    return true
  }
  return w >= last * (1 - MAX_FALL_SHARE) - noise
}

/**
 * The circuit was sliding over the readings before the step (the one before, too, where the step straddled
 * two): a slide measured over them afterwards may be the background's. Sliding is most of its minutes
 * falling (BACKGROUND_FALLING_SHARE), by the median minute more than `slideW`: a load leaving before is
 * one fall and no slide, a flat background's ripple falls in half its minutes. A gap past maxGapMin
 * empties them.
 */
function backgroundSliding(before: readonly number[], split: boolean, slideW: number): boolean {
  const n = split ? before.length - 1 : before.length
  if (n < BEFORE_FITTED) return false
  const falls: number[] = []
  let fell = 0
  for (let i = 1; i < n; i++) {
    const f = before[i - 1]! - before[i]!
    falls.push(f)
    if (f > 0) fell += 1
  }
  falls.sort((a, b) => a - b)
  return (
    fell >= BACKGROUND_FALLING_SHARE * falls.length && falls[Math.floor((falls.length - 1) / 2)]! > slideW
  )
}

/** Least-squares slope of w over t, W a minute. */
function slope(t: readonly number[], w: readonly number[], from: number, to: number): number {
  const n = to - from
  let mt = 0
  let mw = 0
  for (let i = from; i < to; i++) {
    mt += t[i]!
    mw += w[i]!
  }
  mt /= n
  mw /= n
  let num = 0
  let den = 0
  for (let i = from; i < to; i++) {
    num += (t[i]! - mt) * (w[i]! - mw)
    den += (t[i]! - mt) ** 2
  }
  return den > 0 ? num / den : 0
}

const mean = (w: readonly number[], from: number, to: number): number => {
  let sum = 0
  for (let i = from; i < to; i++) sum += w[i]!
  return sum / (to - from)
}

/**
 * Its readings fall as a taper does: fitted over all of them by at least MIN_SLIDE_PER_MIN of their mean a
 * minute, and each half on its own (one step down between two flat stretches is a load leaving, not a
 * slide), still above what lamps could make of noise, the fall spread over its minutes. (A candidate's
 * own test, stray-wire-evidence.ts slidesAsTaper, asks every one of its last five readings to fall: these
 * readings are fitted, for steps small enough that the ripple moves them.)
 */
function slidFromStep(step: SmallStep): SmallTaper | undefined {
  const { t, w } = step
  const n = w.length
  if (n < MIN_READINGS) return undefined
  const nowW = w[n - 1]!
  if (nowW < LEAST_LEFT_W) return undefined
  if (-slope(t, w, 0, n) < MIN_SLIDE_PER_MIN * mean(w, 0, n)) return undefined
  // a top-up slides from its first minute: a level that held first was a plateau (or another load), for
  // the candidate's own tests
  const first = Math.min(n, MIN_READINGS)
  if (-slope(t, w, 0, first) < HALF_SLIDE_PER_MIN * mean(w, 0, first)) return undefined
  const half = Math.floor(n / 2)
  if (-slope(t, w, 0, half) < HALF_SLIDE_PER_MIN * mean(w, 0, half)) return undefined
  if (-slope(t, w, n - half, n) < HALF_SLIDE_PER_MIN * mean(w, n - half, n)) return undefined
  // spread over its minutes: no one fall makes most of it, and the ripple lifts few of them
  // (on a shed's residual, a move within the meters' noise is neither a rise nor a fall of the load's)
  const noise = step.noiseW ?? 0
  let rises = 0
  let largestFall = 0
  for (let i = 1; i < n; i++) {
    if (w[i]! > w[i - 1]! + noise) rises += 1
    else largestFall = Math.max(largestFall, w[i - 1]! - w[i]! - noise)
  }
  const fallW = w[0]! - nowW
  if (
    fallW < MIN_FALL_W + 2 * noise ||
    rises > (n - 1) * MAX_RISES_SHARE ||
    largestFall > MAX_ONE_FALL_SHARE * fallW
  )
    return undefined
  return { step, fromW: w[0]!, nowW }
}
