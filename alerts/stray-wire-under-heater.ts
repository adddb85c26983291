// A charger plugged in under a heater, where the meter reports PF and THD. A heater's element holds its
// watts within ~2 % from minute to minute, so a step of a charger's size to a level that holds on top of it
// is a load arriving (real, reactive and harmonic current each add across loads). When the heater goes off
// and the circuit stands that step over the reading before the heater came on, the step is measured there,
// outside the heater's noise, and where it is an active-PFC charger's, it is a candidate from then on.
// Watts only, the heater's level is followed by its watts alone: a step on it tells one of the circuit's
// compressors starting under it from a charger (compressorStepUnderHeater).

import { MIN } from './minute.ts'
import {
  type CircuitNormal,
  type LoadSignature,
  matchSignature,
  type TaughtLoads,
} from './stray-wire-circuit-normal.ts'
import { type Classified, classify, MAX_HARMONIC_RATIO, type Observation } from './stray-wire-classify.ts'
import {
  bigWaveformAt,
  MIN_CHARGER_W,
  MIN_MASKING_LOAD_W,
  MOTOR_MIN_Q_PER_W,
  RESISTIVE_H_PER_W,
} from './stray-wire-evidence.ts'
import type { Candidate, StrayWireParams, StrayWireState } from './stray-wire-types.ts'

/** A heater's minute-to-minute spread (±2 %) with meter margin; a cleaner's motor swings by ±12 %. */
const HOLD_SHARE = 0.035
const HOLD_MIN_W = 10
/** Readings that neither held the level nor a new one: more than this in a run is no heater's. */
const MAX_SWINGS = 2
/** Readings a level's mean is taken over at most (it follows a heater's slow drift). */
const LEVEL_READINGS = 8
/**
 * How long after the big load went off the level left is looked at: an averaging meter's partial minute
 * of its edge, then the first whole minute, and the one after it that holds its level.
 */
const AFTER_BIG_MS = 2.5 * MIN

/** A heater's harmonic (supply distortion, ~4 %) and reactive current (PF ~0.99) per W, with margin. */
const RESISTIVE_MAX_H_PER_W = 0.1
const RESISTIVE_MAX_Q_PER_W = 0.25
/**
 * Inside a big load's run: the level it holds, and the last charger-sized step up to a new level that held
 * for two readings (an averaging meter splits a step over two at most), measured between the two levels'
 * means (W, harmonic and reactive VA). A step down of its size (within 15 %) takes it back. Only under a
 * resistive load that holds its watts (a heater): under a cleaner, two readings in a row may agree by
 * chance. Once the big load goes off, the step waits a few readings for `chargerArrivedUnderBig`.
 */
export function followBigLevel(
  s: StrayWireState,
  obs: Observation,
  big: boolean,
  params: StrayWireParams,
): void {
  // watts only, a level is followed by its watts alone (stepUnderHeaterW)
  const wattsOnly = obs.harmonicVA === null && obs.reactiveVA === null
  if (obs.source !== 'circuit' || (!wattsOnly && (obs.harmonicVA === null || obs.reactiveVA === null))) {
    s.bigLevel = undefined
    s.arrivedUnderBig = undefined
    return
  }
  if (!big) {
    s.bigLevel = undefined
    const a = s.arrivedUnderBig
    if (a && a.endTs === undefined) a.endTs = obs.ts
    else if (a && obs.ts - a.endTs! > AFTER_BIG_MS) s.arrivedUnderBig = undefined
    return
  }
  // this reading's level (plain numbers: followed at every reading with PF and THD)
  const w = obs.unexplainedW
  const h = obs.harmonicVA ?? 0
  const q = obs.reactiveVA ?? 0
  const level = s.bigLevel
  if (!s.prevBig || !level) {
    const dW = s.prevW === null ? 0 : w - s.prevW
    // watts only, what kind of load it is does not show: a run is a heater's by holding its watts alone
    // (a cleaner's motor swings by ±12 %, more than MAX_SWINGS times in a run)
    const resistive =
      (wattsOnly && dW > 0) ||
      (dW > 0 &&
        s.prevH !== null &&
        s.prevQ !== null &&
        s.prevQ !== undefined &&
        h - s.prevH <= RESISTIVE_MAX_H_PER_W * dW &&
        Math.abs(q - s.prevQ) <= RESISTIVE_MAX_Q_PER_W * dW)
    s.bigLevel = { w, h, q, n: 1, swings: 0, resistive }
    s.arrivedUnderBig = undefined
    return
  }
  const a = s.arrivedUnderBig
  if (holds(w, level.w)) {
    const n = Math.min(level.n + 1, LEVEL_READINGS)
    level.w += (w - level.w) / n
    level.h += (h - level.h) / n
    level.q += (q - level.q) / n
    level.n = n
    level.pending = undefined
    if (a?.current) a.to = { w: level.w, h: level.h, q: level.q, n: level.n }
    return
  }
  const p = level.pending
  if (!p || !holds(w, p.w)) {
    if (p) level.swings += 1
    level.pending = { w, h, q, ts: obs.ts }
    return
  }
  // a new level held: the step is between the two levels
  const to = { w: (p.w + w) / 2, h: (p.h + h) / 2, q: (p.q + q) / 2, n: 2 }
  const stepW = to.w - level.w
  const steadyRun = level.resistive && level.n >= 2 && level.swings <= MAX_SWINGS
  s.bigLevel = { ...to, swings: level.swings, resistive: level.resistive }
  if (a) a.current = false
  if (stepW < 0 && a && Math.abs(-stepW - (a.to.w - a.from.w)) <= Math.max(15, 0.15 * (a.to.w - a.from.w)))
    s.arrivedUnderBig = undefined
  else if (steadyRun && stepW >= params.minStepW && stepW <= params.maxChargerW)
    s.arrivedUnderBig = { from: { w: level.w, h: level.h, q: level.q }, to, ts: p.ts, current: true }
  else if (!steadyRun) s.arrivedUnderBig = undefined
}

