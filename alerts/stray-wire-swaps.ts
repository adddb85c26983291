// Chargers that arrived while another load moved: in the minute another load left (its harmonic current
// came without its watts; its reactive current told an active-PFC charger from the motor that left), as a
// step from the last reading where the background went stale (an active-PFC one on a compressor's first
// minutes), on top of a heater's element that still runs, or under a heater or cleaner that just went off
// (the step over the reading before it came on).
import { backgroundHolds } from './stray-wire-baseline.ts'
import { type LoadSignature, reactiveAdds, recurringCompressor } from './stray-wire-circuit-normal.ts'
import {
  type Classified,
  classify,
  MAX_HARMONIC_RATIO,
  MOTOR_MIN_VAR_PER_W,
  mostRectifierLead,
  type Observation,
  PFC_MAX_HARMONIC_RATIO,
} from './stray-wire-classify.ts'
import { ELEMENT_HOLD_SHARE, MIN_MASKING_LOAD_W } from './stray-wire-evidence.ts'
import { lagsForCertain } from './stray-wire-lag-sign.ts'
import type { StrayWireParams, StrayWireState } from './stray-wire-types.ts'

/** Harmonic VA a rectifier charger adds at least (≥ 120 W at ≥ 0.6 VA per W), less meter margin. */
const SWAP_MIN_VA = 60

/**
 * A charger's harmonic current arrived without its watts: another load of about its size left in the
 * same minutes (a dehumidifier stopping as it was plugged in, or both under a cleaner that just went).
 * The load that left is one whose step up was seen and whose step down was not; with it taken out of
 * the background, what is left is charger-sized and charger-shaped. Only where the meter reports THD:
 * by watts alone nothing arrived.
 */
export function chargerSwappedIn(
  s: StrayWireState,
  obs: Observation,
  c: Classified,
  params: StrayWireParams,
): boolean {
  if (obs.source !== 'circuit' || c.excessVA === null || c.excessVA < SWAP_MIN_VA) return false
  // one load arriving alone explains harmonic VA up to what the most distorted one (LED drivers
  // without PFC) carries per W of its own: more than that, and watts went somewhere else
  if (c.excessVA <= MAX_HARMONIC_RATIO * Math.max(0, c.excessW) + SWAP_MIN_VA / 2) return false
  // and it arrived now: since the last reading, or since before the cleaner or heater that just went (its
  // background's, when a candidate at the time kept that level from being noted)
  const beforeH = s.prevBig ? (s.preBigH ?? s.baselineH) : s.prevH
  if (beforeH === null || beforeH === undefined || obs.harmonicVA! - beforeH < SWAP_MIN_VA) return false
  const before = s.prevBig
    ? { w: s.preBigW, h: beforeH, q: s.preBigQ ?? s.baselineQ }
    : { w: s.prevW, h: beforeH, q: s.prevQ }
  const pending = s.normal?.pending ?? []
  for (let i = pending.length - 1; i >= 0; i--) {
    const p = pending[i]!
    const newW = c.excessW + p.w
    const newH = c.excessVA + Math.max(0, p.h ?? 0)
    if (newW < params.minStepW || newW > params.maxChargerW) continue
    if (newH < params.minHarmonicRatio * newW) continue
    if (!reactiveAllowsSwap(before, p.q, newW, newH, obs.reactiveVA)) continue
    if (s.baselineW! - p.w < -(obs.toleranceW + 10)) continue
    s.baselineW = Math.max(0, s.baselineW! - p.w)
    s.baselineH = Math.max(0, s.baselineH - Math.max(0, p.h ?? 0))
    s.normal!.pending = pending.filter((_, k) => k !== i)
    return true
  }
  return s.prevBig === true && compressorLeftUnder(s, obs, c, params, before)
}

