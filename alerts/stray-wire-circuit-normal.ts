// What a circuit does every day, learned from its own history: lights that come on at dusk at one level
// and stay flat till dawn, compressors that run at one level for an hour or two and stop as a step, and
// what crews said a load was ("not charging: lights"). A candidate that matches one of these is the
// circuit's normal, not a charger. A charger differs in shape: it tapers (CV) before it ends.
// Plain JSON, persisted with the rule state, so a restart keeps what was learned.

import type { EveryField } from './every-field.ts'
import { MIN } from './minute.ts'
import { MOTOR_MIN_VAR_PER_W, PFC_AT_LOAD_MAX_H_PER_W } from './stray-wire-classify.ts'

const DAY = 1440 * MIN

export type SignatureKind = 'lights' | 'compressor' | 'equipment' | 'other'
export const SIGNATURE_KINDS: readonly SignatureKind[] = ['lights', 'compressor', 'equipment', 'other']

/** What crews taught on this circuit: loads to take for normal, and learned ones to forget. */
export interface TaughtLoads {
  taught: readonly LoadSignature[]
  forget: readonly string[]
}

export interface LoadSignature {
  id: string
  kind: SignatureKind
  /** learned from the circuit's history, or told by a crew clearing an alert */
  source: 'learned' | 'crew'
  /** The load's level over the background, W. */
  levelW: number
  /** Harmonic VA per W of the load, where the meter reports PF and THD. */
  harmonicRatio: number | null
  /**
   * Compressors: reactive VA per W of the fundamental their motor draws, as the meter shows it (PF
   * 0.6–0.85), learned from the steps of their runs where the meter reports PF and THD and no leading
   * current stood beside them (reactiveAdds: over LED drivers the meter's |Q| is short of the motor's by
   * up to twice theirs, so a step there teaches nothing). Optional: signatures stored before it (and those
   * never seen so) load without it.
   */
  reactiveRatio?: number
  /** How many runs' steps it was learned from. */
  reactiveRuns?: number
  /**
   * Compressors: how often a run showed no motor's reactive current where the meter's could be trusted:
   * its steps (reactiveAdds: no more than an active-PFC input draws), or, raised as a charger, its own
   * (Episode.noMotor). One run may tell it by both. Optional: signatures stored before it load without it.
   */
  noMotorRuns?: number
  /**
   * Local minutes of day the load is on (lights: dusk to dawn or a timer); null: any time of day
   * (compressors, equipment). `onBy`: learned from what was left of a swap (PendingStep.swapped), so
   * `fromMin` is only when the lights were on by, not when they switched on (optional: windows persisted
   * before it load as hours seen switching on).
   */
  window: LightsWindow | null
  /**
   * How many of its runs were seen (learned, or matched as they arrived), each once, and when last. Lights
   * run once a night.
   */
  count: number
  firstTs: number
  lastTs: number
  /** When it last stood for a candidate: lights do so once a night. */
  lastMatchTs?: number
  /**
   * When the last run counted came on. One run is seen by up to three paths (taken for it as it arrives,
   * followed to its end, paired from its step on and off): it counts once. Optional: signatures stored
   * before it load (their next run counts).
   */
  runTs?: number
  /** The crew's alert this came from. */
  alertId?: string
  note?: string
  /**
   * Compressors: the longest run seen whole, min, and how many were (a run taken for this load is
   * followed to its end: stray-wire-outlasted.ts). Optional: signatures stored before them load.
   */
  longestMin?: number
  timedRuns?: number
  /** When the last of them ended. */
  timedTs?: number
}

/** A candidate or alert being followed from its step to its end, to learn from how it ended. */
export interface Episode {
  onsetTs: number
  levelW: number
  harmonicRatio: number | null
  /** Lowest and highest level seen after the first minutes (a taper shows as the lowest falling). */
  minW: number
  maxW: number
  lastW: number
  readings: number
  /** Readings below FLAT_SHARE of the level: a CV taper gives tens of them, banks switching off a few. */
  lowReadings?: number
  /**
   * Its harmonic VA where the meter reports PF and THD, taken as the level is, and the readings below
   * FLAT_SHARE of it. Optional so episodes persisted before them load (they then judge by watts alone).
   */
  levelH?: number
  lowHReadings?: number
  /**
   * Raised as a charger that drew no motor's reactive current where the meter showed it (showedNoMotor):
   * learned as a run, it is no motor's (LoadSignature.noMotorRuns). Optional, as levelH.
   */
  noMotor?: boolean
  /**
   * The highest reading while no other load stood on top of it (a compressor's run or a lamp the background
   * did not follow, under an open alert): how far the load itself crept. A reading that jumped from the one
   * before put something on top, standing until the level is back down where it jumped from (topFromW).
   * Both optional so episodes persisted before them load.
   */
  ownMaxW?: number
  topFromW?: number
  /**
   * Readings of its own (nothing on top, as for ownMaxW) past a compressor's creep over its level: a level
   * that itself rose stays up, while another load's partial minutes under the jump that would mark it, or
   * the background's lag behind a compressor's run under an open alert, lift a few scattered ones.
   * Optional so episodes persisted before it load: set to 0 as an episode starts, it stays unset on one
   * in progress when the upgrade landed, whose readings past the creep before then were never counted
   * (that one is judged by its highest reading of its own, ownMaxW, as before the count).
   */
  ownHighReadings?: number
  /**
   * Those readings in a row since its own last stood back at its level (readings under it, a fall as it
   * left, do not end the row): a level that rose stays up to its end. Optional so older episodes load.
   */
  ownHighRun?: number
  /**
   * The reading before `lastW`, and how many three-reading windows in a row ending at `lastW` fell as a CV
   * taper's tail does (fadingOut; FADE_WINDOWS of them make a tail). Optional so older episodes load (they
   * judge their end as before until the windows are seen).
   */
  beforeLastW?: number
  fadeRun?: number
  /**
   * An alert was raised for this load (the detector marks the episode whose onset the raise stood for):
   * its evening, flat, agrees with watts-only lights not yet agreed on only where it ended as lights do
   * (endedAsLights). Optional so episodes persisted before it load (they agree as before).
   */
  raised?: boolean
}

/**
 * The standing load by time of day (lights on their schedule, a pile's electronics), in half-hour bins:
 * its level W and harmonic VA as last seen on earlier days. Optional so states persisted before it load.
 */
export interface DayProfile {
  w: (number | null)[]
  h: (number | null)[]
  /** the local day each bin was last written (a bin written today says nothing about "every day") */
  day: number[]
  /**
   * How much each bin's level moved from one day to the next, W (smoothed); null until seen on two days.
   * Optional so profiles persisted before it load.
   */
  spread?: (number | null)[]
  /** The same for each bin's harmonic VA (smoothed); optional so profiles persisted before it load. */
  hSpread?: (number | null)[]
  /**
   * Each bin's reactive VA, where the meter reports PF and THD: the standing load's, as w is its watts
   * (matchesDayProfile holds the whole reading's watts and var against both). A compressor's motor that
   * stood in the background then left its lagging current there, which an active-PFC charger of its
   * watts does not draw. Optional so profiles persisted before it load (and null on meters without PF).
   */
  q?: (number | null)[]
  /**
   * Each bin's lowest background level, W (smoothed over days as w): the floor the circuit stands on
   * with every compressor off, which is where lights that come on at dusk show as a rise in whatever
   * pieces they came (a bin's mean blurs them with the compressors' cycles). Optional so profiles
   * persisted before it load.
   */
  floor?: (number | null)[]
  /**
   * How much each bin's floor moved from one day to the next, W (smoothed, as spread); null until seen on
   * two days. Optional so profiles persisted before it load.
   */
  floorSpread?: (number | null)[]
  /**
   * the bin being summed now: written into w/h/q once it is over, so the arrays change twice an hour. q
   * sums the reactive VA of the qn readings that had it (a dropout's reading has none, and a reading with
   * a load on top of the background tells not the background's): a bin's q is their mean, null if none
   * had it. Both optional so profiles persisted before them load.
   */
  acc: {
    bin: number
    day: number
    w: number
    h: number
    q?: number | null
    qn?: number
    n: number
    /** the bin's lowest reading so far (floor); optional so accumulators persisted before it load */
    min?: number
  }
}

/** A load that stepped on and has not stepped off yet. */
export interface PendingStep {
  ts: number
  w: number
  h: number | null
  /** The circuit's reading before the step: below this plus half the step, the load has gone (faded). */
  fromW: number
  /**
   * Its harmonic VA before the step; optional so pending steps persisted before it load. A distorted
   * load (LED drivers without PFC) is still there while its harmonic current is, whatever a compressor
   * beside it does to the watts.
   */
  fromH?: number | null
  /** Its reactive VA, where the meter reports PF and THD; optional so pending steps persisted before it load. */
  q?: number | null
  /**
   * Told apart from another load's step in the same minutes, not seen alone: only its lights (a night
   * long at one level) are learned from it, since a run of a compressor's length may be any tangle.
   */
  split?: boolean
  /**
   * What was left of a step once a load leaving in the same minutes was taken out of it: it may be a
   * tangle inside lights already on, not a load switching on then. Optional, as `split`.
   */
  swapped?: boolean
  /**
   * Settled a reading later than a step takes (a motion lamp switching in the same minutes): only a
   * compressor's run is learned from it. Optional, as `split`.
   */
  late?: boolean
}

export interface CircuitNormal {
  v: 1
  signatures: LoadSignature[]
  episode: Episode | null
  profile?: DayProfile
  /** Step-ups waiting for their step-down (a compressor's run, lights till dawn); at most a few. */
  pending?: PendingStep[]
  /** When each crew-taught signature last stood for a candidate (lights: once a night). */
  crewMatchTs?: Record<string, number>
  /** Readings in a row that moved since the last settled one. */
  moving?: number
  /** The highest of those readings: a lamp lit for a minute inside a step shows above where it settled. */
  movingMaxW?: number
  /** The last settled level and its harmonic VA: steps are measured from it. */
  stableW?: number
  stableH?: number | null
  /** Its reactive VA, where the meter reports PF and THD (a compressor's step is learned with it). */
  stableQ?: number | null
  /** The last few readings' harmonic VA, oldest first: LED banks leave as a step in it. */
  recentH?: number[]
  /**
   * The settled level a lamp's rise (undistorted, a lamp's watts) stepped up from, and when it settled: a
   * lamp that goes off within its burst leaves the circuit back there (noteSteps).
   */
  lampFrom?: { w: number; h: number; q: number | null; ts: number }
  /** Loads taken for the circuit's compressors, followed until they leave (stray-wire-outlasted.ts). */
  watches?: RunWatch[]
  /**
   * What the circuit stood at, W, just before the heater or cleaner now on (or just gone off) came on,
   * while loads were followed: a run that ended under it is seen as the fall across it.
   */
  watchesBeforeBigW?: number
}

export interface RunWatch {
  signatureId: string
  onsetTs: number
  /** Its level, W, and the background without it when it was taken for the compressor, W. */
  levelW: number
  baseW: number
  harmonicVA: number | null
  /** The last reading it was seen at, unmasked: a load that left under a heater is not timed. */
  seenTs?: number
  /**
   * Taken for a watts-only compressor seen run once (its second run, matchSignature's ranAgain): only a
   * step off of its size makes it a run; it fades (a charger's taper) from higher up than a load taken for
   * a compressor known better (stray-wire-outlasted.ts).
   */
  trial?: true
  /** How many readings in a row it fell a little (a taper slides down), by how much, W, and most at once. */
  falling?: number
  fellW?: number
  fellMostW?: number
  /** What stood over its background as it slid below its line, W, and when: it fades if it slides on. */
  crossedW?: number
  crossedTs?: number
}

export const initialCircuitNormal = (): CircuitNormal => ({ v: 1, signatures: [], episode: null })

/** Watts and VA as the detector keeps them: to 0.1. */
export const round1 = (x: number): number => Math.round(x * 10) / 10

const BINS = 48
const BIN_MIN = 1440 / BINS
/** Yesterday's level weighs most; a few days smooth a photocell's wandering. */
const PROFILE_GAIN = 0.5

