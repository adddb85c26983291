// A charger plugged in under a running heater is followed by its harmonic current, which adds across loads
// while its watts are lost in the element's ripple (as under any big load: stray-wire-evidence.ts,
// hiddenChargerShows, where the heater was not measured). A charger
// plugged into a nearly full pack starts in its taper: its draw falls a few % a minute from its step, and
// its harmonic current with it, since the share of harmonic VA per W is its rectifier's own (a rectifier's
// stays near 1 VA per W, an active-PFC stage's a tenth of that). Judged against the harmonic VA of its step
// alone, a lithium top-up (90–110 W, 5–10 % less a minute) leaves a ±30 % band in five minutes and is dropped
// under the heater before it is confirmed (development circuit-under-load#63@01-31T20:34).

import { MIN } from './minute.ts'
import type { Classified } from './stray-wire-classify.ts'
import {
  ELEMENT_HOLD_SHARE,
  HIDDEN_HARMONIC_BAND,
  MOTOR_MIN_Q_PER_W,
  TAPER_MAX_FALL,
} from './stray-wire-evidence.ts'
import type { Candidate } from './stray-wire-types.ts'

/**
 * How fast the followed harmonic VA moves towards a reading that showed the charger: the readings' ripple
 * (THD read in whole % of a heater's 1–2 kW: ±10–20 VA) averages out over a few, while a taper's 5–10 % a
 * minute is followed within the band.
 */
const FOLLOW_GAIN = 0.3

/** The charger's harmonic VA as last followed under the heater (its step's where it was not followed yet). */
function followedH(cand: Candidate): number | null {
  return cand.underHeater?.chargerH ?? cand.harmonicVA
}

/**
 * Whether what the heater's reading carries over the element's own harmonic VA is the charger's: no more than
 * its step carried (a charger's draw never rises after its step), and no less than a taper falling at its
 * fastest share a minute can have left of what was last followed (the band's ripple beside both). The upper
 * edge stands on the step's, not on the value followed: that is held under the step's (followChargerUnderHeater),
 * so the element's ripple only ever pulls it down, and a charger in constant current, its harmonic current
 * where it stepped, read over the band about it and was taken for a motor's reading under the heater.
 */
export function chargerUnderHeaterShows(cand: Candidate, restVA: number, ts?: number): boolean {
  const ref = followedH(cand)
  if (ref === null || !(ref > 0)) return false
  const stepH = cand.harmonicVA ?? ref
  const heater = cand.underHeater
  const minutes =
    heater?.shownTs === undefined || ts === undefined
      ? 1
      : Math.max(1, Math.round((ts - heater.shownTs) / MIN))
  const least = (1 - HIDDEN_HARMONIC_BAND) * ref * (1 - TAPER_MAX_FALL) ** minutes
  return restVA >= least && restVA <= (1 + HIDDEN_HARMONIC_BAND) * Math.max(ref, stepH)
}

/**
 * A reading under the heater that showed the charger moves the followed harmonic VA towards it, never above
 * the step's (the charger's draw does not rise): a taper is followed down its slide, ripple is averaged.
 */
export function followChargerUnderHeater(cand: Candidate, restVA: number, ts: number): void {
  const heater = cand.underHeater
  const ref = followedH(cand)
  if (!heater || ref === null || cand.harmonicVA === null) return
  const next = Math.min(cand.harmonicVA, ref + FOLLOW_GAIN * (restVA - ref))
  // replaced whole, not written into: the candidate's copy (copyState) shares it with the state it was given
  cand.underHeater = { ...heater, chargerH: Math.round(next * 10) / 10, shownTs: ts }
}

/**
 * A meter reports PF to two decimals: a reading of 0.99 stands for 0.985–0.995, reactive VA of 0.10–0.18 of
 * the watts (1.00 for 0–0.10), so two readings of a 1–3 kW heater differ by up to about 0.08 of its watts
 * with nothing switched. A move smaller than that is judged by harmonic VA alone.
 */
const PF_ROUNDING_Q_PER_W = 0.08

/**
 * The watts of the heating elements running now over the charger, where the heater it plugged in under was
 * measured (undefined where what runs is not elements). The same element holds its watts within its ripple.
 * Another switched on or off beside it (a second heater, a two-stage heater's other element) moves them by
 * a resistive load's: the circuit's reactive VA, measured against the reading of the charger's step,
 * moves by a tenth of those watts at most, where a cleaner's motor (PF 0.8–0.95) moves it by a third and
 * more (beside the meter's rounding of PF); its harmonic current is then judged in the charger's band, where
 * a motor's own (0.15 VA per W and more) overshoots it. Without reactive VA only the element measured is known.
 */
export function elementsNow(
  heater: NonNullable<Candidate['underHeater']>,
  overW: number,
  reactiveOverQ?: number | null,
): number | undefined {
  const movedW = overW - heater.w
  if (Math.abs(movedW) <= 2 * ELEMENT_HOLD_SHARE * heater.w) return heater.w
  if (heater.q === undefined || reactiveOverQ === undefined || reactiveOverQ === null) return undefined
  const ripple = PF_ROUNDING_Q_PER_W * Math.max(overW, heater.w)
  if (Math.abs(reactiveOverQ - heater.q) >= MOTOR_MIN_Q_PER_W * Math.abs(movedW) + ripple) return undefined
  return overW > 0 ? overW : undefined
}

/**
 * The harmonic VA elements of these watts carry: the share of the one measured, since an element's
 * harmonic current is the supply's voltage distortion over its resistance, the same share for every element
 * on the circuit.
 */
export function elementHarmonicVA(heater: NonNullable<Candidate['underHeater']>, elementW: number): number {
  return heater.w > 0 ? (heater.h * elementW) / heater.w : heater.h
}

/**
 * What a reading under the heater the charger plugged in under carries of harmonic VA over the elements
 * running now, which must be the charger's (chargerUnderHeaterShows): the same element still running beside
 * it holds its watts, another element switched on or off beside it moves them by a resistive load's
 * (elementsNow). Undefined where what runs over it is no element's (a cleaner's motor in its place carries
 * harmonic current of its own) or where the charger's harmonic current is unknown.
 */
export function chargerRestUnderHeater(
  cand: Candidate,
  c: Classified,
  reactiveOverQ: number | null,
): number | undefined {
  const heater = cand.underHeater
  if (!heater || cand.harmonicVA === null || c.excessVA === null) return undefined
  const elementW = elementsNow(heater, c.excessW - cand.maxW, reactiveOverQ)
  return elementW === undefined ? undefined : c.excessVA - elementHarmonicVA(heater, elementW)
}