/** A reading of `w` holds a big load's level `l`: within a heater's or cleaner's swing of it. */
const holds = (w: number, l: number): boolean => Math.abs(w - l) <= Math.max(HOLD_MIN_W, HOLD_SHARE * l)

/**
 * The big load went off, the circuit holds its level from the reading before (past the partial minute of
 * the big load's edge), and it stands that step over the reading just before the big load came on: nothing
 * else came or went under it. Where that step, measured over that reading (outside the heater's noise: a
 * meter's PF in two decimals moves a heater's reactive VA by tens of var from one reading to the next), is
 * an active-PFC charger's (its watts and no harmonic or reactive current to speak of), that reading is the
 * background and the step the charger; rectifiers show through a heater by their harmonic current and are
 * found so (stray-wire-detector.ts). Returns the background and the step over it, with when it came.
 */
export function chargerArrivedUnderBig(
  s: StrayWireState,
  obs: Observation,
  params: StrayWireParams,
): { w: number; h: number; q: number; step: Classified; ts: number } | undefined {
  const a = s.arrivedUnderBig
  if (!a || a.endTs === undefined || s.prevBig || obs.harmonicVA === null || obs.reactiveVA === null) return
  if (s.prevW === null || Math.abs(obs.unexplainedW - s.prevW) > Math.max(8, 0.04 * obs.unexplainedW)) return
  s.arrivedUnderBig = undefined
  const stepW = a.to.w - a.from.w
  const { preBigW, preBigH, preBigQ } = s
  const before =
    preBigW !== null && preBigW !== undefined && preBigH !== null && preBigH !== undefined
      ? { w: preBigW, h: preBigH, q: preBigQ ?? null }
      : undefined
  if (before === undefined || before.q === null) return
  if (Math.abs(obs.unexplainedW - before.w - stepW) > Math.max(15, 0.1 * stepW)) return
  const { w, h, q } = before
  const step = classify(obs, w, h, params, q)
  if (step.cls !== 'charger' || !step.pfc || step.excessW > params.maxChargerW) return
  return { w, h, q, step, ts: a.ts }
}

/** Readings this far apart at most are one after the other (1-minute telemetry with jitter). */
const NEXT_READING_MS = 1.5 * MIN
/** Harmonic VA an element's reading moves by from minute to minute (the supply's distortion varies). */
const ELEMENT_H_NOISE_VA = 25

/**
 * The reading after a rectifier's step on a running heater, where an averaging meter split that step over
 * two readings: the step's own reading averaged part of the minute without the charger, this one holds it
 * whole. The element holds its watts and carries only the supply's distortion, so what stands over it now
 * (over the heater as measured before the step) is the charger's whole level: more harmonic current than
 * the partial minute's, by more than the element's noise, and a rectifier's share of its watts. Measured
 * by the partial minute alone, the charger's harmonic current under the heater read as more than its own
 * in the readings after, was taken for a motor's and the candidate dropped: found only when the heater
 * went off (development circuit-led-stray 100@01-16: 181 W of a 209 W charger's step, raised after 30 min).
 * Returns the level to measure the candidate by from now on.
 */
export function restOfStepOnHeater(
  cand: Candidate,
  obs: Observation,
  c: Classified,
  params: StrayWireParams,
): { w: number; h: number } | undefined {
  const heater = cand.underHeater
  if (!heater || c.cls !== 'big' || c.excessVA === null || cand.harmonicVA === null) return
  // only in the reading right after the step's
  if (cand.readings !== 1 || obs.ts - cand.firstTs > NEXT_READING_MS) return
  const w = c.excessW - heater.w
  const h = c.excessVA - heater.h
  // more harmonic current than the partial minute, by more than the element's own noise from one minute to
  // the next (LED banks at dusk, their harmonic share a rectifier's, read as one more minute of theirs over
  // the heater's swing), and more watts: the rest of the step may be small, where the partial minute held
  // most of it, so the watts need only have risen past the meter's margin, not past the element's swing
  if (w > params.maxChargerW || h < cand.harmonicVA + ELEMENT_H_NOISE_VA) return
  if (w - cand.maxW < HOLD_MIN_W) return
  if (h < params.minHarmonicRatio * w || h > MAX_HARMONIC_RATIO * w) return
  return { w, h }
}

