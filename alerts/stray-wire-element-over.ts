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
import { HEATER_MAX_H_PER_W, MOTOR_MIN_Q_PER_W } from './stray-wire-evidence.ts'
import type { Candidate, StrayWireState } from './stray-wire-types.ts'

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
