// The evidence the stray-wire detector weighs for and against a candidate charger: whether a step was
// seen, whether the level holds, whether a big load on top is a motor or a heater, and whether a level
// seen around a big load is what was under it or only a partial minute of it.
import { compressorOf, reactiveAdds } from './stray-wire-circuit-normal.ts'
import {
  type Classified,
  chargerWaveform,
  MAX_HARMONIC_RATIO,
  type Observation,
  PFC_MAX_HARMONIC_RATIO,
  PFC_MAX_REACTIVE_RATIO,
} from './stray-wire-classify.ts'
import { lagsForCertain } from './stray-wire-lag-sign.ts'
import type { Candidate, StrayWireParams, StrayWireState } from './stray-wire-types.ts'

/** Charger-shaped readings kept per candidate, and how many minute-to-minute steps must be steady. */
export const RECENT_READINGS = 10
export const STEADY_PAIRS = 4

/**
 * A lamp switching moves a circuit's level from one minute to the next by at least this much (meter
 * noise on a watts-only circuit stays well under it) and at most LAMP_MOVE_MAX_W: a larger move is no lamp.
 */
export const LAMP_MOVE_MIN_W = 12
export const LAMP_MOVE_MAX_W = 70

/**
 * Watts only: readings a candidate must hold at its step before a fall by one lamp's watts may be taken
 * for a lamp that came on with it going off again (stray-wire-known-loads.ts compressorAfterLampLeft). Two
 * show the load's size (an averaging meter's partial first minute reads under it, and is not taken); lamps
 * switch when they will, not three minutes after a compressor started.
 */
export const STEP_HELD_READINGS = 2

/** The middle of the readings (the upper of the two middle ones), 0 for none. */
export function median(xs: readonly number[]): number {
  // sorted by insertion into a copy: the few readings a candidate keeps, at every reading it is judged; the
  // same order a stable sort by value gives, without a comparator called per pair
  const a = xs.slice()
  for (let i = 1; i < a.length; i++) {
    const x = a[i]!
    let j = i - 1
    while (j >= 0 && a[j]! - x > 0) {
      a[j + 1] = a[j]!
      j--
    }
    a[j + 1] = x
  }
  return a[Math.floor(a.length / 2)] ?? 0
}

/** A level within 10 % (or 10 W) of a load's: the same load, give or take meter noise and creep. */
export const near = (w: number, levelW: number): boolean => Math.abs(w - levelW) <= Math.max(10, 0.1 * levelW)

/** The share of a new candidate's excess its arrival step must account for. */
const STEP_SHARE = 0.7
/** Readings of a big load at this share of its run's top are whole minutes of it, not its edges. */
const INTERIOR_SHARE = 0.85
/**
 * A level seen between two stretches of a big load is a charger under it only if what came and went on
 * top is itself a cleaner or heater (domain.md: 800 W and up, less its ±12 % and meter margin). Less,
 * and the level is a fraction of that load: a partial minute of a pausing cleaner on an averaging meter.
 */
export const MIN_MASKING_LOAD_W = 600

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
  // an undistorted level found when a heater or cleaner stops arrived under it if it was not there
  // before it came on, and is of a charger's size (domain.md: its step shows in real power)
  if (s.prevBig) return !pfc || stepUnderBigLoad(s, obs) || newSinceBigLoad(s, obs, params)
  // an undistorted step may have begun in the minute after a big load went off (on an averaging meter
  // the big load's last minute and the charger's first are both partial): the rest of it rose into this
  // reading, and the step is what is new since before the big load came on
  if (pfc && afterBigEdge(s, obs) && newSinceBigLoad(s, obs, params)) return true
  if (cameInPieces(s, obs)) return false
  const before = s.prev2W === null || loadOfItsOwn(s, obs, params) ? s.prevW : Math.min(s.prevW, s.prev2W)
  const stepW = obs.unexplainedW - before
  // the step carries most of the excess: two lamps arriving a few minutes apart add up to a charger's
  // level but never arrive as one
  return stepW >= 0.5 * params.minStepW && stepW >= STEP_SHARE * (obs.unexplainedW - s.baselineW!)
}

/**
 * The reading before stood a charger's size over the background and had no charger's waveform, whatever
 * its size (a compressor's reactive current): a load of its own, not the first part of this step that an
 * averaging meter split (a partial minute has the whole load's PF and THD). The step is over it.
 */
function loadOfItsOwn(s: StrayWireState, obs: Observation, params: StrayWireParams): boolean {
  if (
    obs.harmonicVA === null ||
    s.prevW === null ||
    s.prevH === null ||
    s.prevQ === null ||
    s.prevQ === undefined
  )
    return false
  const excessW = s.prevW - s.baselineW!
  const excessQ = s.prevQ - (s.baselineQ ?? 0)
  return excessW >= params.minStepW && !chargerWaveform(excessW, s.prevH - s.baselineH, excessQ, params)
}

/** A rise in harmonic VA from one reading to the next beyond what the meter's noise makes. */
const PIECE_MIN_VA = 10

/**
 * An averaging meter splits one load's step over two readings at most: harmonic current that rose in
 * each of the last three readings and again now came in pieces (LED banks switching on a minute apart
 * at dusk), whatever its sum. The readings before this one are the circuit's recent harmonic VA,
 * oldest first (stray-wire-circuit-normal.ts keeps four).
 */
function cameInPieces(s: StrayWireState, obs: Observation): boolean {
  const h = s.normal?.recentH
  if (obs.harmonicVA === null || !h || h.length < 3) return false
  const n = h.length
  return (
    obs.harmonicVA - h[n - 1]! >= PIECE_MIN_VA &&
    h[n - 1]! - h[n - 2]! >= PIECE_MIN_VA &&
    h[n - 2]! - h[n - 3]! >= PIECE_MIN_VA
  )
}

/** The reading before this one was the first after a big load and below this one: partial, or a lamp. */
const afterBigEdge = (s: StrayWireState, obs: Observation): boolean =>
  s.prev2Big === true && s.prevW !== null && s.prevW < obs.unexplainedW