/** A background reading (no candidate, no alert, no big load): the circuit's standing load right now. */
export function learnBackground(
  n: CircuitNormal,
  ts: number,
  w: number,
  h: number,
  utcOffsetMin: number,
  /**
   * The background's reactive VA, where the meter reports PF and THD and the reading is the background
   * (null otherwise: a dropout, or a load on top that the watts leave out).
   */
  q: number | null = null,
): void {
  const local = Math.floor(ts / MIN) + utcOffsetMin
  const day = Math.floor(local / 1440)
  const bin = Math.floor((((local % 1440) + 1440) % 1440) / BIN_MIN)
  const p = n.profile
  const floorW = standingFloor(n, w)
  if (!p) {
    n.profile = {
      w: Array(BINS).fill(null),
      h: Array(BINS).fill(null),
      day: Array(BINS).fill(-1),
      spread: undefined,
      hSpread: undefined,
      q: undefined,
      floor: undefined,
      floorSpread: undefined,
      acc: { bin, day, w, h, q, qn: q === null ? 0 : 1, n: 1, min: floorW },
    }
    return
  }
  const a = p.acc
  if (a.bin === bin && a.day === day) {
    // every field in one order (as copyNormal): one hidden class for every circuit's profile
    const profile: EveryField<DayProfile> = {
      w: p.w,
      h: p.h,
      day: p.day,
      spread: p.spread,
      hSpread: p.hSpread,
      q: p.q,
      floor: p.floor,
      floorSpread: p.floorSpread,
      acc: {
        bin,
        day,
        w: a.w + w,
        h: a.h + h,
        q: sumQ(a.q, q),
        qn: qCount(a) + (q === null ? 0 : 1),
        n: a.n + 1,
        min: Math.min(a.min ?? floorW, floorW),
      },
    }
    n.profile = profile
    return
  }
  // the bin is over: fold its mean into the profile (new arrays: the previous state stays intact)
  const mw = a.w / a.n
  const mh = a.h / a.n
  const pw = [...p.w]
  const ph = [...p.h]
  const pd = [...p.day]
  const ow = pw[a.bin]
  const oh = ph[a.bin]
  // a tenth of a watt is far below what a match needs, and keeps the persisted state small
  const ps = p.spread ? [...p.spread] : Array(BINS).fill(null)
  const phs = p.hSpread ? [...p.hSpread] : Array(BINS).fill(null)
  if (ow !== null && ow !== undefined && pd[a.bin] !== a.day) {
    const os = ps[a.bin]
    const moved = Math.abs(mw - ow)
    ps[a.bin] = round1(os === null || os === undefined ? moved : os + PROFILE_GAIN * (moved - os))
    if (oh !== null && oh !== undefined) {
      const ohs = phs[a.bin]
      const movedH = Math.abs(mh - oh)
      phs[a.bin] = round1(ohs === null || ohs === undefined ? movedH : ohs + PROFILE_GAIN * (movedH - ohs))
    }
  }
  pw[a.bin] = round1(ow === null || ow === undefined ? mw : ow + PROFILE_GAIN * (mw - ow))
  ph[a.bin] = round1(oh === null || oh === undefined ? mh : oh + PROFILE_GAIN * (mh - oh))
  pd[a.bin] = a.day
  // as the watts; a bin learned before reactive VA was (a profile persisted before it) starts afresh
  const pq = p.q ? [...p.q] : Array(BINS).fill(null)
  const oq = pq[a.bin]
  const qn = qCount(a)
  const mq = a.q === null || a.q === undefined || qn === 0 ? null : a.q / qn
  pq[a.bin] =
    mq === null ? null : round1(oq === null || oq === undefined ? mq : oq + PROFILE_GAIN * (mq - oq))
  // the floor as the watts; an accumulator persisted before it had no minimum and teaches none
  const pf = p.floor ? [...p.floor] : Array(BINS).fill(null)
  const of = pf[a.bin]
  const pfs = p.floorSpread ? [...p.floorSpread] : Array(BINS).fill(null)
  if (a.min !== undefined) {
    if (of !== null && of !== undefined && p.day[a.bin] !== a.day) {
      const os = pfs[a.bin]
      const moved = Math.abs(a.min - of)
      pfs[a.bin] = round1(os === null || os === undefined ? moved : os + PROFILE_GAIN * (moved - os))
    }
    pf[a.bin] = round1(of === null || of === undefined ? a.min : of + PROFILE_GAIN * (a.min - of))
  }
  n.profile = {
    w: pw,
    h: ph,
    day: pd,
    spread: ps,
    hSpread: phs,
    q: pq,
    floor: pf,
    floorSpread: pfs,
    acc: { bin, day, w, h, q, qn: q === null ? 0 : 1, n: 1, min: floorW },
  }
}

/**
 * The background less the compressors followed as their runs in it (stray-wire-outlasted.ts): the floor
 * the circuit stands on with them off, W. A dehumidifier's run lasts hours and a fridge's most of a
 * half-hour, so a bin's lowest background alone would hold them; `before`: only runs followed since
 * before then (a load arriving now is not one of them).
 */
export function standingFloor(
  n: CircuitNormal,
  backgroundW: number,
  before = Number.POSITIVE_INFINITY,
): number {
  let w = backgroundW
  for (const r of n.watches ?? []) if (r.onsetTs < before) w -= r.levelW
  return Math.max(0, w)
}

/**
 * A bin's sum of reactive VA over the readings that had it: a dropout (a reading without PF) leaves the
 * others' sum as it was, not the half hour's reactive VA unknown.
 */
const sumQ = (sum: number | null | undefined, q: number | null): number | null =>
  q === null ? (sum ?? null) : (sum ?? 0) + q

/**
 * How many of the bin's readings had reactive VA; an accumulator persisted before the count had a sum
 * only while every reading did.
 */
const qCount = (a: DayProfile['acc']): number => a.qn ?? (a.q === null || a.q === undefined ? 0 : a.n)

/**
 * The whole reading (background and candidate together) is what this circuit draws at this time of day
 * on earlier days, within meter and photocell slack: lights that came on at their hour (possibly under
 * a heater, so their step was never seen), not a charger on top of the usual load.
 */
export function matchesDayProfile(
  n: CircuitNormal,
  ts: number,
  totalW: number,
  totalH: number | null,
  utcOffsetMin: number,
  /** The reading's reactive VA, where the meter reports PF and THD. */
  totalQ: number | null = null,
): boolean {
  const p = n.profile
  if (!p) return false
  const local = Math.floor(ts / MIN) + utcOffsetMin
  const today = Math.floor(local / 1440)
  const bin = Math.floor((((local % 1440) + 1440) % 1440) / BIN_MIN)
  for (let k = -1; k <= 1; k++) {
    const b = (bin + k + BINS) % BINS
    const w = p.w[b]
    const h = p.h[b]
    if (w === null || w === undefined || p.day[b] === today || p.day[b]! < today - 3) continue
    // only a level this circuit keeps from day to day is its normal: where compressors cycle, a bin's
    // mean is a blur of their states that any charger on top may happen to match. Seen on one day only,
    // the bin is given the benefit of the doubt (lights that came on under a heater on a second day).
    const spread = p.spread?.[b]
    if (spread !== null && spread !== undefined && spread > Math.max(8, PROFILE_SPREAD_SHARE * w)) continue
    if (Math.abs(totalW - w) > Math.max(10, 0.1 * w)) continue
    if (totalH !== null && h !== null && h !== undefined && Math.abs(totalH - h) > Math.max(15, 0.25 * h))
      continue
    // a compressor's motor draws lagging current (PF 0.6–0.85), an active-PFC charger or a heater almost
    // none: a bin that learned a run of one (its mean a blur of whatever ran) is no level that a charger
    // of the motor's watts on top of the standing load makes
    const q = p.q?.[b]
    if (
      totalQ !== null &&
      q !== null &&
      q !== undefined &&
      Math.abs(totalQ - q) > Math.max(Q_SLACK_VA, Q_SLACK_PER_W * totalW)
    )
      continue
    return true
  }
  return false
}

/**
 * Harmonic current of the candidate's size arrives on this circuit every day by this hour: on earlier
 * days the standing load's harmonic VA (the profile) rose by about as much between an hour before the
 * onset and the half-hour it fell in, or the next. That is LED banks without PFC on their dusk schedule,
 * learned before their step was ever seen alone (they come on in pieces, under a heater, beside a
 * compressor): harmonic current adds across loads, whatever the watts beside it do. Not when the
 * background carries that rise already (the banks are on: a load on top is new), and only for a load of
 * a lights' size.
 */
export function arrivesDailyAsHarmonics(
  n: CircuitNormal,
  onsetTs: number,
  seenTs: number,
  levelW: number,
  levelH: number | null,
  backgroundH: number,
  utcOffsetMin: number,
): boolean {
  const p = n.profile
  // the harmonic VA is what is compared, not its share per W: a fridge or a lamp switching in the same
  // minutes adds watts with little harmonic current (the floor is a rectifier's, as for any candidate)
  if (!p || levelH === null || levelW > LIGHTS_MAX_W || levelH < RECTIFIER_MIN_RATIO * levelW) return false
  const local = Math.floor(onsetTs / MIN) + utcOffsetMin
  const day = Math.floor(local / 1440)
  const pre = (binOf(onsetTs, utcOffsetMin) - DAILY_PRE_BINS + BINS) % BINS
  // a load found when a heater went off arrived somewhere under it: by the time it was seen
  const bin = binOf(seenTs, utcOffsetMin)
  const earlier = (b: number): number | null => {
    const h = p.h[b]
    const d = p.day[b]!
    return h === null || h === undefined || d === day || d < day - 3 ? null : h
  }
  // the level before the banks' hour, today's if written (the standing load then, without them)
  const preH = p.h[pre]
  const before = preH === null || preH === undefined || p.day[pre]! < day - 3 ? null : preH
  if (before === null) return false
  // what arrived since the banks' hour today: part of it may be in the background (a first bank)
  const onBefore = backgroundH - before
  const today = onBefore + levelH
  for (const b of [bin, (bin + 1) % BINS]) {
    const after = earlier(b)
    if (after === null) continue
    const rise = after - before
    if (rise < LED_BANK_MIN_RATIO * MIN_BANKS_W || onBefore >= 0.8 * rise) continue
    // seen on two days at least, and much the same: a charger that was in the background one evening
    // (found only after it had stood there) is no daily load
    const moved = p.hSpread?.[b]
    if (moved === null || moved === undefined || moved > Math.max(15, DAILY_SPREAD_SHARE * rise)) continue
    if (today >= DAILY_MIN_SHARE * rise && today <= DAILY_MAX_SHARE * rise + 15) return true
  }
  return false
}

/**
 * The floor of the half-hour before the onset's (today's if written) and, of the two hours from the
 * half-hour after next on earlier days, the lowest floor (`Math.min`) or the highest (`Math.max`): what
 * lights coming on or going off at about this hour leave, the hour moving with dusk or dawn by minutes a
 * day (the next half-hour may hold the change itself). Undefined where either is unknown, or where a
 * half-hour after, seen on two days, was not much the same: a charger that stood in the background one
 * evening (taken in unraised, or found only after it had stood there) is no floor the circuit keeps. (Seen
 * on one day only, the floor is given the benefit of the doubt, as matchesDayProfile gives a bin.)
 */
function floorsAround(
  n: CircuitNormal,
  onsetTs: number,
  utcOffsetMin: number,
  pick: (a: number, b: number) => number,
): { beforeW: number; afterW: number } | undefined {
  const p = n.profile
  if (!p?.floor) return undefined
  const day = Math.floor((Math.floor(onsetTs / MIN) + utcOffsetMin) / 1440)
  const bin = binOf(onsetTs, utcOffsetMin)
  const pre = (bin - 1 + BINS) % BINS
  const beforeW = p.floor[pre]
  if (beforeW === null || beforeW === undefined || p.day[pre]! < day - 3) return undefined
  let afterW: number | undefined
  for (let k = 2; k <= AFTER_BINS + 1; k++) {
    const b = (bin + k) % BINS
    const f = p.floor[b]
    const d = p.day[b]!
    // a half-hour with no background reading (a load followed all through it) tells nothing
    if (f === null || f === undefined || d === day || d < day - 3) continue
    const moved = p.floorSpread?.[b]
    if (moved !== null && moved !== undefined && moved > Math.max(FLOOR_SPREAD_W, FLOOR_SPREAD_SHARE * f))
      return undefined
    afterW = afterW === undefined ? f : pick(afterW, f)
  }
  return afterW === undefined ? undefined : { beforeW, afterW }
}