/**
 * Under a heater or cleaner a compressor's motor stopping is not seen: its step down is inside the big
 * load's swing, and the background keeps its watts. When the big load goes off the circuit stands under
 * that background, and a rectifier charger plugged in meanwhile (its harmonic current there, its watts
 * hidden by the stale background) is taken into it as the fall. Where the harmonic current arrived without
 * its watts, one of the circuit's learned compressors (or two) that the background still holds may be
 * what left: with it taken out, what is left over the background is charger-sized and charger-shaped
 * (the motor carries a small harmonic share, harmonic current adds across loads), and the circuit's
 * reactive current allows the swap as for a pending load. Development circuit-mixed-stray 104@01-31T01:43,
 * 94@02-06T22:56: a dehumidifier (and a fridge) stopped under a heater, a 155 W lead-acid charger plugged in
 * under it, taken into the background when the heater went off and never raised.
 */
function compressorLeftUnder(
  s: StrayWireState,
  obs: Observation,
  c: Classified,
  params: StrayWireParams,
  before: { w: number | null | undefined; h: number; q: number | null | undefined },
): boolean {
  const runs = (s.normal?.signatures ?? []).filter((x) => recurringCompressor(x) && x.harmonicRatio !== null)
  const sets: LoadSignature[][] = runs.map((x) => [x])
  for (let i = 0; i < runs.length; i++)
    for (let j = i + 1; j < runs.length; j++) sets.push([runs[i]!, runs[j]!])
  let found: { w: number; h: number; q: number | undefined } | undefined
  for (const set of sets) {
    const leftW = set.reduce((a, x) => a + x.levelW, 0)
    // the background held them: it stands at least at their watts
    if (s.baselineW! - leftW < -(obs.toleranceW + 10)) continue
    const leftH = set.reduce((a, x) => a + x.harmonicRatio! * x.levelW, 0)
    const leftQ = set.every((x) => x.reactiveRatio !== undefined)
      ? set.reduce((a, x) => a + x.reactiveRatio! * x.levelW, 0)
      : undefined
    const newW = c.excessW + leftW
    const newH = c.excessVA! + leftH
    // another of them leaving beside lamps or LED banks switched on (under the least step, their harmonic
    // current no more than LED drivers carry per W) explains it as well: nothing says a charger came
    if (newW < params.minStepW && newH <= MAX_HARMONIC_RATIO * Math.max(0, newW) + SWAP_MIN_VA / 2)
      return false
    if (found || newW < params.minStepW || newW > params.maxChargerW) continue
    if (newH < params.minHarmonicRatio * newW || newH > MAX_HARMONIC_RATIO * newW + SWAP_MIN_VA / 2) continue
    if (!reactiveAllowsSwap(before, leftQ, newW, newH, obs.reactiveVA)) continue
    found = { w: leftW, h: leftH, q: leftQ }
  }
  if (!found) return false
  s.baselineW = Math.max(0, s.baselineW! - found.w)
  s.baselineH = Math.max(0, s.baselineH - found.h)
  if (found.q !== undefined && s.baselineQ !== null && s.baselineQ !== undefined)
    s.baselineQ = Math.max(0, s.baselineQ - found.q)
  return true
}

/**
 * The load that left took its lagging current with it (its step's reactive VA, measured where the circuit
 * lagged on both sides of it), and a rectifier charger arriving can only lead: its capacitor input draws
 * its fundamental ahead of the voltage, by at most what its harmonic share allows (mostRectifierLead).
 * The circuit's |Q| after the
 * swap is then at most the lag left, or the lead past it. One well over both still carries a motor's
 * lagging current: not that motor leaving as a charger came (another compressor stopped, LED banks came
 * on beside it: the harmonic current that arrived was theirs). Only where the level before lagged
 * (reactiveAdds: no LED drivers' lead in it to hide part of the lag) and the step's own var is known.
 */