/** A level of an active-PFC charger's size that was not there before the big load came on. */
function newSinceBigLoad(s: StrayWireState, obs: Observation, params: StrayWireParams): boolean {
  const before = levelBeforeBig(s, obs)
  const stepW = obs.unexplainedW - before
  return (
    stepW >= (params.minPfcStepW ?? params.minStepW) &&
    stepW >= STEP_SHARE * (obs.unexplainedW - s.baselineW!)
  )
}

/**
 * The level the circuit stood at before the big load came on, that what is new since is measured from:
 * the reading before it, where that reading held the one before it. One that moved, above the background,
 * held part of something switching in that minute (on an averaging meter: a cleaner pausing between its
 * bursts, a heater's edge, a compressor starting) and is no level: the one that stood is the background.
 * Unless the circuit came back to that reading once the big load went (now, or in the reading before), as
 * to a level it stood at (a fridge seen in a cleaner's whole-minute pause: development circuit-mixed-quiet
 * 133@01-18). Development circuit-pfc-stray 66@02-03: a cleaner's partial pause of 444 W before its last
 * burst; the 262 W charger plugged in under it, measured over that reading, was never raised.
 */
function levelBeforeBig(s: StrayWireState, obs: Observation): number {
  const w = s.preBigW
  if (w === null || w === undefined) return s.baselineW!
  if (s.preBigSteady !== false || w <= s.baselineW!) return w
  const back = (x: number | null): boolean => x !== null && Math.abs(x - w) <= Math.max(8, 0.05 * x)
  return back(obs.unexplainedW) || (!s.prevBig && back(s.prevW)) ? w : s.baselineW!
}

/** The level left when a big load went off is the step seen on top of it while it held steady. */
export function stepUnderBigLoad(s: StrayWireState, obs: Observation): boolean {
  const stepW = s.bigStepW
  if (stepW === null || stepW === undefined) return false
  const leftW = obs.unexplainedW - s.baselineW!
  return Math.abs(leftW - stepW) <= Math.max(15, 0.15 * stepW)
}

/**
 * The level after a big load went off is the one just before it came on, in watts and (where the meter
 * reports them) harmonic current: nothing arrived under it, unless a step was seen on top of it.
 */
export function levelOutlastedBigLoad(s: StrayWireState, obs: Observation): boolean {
  if (!s.prevBig || s.preBigW === null || s.preBigW === undefined) return false
  if (stepUnderBigLoad(s, obs)) return false
  const w = obs.unexplainedW
  if (Math.abs(w - s.preBigW) > Math.max(8, 0.05 * w)) return false
  const h = obs.harmonicVA
  const before = s.preBigH
  if (h === null || before === null || before === undefined) return true
  return Math.abs(h - before) <= Math.max(10, 0.15 * h)
}

/**
 * A candidate begun on the first reading after a big load went off, and the circuit back at the reading
 * before that load came on, in watts, harmonic and reactive current alike: that first reading was the big
 * load's own last minute, in part (an averaging meter's, a cleaner's motor running down), and nothing
 * arrived under it. A charger that did would stand on top of that level, its harmonic current (a
 * rectifier's) or its watts with none (active PFC) there to see.
 */
export function backFromBigLoadEdge(s: StrayWireState, cand: Candidate, obs: Observation): boolean {
  if (cand.readings !== 1 || cand.onsetTs === cand.firstTs || s.prevBig || obs.harmonicVA === null)
    return false
  const { preBigW, preBigH, preBigQ } = s
  if (preBigW === null || preBigW === undefined || preBigH === null || preBigH === undefined) return false
  // within a share of what stands over the background, not of the whole draw: on a circuit drawing
  // kilowatts a small charger is less than 5 % of it
  const w = obs.unexplainedW
  if (Math.abs(w - preBigW) > Math.max(8, 0.05 * Math.max(0, w - (s.baselineW ?? 0)))) return false
  const h = obs.harmonicVA
  if (Math.abs(h - preBigH) > Math.max(10, 0.15 * Math.max(0, h - (s.baselineH ?? 0)))) return false
  // a compressor that stopped under it took its reactive current (an active-PFC charger's swap)
  if (obs.reactiveVA === null || preBigQ === null || preBigQ === undefined) return true
  return Math.abs(obs.reactiveVA - preBigQ) <= Math.max(EDGE_Q_VAR, 0.15 * preBigQ)
}

/** Reactive VA a reading's PF in two decimals moves by at a few hundred W. */
const EDGE_Q_VAR = 30

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

/**
 * A charger plugged into a nearly full pack starts in its constant-voltage taper: no plateau, its draw
 * falls reading after reading, by 1–12 % of itself a minute (lithium faster, lead-acid slower), smoothly.
 * Nothing else a circuit runs does that: lamps and banks go off as steps and the level holds after each,
 * a compressor's run creeps up, a heater's element holds. The last TAPER_READINGS readings each fell from
 * the one before, none by more than TAPER_MAX_FALL of it, by TAPER_MIN_FALL of the first a reading on
 * average (the meter's ±1.5 % ripple cannot fake that over four falls). (A slow
 * lead-acid taper under the meter's ripple does not fall every minute; it holds as levelHolds asks.)
 * A taper's falls are also all of a size, a lamp's are not: an exponential decay's falls shrink only by its
 * rate each minute, so over five readings each carries about a quarter of the slide and the last two
 * nearly half (still a third at a fast lithium 20 %), while a lamp or a bank going off (or a motion light,
 * or the one of two banks a schedule puts out first) is one fall, the level holding after it and the falls
 * beside it the meter's ripple. So no fall carries over TAPER_MAX_SHARE of the slide (the ripple, ±3 % of
 * the level across two readings, puts at most about half of the slowest taper's slide in one fall) and the
 * last two carry at least TAPER_LATE_SHARE of it (the slide goes on to the last reading).
 */
export const TAPER_READINGS = 5
export const TAPER_MAX_FALL = 0.2
export const TAPER_MIN_FALL = 0.025
const TAPER_MAX_SHARE = 0.6
const TAPER_LATE_SHARE = 0.25

