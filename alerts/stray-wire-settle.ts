// In front of the stray-wire detector: a meter that reports the average power over its interval shows a
// load switching mid-minute as one partial reading between the old level and the new. The detector's step
// logic compares single readings, so a compressor's start reads as two steps (a part, then the rest) and
// its stop as two falls of about half its level. This stage holds a circuit reading that moved back until
// the next arrives, and drops it when it was such a partial minute, so that the detector sees the step
// whole, one reading later (a reading that did not move goes on at once); a dropped reading is a missing
// one to the detector, which it already copes with.
import { detectStrayWire, type StrayWireResult } from './stray-wire-detector.ts'
import type { CircuitInput, StrayWireInput, StrayWireParams, StrayWireState } from './stray-wire-types.ts'

/** Plain JSON, persisted with the rule state. */
export interface StrayWireSettleState {
  /** The reading held back: fed to the detector (or dropped) when the next one arrives. */
  held: CircuitInput | null
  /**
   * The two readings before it as they arrived (dropped or not), W, and when the nearer one came; the
   * further one is null when a reading went missing between them.
   */
  prevW: number | null
  prevTs: number | null
  prev2W: number | null
  /**
   * The reading at prevTs came right after a partial minute that was dropped (prev2W is that partial): it
   * is the level a step ended at, measured over a whole minute, and a standing level however far the
   * partial lay from it. Optional so that a state persisted before it loads (taken as false).
   */
  prevAfterPartial?: boolean
  /** The reading at prevTs was dropped as a partial minute; optional as above. */
  prevDropped?: boolean
  /**
   * Of the steps from a standing level seen so far, the share that showed a partial minute (a moving
   * average): an averaging meter splits most steps (a meter averaging n instants splits (n − 1)/n of them),
   * one that reports the instant none, and there two loads switching a minute apart are two real levels.
   * Optional so that a state persisted before it loads (taken as SPLIT_SHARE_START).
   */
  splitShare?: number
}

export const initialSettleState = (): StrayWireSettleState => ({
  held: null,
  prevW: null,
  prevTs: null,
  prev2W: null,
  prevAfterPartial: false,
  prevDropped: false,
  splitShare: SPLIT_SHARE_START,
})

/** Readings further apart than this have a gap between them (1-minute telemetry, with jitter). */
const NEXT_READING_MS = 90_000
/** A step smaller than this is noise or a small lamp's, and not worth a reading (W). */
const MIN_STEP_W = 25
/**
 * A partial minute lies at least this share of the step from either level: a meter averaging a few
 * instants a minute reads a quarter, a half or three quarters of it; nearer a level it is that level.
 */
const PARTIAL_SHARE = 0.12
/**
 * The level before the step held within this much of the step (or MIN_FLAT_W) over the reading before:
 * a step from a standing level. On a slope (a charger's taper, a compressor's creep) every reading lies
 * between its neighbours, and none of them is a partial minute.
 */
const FLAT_SHARE = 0.1
const MIN_FLAT_W = 3
/**
 * Partial minutes are dropped while at least this share of steps shows one: halfway between a meter
 * reporting the instant (none, but for two loads switching a minute apart) and one averaging two instants
 * a minute (half). A meter not yet seen is taken to average (dropping a reading costs little); the share
 * follows about the last SPLIT_SHARE_STEPS steps.
 */
const AVERAGING_SPLIT_SHARE = 0.25
const SPLIT_SHARE_START = 0.5
const SPLIT_SHARE_STEPS = 32

export interface SettleResult {
  state: StrayWireSettleState
  /** Readings to feed the detector now, oldest first: none, the one held back, or that and a shed's. */
  inputs: StrayWireInput[]
}

/**
 * A reading that moved less than this from the one before (W, or this share of it) is no part of a step
 * worth holding back: it goes on at once, so that the detector is a reading late only at a step.
 */
const MIN_PART_W = 10
const MIN_PART_SHARE = 0.02