function reactiveAllowsSwap(
  before: { w: number | null | undefined; h: number; q: number | null | undefined },
  leftQ: number | null | undefined,
  newW: number,
  newH: number,
  nowQ: number | null,
): boolean {
  const { w, h, q } = before
  if (leftQ === null || leftQ === undefined || nowQ === null || q === null || q === undefined) return true
  if (w === null || w === undefined || !reactiveAdds(w, h, q)) return true
  const lagLeft = q - leftQ
  // the level before did not hold what the step measured: nothing to judge by
  if (lagLeft < 0) return true
  const leadMax = mostRectifierLead(newW, newH)
  return nowQ <= Math.max(lagLeft, leadMax - lagLeft) + SWAP_Q_SLACK_VAR
}
/** Reactive VA the meter's PF in two decimals and a minute's noise move |Q| by, at most. */
const SWAP_Q_SLACK_VAR = 30

/** An active-PFC charger's input, at PF 0.98 */
const PFC_VAR_PER_W = 0.2
/** Reactive VA a compressor's motor takes with it when it stops, at least, less meter margin. */
const SWAP_MIN_VAR = 60
/** and at most this much (a small fridge's motor, PF ~0.6) */
const MOTOR_VAR_PER_W_MAX = 1.5

/**
 * An active-PFC charger plugged in as one of the circuit's compressors stopped (in the same minute, or
 * under a heater or cleaner that just went): the watts barely moved, so the excess is no step, but the
 * motor's reactive current left (a charger with PFC draws almost none, domain.md) and so did the
 * compressor's harmonic share. With the compressor, as learned, taken out of the background, what is
 * left over it is an active-PFC charger's size and waveform. Only where the meter reports PF and THD.
 * Returns the background without the compressor.
 */
export function pfcSwappedIn(
  s: StrayWireState,
  obs: Observation,
  params: StrayWireParams,
): { w: number; h: number; q: number } | undefined {
  if (obs.source !== 'circuit' || obs.harmonicVA === null || obs.reactiveVA === null) return
  const beforeQ = s.prevBig ? (s.preBigQ ?? s.baselineQ) : s.prevQ
  if (beforeQ === null || beforeQ === undefined) return
  const fallQ = beforeQ - obs.reactiveVA
  // more than a reactive meter's noise at a few hundred W; and the background stood where it was
  if (fallQ < SWAP_MIN_VAR || (!s.prevBig && (s.otherRun ?? 0) > 0)) return
  // a reading whose reactive current the meter's PF rounds to nothing (beside distorted loads) says nothing
  if (obs.reactiveVA <= 0) return
  // the meter's |Q| has no sign (signed reactive VA adds across loads): its fall is a motor's lag leaving
  // only where the circuit lagged for certain in the reading before (lagSign). Over LED drivers' leading
  // current a running motor's lag cancels most of theirs, the two net to a few tens of var, and the
  // meter's PF in two decimals swings that |Q| between ~80 and 0 from one minute to the next while the
  // motor runs on (review49: a 190 W dehumidifier over three 45 W banks at PF 0.5 taken for stopped as an
  // active-PFC charger of its watts came, and raised). Across a heater or cleaner the reading before was
  // the big load's, which tells no sign of the background's: left as it was
  if (!s.prevBig && !lagsForCertain(s.lagSign)) return
  const minW = params.minPfcStepW ?? params.minStepW
  const learned = (s.normal?.signatures ?? []).filter(recurringCompressor)
  // one of them stopping, with no more than a lamp arriving, says it as well: a motor that could draw the
  // reactive current that went, and whose watts leave no charger's over the background without it
  const stoppedAlone = learned.some(
    (x) =>
      fallQ <= MOTOR_VAR_PER_W_MAX * x.levelW &&
      fallQ >= MOTOR_MIN_VAR_PER_W * x.levelW - SWAP_MIN_VAR &&
      obs.unexplainedW - (s.baselineW! - x.levelW) < minW,
  )
  if (stoppedAlone) return
  // nor does a load seen arriving and not yet leaving (a fridge not learned yet) of the fall's watts
  const beforeW = s.prevBig ? (s.preBigW ?? s.baselineW!) : s.prevW
  const fallW = beforeW === null ? 0 : beforeW - obs.unexplainedW
  if (
    fallW >= minW / 2 &&
    (s.normal?.pending ?? []).some((p) => Math.abs(p.w - fallW) <= Math.max(15, 0.15 * p.w))
  )
    return
  // the largest compressor that leaves a charger explains the most of the reactive current that went
  let best: { w: number; h: number; q: number } | undefined
  let bestW = 0
  for (const x of learned) {
    // a motor's own harmonic share (a lamp taken for a compressor carries almost none)
    if (x.harmonicRatio === null || x.harmonicRatio < 0.1) continue
    // the background held the motor's watts
    if (!backgroundHolds(s, x.levelW)) continue
    const w = Math.max(0, s.baselineW! - x.levelW)
    const h = Math.max(0, s.baselineH - x.harmonicRatio * x.levelW)
    const excessW = obs.unexplainedW - w
    if (excessW < minW || excessW > params.maxChargerW) continue
    // the motor's reactive current went, less the little an active-PFC input brings
    if (fallQ < MOTOR_MIN_VAR_PER_W * x.levelW - PFC_VAR_PER_W * excessW) continue
    // no more harmonic current than an active-PFC input carries
    if (obs.harmonicVA - h > PFC_MAX_HARMONIC_RATIO * excessW) continue
    if (x.levelW <= bestW) continue
    // what stays of the background draws no more reactive current than a motor of its watts could (PF
    // 0.55): the fall of |Q| is the motor's var less the charger's own (an active-PFC input still draws
    // 0.1-0.3 var per W), and that own var left in the background would make the charger read none, and a
    // background past what its watts can draw stops its var being read at all (followLagging)
    best = { w, h, q: Math.min(Math.max(0, (s.baselineQ ?? 0) - fallQ), MOTOR_VAR_PER_W_MAX * w) }
    bestW = x.levelW
  }
  return best
}