export function slidesAsTaper(w: readonly number[], readings = TAPER_READINGS): boolean {
  if (w.length < readings) return false
  const from = w.length - readings
  const slide = w[from]! - w[w.length - 1]!
  for (let i = from + 1; i < w.length; i++) {
    const fall = w[i - 1]! - w[i]!
    if (!(fall > 0) || fall > TAPER_MAX_FALL * w[i - 1]! || fall > TAPER_MAX_SHARE * slide) return false
  }
  const late = w[w.length - 3]! - w[w.length - 1]!
  return slide >= TAPER_MIN_FALL * (readings - 1) * w[from]! && late >= TAPER_LATE_SHARE * slide
}

/**
 * A taper's fall is spread over every minute of it (the charge current eases off continuously), none of its
 * falls under FALL_SPREAD of their mean. A lamp going off beside a flat load falls in one reading, or two
 * where an averaging meter splits it, and the level holds (the meter's ripple only) on either side: the
 * slide's average can reach a taper's share while most of its minutes hardly fall.
 */
const FALL_SPREAD = 1 / 3

export function fallsEveryMinute(w: readonly number[], readings = TAPER_READINGS): boolean {
  if (w.length < readings || readings < 2) return false
  const from = w.length - readings
  const least = (FALL_SPREAD * (w[from]! - w[w.length - 1]!)) / (readings - 1)
  for (let i = from + 1; i < w.length; i++) if (w[i - 1]! - w[i]! < least) return false
  return true
}

/**
 * Every reading of a young slide below the one before by no more than a taper's fastest share, and the
 * whole slide by at least its slowest share a minute on average (domain.md: 2.5–20 % a minute). Where the
 * meter shows the waveform the harmonic share already says the load is a charger's kind, so
 * the slide's shape only has to be a taper's pace, not the spread of falls asked of watts alone: over two
 * or three minutes the meter's ripple (±3 %) is as big as a slow taper's fall, so one fall may well carry
 * most of the slide.
 */
function fallsAsTaperEachMinute(w: readonly number[]): boolean {
  for (let i = 1; i < w.length; i++) {
    const fall = w[i - 1]! - w[i]!
    if (!(fall > 0) || fall > TAPER_MAX_FALL * w[i - 1]!) return false
  }
  return w[0]! - w[w.length - 1]! >= TAPER_MIN_FALL * (w.length - 1) * w[0]!
}

const MIN_MS = 60_000

/**
 * A charger hidden under a heater (only its harmonic current showed it) goes on down its taper there, but
 * the level kept for those readings is the one last seen, held: no reading of its watts. Its slide is the
 * readings seen in view, before the heater and since, by when they were read (the minutes the heater hid
 * between them). Undefined where no held reading is among the recent ones (or when they were read is not
 * kept): the readings are the slide as they stand.
 */
function readingsInView(cand: Candidate): { w: number[]; ts: number[] } | undefined {
  const hidden = cand.hiddenTs
  const ts = cand.recentTs
  if (!hidden?.length || !ts?.length) return undefined
  const offset = cand.recentW.length - ts.length
  const w: number[] = []
  const seenTs: number[] = []
  for (let i = 0; i < cand.recentW.length; i++) {
    // the readings before the first kept time count a minute each (Candidate.recentTs)
    const at = i < offset ? ts[0]! - (offset - i) * MIN_MS : ts[i - offset]!
    if (hidden.includes(at)) continue
    w.push(cand.recentW[i]!)
    seenTs.push(at)
  }
  if (w.length === 0 || w.length === cand.recentW.length) return undefined
  return { w, ts: seenTs }
}

/**
 * A candidate a heater hid, seen again in fewer than SEEN_AGAIN_TO_JUDGE readings since (the readings it
 * hid hold the last level seen): a reading that goes on with its slide now is one fall across the hidden
 * minutes and a minute or two after it, which a lamp or a bank of LED drivers switched off under the heater
 * makes as well, the supply's voltage moving the watts a few % after it (review48: 130 W seen a minute, 78
 * W after 12 min under a heater, then 77 W). A taper goes on falling every minute: the readings after tell.
 */
export function seenAgainTooFew(cand: Candidate): boolean {
  const hidden = cand.hiddenTs
  const ts = cand.recentTs
  if (!hidden?.length || !ts?.length) return false
  const lastHidden = Math.max(...hidden)
  return ts.filter((t) => t > lastHidden).length < SEEN_AGAIN_TO_JUDGE
}

/** Readings in view after a heater hid a young slide before one more is judged with them. */
const SEEN_AGAIN_TO_JUDGE = 2

/**
 * A slide of readings some minutes apart (a heater hid the ones between) read as a taper's pace: a taper
 * eases off as an exponential does, so each fall is compounded over the minutes it took. Every minute's
 * share falls, by no more than the fastest taper's (20 %), the whole slide at least the slowest's (2.5 % a
 * minute), and no fall's share a minute under a third of the whole's (spread over every minute, as
 * fallsEveryMinute asks): a lamp going off under the heater falls once and holds.
 */
function slidesEachMinute(w: readonly number[], ts: readonly number[]): boolean {
  if (w.length < 2) return false
  const shares: number[] = []
  for (let i = 1; i < w.length; i++) {
    const minutes = (ts[i]! - ts[i - 1]!) / MIN_MS
    if (!(minutes > 0) || !(w[i]! > 0) || !(w[i]! < w[i - 1]!)) return false
    const share = 1 - (w[i]! / w[i - 1]!) ** (1 / minutes)
    if (share > TAPER_MAX_FALL) return false
    shares.push(share)
  }
  const whole = 1 - (w[w.length - 1]! / w[0]!) ** (MIN_MS / (ts[ts.length - 1]! - ts[0]!))
  return whole >= TAPER_MIN_FALL && shares.every((share) => share >= FALL_SPREAD * whole)
}

