// A rectifier charger under a cleaner that pauses, where the meter reports PF and THD: seen alone in the
// pauses, hidden by the bursts between them.
import type { Classified, Observation } from './stray-wire-classify.ts'
import {
  bigWaveformAt,
  leastHarmonicShare,
  MIN_CHARGER_W,
  median,
  OVER_MOTOR_H_PER_W,
  RECENT_READINGS,
} from './stray-wire-evidence.ts'
import type { Candidate, StrayWireState } from './stray-wire-types.ts'

/**
 * A cleaner's motor carries at most 0.5 harmonic VA per W (brushes and a triac, THD 15–45 %), a rectifier
 * charger 0.7 and more (THD 60–120 % at PF 0.75 and below): a reading must stand this far above a motor's.
 */
const MOTOR_MAX_H_PER_W = 0.5
/** A charger in constant current holds its level within this (as levelHolds), its harmonic VA within 30 %. */
const LEVEL_SHARE = 0.06
const HARMONIC_SHARE = 0.3

/**
 * Every reading of the candidate seen between a cleaner's bursts carried a rectifier's harmonic share of a
 * charger's watts, beyond what any motor carries per W: a pause of the cleaner shows the background alone,
 * and a partial minute of it (an averaging meter's, the motor running down) the motor's waveform, so
 * neither is that reading. It is a charger that runs under the bursts, and is kept under them rather than
 * dropped at each and found anew, its onset moved to the latest burst, until the pause after the
 * cleaner's last (development circuit-under-load 12@01-10: a 147 W charger seen alone in five pauses of a
 * cleaner's half-hour, raised after 33 min). Over its background and over the whole circuit alike
 * (development circuit-mixed-quiet 106@01-22: a cleaner's partial minutes over a background left high by a
 * dehumidifier's run, kept under its bursts, were raised as a charger).
 */
export function rectifierInPauses(s: StrayWireState, cand: Candidate, obs: Observation): boolean {
  if (obs.harmonicVA === null || cand.pfc || cand.harmonicVA === null) return false
  // seen in plain view (a step measured on a heater, or harmonic current under it, is not), and charger-
  // shaped each time
  if (cand.underHeater || cand.readings - cand.hiddenReadings < 1) return false
  if (cand.readings !== cand.chargerReadings) return false
  const levelW = median(cand.recentW)
  if (!(levelW >= MIN_CHARGER_W)) return false
  // the most any motor carries, or more where the big load's own waveform, measured alone at its start,
  // carried more (what ran alone then may have been a heater, a cleaner starting under it unmeasured)
  const big = bigWaveformAt(s, obs.ts)
  const motorShare = Math.max(MOTOR_MAX_H_PER_W, big && big.n >= 2 ? big.hPerW : 0)
  // over its background, and the whole circuit with it
  return (
    leastHarmonicShare(cand.harmonicVA, levelW, s.baselineW!, s.baselineH) >= motorShare + OVER_MOTOR_H_PER_W
  )
}

/**
 * The reading after bursts the candidate was kept under (`burstReadings`) shows it again at its level
 * and with its harmonic current: a charger in constant current ran through them, as a heater's on-phase
 * is bridged. They count as its hidden readings, at its level. Returns how many were credited.
 */
export function bridgeBursts(s: StrayWireState, cand: Candidate, obs: Observation, c: Classified): number {
  const n = cand.burstReadings ?? 0
  cand.burstReadings = undefined
  if (n === 0 || c.cls !== 'charger' || c.excessVA === null || cand.harmonicVA === null) return 0
  const last = cand.recentW[cand.recentW.length - 1]!
  if (Math.abs(c.excessW - last) > LEVEL_SHARE * last + 5) return 0
  if (Math.abs(c.excessVA - cand.harmonicVA) > HARMONIC_SHARE * cand.harmonicVA) return 0
  if (!rectifierInPauses(s, cand, obs)) return 0
  cand.readings += n
  cand.chargerReadings += n
  cand.hiddenReadings += n
  for (let i = 0; i < n; i++) cand.recentW.push(last)
  if (cand.recentW.length > RECENT_READINGS) cand.recentW.splice(0, cand.recentW.length - RECENT_READINGS)
  cand.recentTs = undefined
  return n
}