/**
 * A rectifier's step over the reading just before it, where the excess over the background says
 * otherwise: the background missed a load that arrived under a heater or a minute earlier (its watts
 * dilute the excess's harmonic share, or the step no longer carries most of the excess). Harmonic
 * current adds across loads, so the step's own harmonic VA per W is the charger's. Only outside a big
 * load, where the meter reports THD; not for an undistorted step (an active-PFC charger is told by its
 * step over a background it must fit, nothing else vouches for it). A step an averaging meter split over
 * two readings is measured from the partial one: smaller, never a different load's.
 */
export function chargerStepFromLast(
  s: StrayWireState,
  obs: Observation,
  c: Classified,
  params: StrayWireParams,
): Classified | undefined {
  if (obs.source !== 'circuit' || obs.harmonicVA === null || c.cls === 'big' || c.cls === 'quiet') return
  if (s.prevBig || s.prevW === null || s.prevH === null) return
  const step = classify(obs, s.prevW, s.prevH, params, s.prevQ ?? 0)
  return step.cls === 'charger' && !step.pfc && step.excessW <= params.maxChargerW ? step : undefined
}

/**
 * An active-PFC charger's step over the reading before it, where that reading stood above the background
 * with a load the background had not taken in yet (a compressor's first minutes: its motor's reactive
 * current keeps the excess from reading as a charger's, and the two together are taken in as one level,
 * charger and all). The step is measured over what stood then: an undistorted rise of a charger's size
 * that drew no motor's reactive current is a load of its own (a compressor's second step, a lamp, reads
 * otherwise). Where an averaging meter split it over two readings, the reading before held part of it
 * and it is measured over the one before that, which stood above the background too.
 */