/**
 * A reading too small for a charger's step that goes on with its candidate's slide (the last readings fell
 * as a taper does, this one by a taper's share below the last, at the candidate's kind of waveform where
 * the meter shows it): the taper going on, not the load leaving.
 *
 * A top-up that starts a little over the least step (a lithium pack near full: ~90–110 W, 5–10 % less each
 * minute) is under it by its third or fourth reading, before it has the readings a slide is judged by. A
 * young candidate every one of whose readings since its step fell so (two at least, with this one three:
 * two falls, as far on average as the slide asks, every minute of it) is that taper too; what else a circuit runs holds its
 * level after a step (lamps, a compressor's run that creeps up) or swings about it (a cleaner).
 *
 * Where the meter shows the waveform, one reading is enough to start from: the candidate's harmonic share
 * was a charger's when it was taken up (a rectifier's or an active-PFC input's; the share asked below holds
 * this reading to it too), and a top-up seen first as a heater went off (86 W, then 83, 78, 77,
 * 72) is under the least step from its second reading on. Left uncounted, it never had the readings a
 * charger is confirmed by, and the heater coming back dropped it (development circuit-under-load
 * 134@01-07T18:44, missed). Watts alone say nothing of the load's kind, so there the slide is asked for.
 */
export function continuesTaper(
  cand: Candidate,
  c: Classified,
  params: StrayWireParams,
  ts?: number,
): boolean {
  const w = cand.recentW
  const last = w[w.length - 1]
  if (last === undefined) return false
  const seen = ts === undefined || c.excessVA === null ? undefined : readingsInView(cand)
  if (seen) {
    const from = Math.max(0, seen.w.length - (TAPER_READINGS - 1))
    const slide = { w: [...seen.w.slice(from), c.excessW], ts: [...seen.ts.slice(from), ts!] }
    if (!slidesEachMinute(slide.w, slide.ts) || c.excessW < params.quietW) return false
    const ratio = c.excessVA! / c.excessW
    return cand.pfc ? ratio <= PFC_MAX_HARMONIC_RATIO : ratio >= params.minHarmonicRatio
  }
  const allCharger = w.length < TAPER_READINGS - 1 && cand.readings === w.length
  const shows = c.excessVA !== null
  if (allCharger && (w.length >= 2 || shows)) {
    const slide = [...w, c.excessW]
    if (shows ? !fallsAsTaperEachMinute(slide) : !slidesAsTaper(slide, slide.length)) return false
    if (!fallsEveryMinute(slide, slide.length)) return false
  } else if (!slidesAsTaper(w, TAPER_READINGS - 1)) return false
  const fall = last - c.excessW
  if (!(fall > 0) || fall > TAPER_MAX_FALL * last || c.excessW < params.quietW) return false
  if (c.excessVA === null) return true
  const ratio = c.excessVA / c.excessW
  return cand.pfc ? ratio <= PFC_MAX_HARMONIC_RATIO : ratio >= params.minHarmonicRatio
}

/** A heater's element holds its watts from minute to minute within this share (domain.md: ±2 %, and the meter's). */
export const ELEMENT_HOLD_SHARE = 0.04

/** The least a charger in constant current draws, ~120 W (lead-acid, domain.md), less the meter's margin. */
export const MIN_CHARGER_W = 100
/** Resistive loads carry the supply's few % of voltage distortion, hence the 4 % of their watts. */
export const RESISTIVE_H_PER_W = 0.04
/**
 * A rectifier's harmonic VA per W (THD 50 %+ at PF 0.8 or below) is at least this, and this far above a
 * motor's (brushes and a triac: THD 15–45 %, so 0.5 VA per W at most): told apart under a cleaner.
 */
export const RECTIFIER_MIN_H_PER_W = 0.55
export const OVER_MOTOR_H_PER_W = 0.2
/** A heater's harmonic VA per W with margin (supply distortion, PF ~0.99): above it, a motor's. */
export const HEATER_MAX_H_PER_W = 0.1
/** A motor's reactive VA per W (PF 0.8–0.95: 0.33–0.75) with margin; a heater's and a rectifier's are less. */
export const MOTOR_MIN_Q_PER_W = 0.25
/** What a cleaner's motor draws at least (800 W, less its swing): less on top of a candidate is no cleaner. */
const CLEANER_MIN_W = 600
/** A pause of the big load this long keeps its waveform (a cleaner stops to move the cord). */
const BIG_PAUSE_MS = 3 * 60_000
/**
 * Readings the big load's waveform is averaged over: its first ones, then it is kept. A charger plugged
 * in under it later only adds its own harmonic current to the readings after.
 */
export const BIG_WAVEFORM_READINGS = 4

/**
 * A big load's reading with nothing tracked: its harmonic and reactive VA per W (over the background),
 * averaged over its first readings and kept over a short pause. Tracked readings hold a candidate's load
 * as well: they keep the waveform current, not its value.
 */
export function noteBigWaveform(s: StrayWireState, obs: Observation, c: Classified): void {
  const prev = bigWaveformAt(s, obs.ts)
  if (s.candidate || s.alert || c.excessVA === null || obs.reactiveVA === null || c.excessW <= 0) {
    if (prev) s.bigWaveform = { ...prev, lastTs: obs.ts }
    return
  }
  if (prev && prev.n >= BIG_WAVEFORM_READINGS) {
    s.bigWaveform = { ...prev, lastTs: obs.ts }
    return
  }
  const h = Math.max(0, c.excessVA) / c.excessW
  const q = Math.max(0, obs.reactiveVA - (s.baselineQ ?? 0)) / c.excessW
  const n = prev ? prev.n + 1 : 1
  // its watts over the background as well: what a load arriving under it adds is read against their mean
  s.bigWaveform = prev
    ? {
        hPerW: prev.hPerW + (h - prev.hPerW) / n,
        qPerW: prev.qPerW + (q - prev.qPerW) / n,
        n,
        lastTs: obs.ts,
        w: (prev.w ?? c.excessW) + (c.excessW - (prev.w ?? c.excessW)) / n,
      }
    : { hPerW: h, qPerW: q, n, lastTs: obs.ts, w: c.excessW }
}

/** The waveform of the big load running now or paused a minute or two ago (hiddenChargerShows wants it seen alone twice). */
export function bigWaveformAt(s: StrayWireState, ts: number): StrayWireState['bigWaveform'] {
  const w = s.bigWaveform
  return w && ts - w.lastTs <= BIG_PAUSE_MS ? w : undefined
}

