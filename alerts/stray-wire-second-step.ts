// A charger plugged in while a stray-wire alert is already open on the circuit: the open alert's
// presence check sees only that something charger-shaped is still there, so a second load would pass
// unseen, and so would a real session under an alert raised in error (LED banks at dusk, on for the
// night). Where the meter reports THD, the newcomer is its own step in harmonic current, which adds
// across loads whatever else runs (domain.md): that step is followed, and raised once it has held.

import { MIN } from './minute.ts'
import { matchSignature } from './stray-wire-circuit-normal.ts'
import { isEveningOrNight, localHour, MAX_HARMONIC_RATIO, type Observation } from './stray-wire-classify.ts'
import { switchedOnAtLightsHour } from './stray-wire-schedule.ts'
import type { ActiveAlert, Candidate, StrayWireParams, StrayWireState } from './stray-wire-types.ts'

/** Harmonic VA a rectifier charger adds at least (≥ 120 W at ≥ 0.6 VA per W), less meter margin. */
const STEP_MIN_VA = 60
/** Share of its step's harmonic VA a reading must keep for the newcomer to be still there. */
const HOLD_SHARE = 0.6
/** Readings in a row without it that end the watch: one may be a meter's partial minute. */
const LOST_AFTER = 2

/** Minute-to-minute spread of a heater (±2 %) with meter margin: steadier than any cleaner's motor. */
const BIG_STEADY_SHARE = 0.035

/** The reading stands on a load bigger than any charger (a heater or cleaner over the background). */
const onBigLoad = (s: StrayWireState, obs: Observation, params: StrayWireParams): boolean =>
  obs.unexplainedW - (s.baselineW ?? 0) > params.maxChargerW + params.minStepW

/** A charger-shaped arrival being watched under an open alert (plain JSON, in the alert's state). */
export interface SecondStep {
  onsetTs: number
  /** The circuit's harmonic VA before the step, and the step in W and harmonic VA. */
  fromH: number
  /** Watts only: the circuit's watts before the step (the step is told by its watts alone). */
  fromW?: number
  /**
   * Found when a heater or cleaner went off, having arrived under it (onsetTs is the big load's start):
   * when it was first seen. It must hold for the confirmation time from then.
   */
  seenTs?: number
  stepW: number
  stepH: number
  /** The circuit's watts with it, where it arrived on top of a heater (null otherwise). */
  onBigW: number | null
  readings: number
  held: number
  lostRun: number
}

/**
 * The step from the previous reading is a rectifier arriving: harmonic VA of a charger's size, and
 * either watts of a charger's size with it, or watts that went elsewhere in the same minute (another
 * load leaving): more harmonic current than any single load of the watts that arrived carries.
 * A heater or cleaner switching moves the watts by more than a charger.
 */
function rectifierArrived(s: StrayWireState, obs: Observation, params: StrayWireParams): boolean {
  if (obs.harmonicVA === null || s.prevH === null || s.prevW === null) return false
  const dW = obs.unexplainedW - s.prevW
  const dH = obs.harmonicVA - s.prevH
  if (dH < STEP_MIN_VA || dH > MAX_HARMONIC_RATIO * params.maxChargerW) return false
  if (dW > params.maxChargerW || dW < -params.maxChargerW) return false
  // on top of a heater only, whose element holds its watts from minute to minute (a cleaner's motor
  // swings by a charger's size, harmonics and all), and with its watts: the harmonic VA of a 2 kW
  // element wanders by tens of VA on its own
  if (onBigLoad(s, obs, params)) {
    if (s.prev2W === null || Math.abs(s.prevW - s.prev2W) > BIG_STEADY_SHARE * s.prevW) return false
    if (dW < params.minStepW) return false
  }
  return arrived(dW, dH, params)
}

/** A step in W and harmonic VA that a rectifier charger arriving makes (see rectifierArrived). */
function arrived(dW: number, dH: number, params: StrayWireParams): boolean {
  if (dH < STEP_MIN_VA || dH > MAX_HARMONIC_RATIO * params.maxChargerW) return false
  if (dW > params.maxChargerW || dW < -params.maxChargerW) return false
  if (dW >= params.minStepW) return dH >= params.minHarmonicRatio * dW
  return dH > MAX_HARMONIC_RATIO * Math.max(0, dW) + STEP_MIN_VA / 2
}