export function pfcStepOverUntaken(
  s: StrayWireState,
  obs: Observation,
  c: Classified,
  params: StrayWireParams,
): { step: Classified; w: number; h: number; q: number } | undefined {
  if (obs.source !== 'circuit' || obs.reactiveVA === null || c.cls !== 'other' || s.prevBig || s.prev2Big)
    return
  const { prevW, prevH, prevQ, prev2W, prev2H, prev2Q } = s
  if (
    prevW === null ||
    prevH === null ||
    prevQ == null ||
    prev2W === null ||
    prev2H == null ||
    prev2Q == null
  )
    return
  const run = s.otherRun ?? 0
  const over = (w: number, h: number, q: number) => {
    const step = classify(obs, w, h, params, q)
    return step.cls === 'charger' && step.pfc && step.excessW <= params.maxChargerW
      ? { step, w, h, q }
      : undefined
  }
  // the level it stepped onto stood above the background, not taken in, for a whole minute before it: no
  // partial first minute of a compressor, whose rest (over LED drivers' leading current, which hides part
  // of the motor's in the meter's unsigned |Q|) may read as an undistorted step of its own
  const stoodOver = prev2W - s.baselineW! >= params.quietW
  if (run >= 2 && stoodOver && Math.abs(prevW - prev2W) < params.quietW) return over(prevW, prevH, prevQ)
  // split by an averaging meter: the reading before rose part of the way from a level that stood above the
  // background (the one before it was not the first over it)
  if (run >= 3 && stoodOver && prevW - prev2W >= params.quietW) return over(prev2W, prev2H, prev2Q)
  return undefined
}

/** Harmonic VA per W an element carries at most: the supply's voltage distortion (a motor's brushes: far more). */
const ELEMENT_H_PER_W = 0.06

/**
 * A rectifier charger's step on top of a heater that has run steady for two readings: the element holds
 * its watts within a few %, and carries only the supply's distortion, so the rise by a charger's watts
 * and harmonic current at once is a load of its own plugged in under it (domain.md: its step shows in
 * real power, its harmonic current adds). A cleaner's motor swings by ±12 % and carries harmonic current
 * of its own: no step on it is trusted. Undistorted steps are left to the heater's going off
 * (stray-wire-under-heater.ts): an element's swing is undistorted too.
 */
export function chargerStepOnHeater(
  s: StrayWireState,
  obs: Observation,
  c: Classified,
  params: StrayWireParams,
): Classified | undefined {
  if (obs.source !== 'circuit' || obs.harmonicVA === null || c.cls !== 'big') return
  if (!s.prevBig || !s.prev2Big || s.prevW === null || s.prev2W === null || s.prevH === null) return
  if (s.prev2H === null || s.prev2H === undefined) return
  // the reading before stood (watts and harmonic current): no part of a load that an averaging meter split
  // over two readings (LED banks switching on at dusk), whose rest this step would be. An element's
  // harmonic current is the supply's distortion (a few % of its watts, wandering from minute to minute) and
  // the meter's THD noise is a share of the whole circuit's: it moves with the element's watts
  if (Math.abs(s.prevW - s.prev2W) > ELEMENT_HOLD_SHARE * s.prevW) return
  const bigW = s.prevW - s.baselineW!
  if (!elementWandered(s.prevH - s.prev2H, s.prevW - s.prev2W, bigW)) return
  if (bigW < MIN_MASKING_LOAD_W || s.prevH - s.baselineH > ELEMENT_H_PER_W * bigW) return
  // over the lower of the two: a charger's step split by an averaging meter may have begun, within the
  // element's noise, in the reading before. Not where that reading's harmonic current moved past the
  // element's least noise (let through above as the element's wander): it may be the first part of LED
  // banks switching on in pieces, and the step must be a charger's over it alone (development circuit-unplugged-early
  // 44@01-13T18:21: 45 W of banks, then 56 W more, read as an 89 W rectifier over the reading before both)
  const lower = s.prev2W < s.prevW && Math.abs(s.prevH - s.prev2H) <= ELEMENT_H_NOISE_VA
  const step = lower
    ? classify(obs, s.prev2W, s.prev2H, params, s.prevQ ?? 0)
    : classify(obs, s.prevW, s.prevH, params, s.prevQ ?? 0)
  if (step.cls !== 'charger' || step.pfc || step.excessW > params.maxChargerW) return
  // a rectifier's harmonic share beyond what the element's own moves by (a motor starting under it, a
  // fridge's, carries less): the step's share is measured over the element's noise. Far more than any
  // charger carries per W is no load stepping on: the heater went off as a cleaner's motor came on in
  // the same minute, their watts nearly even (development circuit-mixed-quiet 87@01-16)
  const h = step.excessVA!
  const ownShare = h >= params.minHarmonicRatio * step.excessW + ELEMENT_H_NOISE_VA
  return ownShare && h <= MAX_HARMONIC_RATIO * step.excessW + ELEMENT_H_NOISE_VA ? step : undefined
}