/** How far the harmonic VA a run carried beyond its element's may stand from the rectifier's own. */
const CARRIED_SHARE = 0.3

/**
 * A rectifier seen as a heater went off, that came on with it (in the same minute: no step of its own on
 * top of the element to see): the run held its watts as an element does, drew no motor's reactive current,
 * and carried, from its first readings (the waveform measured then, before anything was followed) to its
 * last, harmonic current beyond an element's by what this rectifier carries alone. Harmonic current adds
 * across loads and an element carries almost none: the charger ran under the heater all along. Returns the
 * readings of the run it stood there for (0: not shown so), which count as its hidden readings. Without
 * them it was confirmed only by readings after the heater, and a cleaner that came on next hid it for half
 * an hour more (development circuit-stray-heater 41@01-31: a 296 W charger plugged in with a 1,400 W
 * heater, raised after 43 min).
 */
export function carriedByHeaterRun(
  s: StrayWireState,
  cand: Candidate,
  obs: Observation,
  params: StrayWireParams,
): number {
  if (obs.source !== 'circuit' || obs.harmonicVA === null || !s.prevBig) return 0
  if (cand.onsetTs === cand.firstTs || cand.readings !== 1 || cand.pfc || cand.harmonicVA === null) return 0
  // a rectifier's harmonic share of a charger's watts, seen in plain view
  if (cand.maxW < MIN_CHARGER_W || cand.harmonicVA < params.minHarmonicRatio * cand.maxW) return 0
  // the run held its watts (a cleaner's motor swings by ±12 %) and drew no motor's reactive current
  const level = s.bigLevel
  if (!level || level.n < 2 || level.swings > MAX_SWINGS) return 0
  const big = bigWaveformAt(s, obs.ts)
  if (!big || big.n < 2 || big.qPerW >= MOTOR_MIN_Q_PER_W) return 0
  if (s.lastTs === null) return 0
  // the run by the level the heater held, not its last reading: on an averaging meter that is the partial
  // minute of its going off
  const runW = level.w - s.baselineW!
  const elementW = runW - cand.maxW
  if (elementW < MIN_MASKING_LOAD_W) return 0
  const element = RESISTIVE_H_PER_W * elementW
  const carried = (h: number): boolean =>
    Math.abs(h - element - cand.harmonicVA!) <= CARRIED_SHARE * cand.harmonicVA!
  if (!carried(big.hPerW * runW) || !carried(level.h - s.baselineH)) return 0
  return Math.round((s.lastTs - cand.onsetTs) / MIN) + 1
}

/**
 * Watts only, found as a heater went off: the step the heater's run last held a new level with is one of
 * the circuit's learned compressors starting (its watts, measured between the element's steady levels),
 * and what stands now beside it, over the background from before the heater, adds less than the least
 * charger draws (a lamp switched under the heater) or takes away (a load that stopped under it: no charger
 * arriving, whatever its watts). Taken by the level left alone, that sum is no load of the circuit's, and
 * was raised a few minutes after the heater went off (development circuit-mixed-basic 116@01-23: a
 * dehumidifier's 233 W step on a 1,600 W heater, a 52 W dusk lamp on as it went off, 301 W left; 128@01-05:
 * a 215 W step, the fridge's 78 W gone under the heater, 128 W left). The run is followed from its step,
 * raised should it outlast the compressor's longest (stray-wire-outlasted.ts); a charger plugged in under
 * the heater shows as a step no compressor of the circuit's makes, or leaves a charger's watts beside it.
 * A step within the element's own swing (a fridge's on a 2 kW heater) is not seen: that level is judged as
 * before. Returns the compressor, its level, what stands beside it and when it started.
 */
export function compressorStepUnderHeater(
  n: CircuitNormal,
  ts: number,
  cand: Candidate,
  plateauW: number,
  utcOffsetMin: number,
  feedback: TaughtLoads | undefined,
): { run: LoadSignature; levelW: number; besideW: number; onsetTs: number } | undefined {
  const levelW = cand.stepUnderHeaterW
  const onsetTs = cand.stepUnderHeaterTs
  if (levelW === undefined || onsetTs === undefined || cand.onsetTs === cand.firstTs) return
  const besideW = plateauW - levelW
  if (besideW >= MIN_CHARGER_W) return
  const run = matchSignature(n, ts, levelW, null, utcOffsetMin, feedback, undefined, onsetTs)
  return run?.kind === 'compressor' && run.source === 'learned'
    ? { run, levelW, besideW, onsetTs }
    : undefined
}