/**
 * Watts only: this circuit's floor (its lowest level, every compressor off) rises at this hour every
 * evening, as lights on a photocell or timer come on, in whatever pieces. Returns the floor before and
 * after, W, where the rise is a lamp's at least; undefined where nothing rises at this hour. After, the
 * lowest: a heater or a compressor's run (a dehumidifier's for hours) may hold a half-hour's floor up,
 * where lights stay on all evening.
 */
export function floorRiseAt(
  n: CircuitNormal,
  onsetTs: number,
  utcOffsetMin: number,
): { beforeW: number; afterW: number } | undefined {
  const f = floorsAround(n, onsetTs, utcOffsetMin, Math.min)
  return f && f.afterW - f.beforeW >= MIN_LAMP_RISE_W ? f : undefined
}

/**
 * Watts only: the floor of the half-hour `ts` falls in stood at `w` at least all through it, on the last
 * earlier day it was seen; true where nothing of that half-hour is known from an earlier day.
 */
export function floorStoodAt(n: CircuitNormal, ts: number, utcOffsetMin: number, w: number): boolean {
  const bin = binOf(ts, utcOffsetMin)
  const floorW = n.profile?.floor?.[bin]
  const seenOnDay = n.profile?.day[bin]
  const today = Math.floor((Math.floor(ts / MIN) + utcOffsetMin) / 1440)
  if (floorW === null || floorW === undefined || seenOnDay === undefined || seenOnDay >= today) return true
  return floorW >= w
}

/**
 * Watts only: this circuit's floor falls at this hour every morning, as lights on a photocell or timer go
 * off at dawn (or their timer's hour). Returns the floor before and after, W, where the fall is a lamp's
 * at least and no more than lights draw; undefined where nothing falls at this hour. After, the highest:
 * the lights are off by then all through those hours, whatever ran beside them.
 */
export function floorFallAt(
  n: CircuitNormal,
  onsetTs: number,
  utcOffsetMin: number,
): { beforeW: number; afterW: number } | undefined {
  const f = floorsAround(n, onsetTs, utcOffsetMin, Math.max)
  if (!f) return undefined
  const fallW = f.beforeW - f.afterW
  return fallW >= MIN_LAMP_RISE_W && fallW <= LIGHTS_MAX_W ? f : undefined
}

/**
 * Half-hours whose floors are the evening's (from the one after next): lights stay on for hours (till a
 * timer's hour, or dawn); a charger or a heater taken into the background does not stand under all of them.
 */
const AFTER_BINS = 4

/** How far a floor may move from day to day and still be the circuit's every evening, W and share. */
const FLOOR_SPREAD_W = 15
const FLOOR_SPREAD_SHARE = 0.2

/** The least a floor rises by to be lights coming on (one small fitting, domain.md: 10 W). */
export const MIN_LAMP_RISE_W = 10

const binOf = (ts: number, utcOffsetMin: number): number =>
  Math.floor(((((Math.floor(ts / MIN) + utcOffsetMin) % 1440) + 1440) % 1440) / BIN_MIN)

/** Harmonic VA per W of a rectifier charger at least (stray-wire-types.ts: minHarmonicRatio). */
const RECTIFIER_MIN_RATIO = 0.5

/** The least LED banks draw together (two of the smallest cheap fittings, domain.md: 15 W each). */
const MIN_BANKS_W = 30

/** Half-hour bins before the onset whose harmonic VA is the level before the banks' hour. */
const DAILY_PRE_BINS = 2
/**
 * Today's rise (the candidate and any bank already in the background) matches the daily one within these
 * shares: a bin's mean may hold the banks for part of it only (the next bin then holds them whole); more
 * than a quarter above it is a load on top of the banks.
 */
const DAILY_MIN_SHARE = 0.6
const DAILY_MAX_SHARE = 1.25
/** How much a bin's harmonic VA may move from day to day (compressors beside the banks) and still recur. */
const DAILY_SPREAD_SHARE = 0.4

/**
 * Reactive VA a bin's level may be off by and still match. The meter's reactive VA comes from its PF and
 * THD: where LED drivers' THD wanders with the supply, the displacement they imply moves by a few %, which
 * near unity is a tenth of the watts in var and more. A motor draws 0.6–1.3 var per W of its own.
 */
const Q_SLACK_VA = 25
const Q_SLACK_PER_W = 0.15

/** A bin whose level moves more than this share from day to day is no standing load. */
const PROFILE_SPREAD_SHARE = 0.08

/** At most this many signatures per circuit: the oldest unmatched learned one goes first. */
const MAX_SIGNATURES = 16
/** Lights stay on for the evening at least; a compressor runs 10 min to 4 h. */
const LIGHTS_MIN_MIN = 240
const RUN_MIN_MIN = 10
/** A load that never sagged below this share of its level had no CV taper: not a charger. */
const FLAT_SHARE = 0.88
/** Readings under that share allowed: lights banks switching off a minute or two apart. */
const MAX_LOW_READINGS = 5
/** Creep of a compressor over a run (a few %), with meter margin. */
const FLAT_RISE = 1.12
/** A level matches a signature within this share (or 10 W), a harmonic ratio within 0.3. */
export const LEVEL_SHARE = 0.12
/** A learned lights window is widened by this much at its start (photocells follow the weather). */
const WINDOW_SLACK_MIN = 60
/** How long after their learned on-time lights may still be taken for switching on. */
const LIGHTS_ON_LATE_MIN = 90
/** A learned signature not seen for this long is forgotten (a dehumidifier unplugged, lights replaced). */
const FORGET_AFTER_MS = 14 * DAY

/** Local minutes the lights are on; `onBy`: the start is a bound, not their hour (LoadSignature.window). */
export interface LightsWindow {
  fromMin: number
  toMin: number
  onBy?: true
}

/**
 * Where a window opens for lights arriving: its start, or where that start is only when they were on by
 * (learned from a swap's leftover: a compressor stopping in the lights' evening, the banks on since
 * dusk), an evening's length before it. Lights switch on at dusk and a swap may come any time after; a
 * window opened at the swap kept the banks from matching their own dusk step the next evenings, raised
 * every night (development circuit-unplugged-early 21@01-13T17:23: banks learned from 18:22, a swap an
 * hour after they came on, then seen arriving at 17:14).
 */
const opensMin = (w: LightsWindow): number =>
  w.onBy ? (((w.fromMin - LIGHTS_MIN_MIN) % 1440) + 1440) % 1440 : w.fromMin

export function startEpisode(n: CircuitNormal, onsetTs: number, levelW: number, hRatio: number | null): void {
  n.episode = {
    onsetTs,
    levelW,
    harmonicRatio: hRatio,
    minW: levelW,
    maxW: levelW,
    lastW: levelW,
    readings: 1,
    ownHighReadings: 0,
    ownHighRun: 0,
  }
}

export function followEpisode(n: CircuitNormal, excessW: number, excessH: number | null = null): void {
  const e = n.episode
  if (!e) return
  e.readings += 1
  // the first minutes may be partial (an averaging meter straddling the step)
  if (e.readings === 3) {
    e.levelW = excessW
    e.minW = excessW
    e.maxW = excessW
    if (excessH !== null && e.harmonicRatio !== null) e.levelH = excessH
  }
  if (e.readings >= 3) {
    e.minW = Math.min(e.minW, excessW)
    e.maxW = Math.max(e.maxW, excessW)
    followOwnLevel(e, excessW)
    if (excessW < FLAT_SHARE * e.levelW) e.lowReadings = (e.lowReadings ?? 0) + 1
    // a reading without harmonic VA says nothing of it: the watts judge then
    if (e.levelH !== undefined && (excessH === null || excessH < FLAT_SHARE * e.levelH))
      e.lowHReadings = (e.lowHReadings ?? 0) + 1
    // two windows in a row (four readings): one three-reading window is met by chance by banks of shrinking
    // sizes switching off a minute apart, or by a bank split over a partial minute
    const fell = e.beforeLastW !== undefined && fadingOut(e.beforeLastW, e.lastW, excessW, e.levelW)
    e.fadeRun = fell ? (e.fadeRun ?? 0) + 1 : 0
    e.beforeLastW = e.lastW
  }
  e.lastW = excessW
}

/**
 * Three readings that fell as a constant-voltage taper's tail does: a charger's current decays as an
 * exponential under constant voltage, so each minute keeps the same share of the last, and each fall is
 * that share of the fall before (a minute's average of an exponential is one too). A short CV phase (a
 * lithium charger's 5-12 min before its cut-off) passes the few readings under the level that lights banks
 * switching off a minute apart give. Banks fall by their own watts, mostly not by a share of what is left
 * (three of 40 W: 120, 80, 40 W, each fall the same while the level halves); but banks of shrinking sizes,
 * or a bank split over a partial minute, can match one such window by chance (60, 30 and 30 W: 120, 60,
 * 30), which is why a tail asks for FADE_WINDOWS of them in a row.
 */
function fadingOut(r0: number, r1: number, r2: number, levelW: number): boolean {
  const ripple = Math.max(FADE_RIPPLE_W, FADE_RIPPLE_SHARE * levelW)
  const f1 = r0 - r1
  const f2 = r1 - r2
  // the load's own tail: from no higher than its level (not a load on top going off) to under it
  if (r0 > FLAT_RISE * levelW || r2 >= FLAT_SHARE * levelW) return false
  if (f1 <= ripple || f2 <= ripple || r2 <= 0) return false
  const kept = r2 / r1
  return kept >= FADE_KEPT_MIN && kept <= FADE_KEPT_MAX && Math.abs(f2 / f1 - kept) <= FADE_SHARE_MATCH
}

/** Windows in a row that make a CV tail (four readings, each keeping the same share of the last). */
const FADE_WINDOWS = 2
/** A fall past a flat load's ripple (the meter's margin at a charger's watts). */
const FADE_RIPPLE_W = 3
const FADE_RIPPLE_SHARE = 0.02
/**
 * The share a taper keeps a minute: a 5-min CV phase down to a tenth keeps 0.63, a 60-min one 0.96; a
 * load that lost most of its watts in a minute went as a step.
 */
const FADE_KEPT_MIN = 0.4
const FADE_KEPT_MAX = 0.97
/** How closely each fall must be that share of the one before (meter noise on falls of a few W). */
const FADE_SHARE_MATCH = 0.15

/**
 * A load's own level creeps (a compressor's few %, a charger's CC plateau as its battery's voltage rises)
 * by a watt or so a minute at most; another load switched beside it jumps it by a lamp's watts or more in
 * a reading (or two, an averaging meter's partial minute). Readings from such a jump until the level is
 * back down to where it jumped from (within the meter's margin) are the other load's, not this one's.
 */
function followOwnLevel(e: Episode, excessW: number): void {
  if (e.topFromW !== undefined && excessW <= e.topFromW + 0.04 * e.topFromW + 4) e.topFromW = undefined
  // from no higher than the level: the reading before the jump may be the other load's partial minute
  if (e.topFromW === undefined && excessW > e.lastW + LAMP_MINUTE_MIN_W)
    e.topFromW = Math.min(e.lastW, e.levelW)
  if (e.topFromW !== undefined) return
  e.ownMaxW = Math.max(e.ownMaxW ?? excessW, excessW)
  // an episode persisted before the count: counting from now would miss those before
  if (e.ownHighReadings === undefined) return
  if (excessW > FLAT_RISE * e.levelW) {
    e.ownHighReadings += 1
    e.ownHighRun = (e.ownHighRun ?? 0) + 1
  } else if (excessW >= FLAT_SHARE * e.levelW) e.ownHighRun = 0
}

const localMinute = (ts: number, utcOffsetMin: number): number =>
  (((Math.floor(ts / MIN) + utcOffsetMin) % 1440) + 1440) % 1440