/** The next reading of a device; the state is not changed in place. */
export function settleReading(state: StrayWireSettleState, input: StrayWireInput): SettleResult {
  // a shed's residual is the feeder's and the ports' difference: only circuits are held back,
  // and only watts: where the meter reports PF and THD, a partial minute carries the whole load's waveform,
  // and the detector tells loads by their harmonic current there (dropping those minutes cost sessions on
  // averaging meters: held-out mixed PF+THD circuits 0.825 -> 0.811)
  if (input.source !== 'circuit' || input.currentThdPct !== undefined)
    // what the meter was seen to do with its steps stays learned (a meter sending THD now and then)
    return { state: passedOn(state), inputs: state.held ? [state.held, input] : [input] }
  const h = state.held
  const lastTs = h?.ts ?? state.prevTs
  // a late or repeated reading changes nothing
  if (lastTs !== null && input.ts <= lastTs) return { state, inputs: [] }
  const inputs: StrayWireInput[] = []
  let share = state.splitShare ?? SPLIT_SHARE_START
  let s = state
  if (h !== null) {
    const seen = stepSeen(state, h, input)
    const dropped = seen === 'split' && share >= AVERAGING_SPLIT_SHARE
    if (!dropped) inputs.push(h)
    if (seen !== null) share += ((seen === 'split' ? 1 : 0) - share) / SPLIT_SHARE_STEPS
    s = after(state, h, dropped)
  }
  // held back only while it may be the part of a step the next reading completes
  const moved =
    s.prevW !== null &&
    s.prevTs !== null &&
    input.ts - s.prevTs <= NEXT_READING_MS &&
    Math.abs(input.powerW - s.prevW) >= Math.max(MIN_PART_W, MIN_PART_SHARE * s.prevW)
  if (moved) return { state: { ...s, held: input, splitShare: share }, inputs }
  inputs.push(input)
  return { state: after(s, input, false, share), inputs }
}

/**
 * One reading through the stage and then the detector, as the alert engine runs it (and the evaluation and
 * the bench measure it): the detector's result for each reading fed to it now, oldest first (none when the
 * reading is held back, two when a held one goes on with it).
 */
export function detectSettled(
  settle: StrayWireSettleState,
  state: StrayWireState,
  reading: StrayWireInput,
  params: StrayWireParams,
): { settle: StrayWireSettleState; results: StrayWireResult[] } {
  const settled = settleReading(settle, reading)
  const results: StrayWireResult[] = []
  let s = state
  for (const input of settled.inputs) {
    const r = detectStrayWire(s, input, params)
    results.push(r)
    s = r.state
  }
  return { settle: settled.state, results }
}

/**
 * The state once `r` went on (or was dropped): the reading before the next is `r`, and the one before it
 * counts only if no reading went missing between them.
 */
function after(
  s: StrayWireSettleState,
  r: CircuitInput,
  dropped = false,
  splitShare = s.splitShare,
): StrayWireSettleState {
  const next = s.prevTs !== null && r.ts - s.prevTs <= NEXT_READING_MS
  return {
    held: null,
    prevW: r.powerW,
    prevTs: r.ts,
    prev2W: next ? s.prevW : null,
    prevAfterPartial: next && s.prevDropped === true,
    prevDropped: dropped,
    splitShare,
  }
}

/**
 * The state once a reading went on unheld (a shed's, or one with PF and THD): nothing held or remembered,
 * the split share kept. Such a meter sends every reading so: the state it already stands in is handed on
 * as it is, not built anew per reading (the stage runs for every circuit reading).
 */
function passedOn(s: StrayWireSettleState): StrayWireSettleState {
  if (
    s.held === null &&
    s.prevW === null &&
    s.prevTs === null &&
    s.prev2W === null &&
    s.prevAfterPartial === false &&
    s.prevDropped === false &&
    s.splitShare !== undefined
  )
    return s
  return { ...initialSettleState(), splitShare: s.splitShare ?? SPLIT_SHARE_START }
}
/**
 * A step from a standing level, with no reading missing among the four, that the held reading took
 * part of ('split': it lies between the one before and the one after, far from both) or whole ('whole':
 * it is already at the new level); null when there is no such step or the held reading has not yet moved.
 */
function stepSeen(s: StrayWireSettleState, h: CircuitInput, after: CircuitInput): 'split' | 'whole' | null {
  if (s.prevW === null || s.prev2W === null || s.prevTs === null) return null
  if (h.ts - s.prevTs > NEXT_READING_MS || after.ts - h.ts > NEXT_READING_MS) return null
  const step = after.powerW - s.prevW
  if (Math.abs(step) < MIN_STEP_W) return null
  // the level before stood over the reading before it, or a step ended at it (its partial minute dropped):
  // a lamp that went off the minute before a compressor started leaves a level as standing as any
  const standing =
    s.prevAfterPartial === true ||
    Math.abs(s.prevW - s.prev2W) <= Math.max(MIN_FLAT_W, FLAT_SHARE * Math.abs(step))
  if (!standing) return null
  const fromBefore = (h.powerW - s.prevW) / step
  const toAfter = (after.powerW - h.powerW) / step
  if (fromBefore < PARTIAL_SHARE || Math.abs(h.powerW - s.prevW) < MIN_PART_W) return null
  return toAfter < PARTIAL_SHARE ? 'whole' : 'split'
}