/** Harmonic VA an element's reading moves by from minute to minute (the supply's distortion varies). */
const ELEMENT_H_NOISE_VA = 25
/**
 * The same per W of the element: its current's distortion wanders over ~2 points of THD (the supply's,
 * 1-3 %), and the meter reads THD within ~1 point more, so two readings of a 1.8 kW heater differ by up to
 * ~50 VA of harmonic current with nothing switched (development circuit-mixed-stray#81@01-09T20:20, 40 VA
 * between two readings of a 1.7 kW heater: the 217 W charger stepped on it next was refused).
 */
const ELEMENT_H_SWING_PER_W = 0.03

/**
 * The reading before a step on a heater moved in harmonic current from the one before it by `dH` (and in
 * watts by `dW`) as the element's own distortion wanders, not as the first part of a load an averaging
 * meter split (LED banks lit at dusk): within the element's least noise, or within its swing per W where it
 * fell (a load arriving adds harmonic current) or rose with less watts than any load carrying that much
 * harmonic current draws (at most MAX_HARMONIC_RATIO VA per W: LED drivers'). The element's distortion
 * moves without its watts; development circuit-mixed-stray 89@02-04T20:51: +39 VA and +5 W on a 1.84 kW
 * heater, the 202 W charger stepped on it next refused.
 */
function elementWandered(dH: number, dW: number, bigW: number): boolean {
  if (Math.abs(dH) <= ELEMENT_H_NOISE_VA) return true
  if (Math.abs(dH) > ELEMENT_H_SWING_PER_W * bigW) return false
  return dH < 0 || dW < dH / MAX_HARMONIC_RATIO
}

/**
 * A big load just went off and the step over the reading just before it came on is a charger, where the
 * excess over the background is no charger, or the background missed what stood then: lights switched
 * on between its runs without being taken in, and their watts and harmonic current blur what arrived
 * under it (banks of low-PF LEDs and an active-PFC charger together pass for neither). Also where the
 * level it left is past a charger's largest over the background (bigLoadLeft).
 */
export function chargerUnderBigLoad(
  s: StrayWireState,
  obs: Observation,
  c: Classified,
  params: StrayWireParams,
): Classified | undefined {
  if (obs.source !== 'circuit' || obs.harmonicVA === null || !s.prevBig) return
  if (s.preBigW === null || s.preBigW === undefined || s.preBigH === null || s.preBigH === undefined) return
  const left = bigLoadLeft(s, obs, c)
  // a standing level, not a minute a pausing cleaner left partly in; where the big load left a level the
  // background is past a charger's largest short of, that reading is all there is to measure from (a
  // compressor's first minute as a cleaner came on: development circuit-mixed-stray 56@01-30)
  if (!s.preBigSteady && !left) return
  // where the background held what stood before, the excess over it tells as well
  const missed = s.preBigW - s.baselineW! >= params.quietW
  if (c.cls !== 'other' && c.cls !== 'quiet' && !(c.cls === 'charger' && missed) && !left) return
  const step = classify(obs, s.preBigW, s.preBigH, params, s.preBigQ ?? s.baselineQ ?? 0)
  return step.cls === 'charger' && step.excessW <= params.maxChargerW ? step : undefined
}