/**
 * The followed load is gone (as a step, or faded). A flat load that left as a step after hours is the
 * circuit's lights; after ten minutes to a few hours, a compressor run. A load that sagged first (a
 * charger's taper) teaches nothing.
 */
export function endEpisode(n: CircuitNormal, endTs: number, utcOffsetMin: number): void {
  const e = n.episode
  n.episode = null
  if (!e || e.readings < 5) return
  const durMin = (endTs - e.onsetTs) / MIN
  // it left as a step (banks of lights one after the other at most), not at the end of a taper
  const flat =
    (e.lowReadings ?? 0) <= MAX_LOW_READINGS && (e.maxW <= FLAT_RISE * e.levelW || ownFlatEvening(e, durMin))
  if ((!flat && !harmonicsHeld(e)) || durMin < RUN_MIN_MIN) return
  // its last readings fell as a CV taper's tail: a charger that cut off, however short its taper
  if ((e.fadeRun ?? 0) >= FADE_WINDOWS) return
  learnRun(
    n,
    e.onsetTs,
    endTs,
    e.levelW,
    e.harmonicRatio,
    utcOffsetMin,
    false,
    false,
    null,
    e.noMotor === true,
    e.raised === true,
  )
}

/**
 * Lights switched at dusk hold their level all evening while the circuit's compressors cycle beside them:
 * under an open alert the background does not follow those runs, and each shows as a step of a motor's
 * watts on top of the lights, which says nothing of the lights' own level (development
 * circuit-unplugged-early-basic 23@01-26: 70 W of LED banks and 57 W dusk-to-dawn lights from 18:28,
 * raised, a dehumidifier's runs of 245 W on top; the banks went off at 23:02 and the alert cleared, but
 * the runs made the level look like it had risen, so it was never learned and every dusk raised again).
 * A load followed for a lights' evening that, apart from such loads on top (a motion lamp's minutes too),
 * never rose past a compressor's creep and never sagged (no CV taper) is flat. Never rose: a level that
 * rose (a lead-acid plateau climbing with its cells' voltage) stays up for hours, so a few scattered
 * readings of its own past the creep (at most OWN_HIGH_SHARE of them) are something else's: a motion
 * lamp's partial minutes, split by an averaging meter into rises under the jump that marks a load on top,
 * or the background lagging a compressor's run it follows (development circuit-unplugged-early-basic
 * 50@01-15: 107 W banks from 18:20, seven readings of their own of 393 up to 124 W, the banks raised again
 * on the next two evenings). Shorter runs keep the whole check: a compressor's run with another's on top
 * is a tangle.
 */
function ownFlatEvening(e: Episode, durMin: number): boolean {
  // its end seen on its own: a charger's taper under a compressor's run on top never shows below its level
  // (development circuit-compressor-stray 139@01-31: a lithium charger's plateau of 5 h, tapered under a
  // dehumidifier's run)
  return (
    durMin >= LIGHTS_MIN_MIN &&
    e.topFromW === undefined &&
    e.ownMaxW !== undefined &&
    (e.ownHighReadings === undefined
      ? e.ownMaxW <= FLAT_RISE * e.levelW
      : e.ownHighReadings <= OWN_HIGH_SHARE * e.readings && (e.ownHighRun ?? 0) < OWN_HIGH_END_RUN)
  )
}

/**
 * Readings in a row past the creep at its end that say its level rose and stayed: more than a motion
 * lamp's two split partial minutes. A lead-acid plateau climbs 15 % or so over its constant current, past
 * a compressor's creep only at the gassing knee of its last half hour, and a two-stage charger drops to
 * float as a step: its high readings are a few % of a long evening, all at its end (120 W climbing to
 * 140 W over 8 h, the last 20-40 min past 135 W: learned as 121 W lights without this).
 */
const OWN_HIGH_END_RUN = 3

/**
 * Share of an evening's readings of its own that may stand past a compressor's creep over its level: a
 * twentieth (half an hour of ten hours), where a plateau that climbed stands there for hours.
 */
const OWN_HIGH_SHARE = 0.05

/**
 * A distorted load's harmonic current held its level from its first minutes to its end: a CV taper's
 * harmonic current falls with its current, while LED banks' holds all night whatever the watts beside them
 * do. Their watts over the background are blurred by loads switching beside them (a motion lamp lit in the
 * minute the level was taken, a compressor's runs the background follows late), which a lamp's or a
 * compressor's little harmonic current is not (development circuit-mixed-stray 1@01-27: banks of 107 W
 * raised at dusk, their level taken with a 39 W lamp beside them; below it most of the night, they were
 * never learned, and the next dusk raised again).
 */
function harmonicsHeld(e: Episode): boolean {
  if (e.levelH === undefined || e.harmonicRatio === null || e.harmonicRatio < RECTIFIER_MIN_RATIO)
    return false
  return (e.lowHReadings ?? 0) <= MAX_LOW_READINGS
}

/**
 * The lights' window over the nights seen: a photocell switches them on earlier on a dark evening, later
 * on a bright one; the earliest on and the latest off of nights within an hour of each other.
 */
function widened(old: LightsWindow, seen: LightsWindow): LightsWindow {
  const onLater = minutesAfter(seen.fromMin, old.fromMin)
  const offEarlier = minutesAfter(old.toMin, seen.toMin)
  // the start kept says whether it is an hour seen switching on or only a bound (a swap's leftover); a
  // night seen switching on within the hour after that bound showed their hour: the earlier start stays,
  // no longer only a bound
  const from = onLater > 0 && onLater <= WIDEN_MAX_MIN ? old : seen
  return {
    fromMin: from.fromMin,
    toMin: offEarlier > 0 && offEarlier <= WIDEN_MAX_MIN ? old.toMin : seen.toMin,
    ...(from.onBy && seen.onBy ? { onBy: true as const } : {}),
  }
}

/**
 * Nights whose lights came on further apart than this are a changed schedule: the latest is kept. Less
 * than how late lights may still switch on after their window opens (LIGHTS_ON_LATE_MIN), or a night that
 * late would neither match nor move the window back.
 */
const WIDEN_MAX_MIN = 60

/** A flat load that came and went as steps: lights if it stayed for the evening, else a compressor run. */
function learnRun(
  n: CircuitNormal,
  onTs: number,
  offTs: number,
  levelW: number,
  hRatio: number | null,
  utcOffsetMin: number,
  split = false,
  /** It came on as what was left of a swap (PendingStep.swapped): its onset may be no switching on. */
  swappedOn = false,
  /** Reactive VA per W its steps on and off moved, where the meter reports PF and THD. */
  qRatio: number | null = null,
  /** Each of its steps whose reactive VA could be trusted moved no motor's (noMotorQ), one at least. */
  noMotor = false,
  /** An alert was raised for it (Episode.raised). */
  raised = false,
): void {
  const durMin = (offTs - onTs) / MIN
  if (durMin < RUN_MIN_MIN) return
  const kind: SignatureKind = durMin >= LIGHTS_MIN_MIN ? 'lights' : 'compressor'
  if (split && kind !== 'lights') return
  // lights are 10–60 W, banks of cheap fittings two or three of 15–45 W (domain.md): a flat load of a
  // charger's size for hours was something else (two loads tangled, an active-PFC charger's plateau)
  if (kind === 'lights' && levelW > LIGHTS_MAX_W) return
  // a compressor is a motor: a rectifier's harmonic current (a charger unplugged early, a tool's
  // charger) is no compressor run, only a crew may say what it was
  if (kind === 'compressor' && hRatio !== null && hRatio >= MOTOR_MAX_HARMONIC_RATIO) return
  const window: LightsWindow | null =
    kind === 'lights'
      ? {
          fromMin: localMinute(onTs, utcOffsetMin),
          toMin: localMinute(offTs, utcOffsetMin),
          ...(swappedOn ? { onBy: true as const } : {}),
        }
      : null
  n.signatures = n.signatures.map((x) => ({ ...x }))
  // LED banks are the same banks by their harmonic current, which their watts blur more (a lamp or a
  // compressor's step in the same minutes): learned twice, each would count the other as more banks on
  const same = n.signatures.find(
    (s) =>
      s.source === 'learned' &&
      s.kind === kind &&
      (levelMatches(s, levelW, hRatio) || harmonicsMatchLights(s, levelW, hRatio)),
  )
  if (same) {
    const counted = countedAlready(same, onTs, offTs)
    // a raised evening that ended as no lights do (not at their minute, not at dawn): it counts alone
    const endedAsCharger = !counted && (raised || raisedOpen(n, onTs)) && !endedAsLights(same, window, durMin)
    if (!counted) {
      // watts-only lights not yet agreed on (lightsAgreed): an evening at another hour starts them afresh
      same.count = awaitsHour(same, window) || endedAsCharger ? 1 : same.count + 1
      same.runTs = onTs
    }
    same.lastTs = offTs
    // matched by harmonic current alone, its watts were blurred (a lamp in the same minutes): the level
    // and harmonic share the signature stands for stay as they were
    if (levelMatches(same, levelW, hRatio)) same.levelW = Math.round(0.7 * same.levelW + 0.3 * levelW)
    else if (learnedShort(same, levelW, hRatio)) {
      same.levelW = Math.round(levelW)
      same.harmonicRatio = Math.round(hRatio! * 100) / 100
    }
    if (kind === 'compressor') {
      timeRun(same, durMin, offTs)
      learnReactive(same, qRatio)
      // one run learned by both its steps and its alert's episode is one run
      if (noMotor && !(counted && (same.noMotorRuns ?? 0) > 0)) same.noMotorRuns = (same.noMotorRuns ?? 0) + 1
    }
    if (window && endedAsCharger) same.window = window
    else if (window && same.window) {
      // what was left of a swap inside the lights' hours (the banks taken to leave and come back as a
      // heater swung beside them) did not switch on then: their hour stays
      const onInside = swappedOn && within(window.fromMin, same.window.fromMin, same.window.toMin)
      same.window = widened(same.window, onInside ? { ...same.window, toMin: window.toMin } : window)
    }
    return
  }
  addSignature(n, {
    // unique per circuit: one load steps on per reading at most
    id: `l${onTs.toString(36)}`,
    kind,
    source: 'learned',
    levelW: Math.round(levelW),
    harmonicRatio: hRatio === null ? null : Math.round(hRatio * 100) / 100,
    window,
    count: 1,
    firstTs: onTs,
    lastTs: offTs,
    runTs: onTs,
    ...(kind === 'compressor' ? { longestMin: Math.round(durMin), timedRuns: 1, timedTs: offTs } : {}),
    ...(kind === 'compressor' && motorQ(qRatio) ? { reactiveRatio: round2(qRatio), reactiveRuns: 1 } : {}),
    ...(kind === 'compressor' && noMotor ? { noMotorRuns: 1 } : {}),
  })
}

const round2 = (x: number): number => Math.round(x * 100) / 100

/**
 * A run's reactive VA per W a motor may draw (PF 0.45–0.98 as the meter shows it beside other loads): a
 * step whose reactive current another load's moved in the same minutes teaches nothing.
 */
const motorQ = (q: number | null): q is number => q !== null && q >= MOTOR_Q_MIN && q <= MOTOR_Q_MAX
/**
 * A compressor's motor runs at PF 0.6–0.85 (0.62–1.33 var/W; the meter shows about a tenth less): a run
 * that read less had part of its reactive current cancelled by a leading load's beside it.
 */
const MOTOR_Q_MIN = 0.45
const MOTOR_Q_MAX = 2

/**
 * A step that moved no more reactive VA per W than an active-PFC input draws (PF >= 0.95: at most 0.33
 * var/W, a little below none from the meter's PF in two decimals), where it could be trusted: no motor
 * came or went in it. An induction motor's reactive current comes with its watts (PF 0.6-0.85: the meter
 * shows 0.55 var/W and more); reading that low, a motor's step would need another lagging load moving the
 * other way in the same minute, which moves the watts too. One such step tells, where the meter's two
 * decimals of PF keep a run's reactive share to a tenth of its watts.
 */
