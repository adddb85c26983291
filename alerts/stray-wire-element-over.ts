// A heater's element switched on over a candidate followed in view, where the meter reports PF and THD.
// Under a big load a candidate is dropped after two readings that do not show it through (a cleaner's
// partial minutes beside a charger-sized reading are the cleaner's own edges or pauses), and the reading
// before that load is not kept as its starting level, since the candidate stood in it. A heater is told
// from a cleaner by what it adds: a heating element is resistive (PF ~0.995 by itself, THD 1–3 %), so the
// circuit's harmonic VA barely rises with its watts and its reactive VA by a tenth of them at most; a
// cleaner's universal motor carries harmonic current of its own (brushes and a triac, THD 15–45 %: at
// least 0.15 VA per W, adding nearly in phase with a rectifier's) and, where its THD is low, lagging
// current (PF 0.8–0.95).
import type { Classified, Observation } from './stray-wire-classify.ts'
import {
  HEATER_MAX_H_PER_W,
  HIDDEN_HARMONIC_BAND,
  MIN_CHARGER_W,
  MOTOR_MIN_Q_PER_W,
} from './stray-wire-evidence.ts'
import type { Candidate, StrayWireParams, StrayWireState } from './stray-wire-types.ts'

/**
 * Unmasked readings a candidate had before the big load came on, the last of them over the quiet margin:
 * a load that stood in view (a charger's taper may slide below a step's size), not a heater's own partial
 * minute (which passes for an active-PFC step once, the heater's full watts or the quiet level after it).
 */
const IN_VIEW_READINGS = 2

/**
 * Called on each big reading over a candidate. On the first of a run it notes the reading before it (the
 * candidate and its background, in view); on every one it says whether what the big load added since
 * carried a heating element's waveform. The candidate must have stood in view before it.
 */
export function elementOverCandidate(
  s: StrayWireState,
  cand: Candidate,
  obs: Observation,
  c: Classified,
): boolean {
  if (c.cls !== 'big' || obs.harmonicVA === null || obs.reactiveVA === null) return false
  if (!s.prevBig) {
    const inView = cand.readings - cand.hiddenReadings >= IN_VIEW_READINGS && cand.quietRun === 0
    cand.beforeBig =
      inView && s.prevW !== null && s.prevH !== null && typeof s.prevQ === 'number'
        ? { w: s.prevW, h: s.prevH, q: s.prevQ }
        : undefined
  }
  const before = cand.beforeBig
  if (!before) return false
  const addedW = obs.unexplainedW - before.w
  if (!(addedW > 0)) return false
  // harmonic VA adds nearly in phase across loads: a motor's shows; an element's is the supply's few %
  if (obs.harmonicVA - before.h > HEATER_MAX_H_PER_W * addedW) return false
  // reactive VA is read as a magnitude: a motor's lagging current moves it by its own share either way
  return Math.abs(obs.reactiveVA - before.q) < MOTOR_MIN_Q_PER_W * addedW
}

/**
 * The candidate is dropped under a heater's element: the background it stood on becomes the level before
 * the heater. A charger under the heater (the candidate, or one plugged in with the heater) then shows over
 * it when the heater goes off, as one plugged in under a heater does (arrivedUnderHeater and the rules
 * after a big load). Left unset, as for any load followed into a big load, nothing was measured against
 * when the heater went off, and the charger standing there was never seen to arrive (development
 * circuit-mixed-stray 109@01-08: a 179 W active-PFC charger plugged in with a 1.1 kW heater over a
 * candidate followed seventeen minutes, missed).
 */
export function keepBackgroundUnderElement(s: StrayWireState): void {
  s.preBigW = s.baselineW
  s.preBigH = s.baselineH
  s.preBigQ = s.baselineQ ?? null
}

/**
 * A rectifier charger followed in a heater's off gap, its heater back on over it: the element adds its
 * watts and only the supply's few % of harmonic current, while the rectifier's harmonic current (about its
 * watts in VA) goes on through the run, since harmonic VA adds across loads. The circuit's harmonic VA
 * under the element then stands no lower than over the reading before it came on, less the band of the
 * charger's own (the meter's THD in whole %, the element's supply distortion): a charger unplugged under
 * the run takes its harmonic VA with it, several times that band. Such a reading is the element's, not a
 * motor's (elementOverCandidate measured it), and the candidate is kept across the run, so the readings of
 * each gap add up as one plateau. Dropped at each run, a 124 W lead-acid charger under a 1.9 kW heater
 * cycling 16 min on and 2 min off was found afresh in each gap and raised only after 49 min (development
 * circuit-mixed-stray 28@01-13T22:40). An active-PFC charger's harmonic current is the element's ripple in
 * size: it is not kept so.
 */
export function rectifierStaysUnderElement(
  cand: Candidate,
  obs: Observation,
  element: boolean,
  params: StrayWireParams,
): boolean {
  const before = cand.beforeBig
  if (!element || !before || obs.harmonicVA === null || cand.pfc || cand.harmonicVA === null) return false
  // a rectifier's harmonic share of a charger's watts, seen in the gaps, and every reading in view charger-
  // shaped: a load that came on beside it in view (a dehumidifier's compressor) made the level no charger's,
  // and kept so across the run it stood stale, where dropped it is found again over the new level as the
  // heater goes off (development circuit-mixed-stray 74@01-30T18:16: 22 min dropped, 50 min kept)
  if (cand.maxW < MIN_CHARGER_W || cand.harmonicVA < params.minHarmonicRatio * cand.maxW) return false
  if (cand.readings !== cand.chargerReadings) return false
  return obs.harmonicVA - before.h >= -HIDDEN_HARMONIC_BAND * cand.harmonicVA
}