/**
 * The heater or cleaner went off, though the excess over the background is still past a charger's
 * largest: a compressor (or two) that started under it runs on beside what else arrived there, and with a
 * charger among them they pass 450 W. That level is no heater's or cleaner's: it is short of the least
 * of them (MIN_MASKING_LOAD_W), the circuit fell from the run's largest by at least that much (a heater
 * or cleaner going off takes its whole watts; a cleaner's motor swings by a few tens of %), and it held
 * from the reading before (not an averaging meter's partial minute of the edge: the charger and the
 * motor hold their watts). Read as the big load still running, it stayed masked for hours
 * (development circuit-mixed-stray 56@01-30: a 296 W dehumidifier and a 162 W charger after a cleaner,
 * 2½ h; 8@01-09, 85@01-19, 103@01-20). Only where the meter reports THD (the step over the reading
 * before the big load is judged by its harmonic or reactive current).
 */
function bigLoadLeft(s: StrayWireState, obs: Observation, c: Classified): boolean {
  if (c.cls !== 'big' || obs.harmonicVA === null || s.prevW === null || c.excessW >= MIN_MASKING_LOAD_W)
    return false
  if (Math.abs(obs.unexplainedW - s.prevW) > Math.max(LEFT_HOLD_W, LEFT_HOLD_SHARE * obs.unexplainedW))
    return false
  return (s.bigMaxW ?? 0) - c.excessW >= MIN_MASKING_LOAD_W
}

/**
 * A level the big load left holds from one reading to the next within this: a running motor and a charger
 * in constant current hold their watts, give or take the meter's noise.
 */
const LEFT_HOLD_W = 10
const LEFT_HOLD_SHARE = 0.04

/**
 * The meter's harmonic VA moves from reading to reading where no load switched (its THD channel's noise
 * grows with the current and with the THD it reads, and differs meter to meter): a running mean of those
 * moves, over pairs of readings on a circuit whose watts held within a running motor's and the meter's
 * noise, neither under a heater or cleaner. A lamp switching in such a pair (a few W) moves it more, and
 * only widens what is taken for noise.
 */
export function noteHarmonicNoise(s: StrayWireState, obs: Observation, big: boolean, inRow: boolean): void {
  // across a silence of the meter the move is a drift's, not the noise between two readings
  if (!inRow || obs.source !== 'circuit' || obs.harmonicVA === null || s.prevH === null || s.prevW === null)
    return
  if (big || s.prevBig) return
  const heldW = Math.max(NOISE_HOLD_W, NOISE_HOLD_SHARE * obs.unexplainedW)
  if (Math.abs(obs.unexplainedW - s.prevW) > heldW) return
  const move = Math.abs(obs.harmonicVA - s.prevH)
  const prior = s.harmonicNoise ?? { va: move, n: 0 }
  const va = prior.va + (move - prior.va) / (prior.n + 1)
  s.harmonicNoise = { va: Math.round(va * 100) / 100, n: Math.min(prior.n + 1, NOISE_READINGS_MIN) }
}

/** The mean move, once enough pairs went into it to be the meter's (else undefined). */
export const harmonicNoiseVA = (s: StrayWireState): number | undefined =>
  s.harmonicNoise && s.harmonicNoise.n >= NOISE_READINGS_MIN ? s.harmonicNoise.va : undefined

/** Watts held: a running motor's minute-to-minute wander (±1 %) and the meter's noise, no lamp's step. */
const NOISE_HOLD_W = 6
const NOISE_HOLD_SHARE = 0.02
/**
 * Pairs of readings a mean move needs; after them each new pair weighs 1/31 (an exponential mean over the
 * last thirty-odd quiet pairs, following the meter's drift).
 */
const NOISE_READINGS_MIN = 30