const noMotorQ = (q: number): boolean => q <= NO_MOTOR_Q_MAX && q >= NO_MOTOR_Q_MIN
const NO_MOTOR_Q_MAX = 0.33
const NO_MOTOR_Q_MIN = -0.15

/**
 * The meter gives reactive VA without its sign: a capacitor-input rectifier (LED drivers without PFC)
 * draws a leading fundamental that cancels a motor's lagging one. Such loads carry harmonic current well
 * over an undistorted load's share of their watts, and lead by less than it (LED banks at PF 0.5–0.65, THD
 * 90–150 %: 0.8 var per harmonic VA at most). A lagging load's reactive VA adds in full to a level's only
 * where that level's own lags: it holds no rectifier's harmonic current, or more reactive VA than its
 * rectifiers could lead by. Elsewhere (LED banks alone, or beside a small motor) a motor's step reads short
 * of its own by up to twice the leading current, and one of a motor and a charger reads as one of a motor.
 */
export const reactiveAdds = (w: number, h: number | null, q: number | null): boolean =>
  h !== null && q !== null && (h - UNDISTORTED_H_PER_W * w <= LEADING_H_MIN_VA || q > LEADING_Q_PER_H * h)
/** Harmonic VA per W a motor, heater or active-PFC load carries at most (classify's PFC_MAX_HARMONIC_RATIO). */
const UNDISTORTED_H_PER_W = 0.25
/** Harmonic VA over that share a level may carry (meter noise, a lamp's driver) before rectifiers are in it. */
const LEADING_H_MIN_VA = 20
/** Leading VA a rectifier load draws per VA of its harmonic current, at most (with a margin). */
export const LEADING_Q_PER_H = 1

/** A run's reactive VA per W joins what the compressor was learned at (a copy): most from earlier runs. */
function learnReactive(s: LoadSignature, qRatio: number | null): void {
  if (!motorQ(qRatio)) return
  s.reactiveRatio =
    s.reactiveRatio === undefined
      ? round2(qRatio)
      : round2(s.reactiveRatio + REACTIVE_GAIN * (qRatio - s.reactiveRatio))
  s.reactiveRuns = (s.reactiveRuns ?? 0) + 1
}
const REACTIVE_GAIN = 0.25

/**
 * LED banks switch on one after another over a minute or two: a night whose step was measured from a
 * reading one bank had already lifted learned them at part of their level, in watts and in harmonic VA
 * alike. A later night that brought more of both (matched by its harmonic current, its watts beyond the
 * level) is the whole arrival: the banks are learned at it. A lamp beside them adds watts, hardly
 * harmonic VA, and leaves the signature as it was.
 */
function learnedShort(s: LoadSignature, levelW: number, hRatio: number | null): boolean {
  if (s.kind !== 'lights' || s.harmonicRatio === null || hRatio === null || levelW <= s.levelW) return false
  const sH = s.harmonicRatio * s.levelW
  return hRatio * levelW >= sH + Math.max(SHORT_MIN_VA, SHORT_SHARE * sH)
}

/** How much more harmonic VA than learned shows the banks were learned short (a lamp adds a few VA). */
const SHORT_MIN_VA = 8
const SHORT_SHARE = 0.08

/** Two ends of runs this close are one run's, seen twice. */
const SAME_END_MS = 3 * MIN

/**
 * The run from `onTs` to `offTs` is the one `s` counted last: that one came on within it (or minutes
 * before it, the step's settled reading being later than a candidate's first). One load does not come on
 * again while it runs, and a compressor's next run comes on its run and rest later (10 min at least):
 * it is the same run, seen by another path.
 */
const countedAlready = (s: LoadSignature, onTs: number, offTs: number): boolean =>
  s.runTs !== undefined && s.runTs >= onTs - SAME_ONSET_MS && s.runTs < offTs

/** A run's onset as two paths see it: a candidate's first reading, the step's settled one (meter minutes). */
export const SAME_ONSET_MS = 5 * MIN

/** A run of this compressor seen whole, from its step on to its step off (the signature is a copy). */
export function timeRun(s: LoadSignature, durMin: number, endTs: number): void {
  // one run ends once: followed as a watch and paired as steps (once the level settled), it counts once
  if (s.timedTs !== undefined && Math.abs(endTs - s.timedTs) <= SAME_END_MS) return
  s.longestMin = Math.round(Math.max(s.longestMin ?? 0, durMin))
  s.timedRuns = (s.timedRuns ?? 0) + 1
  s.timedTs = endTs
}

/** Three banks of the largest cheap LED fittings, with margin. */
export const LIGHTS_MAX_W = 160

/** Harmonic VA per W a motor stays under (compressors: THD 10–25 % at PF 0.75–0.85 give ≤ ~0.35). */
const MOTOR_MAX_HARMONIC_RATIO = 0.5

/** Steps smaller than this are lamps and noise; larger than this, a heater or cleaner. */
const STEP_MIN_W = 60
/** The smallest step of LED banks learned by their harmonic current (one bank of the smallest fittings). */
const LED_STEP_MIN_W = 25
const STEP_MAX_W = 600
/** Readings a step between two settled levels takes: one partial minute of an averaging meter, and the full. */
const STEP_MAX_MOVING = 2
/** Watts a lamp lit for part of a minute shows at least, over meter noise (lamps are 10–60 W). */
const LAMP_MINUTE_MIN_W = 10
/** Readings a bank-by-bank arrival of LED lights may take before it is settled (three banks, a lamp). */
const PIECES_MAX_READINGS = 4
const MAX_PENDING = 6
/** A step-up with no step-down for this long is no run: forgotten. */
export const PENDING_MAX_MS = 18 * 60 * MIN

/**
 * Every reading: a settled step up is remembered; a settled step down that matches one is a complete
 * run of one load (whatever the detector made of it), which is what a compressor or the lights do.
 * prevW is the reading before this one.
 */
export function noteSteps(
  n: CircuitNormal,
  ts: number,
  w: number,
  h: number | null,
  prevW: number | null,
  utcOffsetMin: number,
  /** The reading's reactive VA, where the meter reports PF and THD. */
  q: number | null = null,
): void {
  if (prevW === null) return
  if (h !== null) harmonicStepOff(n, ts, h, utcOffsetMin)
  // a step is measured between two settled levels (an averaging meter's partial minute in between); a
  // change that took more minutes than that is a fade (a charger's taper) or a tangle, not one load
  if (Math.abs(w - prevW) > 0.04 * w + 4) {
    const back = lampWentBack(n, ts, w, h)
    if (back) {
      // a lamp lit for a minute or two and went off again (a motion sensor): the circuit is back at the
      // level it had settled at before it, in watts and harmonic current, and what steps next is measured
      // from there. Counted on, its minutes made LED banks switching on just after it a tangle, or a step
      // from the lamp's level, and they were never learned (development circuit-mixed-stray 94@02-03: a
      // 52 W lamp at 17:07, two banks of 85 W at 17:10, raised on the next dusk)
      n.stableW = back.w
      n.stableH = back.h
      n.stableQ = back.q
      n.moving = 0
      n.lampFrom = undefined
      return
    }
    n.movingMaxW = n.moving ? Math.max(n.movingMaxW ?? w, w) : w
    n.moving = (n.moving ?? 0) + 1
    return
  }
  const moving = n.moving ?? 0
  const movingMaxW = n.movingMaxW ?? w
  n.moving = 0
  const fromW = n.stableW ?? w
  const fromH = n.stableH ?? h
  // no reactive VA kept with the last level (a reading without PF, a state stored before it): no step in it
  const fromQ = n.stableQ ?? null
  n.stableW = w
  n.stableH = h
  n.stableQ = q
  const d = w - fromW
  // a lamp's rise settled (as a meter reporting the instant shows a lamp lit for two minutes or more)
  n.lampFrom =
    h !== null && fromH !== null && lampSized(d, w) && h - fromH < LED_BANK_MIN_RATIO * d
      ? { w: fromW, h: fromH, q: fromQ, ts }
      : undefined
  // banks of LED fittings are 15–45 W each: smaller than any step we trust by watts, but their harmonic
  // current (VA per W of drivers without PFC) is a step of its own no lamp or meter drift makes
  const ledStep =
    h !== null &&
    fromH !== null &&
    Math.abs(d) >= LED_STEP_MIN_W &&
    Math.sign(h - fromH) === Math.sign(d) &&
    Math.abs(h - fromH) >= LED_BANK_MIN_RATIO * Math.abs(d)
  // LED banks switch on one after another within a few minutes (a lamp switching beside them): what they
  // brought is told by its harmonic current, and only lights are learned from it (a night long)
  const pieces = moving > 2 && moving <= PIECES_MAX_READINGS && ledStep && d > 0 && d <= LIGHTS_MAX_W
  // a load stepping on while a motion lamp lit and went off in the same minutes takes one reading more to
  // settle (the lamp's minute on top of the load's, above where it settled): measured between two settled
  // levels, the lamp is not in the step. Watts that only climbed over those minutes may be a lamp that
  // stayed on with the load (a fridge and a lamp, leaving together as well): no one load's step
  const late = moving === STEP_MAX_MOVING + 1 && d > 0 && !ledStep && movingMaxW >= w + LAMP_MINUTE_MIN_W
  if (
    (moving > STEP_MAX_MOVING && !pieces && !late) ||
    (Math.abs(d) < STEP_MIN_W && !ledStep) ||
    Math.abs(d) > STEP_MAX_W
  ) {
    if (moving > 2 && moving <= TANGLE_MAX_READINGS && h === null && d < 0)
      twoSteppedOff(n, ts, -d, utcOffsetMin)
    // a load that faded away never steps off: it was no run, whatever steps later
    const kept = withoutFaded(n.pending, w, h, n.signatures)
    if (kept !== n.pending) n.pending = kept
    return
  }
  const dH = h === null || fromH === null ? null : h - fromH
  // a step's reactive VA is the load's own only where the levels it rose from and fell to lagged: no
  // leading current beside it cancelled part of it
  const dQ =
    fromQ === null || !reactiveAdds(fromW, fromH, fromQ) || !reactiveAdds(w, h, q) ? null : q! - fromQ
  let pending = (n.pending ?? []).filter((p) => ts - p.ts < PENDING_MAX_MS)
  const arrive = (
    stepW: number,
    stepH: number | null,
    split: boolean,
    swap = false,
    stepQ: number | null = null,
    late = false,
  ): void => {
    pending.push({
      ts,
      w: round1(stepW),
      h: stepH === null ? null : round1(stepH),
      q: stepQ === null ? null : round1(stepQ),
      fromW: round1(w - stepW),
      fromH: h === null || stepH === null ? null : round1(h - stepH),
      ...(split ? { split } : {}),
      ...(swap ? { swapped: swap } : {}),
      ...(late ? { late } : {}),
    })
    if (pending.length > MAX_PENDING) pending.shift()
  }
  const leave = (i: number, offW: number, split: boolean, offQ: number | null = null): void => {
    const on = pending[i]!
    pending = pending.filter((_, k) => k !== i)
    // what stepped on after it stood on its watts: that level is lower now
    pending = pending.map((p) => (p.ts > on.ts ? withoutLoad(p, on) : p))
    const hRatio = on.h === null ? null : on.h / on.w
    const levelW = (on.w + offW) / 2
    // its reactive VA as it came on and as it went, each a step between two settled readings
    const qRatio = on.q === null || on.q === undefined || offQ === null ? null : (on.q + offQ) / 2 / levelW
    const trusted = [on.q ?? null, offQ].filter((q): q is number => q !== null)
    const noMotor = trusted.length > 0 && trusted.every((q) => noMotorQ(q / levelW))
    // a compressor's run is told by its step off within hours, of its step on's size; a night-long level
    // that arrived over minutes may be any tangle of loads by watts alone (lights are told by their
    // harmonic current, as `pieces`)
    if (on.late === true && ts - on.ts >= LIGHTS_MIN_MIN * MIN) return
    learnRun(
      n,
      on.ts,
      ts,
      levelW,
      hRatio,
      utcOffsetMin,
      split || on.split === true,
      on.swapped === true,
      qRatio,
      noMotor,
    )
  }
  const i = d < 0 ? pending.findIndex((p) => stepsOff(p, -d, dH === null ? null : -dH)) : -1
  if (i >= 0) leave(i, -d, false, dQ === null ? null : -dQ)
  else {
    // one load leaving and another arriving in the same minutes (lights coming on as a compressor
    // stops): the step is their sum, and what is left of it once the leaving one is taken out is the
    // new load. Tried only where one load alone cannot be it: a fall with no match, or a rise that took
    // harmonic current away.
    const k =
      d < 0 || (dH !== null && dH < -Math.max(12, 0.12 * d))
        ? pending.findIndex((p) => swapped(p, d, dH))
        : -1
    if (k >= 0) {
      const left = pending[k]!
      leave(k, left.w, true)
      arrive(d + left.w, dH === null || left.h === null ? null : Math.max(0, dH + left.h), true, true)
    } else if (d > 0) arrive(d, dH, pieces, false, dQ, late)
  }
  n.pending = pending
}