/**
 * Follows a newcomer under the open alert; returns it once it has held for the confirmation time and
 * is none of the circuit's lights (learned, or the site's schedule), else undefined.
 */
export function followSecondStep(
  s: StrayWireState,
  alert: ActiveAlert,
  obs: Observation,
  params: StrayWireParams,
): SecondStep | undefined {
  if (obs.source !== 'circuit') return undefined
  // a watch begun on the other kind of reading (a meter that sends PF and THD only now and then) is
  // measured in what it no longer has: begin again
  if (alert.next && (alert.next.fromW !== undefined) !== (obs.harmonicVA === null)) alert.next = undefined
  if (obs.harmonicVA === null) return followWattsStep(s, alert, obs, params)
  const next = alert.next
  const from = alert.beforeBig
  if (!next && s.prevBig && from && from.h !== null && !onBigLoad(s, obs, params)) {
    // the heater or cleaner went off: a rectifier that was not there before it came on arrived under it
    if (!arrived(obs.unexplainedW - from.w, obs.harmonicVA - from.h, params)) return undefined
    alert.next = {
      ...watchFrom(s.bigSinceTs ?? obs.ts, obs.unexplainedW - from.w, obs.harmonicVA - from.h, from.h),
      seenTs: obs.ts,
    }
    return undefined
  }
  if (!next) {
    if (!rectifierArrived(s, obs, params)) return undefined
    alert.next = {
      ...watchFrom(obs.ts, obs.unexplainedW - s.prevW!, obs.harmonicVA - s.prevH!, s.prevH!),
      onBigW: onBigLoad(s, obs, params) ? obs.unexplainedW : null,
    }
    return undefined
  }
  const n = { ...next, readings: next.readings + 1 }
  alert.next = n
  // the heater it arrived on holds its watts the minute after; a cleaner's swing does not
  if (
    n.readings === 2 &&
    n.onBigW !== null &&
    Math.abs(obs.unexplainedW - n.onBigW) > BIG_STEADY_SHARE * n.onBigW
  ) {
    alert.next = undefined
    return undefined
  }
  if (!tally(alert, n, obs.harmonicVA - n.fromH >= HOLD_SHARE * n.stepH)) return undefined
  if (!confirmed(n, obs, params)) return undefined
  alert.next = undefined
  // found when a heater or cleaner went off, its watts over the reading before that came on are not
  // positive: a load of its size or more left under it (a fridge stopping), and nothing measured its
  // level. Harmonic current alone is what LED banks switched on at dusk carry, or the charger already
  // raised on the heater; without a level it could be checked against neither the circuit's lights nor
  // what crews taught, nor taught itself
  if (n.seenTs !== undefined && !(n.stepW > 0)) return undefined
  // LED banks switched on at their hour carry a rectifier's harmonic current too
  const levelW = Math.max(n.stepW, 0)
  const hRatio = levelW > 0 ? n.stepH / levelW : null
  const lights = s.normal
    ? matchSignature(s.normal, obs.ts, levelW, hRatio, params.utcOffsetMin, params.feedback)
    : undefined
  if (lights?.kind === 'lights') return undefined
  if (switchedOnAtLightsHour(params, n.onsetTs, levelW)) return undefined
  return newUnderAlert(alert, n) ? n : undefined
}

/**
 * Watts only: a step of a charger's size between steady minutes that holds its level, and is none of the
 * circuit's known loads (its compressors, its lights at their hour, what crews said). Without harmonic
 * current nothing else tells it from another appliance, so it must hold for the confirmation time at
 * the level it arrived with: a compressor of a size not learned yet will pass for one.
 */