/**
 * A big load on top hides a candidate's watts, not its harmonic current, which adds: what the big load
 * carries of its own is taken off and the rest must be the candidate's. A heater's element carries a few
 * % of its watts (measured before it where the charger plugged in under it). A cleaner's motor carries
 * up to half its watts, by a share its brushes and triac hold while its watts swing: measured on it
 * alone before the candidate, and only a rectifier, far more distorted than the motor, shows through
 * (a partial minute of the motor itself has the motor's waveform, and an active-PFC charger's few VA are
 * within the motor's error). A candidate that plugged in under a running heater is judged against that
 * heater as measured, down its taper (stray-wire-taper-under-heater.ts, chargerUnderHeaterShows), not here.
 */
export function hiddenChargerShows(
  cand: Candidate,
  c: Classified,
  big?: StrayWireState['bigWaveform'],
  backgroundW?: number,
  backgroundH?: number,
): boolean {
  if (cand.harmonicVA === null || c.excessVA === null) return false
  const over = c.excessW - cand.maxW
  // a motor by its lagging current as well: a heater with a rectifier hidden under it (never seen alone)
  // carries the rectifier's harmonic current, not a motor's reactive current
  const motor =
    big !== undefined &&
    big.n >= 2 &&
    over >= CLEANER_MIN_W &&
    big.hPerW > HEATER_MAX_H_PER_W &&
    big.qPerW >= MOTOR_MIN_Q_PER_W
      ? big.hPerW
      : undefined
  if (motor !== undefined) {
    // a rectifier far beyond the motor, over its background and over the whole circuit alike
    const share = leastHarmonicShare(cand.harmonicVA, cand.maxW, backgroundW, backgroundH)
    if (share < Math.max(RECTIFIER_MIN_H_PER_W, motor + OVER_MOTOR_H_PER_W)) return false
  }
  const rest = c.excessVA - (motor ?? RESISTIVE_H_PER_W) * over
  return Math.abs(rest - cand.harmonicVA) <= HIDDEN_HARMONIC_BAND * cand.harmonicVA
}

/** The meter's ripple and the element's own distortion (THD 1–3 %) about a charger's harmonic VA. */
export const HIDDEN_HARMONIC_BAND = 0.3

/**
 * A load's harmonic VA per W over its background, or over the whole circuit with it where that is less: a
 * background wrong by a load gone unseen (a compressor's run ended under a motor) makes a partial minute of
 * the motor look distorted over it, not the whole reading. A rectifier shows as one by both.
 */
export function leastHarmonicShare(h: number, w: number, backgroundW?: number, backgroundH?: number): number {
  const own = h / Math.max(1, w)
  if (backgroundW === undefined || backgroundH === undefined) return own
  return Math.min(own, (h + backgroundH) / Math.max(1, w + backgroundW))
}

/**
 * A charger found right after a cleaner or heater may have plugged in under it (the step was hidden):
 * its onset is when the big load began, at the earliest, and the watts it left above the pre-load
 * background (frozen meanwhile) are the step.
 */
export function startCandidate(s: StrayWireState, obs: Observation, c: Classified): void {
  const afterBig = s.prevBig && s.bigSinceTs !== null && s.bigSinceTs !== undefined
  // the circuit stood at the reading before the step (it held the one before it), or had fallen below the
  // background there (a lamp gone the background had not dropped yet): not a rise that may be a partial
  // minute of the step itself on an averaging meter, which would take part of the load for background
  const stood = !afterBig && steadyBefore(s)
  const fellBefore = !afterBig && s.prevW !== null && s.prevW < s.baselineW!
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
    ...(!afterBig && s.prevW !== null ? { beforeW: Math.round(s.prevW * 10) / 10 } : {}),
    ...(!afterBig && s.prevW !== null && s.prev2W !== null && s.prev2W - s.prevW >= LAMP_MOVE_MIN_W
      ? { fellFromW: Math.round(s.prev2W * 10) / 10 }
      : {}),
    ...(stood || fellBefore ? { baseW: Math.round(s.baselineW! * 10) / 10 } : {}),
    ...(stood && backgroundLagged(s) ? { overLagging: true } : {}),
    ...(stood && s.lampRise && obs.ts - s.lampRise.ts <= LAMP_BURN_MS ? { lampBeforeW: s.lampRise.w } : {}),
    ...standingBeforeBig(s, obs, afterBig),
    ...stepUnderHeater(s, obs, afterBig),
  }
}

/**
 * The reading before the step, which the background stands for (its |Q| the background's, within the
 * meter's rounding), lagged for certain (lagsForCertain).
 */
function backgroundLagged(s: StrayWireState): boolean {
  const q = s.prevQ
  if (q === null || q === undefined || s.baselineQ === undefined) return false
  return lagsForCertain(s.lagSign) && Math.abs(q - s.baselineQ) <= Q_ROUNDING_VA
}

/**
 * Watts only: the last step up the heater's run held to a new level with (stray-wire-under-heater.ts), where
 * that was still its level when it went off. An element holds its watts, so a load that arrived under it
 * after its first minute shows there, its own watts measured between two steady levels.
 */
function stepUnderHeater(
  s: StrayWireState,
  obs: Observation,
  afterBig: boolean,
): { stepUnderHeaterW: number; stepUnderHeaterTs: number } | undefined {
  const a = s.arrivedUnderBig
  if (!afterBig || obs.harmonicVA !== null || obs.source !== 'circuit' || !a?.current) return
  return { stepUnderHeaterW: Math.round((a.to.w - a.from.w) * 10) / 10, stepUnderHeaterTs: a.ts }
}

/**
 * Watts only: the level the circuit stood at over the background in the reading before the heater or
 * cleaner came on, where that reading held the one before it and nothing was followed then (lights just
 * switched on, which the background takes over minutes). It was there before the big load: what arrived
 * under it is what stands over it.
 */
function standingBeforeBig(
  s: StrayWireState,
  obs: Observation,
  afterBig: boolean,
): { standingBeforeBigW: number } | undefined {
  if (!afterBig || obs.harmonicVA !== null || obs.source !== 'circuit' || s.preBigSteady !== true) return
  if (s.preBigW === null || s.preBigW === undefined) return
  const overW = s.preBigW - s.baselineW!
  if (overW < LAMP_MOVE_MIN_W || overW > STANDING_MAX_W) return
  return { standingBeforeBigW: Math.round(overW * 10) / 10 }
}