/** Readings a fall of two loads leaving minutes apart may take before it settles (a lamp beside them). */
const TANGLE_MAX_READINGS = 6

/**
 * Within a lamp's burst, the circuit is back at the level it stood at before: the one it last settled at,
 * after a run of moving readings (an averaging meter's minutes of the lamp), or the one a lamp's rise that
 * settled stepped up from. Back in watts within the meter's margin, and in harmonic VA too (a lamp
 * carries little of it). Only where the meter reports THD: by watts alone, a level back where it stood may
 * as well be one load leaving as another of its watts arrived (tried on the watts-only circuits: 3 false
 * alerts more), which the harmonic current of the two tells apart. Returns that level.
 */
function lampWentBack(
  n: CircuitNormal,
  ts: number,
  w: number,
  h: number | null,
): { w: number; h: number; q: number | null } | undefined {
  if (h === null) return undefined
  const moving = n.moving ?? 0
  const top = n.movingMaxW ?? w
  if (
    moving > 0 &&
    moving <= LAMP_BURST_READINGS &&
    n.stableW !== undefined &&
    lampSized(top - n.stableW, n.stableW)
  ) {
    const stableH = n.stableH ?? null
    if (backAt(w, h, n.stableW, stableH)) return { w: n.stableW, h: stableH!, q: n.stableQ ?? null }
  }
  const lamp = n.lampFrom
  if (lamp && ts - lamp.ts <= LAMP_BURST_READINGS * MIN && backAt(w, h, lamp.w, lamp.h)) return lamp
  return undefined
}

/** A reading of `w` W and `h` harmonic VA is back at a level of `levelW` and `levelH`, within the meter's margin. */
const backAt = (w: number, h: number, levelW: number, levelH: number | null): boolean =>
  Math.abs(w - levelW) <= 0.04 * w + 4 &&
  levelH !== null &&
  Math.abs(h - levelH) <= Math.max(LAMP_H_SLACK_VA, 0.1 * h)

/**
 * A rise of a lamp's watts (10–60 W) that stands out of the meter's margin at the level it rose from: on a
 * cleaner's or heater's kilowatts its swings and the meter's margin are a lamp's size, and a reading back
 * near a level says nothing of a lamp (tried without: a cleaner's swings were learned as a compressor's
 * run, and a charger of its size found under the next cleaner was taken for it).
 */
const lampSized = (riseW: number, levelW: number): boolean =>
  riseW >= LAMP_MINUTE_MIN_W && riseW < STEP_MIN_W && riseW > 0.04 * levelW + 4

/** A motion sensor keeps its lamp lit 1–4 min; averaging meters show its edges as a minute each. */
const LAMP_BURST_READINGS = 4
/** Harmonic VA a reading of the same loads moves by (the supply's distortion, the meter's THD digits). */
const LAMP_H_SLACK_VA = 10

/**
 * Watts only: the circuit fell within a few minutes, never settling between, by what two pending loads
 * brought together (lights going off at dawn as a dehumidifier stops): both left. Only their lights are
 * learned (`split`, as for any run told apart from a tangle); without this both looked faded and the
 * banks were never learned, so every dusk they were raised again.
 */
function twoSteppedOff(n: CircuitNormal, ts: number, fallW: number, utcOffsetMin: number): void {
  const pending = (n.pending ?? []).filter((p) => ts - p.ts < PENDING_MAX_MS && p.h === null)
  for (let i = 0; i < pending.length; i++)
    for (let j = i + 1; j < pending.length; j++) {
      const a = pending[i]!
      const b = pending[j]!
      if (!nearLevel(fallW, a.w + b.w)) continue
      n.pending = (n.pending ?? []).filter((p) => p !== a && p !== b)
      learnRun(n, a.ts, ts, a.w, null, utcOffsetMin, true)
      learnRun(n, b.ts, ts, b.w, null, utcOffsetMin, true)
      return
    }
}

/**
 * The pending load left while a new one arrived: what remains of the step once it is taken out is a
 * bank of LED lights of its own (their size, their harmonic current).
 */
function swapped(p: PendingStep, d: number, dH: number | null): boolean {
  const rW = d + p.w
  // only lights are learned from a split step: by watts alone, or with a cleaner's swings, any two
  // steps make a third; banks of LED drivers are told by their harmonic current
  if (rW < STEP_MIN_W || rW > LIGHTS_MAX_W || dH === null || p.h === null) return false
  return dH + p.h >= LED_BANK_MIN_RATIO * rW
}

/** Readings of harmonic VA kept: a step settles within two meter minutes (the code reads four). */
const RECENT_H = 4

/** A pending load with an LED bank's harmonic VA per W: told by its harmonic current. */
const distorted = (p: PendingStep): boolean => p.h !== null && p.h >= LED_BANK_MIN_RATIO * p.w

/**
 * LED banks leave as a step in harmonic VA, whatever the watts do beside them (a charger tapering, a
 * compressor starting): a distorted pending load whose harmonic VA fell away within a few minutes, to
 * a level that holds, stepped off then.
 */
function harmonicStepOff(n: CircuitNormal, ts: number, h: number, utcOffsetMin: number): void {
  // one small array per circuit reading (the state is handed on, not edited); the rest only while a
  // distorted load is pending
  const last = n.recentH ?? []
  const recent = last.length < RECENT_H ? [...last, h] : [last[1]!, last[2]!, last[3]!, h]
  n.recentH = recent
  if (recent.length < RECENT_H || !n.pending?.some(distorted)) return
  const settled = Math.abs(h - recent[2]!) <= Math.max(8, 0.05 * h)
  const fell = recent[0]! - h
  const before = Math.max(recent[0]!, recent[1]!, recent[2]!)
  // the first pending load (of those not yet too old to be followed) that stepped off now; the pending
  // list is rebuilt only when one did (while LED banks are pending, this runs at every reading)
  const on = n.pending.find(
    (p) => ts - p.ts < PENDING_MAX_MS && harmonicsSteppedOff(p, h, settled, fell, before),
  )
  if (!on) return
  const pending = n.pending.filter((p) => ts - p.ts < PENDING_MAX_MS)
  const i = pending.indexOf(on)
  n.pending = pending.filter((_, k) => k !== i)
  n.recentH = [h]
  learnRun(n, on.ts, ts, on.w, on.h! / on.w, utcOffsetMin, true, on.swapped === true)
}

/**
 * A distorted pending load left, by the circuit's harmonic VA now (`h`), whether the last readings
 * `settled`, how far they `fell` over them, and the most they stood at `before` it.
 */
function harmonicsSteppedOff(
  p: PendingStep,
  h: number,
  settled: boolean,
  fell: number,
  before: number,
): boolean {
  if (!distorted(p) || p.h === null) return false
  const fromH = p.fromH ?? null
  // back at the level it stood on, from at least its own harmonic VA above it: a heater going off in
  // the same minute moves the watts and a little of the harmonics
  const back =
    fromH !== null && Math.abs(h - fromH) <= Math.max(12, 0.15 * p.h) && before >= fromH + 0.8 * p.h
  // or, settled, fell by its own harmonic VA to about that level (a fridge starting beside it). The
  // harmonic currents of loads running beside it do not add in full (their phases differ), so the fall
  // may come up to a quarter short of what the step brought
  const fellBy =
    settled &&
    Math.abs(fell - p.h) <= Math.max(12, 0.25 * p.h) &&
    (fromH === null || Math.abs(h - fromH) <= Math.max(40, 0.5 * p.h))
  return back || fellBy
}

/**
 * A load that was on when `p` stepped on has left: the level `p` stood on is lower by its step, or `p`
 * would look faded when it is still there (LED banks that came on beside a running dehumidifier).
 */
function withoutLoad(p: PendingStep, gone: PendingStep): PendingStep {
  // it never stood on that load if the level under it was smaller: the one that left had gone unseen
  if (p.fromW + Math.max(10, LEVEL_SHARE * gone.w) < gone.w) return p
  const fromH =
    p.fromH === null || p.fromH === undefined || gone.h === null
      ? p.fromH
      : round1(Math.max(0, p.fromH - gone.h))
  return { ...p, fromW: round1(Math.max(0, p.fromW - gone.w)), ...(fromH === undefined ? {} : { fromH }) }
}

/**
 * A step down of `off` W and `hOff` harmonic VA is the pending load leaving. A distorted one (LED drivers
 * without PFC) is told by its harmonic current, which adds across loads: a lamp or a compressor switching
 * in the same minutes moves the watts of the step, hardly its harmonics. Harmonic currents of loads
 * running beside each other do not add in full (their phases differ), so its fall may be up to a quarter
 * away from what it brought (a compressor that started under it since), as in harmonicStepOff.
 */
function stepsOff(p: PendingStep, off: number, hOff: number | null): boolean {
  const hMatches = p.h === null || hOff === null || Math.abs(p.h - hOff) <= Math.max(12, 0.12 * p.w)
  if (nearLevel(off, p.w) && hMatches) return true
  if (p.h === null || hOff === null || p.h < LED_BANK_MIN_RATIO * p.w) return false
  return Math.abs(p.w - off) <= Math.max(25, 0.3 * p.w) && Math.abs(p.h - hOff) <= Math.max(12, 0.25 * p.h)
}

/**
 * The pending load is no longer there: the watts fell below half its step. A distorted one (its harmonic
 * VA per W an LED bank's) is judged by its harmonic current instead, which adds across loads: a
 * compressor that was running under it and stopped takes its watts below, not its harmonics.
 */
/**
 * The pending loads but those that faded away at this reading: the same array when none did (most
 * readings: noteSteps asks at every reading that took no step), so that nothing is built for them.
 */
function withoutFaded(
  pending: PendingStep[] | undefined,
  w: number,
  h: number | null,
  signatures: LoadSignature[],
): PendingStep[] | undefined {
  if (!pending) return pending
  for (const p of pending)
    if (faded(p, w, h, signatures)) return pending.filter((x) => !faded(x, w, h, signatures))
  return pending
}

function faded(p: PendingStep, w: number, h: number | null, signatures: LoadSignature[]): boolean {
  if (w >= p.fromW + 0.5 * p.w - 10) return false
  if (p.h === null || h === null || p.fromH === null || p.fromH === undefined) return true
  if (p.h < LED_BANK_MIN_RATIO * p.w) return true
  // the circuit's compressors it stood on (one or two) may have stopped since, having come on tangled
  // with another load, never a step of their own: their harmonic current went with them
  const below = p.fromH + 0.5 * p.h - 10
  if (h >= below) return false
  return h < below - Math.min(p.fromH, stoppedMotorsH(signatures, p.fromW + p.w - w))
}

/** The harmonic VA of one or two of the circuit's compressors whose watts together are `leftW`; else 0. */
function stoppedMotorsH(signatures: LoadSignature[], leftW: number): number {
  const motors = signatures.filter((x) => motorWithHarmonics(x))
  for (let i = 0; i < motors.length; i++) {
    const a = motors[i]!
    const aH = a.harmonicRatio * a.levelW
    if (nearLevel(leftW, a.levelW)) return aH
    for (let j = i + 1; j < motors.length; j++) {
      const b = motors[j]!
      if (nearLevel(leftW, a.levelW + b.levelW)) return aH + b.harmonicRatio * b.levelW
    }
  }
  return 0
}