function followWattsStep(
  s: StrayWireState,
  alert: ActiveAlert,
  obs: Observation,
  params: StrayWireParams,
): SecondStep | undefined {
  const next = alert.next
  if (!next) {
    // the level it stepped from was no heater's or cleaner's (prevBig); what the circuit stands at now is
    // not asked: the open alert's load, a compressor and a charger-sized step on top may pass a charger's
    // largest over the background together
    if (s.prevW === null || s.prev2W === null || s.prevBig) return undefined
    const dW = obs.unexplainedW - s.prevW
    if (dW < params.minStepW || dW > params.maxChargerW) return undefined
    if (Math.abs(s.prevW - s.prev2W) > WATTS_STEADY_SHARE * s.prevW + 6) return undefined
    if (knownLoad(s, obs, dW, params)) return undefined
    alert.next = { ...watchFrom(obs.ts, dW, 0, 0), fromW: s.prevW }
    return undefined
  }
  const n = { ...next, readings: next.readings + 1 }
  alert.next = n
  const levelW = obs.unexplainedW - (n.fromW ?? obs.unexplainedW)
  if (!tally(alert, n, levelW >= HOLD_SHARE * n.stepW && levelW <= n.stepW / HOLD_SHARE + 20))
    return undefined
  if (!confirmed(n, obs, params)) return undefined
  alert.next = undefined
  if (knownLoad(s, obs, n.stepW, params)) return undefined
  if (switchedOnAtLightsHour(params, n.onsetTs, n.stepW)) return undefined
  return newUnderAlert(alert, n) ? n : undefined
}

/** A watch of a step just seen (W and harmonic VA over what stood before it, harmonic VA before it). */
const watchFrom = (onsetTs: number, stepW: number, stepH: number, fromH: number): SecondStep => ({
  onsetTs,
  fromH,
  stepW: Math.round(stepW * 10) / 10,
  stepH: Math.round(stepH * 10) / 10,
  onBigW: null,
  readings: 1,
  held: 1,
  lostRun: 0,
})

/** Counts a reading of the watch, with the newcomer there or not; false (and the watch ends) once lost. */
function tally(alert: ActiveAlert, n: SecondStep, there: boolean): boolean {
  if (there) {
    n.held += 1
    n.lostRun = 0
  } else if (++n.lostRun >= LOST_AFTER) {
    alert.next = undefined
    return false
  }
  return true
}

/** Held for the confirmation time since it was first seen, in most of its readings. */
function confirmed(n: SecondStep, obs: Observation, params: StrayWireParams): boolean {
  const confirmMin = isEveningOrNight(localHour(obs.ts, params.utcOffsetMin))
    ? params.confirmNightMin
    : params.confirmDayMin
  const seenMin = (obs.ts - (n.seenTs ?? n.onsetTs)) / MIN
  return seenMin >= confirmMin - 1 && n.held >= Math.ceil(0.8 * n.readings)
}

/**
 * Not a load of a size already raised under this alert come back (lamps on a motion sensor, a pump: it
 * comes and goes here, it is not one more charger each time); remembered when it is new.
 */
function newUnderAlert(alert: ActiveAlert, n: SecondStep): boolean {
  if (alert.raisedSteps?.some((r) => sameStep(r, n))) return false
  alert.raisedSteps = [...(alert.raisedSteps ?? []), { w: n.stepW, h: n.stepH }].slice(-RAISED_STEPS_KEPT)
  return true
}

/** Watts only, a steady minute: a compressor's creep or a heater's ±2 %, with meter margin. */
const WATTS_STEADY_SHARE = 0.03

const knownLoad = (s: StrayWireState, obs: Observation, levelW: number, params: StrayWireParams): boolean =>
  s.normal !== undefined &&
  matchSignature(s.normal, obs.ts, levelW, null, params.utcOffsetMin, params.feedback) !== undefined

/** Second steps raised under one alert that are remembered, newest last (bounded persisted state). */
const RAISED_STEPS_KEPT = 4

/** The same load by its step: harmonic VA and watts within a fifth (or 20) of each other. */
const sameStep = (r: { w: number; h: number }, n: SecondStep): boolean =>
  Math.abs(r.h - n.stepH) <= Math.max(20, 0.2 * Math.abs(r.h)) &&
  Math.abs(r.w - n.stepW) <= Math.max(20, 0.2 * Math.abs(r.w))

/** The newcomer as a candidate, for the raise's evidence. */
export function asCandidate(n: SecondStep): Candidate {
  const w = Math.max(n.stepW, 0)
  return {
    onsetTs: n.onsetTs,
    firstTs: n.seenTs ?? n.onsetTs,
    chargerReadings: n.held,
    readings: n.readings,
    quietRun: 0,
    minW: w,
    maxW: w,
    harmonicVA: n.fromW === undefined ? n.stepH : null,
    motorReadings: 0,
    bigReadings: 0,
    hiddenReadings: 0,
    recentW: [w],
    stepW: n.stepW,
  }
}