/** Lights a circuit switches on at dusk at most (three banks of the largest cheap fittings). */
const STANDING_MAX_W = 160

/**
 * An unmasked reading of the candidate, where the meter reports PF and THD: over a background with no
 * rectifier in it its reactive VA is its own (nothing there leads, lagging currents add), and joins its
 * sums. Over one that carries a rectifier's harmonic current (LED drivers' leading current may hide most
 * of a motor's in the meter's |Q|), followOverLeading. Nor, where the background holds more reactive VA
 * than its watts can carry (left from a load taken out of it since), nor, where it holds more than lamps
 * draw (a motor's), once a heater or cleaner hid the candidate (from its step on, or since): the
 * background is then what stood before the big load, and a motor in it may have stopped or started
 * unseen, leaving the excess's reactive VA off by its own. A motor running steadily beside a step seen in
 * plain view stays in the background with its reactive VA.
 */
export function followLagging(s: StrayWireState, cand: Candidate, obs: Observation, excessW: number): void {
  const q = s.baselineQ
  if (obs.reactiveVA === null || q === undefined) return
  // more than any load of its watts draws (a motor at PF 0.6): left from a load taken out of it since
  if (q > MOTOR_MAX_VAR_PER_W * s.baselineW! + METER_SLACK_VA) return
  const overRectifiers = s.baselineH > PFC_MAX_HARMONIC_RATIO * s.baselineW! + METER_SLACK_VA
  // nothing in the background leads: |Q| now less its |Q| is the excess's own, with any motor that moved
  if (!overRectifiers) cand.netLagging = addTo(cand.netLagging, excessW, obs.reactiveVA - q)
  const inView = cand.onsetTs === cand.firstTs && cand.bigReadings === 0
  if (!inView && q > LAMP_MAX_VAR_PER_W * s.baselineW! + METER_SLACK_VA) return
  if (overRectifiers) {
    followOverLeading(s, cand, obs.reactiveVA, excessW, obs.lags === true)
    return
  }
  cand.lagging = addTo(cand.lagging, excessW, obs.reactiveVA - q)
}

/**
 * Over a background that carries LED drivers' leading current the meter's unsigned |Q| hides the sign of
 * the background's reactive VA. Where it reads more than its rectifiers could lead by (reactiveAdds: a
 * motor beside the banks), it lags, and the candidate's own lagging current adds to it: its reactive VA is
 * the rise in |Q|, and joins the sums of one over a background without rectifiers. Elsewhere (the banks
 * lead, or may), however the background's signed reactive VA stands (|Q0| either way), the candidate's own
 * is at most |Q| now plus |Q0|: the most the background can lead by is all it reads, and a motor's lagging
 * current shows at least its excess over that. A compressor's motor (>= 0.55 var per W) can read no less;
 * an active-PFC charger over banks reads its own or twice the banks' lead less it, the larger
 * (overLeading). Both only over the background the candidate's first such reading stood on: one moved
 * since (a load taken into it under the candidate) had its |Q| made of a difference of unsigned readings
 * over the banks, not read, and may lag by less or lead.
 */
function followOverLeading(
  s: StrayWireState,
  cand: Candidate,
  reactiveVA: number,
  excessW: number,
  lags: boolean,
): void {
  const q = s.baselineQ!
  // a background that holds no more than lamps besides its rectifiers leads however lamps moved in it
  if (reactiveVA > q + Q_ROUNDING_VA && backgroundLeads(s.baselineW!, s.baselineH, q)) {
    cand.pastLead = addTo(cand.pastLead, excessW, reactiveVA + q)
    cand.pastLeadBackgroundQ = Math.round(((cand.pastLeadBackgroundQ ?? 0) + q) * 10) / 10
  }
  cand.overLeadingOnW ??= s.baselineW!
  if (Math.abs(s.baselineW! - cand.overLeadingOnW) > BACKGROUND_STILL_W) return
  // known to lag before the step and now (a motor's lag outweighing the banks' lead), both |Q| are signed
  // alike: the rise is the candidate's own
  if (reactiveAdds(s.baselineW!, s.baselineH, q) || (cand.overLagging && lags))
    cand.lagging = addTo(cand.lagging, excessW, reactiveVA - q)
  else cand.overLeading = addTo(cand.overLeading, excessW, reactiveVA + q)
}

/**
 * The background leads for certain: its watts beyond the least its rectifiers draw for their harmonic
 * current (MAX_HARMONIC_RATIO per W at most) are no more than lights draw (10-60 W: no compressor's motor
 * in them) and, at a lamp driver's lag, could lag by less than the |Q| it reads: the rest is the LED
 * drivers' leading current. A lagging load on top first cancels that lead (|Q| falls), and |Q| rises past
 * the background's only once its own passes twice the lead: |Q| now is then its own less the lead, and its
 * own is the two added, exactly (not the bound overLeading keeps, which holds for either sign).
 */
export function backgroundLeads(w: number, h: number, q: number): boolean {
  const notRectifierW = Math.max(0, w - h / MAX_HARMONIC_RATIO)
  return h > 0 && notRectifierW <= LIGHTS_MAX_W && q > LAMP_MAX_VAR_PER_W * notRectifierW + Q_ROUNDING_VA
}
/** Lights on a corridor circuit draw 10-60 W (domain.md); a compressor's motor more. */
const LIGHTS_MAX_W = 60
/** How far the meter's |Q| moves between readings of the same loads (PF in two decimals). */
const Q_ROUNDING_VA = 10

/**
 * An undistorted step seen in plain view over a background that led for certain, whose own reactive VA,
 * read past the banks' lead (three readings at least), is more than an active-PFC input draws (PF >= 0.93:
 * at most 0.4 var per W, PFC_MAX_REACTIVE_RATIO with the meter's margin), which reads so exactly too: a
 * compressor starting (0.6-0.9 var per W, less a lamp switched with it), its lag read short by twice the
 * banks' lead in the meter's unsigned |Q|, so that the step passed for an active-PFC charger's.
 * An active-PFC input may itself lead a little (its EMI filter's capacitors, at light load), and then
 * |Q| rises by its own over the banks' and reads as the banks' lead twice more: so the step is held back
 * only where, read as a leading load (|Q| now less the background's), it also leads by more than any
 * active-PFC input does (PF >= 0.95 at THD <= 15 %, domain.md: a displacement factor of 0.96 and more,
 * 0.29 var per W at most).
 */