export function addSignature(n: CircuitNormal, sig: LoadSignature): void {
  n.signatures = n.signatures.filter((s) => s.source === 'crew' || sig.lastTs - s.lastTs < FORGET_AFTER_MS)
  n.signatures.push(sig)
  if (n.signatures.length > MAX_SIGNATURES) {
    const learned = n.signatures.filter((s) => s.source === 'learned').sort((a, b) => a.lastTs - b.lastTs)
    const drop = learned[0] ?? n.signatures[0]!
    n.signatures = n.signatures.filter((s) => s !== drop)
  }
}

/** A level within `share` of a learned one (and within 10 W, whatever the share: meter error). */
export const nearLevel = (w: number, levelW: number, share: number = LEVEL_SHARE): boolean =>
  Math.abs(w - levelW) <= Math.max(10, share * levelW)

/**
 * A compressor run just started, alone: within 8 % under its learned level (a motor starts below the level
 * it creeps to as its condenser warms), 3 % over it (the meter's noise).
 */
export const ALONE_BELOW_SHARE = 0.08
export const ALONE_ABOVE_SHARE = 0.03
/** `w` is a compressor's run of learned level `levelW` just started, alone, by its watts. */
export const startedAtLevel = (w: number, levelW: number): boolean =>
  w <= (1 + ALONE_ABOVE_SHARE) * levelW && nearLevel(w, levelW, ALONE_BELOW_SHARE)

/** Harmonic VA within a fifth of LED banks' own (and 12 VA): their drivers' THD wanders with the supply. */
const nearBanksH = (h: number, banksH: number): boolean => Math.abs(h - banksH) <= Math.max(12, 0.2 * banksH)

export function levelMatches(
  s: LoadSignature,
  levelW: number,
  hRatio: number | null,
  share: number = LEVEL_SHARE,
): boolean {
  if (!nearLevel(levelW, s.levelW, share)) return false
  if (s.harmonicRatio === null || hRatio === null) return true
  return Math.abs(hRatio - s.harmonicRatio) <= 0.3
}

/**
 * Low-PF LED banks are told by their harmonic current, which adds across loads: a compressor starting
 * or stopping in the same minutes moves the watts of their step a lot, their harmonic VA little.
 */
function harmonicsMatchLights(s: LoadSignature, levelW: number, hRatio: number | null): boolean {
  if (s.kind !== 'lights' || s.harmonicRatio === null || hRatio === null) return false
  if (s.harmonicRatio < LED_BANK_MIN_RATIO || levelW > 2 * s.levelW + 60) return false
  return nearBanksH(hRatio * levelW, s.harmonicRatio * s.levelW)
}

/** Harmonic VA per W of drivers without PFC (PF 0.5–0.65, THD 90–150 %): about 0.9 and up. */
const LED_BANK_MIN_RATIO = 0.75

function inWindow(minute: number, w: { fromMin: number; toMin: number }): boolean {
  const from = (w.fromMin - WINDOW_SLACK_MIN + 1440) % 1440
  const to = w.toMin
  return from <= to ? minute >= from && minute <= to : minute >= from || minute <= to
}

/**
 * The signature a candidate of this level and distortion matches, now. Lights match inside their window
 * and once a night (a charger on top of lights already on is a new step of its own); the rest match at
 * any hour.
 */
export function matchSignature(
  n: CircuitNormal,
  ts: number,
  levelW: number,
  hRatio: number | null,
  utcOffsetMin: number,
  feedback?: TaughtLoads,
  backgroundH?: number,
  /** When the load arrived, if not at `ts` (a candidate confirmed minutes later, or after a heater) */
  arrivedTs: number = ts,
  /** How near a learned compressor's level a level without a harmonic ratio must be (watts only) */
  compressorShare: number = LEVEL_SHARE,
): LoadSignature | undefined {
  const candidates = feedback ? [...feedback.taught, ...n.signatures] : n.signatures
  for (const s of candidates) {
    if (feedback?.forget.includes(s.id) || motorUnproven(s)) continue
    // watts only, a compressor's level is matched as closely as its runs repeat it, whoever named it: a
    // crew's answer measured it once, as one of its runs' steps would
    const share = hRatio === null && s.kind === 'compressor' ? compressorShare : LEVEL_SHARE
    if (!levelMatches(s, levelW, hRatio, share) && !harmonicsMatchLights(s, levelW, hRatio)) continue
    // without PF/THD one flat run might have been a charger unplugged early: a compressor runs again. With
    // them, so might one whose run showed no motor (oneRunShowedMotor), where the load now carries no more
    // harmonic current than an active-PFC input either: that charger plugged in again
    if (
      s.source === 'learned' &&
      s.kind === 'compressor' &&
      (s.harmonicRatio === null ||
        (!oneRunShowedMotor(s) && hRatio !== null && hRatio <= PFC_AT_LOAD_MAX_H_PER_W)) &&
      !ranAgain(s, arrivedTs)
    )
      continue
    // a motor's harmonic VA per W is its own (THD 10–25 %): a load carrying less than half of it is no
    // run of that compressor, whatever its watts (an active-PFC charger of its size, found under a heater)
    if (
      s.kind === 'compressor' &&
      s.source === 'learned' &&
      hRatio !== null &&
      s.harmonicRatio !== null &&
      s.harmonicRatio >= OWN_SHARE_FROM &&
      hRatio < OWN_SHARE_MIN * s.harmonicRatio
    )
      continue
    if (s.kind === 'lights' && !mayArriveNow(n, s, ts, arrivedTs, utcOffsetMin, backgroundH)) continue
    if (!lightsAgreed(s)) continue
    return s
  }
  return hRatio === null
    ? undefined
    : lightsTogether(n, candidates, ts, levelW, hRatio, utcOffsetMin, feedback, backgroundH, arrivedTs)
}

/**
 * Watts only: a learned run is one of the circuit's compressors once it ran twice, or from its second run
 * where that came back at its size within a compressor's off time of the first run's end (a new meter's
 * first hours): the first stepped off by its own size, where a charger's end is a taper, and a charger
 * unplugged does not come back at the same level minutes later. (A charger unplugged early and another of
 * its size plugged in within the off time is then followed as a run: raised once it holds past any
 * compressor's run, stray-wire-outlasted.ts.)
 */
export function ranAgain(s: LoadSignature, arrivedTs: number): boolean {
  if (s.count >= 2) return true
  const endTs = s.timedTs ?? s.lastTs
  return arrivedTs > endTs && arrivedTs - endTs <= COME_BACK_MS
}

/**
 * Watts only, learned lights stand for a candidate once two evenings agreed (their level, and their hour
 * within what a photocell moves in a day: awaitsHour): lights come back every dusk at their level, while
 * a lithium charger's full charge (a CC plateau of four hours and more, a CV phase of a few minutes or
 * none, a cut-off or an unplug: flat, then a step off) is as flat as lights for one evening, and comes
 * back only once its pack was used. Learned from one evening, the same charger at that hour the next
 * evening went unraised. With PF and THD, LED banks are told by their drivers' harmonic current, which an
 * active-PFC charger lacks.
 */
const lightsAgreed = (s: LoadSignature): boolean =>
  s.kind !== 'lights' ||
  s.source !== 'learned' ||
  s.harmonicRatio !== null ||
  s.count >= LIGHTS_EVENINGS ||
  longerThanACharge(s.window)

/**
 * Lights on for longer than any charger's whole charge (domain.md: lithium 4-6 h, lead-acid 6-10 h with
 * its 1-3 h taper in them, which shows): one evening flat that long, held and gone as a step, is no
 * charger's (dusk-to-dawn lights in winter, 10-14 h). The window's span is the evening's length while one
 * evening made it (a swap's leftover's start is only when they were on by: its span is shorter, if any).
 */
function longerThanACharge(w: LightsWindow | null): boolean {
  if (!w) return false
  return (w.toMin - w.fromMin + 1440) % 1440 >= LONGEST_CHARGE_MIN
}
const LONGEST_CHARGE_MIN = 600

/** Evenings watts-only lights were seen on before they stand for a candidate. */
const LIGHTS_EVENINGS = 2

/**
 * Whether an evening raised as a charger may agree with watts-only lights not yet agreed on: only where it
 * ended as lights end. A timer switches them off at the same minute every night, whatever their length; a
 * photocell (or an astronomical timer) at dawn, a minute or two from the night before through the year and
 * 3-15 min with the weather, after a night longer than any lithium charge. A charger's end is its plug time
 * plus a charge as long as the day's riding asked, neither of which a resident keeps to the minute, and a
 * lithium charge plugged in at dusk is over hours before dawn (4-6 h, domain.md; one plugged in late that
 * ends towards dawn is as short). A resident's charger plugged in at one hour every evening, raised and
 * ending flat (a CV phase too short to show, or unplugged in constant current), otherwise agreed as lights
 * on its second evening and went unraised from its third. The night's length alone does not tell a
 * photocell's short summer night (8-10 h, under LONGEST_CHARGE_MIN) from a charge, nor its off minute,
 * which wanders with the weather as a charger's does (h-evening, reverted): the dawn does. Evenings not
 * raised (taken for another load as they came) and agreed lights are not asked.
 */
function endedAsLights(s: LoadSignature, seen: LightsWindow | null, durMin: number): boolean {
  if (lightsAgreed(s) || !s.window || !seen) return true
  const apart = Math.abs(minutesAfter(seen.toMin, s.window.toMin))
  if (apart <= TIMER_OFF_MIN) return true
  return durMin >= LONGEST_LITHIUM_MIN && within(seen.toMin, DAWN_FROM_MIN, DAWN_TO_MIN)
}

/**
 * How far apart a timer's lights go off on two nights, as the meter's minutes show it: a timer switches at
 * its minute and each bank's contactor at the same delay every night, so the last bank goes in the same
 * reading, or the next where the switch falls on the boundary between two readings.
 */
const TIMER_OFF_MIN = 1

/**
 * Longer than a lithium charger's whole charge (domain.md: 4-6 h), with an hour's margin for a bigger pack
 * on a slower charger: a summer night's photocell lights (8-10 h, less the weather's minutes) are longer.
 */
const LONGEST_LITHIUM_MIN = 420

/**
 * Local clock minutes a photocell switches lights off at dawn, any time of year: the sun rises from about
 * 03:00 (China's one time zone in its north-east at midsummer) to about 09:45 (its far west in midwinter),
 * and the sky is bright enough for a photocell up to half an hour before.
 */
const DAWN_FROM_MIN = 2 * 60
const DAWN_TO_MIN = 10 * 60

/**
 * A run learned from its steps while the alert raised for it is still open (its step off is paired before
 * the alert clears, ten minutes later): that evening was raised. The same onset as two paths see it.
 */
const raisedOpen = (n: CircuitNormal, onTs: number): boolean =>
  n.episode?.raised === true && Math.abs(n.episode.onsetTs - onTs) <= SAME_ONSET_MS

/**
 * Watts-only lights not yet agreed on, seen again switching on further from their hour than a photocell
 * moves in a day (WIDEN_MAX_MIN): the two evenings do not agree, and the latest one counts alone.
 */
function awaitsHour(s: LoadSignature, seen: LightsWindow | null): boolean {
  if (lightsAgreed(s) || !s.window || !seen || s.window.onBy || seen.onBy) return false
  const apart = Math.abs(minutesAfter(seen.fromMin, s.window.fromMin))
  return apart > WIDEN_MAX_MIN
}

/**
 * Where the meter reports PF and THD, one run learned as a compressor showed a motor: its step drew a
 * motor's lagging current (PF 0.6-0.85: MOTOR_MIN_VAR_PER_W and more), or carried more harmonic current
 * than an active-PFC input does at load (THD 15 % at most of a fundamental at PF 0.95 and up). Otherwise
 * it may have been an active-PFC charger unplugged in constant current (flat, on and off as steps, THD
 * 5-15 % as a motor's): a thermostat's or humidistat's motor runs many times a day, and one run counts
 * for it once it ran again (ranAgain), as by watts alone.
 */
function oneRunShowedMotor(s: LoadSignature): boolean {
  if (s.reactiveRatio !== undefined && s.reactiveRatio >= MOTOR_MIN_VAR_PER_W) return true
  return s.harmonicRatio !== null && s.harmonicRatio > PFC_AT_LOAD_MAX_H_PER_W
}

/** A dehumidifier rests 0.5–2 h between runs, a fridge 20–60 min: a compressor comes back within this. */
const COME_BACK_MS = 150 * MIN

/**
 * Lights may be what arrived now: not on already, inside their window, arrived near their hour, and not
 * matched yet tonight.
 */
function mayArriveNow(
  n: CircuitNormal,
  s: LoadSignature,
  ts: number,
  arrivedTs: number,
  utcOffsetMin: number,
  backgroundH: number | undefined,
): boolean {
  const minute = localMinute(ts, utcOffsetMin)
  // LED banks whose harmonic current the background already carries are on: they cannot arrive again
  if (alreadyOn(n, s, backgroundH, minute)) return false
  if (!s.window) return true
  const opens = opensMin(s.window)
  if (!inWindow(minute, { fromMin: opens, toMin: s.window.toMin })) return false
  // lights switch on at their hour (dusk moves by minutes a day, a photocell with the weather), not late
  // in the night: a load of their size and harmonic share arriving then is something else. Those a crew
  // named too (their window opens when the load it answered came on): on a night another signature stood
  // for them at their hour, a charger of their harmonic current hours later took their one match
  const arrived = localMinute(arrivedTs, utcOffsetMin)
  if (!within(arrived, opens - WINDOW_SLACK_MIN - 1, s.window.fromMin + LIGHTS_ON_LATE_MIN)) return false
  const last = s.source === 'crew' ? n.crewMatchTs?.[s.id] : s.lastMatchTs
  return last === undefined || ts - last >= 12 * 60 * MIN
}

/**
 * Two banks are taken as arriving together only this near both their hours, min: later in the evening a
 * load of their size and harmonic share is more likely a charger (learned lights may overlap, e.g. one
 * learned with the lamps that are always on, and be on already where the day profile cannot tell).
 */
const TOGETHER_SLACK_MIN = 30

/**
 * Two of the circuit's lights that may arrive now, arriving within TOGETHER_SLACK_MIN of both their
 * hours, whose watts and harmonic VA together are the load's (each within the share a single signature
 * is matched at): banks learned on nights they came on minutes apart (a compressor's step between them)
 * switching on together tonight. Returns the larger; the other's nightly match is not noted (a load its
 * size alone is no charger's). Only where the meter reports PF and THD: by watts alone, a pair of lights
 * of a charger's size is any charger of that size.
 */
function lightsTogether(
  n: CircuitNormal,
  candidates: readonly LoadSignature[],
  ts: number,
  levelW: number,
  hRatio: number,
  utcOffsetMin: number,
  feedback: TaughtLoads | undefined,
  backgroundH: number | undefined,
  arrivedTs: number,
): LoadSignature | undefined {
  type Timed = LoadSignature & { harmonicRatio: number; window: { fromMin: number; toMin: number } }
  const lights = candidates.filter(
    (s): s is Timed =>
      s.kind === 'lights' &&
      s.harmonicRatio !== null &&
      s.window !== null &&
      !feedback?.forget.includes(s.id) &&
      mayArriveNow(n, s, ts, arrivedTs, utcOffsetMin, backgroundH),
  )
  const h = hRatio * levelW
  const arrived = localMinute(arrivedTs, utcOffsetMin)
  const onTime = (s: Timed): boolean =>
    within(arrived, s.window.fromMin - TOGETHER_SLACK_MIN, s.window.fromMin + TOGETHER_SLACK_MIN)
  for (let i = 0; i < lights.length; i++)
    for (let j = i + 1; j < lights.length; j++) {
      const a = lights[i]!
      const b = lights[j]!
      if (!onTime(a) || !onTime(b)) continue
      if (!nearLevel(levelW, a.levelW + b.levelW)) continue
      if (!nearBanksH(h, a.harmonicRatio * a.levelW + b.harmonicRatio * b.levelW)) continue
      return a.levelW >= b.levelW ? a : b
    }
  return undefined
}

/**
 * The background's harmonic VA has risen by the banks' own since before their hour (the profile's bin
 * before their window opens): they came on already. The rise, not the level: other fittings (lights that
 * are always on, a second group of banks at another hour) carry harmonic current too. Only learned
 * signatures: what a crew said stands.
 */
function alreadyOn(
  n: CircuitNormal,
  s: LoadSignature,
  backgroundH: number | undefined,
  minute: number,
): boolean {
  if (backgroundH === undefined || s.source !== 'learned' || !s.window) return false
  if (s.harmonicRatio === null || s.harmonicRatio < LED_BANK_MIN_RATIO) return false
  const preMin = (((opensMin(s.window) - PRE_WINDOW_MIN) % 1440) + 1440) % 1440
  const before = n.profile?.h[Math.floor(preMin / BIN_MIN)]
  const known = before !== null && before !== undefined
  // other banks of this circuit on by now that the level before did not hold (all of them, without one)
  let othersH = 0
  for (const o of n.signatures) {
    if (o === s || o.kind !== 'lights' || !o.window || !inWindow(minute, o.window)) continue
    if (known && !within(o.window.fromMin, preMin, minute)) continue
    othersH += (o.harmonicRatio ?? 0) * o.levelW
  }
  return backgroundH - (known ? before : 0) - othersH >= 0.8 * s.harmonicRatio * s.levelW
}

/** Learned runs seen this often are the circuit's own compressors, not one charger unplugged early. */
export const RECURRING_RUNS = 2

/** One of the circuit's own compressors, learned from its runs and seen run more than once. */
export const recurringCompressor = (x: LoadSignature): boolean =>
  x.kind === 'compressor' && x.source === 'learned' && x.count >= RECURRING_RUNS && !motorUnproven(x)

/**
 * A learned "compressor" one of whose runs, where the meter's reactive VA could be trusted, drew no
 * motor's reactive current (noMotorRuns), none of whose runs ever showed a motor's (no reactiveRatio), of
 * an active-PFC charger's size and undistorted as its input is (no rectifier's harmonic share): flat, on
 * and off as steps, it was most likely an active-PFC charger unplugged in constant current (a resident's
 * own, session after session), and it stands for none of the circuit's compressors until a run shows a
 * motor. (Smaller, it is no charger: lamps switching together, left as they were.)
 */
export const motorUnproven = (x: LoadSignature): boolean =>
  x.kind === 'compressor' &&
  x.source === 'learned' &&
  (x.noMotorRuns ?? 0) > 0 &&
  x.reactiveRatio === undefined &&
  x.harmonicRatio !== null &&
  x.harmonicRatio <= UNDISTORTED_H_PER_W &&
  x.levelW >= PFC_CHARGER_MIN_W

/** Active-PFC chargers draw ~130 W and up in constant current (minPfcStepW's 110), less the meter's error. */
const PFC_CHARGER_MIN_W = 100

/**
 * A learned run stands for one of the circuit's own compressors in a load that arrived at `arrivedTs`:
 * seen run twice, or seen once and back within a compressor's off time of that run's end (ranAgain: a
 * charger unplugged does not come back at its level minutes later), as a single match takes it.
 */
export const knownRunAt = (x: LoadSignature, arrivedTs: number | undefined): boolean =>
  !motorUnproven(x) && (x.count >= RECURRING_RUNS || (arrivedTs !== undefined && ranAgain(x, arrivedTs)))

/**
 * The circuit's own compressors, learned from their runs, account for a compressor a crew named: one of
 * them is of its level, or two of them together are (a crew answers one alert, whose level may be a
 * fridge's run and a dehumidifier's together). Not one a crew undid (`forget`).
 */
export const learnedCompressorsAccount = (
  n: CircuitNormal,
  taught: LoadSignature,
  forget: readonly string[] = [],
): boolean => compressorsAccountingFor(n.signatures, taught, forget).length > 0

/**
 * Which of the circuit's own compressors (`signatures`, learned) account for a compressor a crew named, as
 * in learnedCompressorsAccount: the ids of the one of its level, else of the first two whose levels add up
 * to it; none if they do not. The API lists them beside the crew's answer ("handed over to").
 */
export function compressorsAccountingFor(
  signatures: readonly LoadSignature[],
  taught: LoadSignature,
  forget: readonly string[] = [],
): string[] {
  const runs = signatures.filter((x) => recurringCompressor(x) && !forget.includes(x.id))
  const one = runs.find((x) => nearLevel(taught.levelW, x.levelW))
  if (one) return [one.id]
  for (let i = 0; i < runs.length; i++)
    for (let j = i + 1; j < runs.length; j++)
      if (nearLevel(taught.levelW, runs[i]!.levelW + runs[j]!.levelW)) return [runs[i]!.id, runs[j]!.id]
  return []
}

/**
 * One of the circuit's own compressors whose harmonic share was learned (the meter reports PF and THD),
 * and that no crew undid (`forget`): its watts and its harmonic current can be taken off what arrived.
 */
export const motorWithHarmonics = (
  x: LoadSignature,
  forget: readonly string[] = [],
): x is LoadSignature & { harmonicRatio: number } =>
  recurringCompressor(x) && x.harmonicRatio !== null && !forget.includes(x.id)

/** One of the circuit's own compressors is a load of `levelW` (and of harmonic share `hRatio`, if known). */
export const compressorOf = (n: CircuitNormal | undefined, levelW: number, hRatio: number | null): boolean =>
  (n?.signatures ?? []).some((x) => recurringCompressor(x) && levelMatches(x, levelW, hRatio))

/**
 * Below this share of a learned compressor's own harmonic VA per W, a load is not that compressor; only
 * where its share is measurably above meter noise (a fridge learned at 0.01 says nothing).
 */
const OWN_SHARE_MIN = 0.5
const OWN_SHARE_FROM = 0.08

/** The background before a bank's hour is read this long before its window opens. */
const PRE_WINDOW_MIN = 90

/** How many minutes clock minute `a` is after clock minute `b`, within ±12 h (nights cross midnight). */
const minutesAfter = (a: number, b: number): number => ((a - b + 2160) % 1440) - 720

/** Whether minute m of the day lies in (from, to], going round midnight. */
const within = (m: number, from: number, to: number): boolean =>
  from <= to ? m > from && m <= to : m > from || m <= to

/**
 * `s` stood for a load that came on at `onsetTs`: one run of it, counted here as it arrives (its end,
 * followed or paired from its steps, does not count it again: learnRun). The state is plain JSON handed
 * from reading to reading: the matched signature is replaced, not edited.
 */
export function noteMatch(n: CircuitNormal, s: LoadSignature, ts: number, onsetTs: number): void {
  // crews' signatures live in the settings, not here: only when they last matched is kept
  if (s.source === 'crew') {
    n.crewMatchTs = { ...(n.crewMatchTs ?? {}), [s.id]: ts }
    return
  }
  n.signatures = n.signatures.map((x) =>
    x !== s
      ? x
      : countedAlready(x, onsetTs, ts)
        ? { ...x, lastTs: ts, lastMatchTs: ts }
        : { ...x, count: x.count + 1, lastTs: ts, lastMatchTs: ts, runTs: onsetTs },
  )
}

/**
 * The episode is edited in place reading by reading: a fresh copy per reading keeps the input intact. Every
 * field in one order, set or not, so every circuit's normal has one hidden class (stray-wire-detector.ts's
 * copyState).
 */
export const copyNormal = (n: CircuitNormal = initialCircuitNormal()): CircuitNormal => {
  const copy: EveryField<CircuitNormal> = {
    v: 1,
    signatures: n.signatures,
    episode: n.episode && { ...n.episode },
    profile: n.profile,
    pending: n.pending,
    crewMatchTs: n.crewMatchTs,
    moving: n.moving,
    movingMaxW: n.movingMaxW,
    stableW: n.stableW,
    stableH: n.stableW !== undefined ? (n.stableH ?? null) : undefined,
    stableQ: n.stableW !== undefined ? (n.stableQ ?? null) : undefined,
    recentH: n.recentH,
    lampFrom: n.lampFrom,
    watches: n.watches,
    watchesBeforeBigW: n.watchesBeforeBigW,
  }
  return copy
}