export function motorPastLead(cand: Candidate): boolean {
  const sum = cand.pastLead
  if (!cand.pfc || cand.onsetTs !== cand.firstTs || cand.bigReadings > 0) return false
  if (!sum || sum.n < PAST_LEAD_READINGS_MIN || !(sum.w > 0)) return false
  const asLeading = sum.q - 2 * (cand.pastLeadBackgroundQ ?? 0)
  return sum.q / sum.w > PFC_MAX_REACTIVE_RATIO && asLeading / sum.w > PFC_MAX_LEAD_VAR_PER_W
}
/** Readings of its own reactive current a candidate needs: the meter's PF in two decimals is noisy. */
const PAST_LEAD_READINGS_MIN = 3
/** The most reactive VA per W an active-PFC input leads by (PF 0.95 at 15 % THD), with the meter's PF rounding. */
const PFC_MAX_LEAD_VAR_PER_W = 0.3

function addTo(sum: Candidate['lagging'], w: number, q: number): { w: number; q: number; n: number } {
  const from = sum ?? { w: 0, q: 0, n: 0 }
  return { w: Math.round((from.w + w) * 10) / 10, q: Math.round((from.q + q) * 10) / 10, n: from.n + 1 }
}

/** Harmonic or reactive VA over its loads' share a level may carry (meter noise, a lamp's driver). */
const METER_SLACK_VA = 20
/**
 * The background's watts still the ones a candidate's first reading over LED banks stood on: within a
 * meter's noise and a lamp driver's drift, short of the smallest load that could have been taken into it.
 */
const BACKGROUND_STILL_W = 20
/** Lamps' drivers run at PF > 0.9 (domain.md): at most ~0.48 var per W. */
export const LAMP_MAX_VAR_PER_W = 0.5
/** A fridge's motor at PF 0.6, the lowest a compressor runs at (domain.md: 0.6–0.85). */
export const MOTOR_MAX_VAR_PER_W = 1.33

/**
 * A motion lamp burns a few minutes (1–4) per trigger, and on as long as people keep passing (triggers
 * overlapping): one that came on longer ago than this is not followed.
 */
const LAMP_BURN_MS = 30 * 60_000

/**
 * In its first minutes the circuit fell back to the reading before the candidate's step: what arrived
 * with the step left again (a motion lamp that completed a compressor's step to a charger's size), so
 * nothing of it was the background's and the background must not lose it.
 */
export function stepLeftAgain(s: StrayWireState, obs: Observation): boolean {
  const cand = s.candidate
  if (!cand || cand.beforeW === undefined || cand.stepW === undefined || s.prevW === null) return false
  if (cand.readings > YOUNG_READINGS) return false
  const fallW = s.prevW - obs.unexplainedW
  if (fallW < 0.25 * cand.stepW) return false
  if (Math.abs(obs.unexplainedW - cand.beforeW) > Math.max(10, 0.08 * cand.stepW)) return false
  const h = cand.harmonicVA
  if (h === null || obs.harmonicVA === null) return true
  // a fall at a harmonic share unlike the candidate's own is another load's (LED banks of its watts
  // going off at dawn, which carry more per W than a rectifier charger)
  if (s.prevH !== null && apartFromOwn(fallW, s.prevH - obs.harmonicVA, h / cand.stepW)) return false
  // a rectifier's harmonic current still all there: another load of its watts left (a compressor)
  return !(h >= MIN_CANDIDATE_H_VA && obs.harmonicVA - s.baselineH >= 0.5 * h)
}

/**
 * The reading before this one held the level of the one before it (within meter noise and a compressor's
 * creep): not the second half of a step an averaging meter split, nor a big load's partial minute.
 */
export const steadyBefore = (s: StrayWireState): s is StrayWireState & { prevW: number; prev2W: number } =>
  s.prevW !== null && s.prev2W !== null && Math.abs(s.prevW - s.prev2W) <= Math.max(6, 0.03 * s.prevW)

/**
 * In a candidate's first minutes, a fall that leaves one of the circuit's compressors of its step, in
 * watts and harmonic share: what came with the step went (a motion lamp switched on in the same minute),
 * not a load the background held, nor one that left under a charger. A distorted fall (`fallH`, LED
 * banks going off) is the background's: a lamp carries little harmonic current.
 */
export function cameWithStep(s: StrayWireState, fallW: number, fallH: number | null): boolean {
  const cand = s.candidate
  if (!cand || cand.readings >= CAME_WITH_READINGS || cand.stepW === undefined) return false
  if (fallH !== null && fallH >= DISTORTED_FALL_SHARE * fallW) return false
  // the level it stood at before the fall: the step's, or above it by at most what falls now, where an
  // averaging meter showed a lamp that came with the load only in part in the step's minute
  const tol = Math.max(15, 0.1 * cand.stepW)
  const top = Math.max(cand.stepW, cand.recentW[cand.recentW.length - 1] ?? cand.stepW)
  if (top - cand.stepW > fallW + tol) return false
  // it stood there in every reading since the step
  if (cand.recentW.some((w) => w < cand.stepW! - tol || w > top + tol)) return false
  const rest = top - fallW
  if (rest <= 0) return false
  const ratio =
    cand.harmonicVA === null ? null : Math.max(0, cand.harmonicVA - Math.max(0, fallH ?? 0)) / rest
  return compressorOf(s.normal, rest, ratio)
}

/** A fall carrying this much harmonic VA per W is a distorted load's (LED drivers), not a lamp's. */
const DISTORTED_FALL_SHARE = 0.5

/** Readings a motion lamp that switched on with a candidate's step stays on for, at most. */
const CAME_WITH_READINGS = 6

/** The candidate's step and level without what came with it and went (cameWithStep). */
export function shedFromStep(s: StrayWireState, fallW: number): void {
  const cand = s.candidate!
  const less = (w: number): number => Math.round((w - fallW) * 10) / 10
  cand.stepW = less(cand.stepW!)
  cand.recentW = cand.recentW.map(less)
  cand.maxW = less(cand.maxW)
  cand.minW = less(cand.minW)
  // the episode followed from the step learns the load without it
  const e = s.normal?.episode
  if (e && e.onsetTs === cand.onsetTs) {
    s.normal!.episode = {
      ...e,
      levelW: less(e.levelW),
      minW: less(e.minW),
      maxW: less(e.maxW),
      lastW: less(e.lastW),
    }
  }
}

/** A candidate this young may still lose what arrived with its step. */
export const YOUNG_READINGS = 3

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

/** Harmonic VA of a candidate below this is too little to vouch for it on its own. */
const MIN_CANDIDATE_H_VA = 30
/** A load this much smaller than the background leaving is meter noise, not a load. */
const MIN_LEFT_W = 40

/**
 * By watts the charger looks gone, but its harmonic current is all still there: what left was another
 * load of the background, not the charger (a rectifier's harmonics leave with it). Returns the harmonic
 * VA the background loses with it: none when the excess still holds the charger's, else what fell in
 * the same minute (the load that left took its own, a motor's little share of its watts).
 */
export function leftUnderCharger(
  s: StrayWireState,
  cand: Candidate,
  c: Classified,
  obs: Observation,
): number | null {
  if (c.cls !== 'quiet' && c.cls !== 'other') return null
  if (cand.harmonicVA === null || c.excessVA === null || cand.harmonicVA < MIN_CANDIDATE_H_VA) return null
  const level = cand.recentW[cand.recentW.length - 1]
  if (level === undefined || level - c.excessW < MIN_LEFT_W) return null
  // the charger is still there: the circuit draws its level at least
  if (obs.unexplainedW < level - (obs.toleranceW + 10)) return null
  // the load that left took its own harmonic current with it: a motor's at most half its watts
  const leftW = level - c.excessW
  if (cameWithStep(s, leftW, cand.harmonicVA - c.excessVA)) return null
  const h = cand.harmonicVA
  if (c.excessVA > 1.15 * h) return null
  // all of it still there: the load that left carried none the background must lose
  if (c.excessVA >= 0.85 * h) return 0
  // part of it: measured by its fall where that was another load's, else the load took its own
  const fell = harmonicFallOfOther(s, cand, c.excessVA, obs, h, level)
  if (fell !== null) return fell
  return c.excessVA >= Math.max(0.5 * h, h - MOTOR_H_PER_W * leftW - 0.15 * h) ? 0 : null
}

/**
 * The harmonic VA that fell from the reading before, where it fell at another load's share (a motor's
 * little, or LED banks' far more per W than the charger's own) and the excess with it back is the
 * charger's: what the background loses. Null where the fall says nothing of the kind.
 */
function harmonicFallOfOther(
  s: StrayWireState,
  cand: Candidate,
  excessVA: number,
  obs: Observation,
  h: number,
  level: number,
): number | null {
  // the background's harmonic current was more than that load's share of it: measure what left by its
  // fall from the reading before, which a charger leaving would make at its own ratio (≥ 0.5 VA per W)
  if (cand.pfc || obs.harmonicVA === null || s.prevW === null || s.prevH === null) return null
  const fallW = s.prevW - obs.unexplainedW
  const fallH = s.prevH - obs.harmonicVA
  if (fallW < MIN_LEFT_W) return null
  // a motor's little harmonic current, or LED banks' far more per W than the charger's own (banks
  // going off at dawn): not the charger, which would fall at its own ratio
  const otherShare =
    fallH <= MOTOR_H_PER_W * fallW ||
    (fallH <= MAX_HARMONIC_RATIO * fallW && apartFromOwn(fallW, fallH, h / level))
  if (!otherShare) return null
  const restH = excessVA + Math.max(0, fallH)
  return restH >= 0.85 * h && restH <= 1.15 * h ? Math.max(0, fallH) : null
}

/** Harmonic VA per W a motor or other undistorted load carries at most (compressors ≤ ~0.35). */
const MOTOR_H_PER_W = 0.5
/** A fall this far from the charger's own harmonic VA per W is another load's. */
const OWN_RATIO_APART = 0.2

/** A fall of `fallW` W and `fallH` harmonic VA at another share per W than the candidate's own. */
const apartFromOwn = (fallW: number, fallH: number, ownPerW: number): boolean =>
  Math.abs(fallH / fallW - ownPerW) > OWN_RATIO_APART

/**
 * Inside a big load's run: where it began from, and any charger-sized step up while it holds steady.
 * A heater's element holds its watts to ±2 % from minute to minute, so a step of a charger's size on
 * top of it is the charger (domain.md: its step still shows in real power); a cleaner's motor swings
 * by ±12 %, so only a step between steady minutes counts.
 */
export function noteBigRun(
  s: StrayWireState,
  obs: Observation,
  params: StrayWireParams,
  /** A candidate or alert stood in the reading before (this one may have dropped it). */
  tracked: boolean,
): void {
  if (!s.prevBig) {
    // a candidate under way carries on through the big load itself: only an untracked level is kept
    s.preBigW = tracked ? null : s.prevW
    s.preBigH = tracked ? null : s.prevH
    s.preBigQ = tracked ? null : (s.prevQ ?? null)
    s.preBigSteady = steadyBefore(s)
    s.bigStepW = null
    s.bigStepTs = null
    return
  }
  if (s.prevW === null || s.prev2W === null) return
  const steady = Math.abs(s.prevW - s.prev2W) <= BIG_STEADY_SHARE * s.prevW
  const stepW = obs.unexplainedW - s.prevW
  if (steady && stepW >= params.minStepW && stepW <= params.maxChargerW) {
    s.bigStepW = Math.round(stepW * 10) / 10
    s.bigStepTs = obs.ts
  }
}

/** Minute-to-minute spread of a heater (±2 %) with meter margin: steadier than any cleaner's motor. */
const BIG_STEADY_SHARE = 0.035
