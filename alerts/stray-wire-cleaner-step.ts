// A rectifier charger plugged in under a floor cleaner that never pauses, where the meter reports PF and
// THD: its watts are lost in the motor's swing, its harmonic current is not.
import { type Classified, MAX_HARMONIC_RATIO, type Observation } from './stray-wire-classify.ts'
import {
  BIG_WAVEFORM_READINGS,
  bigWaveformAt,
  HEATER_MAX_H_PER_W,
  MIN_CHARGER_W,
  MOTOR_MIN_Q_PER_W,
  RECTIFIER_MIN_H_PER_W,
} from './stray-wire-evidence.ts'
import type { StrayWireParams, StrayWireState } from './stray-wire-types.ts'

/**
 * What the motor's residual moves by from minute to minute while it runs alone, per W of the motor: its
 * THD reads a few points up or down as its watts swing ±12 % with the floor (development
 * circuit-unplugged-early 66@02-04: THD 42–47 % at 1.3 kW, 40–50 VA over its share).
 */
const RESIDUAL_NOISE_SHARE = 0.05
/** The residual of two readings of one charger in constant current agrees within this share. */
const RESIDUAL_HOLD_SHARE = 0.3
/** A cleaner's motor swings by ±12 % from minute to minute; with the meter's margin. */
const MOTOR_SWING_SHARE = 0.15
/** The mean of two readings of a motor swinging by ±12 % misses its mean by ~5 %; with its own mean's error. */
const MOTOR_MEAN_SHARE = 0.06

/**
 * A cleaner's brushes and triac distort its current by a share of its watts that holds while the watts
 * swing with the floor (measured on it alone over its first readings: noteBigWaveform). So a reading's
 * harmonic VA over the background, less that share of its watts over the background, stays near nought
 * while the motor alone runs. Where it stood there two readings ago and has held a rectifier's size
 * since, for two readings (a partial minute of the motor has the motor's waveform and leaves nothing; a
 * compressor or a heater starting under it carries less harmonic current per W than the motor), a
 * distorted load arrived under the motor: a rectifier charger, followed from the first of them as hidden
 * under the cleaner (hiddenChargerShows). Its watts are read as the two readings' mean less the motor's
 * mean, within a charger's range. Without this the charger was found only as the cleaner stopped, 30–40
 * min on (development circuit-stray 52@01-25: a 330 W charger plugged in four minutes into a 1,300 W
 * cleaner's half-hour run, raised after 31 min). Returns the charger's watts and harmonic VA, and the
 * reading it began in.
 */
export function chargerStepUnderCleaner(
  s: StrayWireState,
  obs: Observation,
  c: Classified,
  params: StrayWireParams,
): { w: number; h: number; onsetTs: number } | undefined {
  if (obs.source !== 'circuit' || obs.harmonicVA === null || c.cls !== 'big' || c.excessVA === null) return
  if (!s.prevBig || !s.prev2Big || s.lastTs === null) return
  if (s.prevW === null || s.prev2W === null || s.prev2W === undefined) return
  if (s.prevH === null || s.prevH === undefined || s.prev2H === null || s.prev2H === undefined) return
  // a motor's waveform, measured whole on it alone: not a heater's element (chargerStepOnHeater's)
  const big = bigWaveformAt(s, obs.ts)
  if (!big || big.w === undefined || big.n < BIG_WAVEFORM_READINGS || big.lastTs !== s.lastTs) return
  if (big.hPerW <= HEATER_MAX_H_PER_W || big.qPerW < MOTOR_MIN_Q_PER_W) return
  const bw = s.baselineW!
  const bh = s.baselineH
  // the harmonic VA of a reading past the background's and the motor's share of its watts over it
  const before = s.prev2H - bh - big.hPerW * (s.prev2W - bw)
  const first = s.prevH - bh - big.hPerW * (s.prevW - bw)
  const now = obs.harmonicVA - bh - big.hPerW * (obs.unexplainedW - bw)
  // the motor alone two readings ago; a rectifier's share of the least charger since, held
  const noise = RESIDUAL_NOISE_SHARE * big.w
  const least = (RECTIFIER_MIN_H_PER_W - big.hPerW) * MIN_CHARGER_W + noise
  if (Math.abs(before) > noise || first < least || now < least) return
  if (Math.abs(now - first) > RESIDUAL_HOLD_SHARE * Math.max(now, first)) return
  // each reading within the motor's swing of its mean, and at most a charger's largest over it: not a
  // heater or a second cleaner on top, whose watts come and go (development circuit-pfc-stray 68@01-31:
  // two cleaners of different waveforms, 1.8 kW then 1.0 kW)
  const motorW = big.w
  if (
    !withMotor(obs.unexplainedW - bw, motorW, params.maxChargerW) ||
    !withMotor(s.prevW - bw, motorW, params.maxChargerW)
  )
    return
  // and the reading before the step the motor alone through the whole minute: under its swing below its
  // mean, it stopped or started within that minute, or another cleaner took over from it, and a nought
  // residual there says nothing of the motor's share after (development circuit-heater 132@01-25: one
  // cleaner handing over to one of THD 30 % in a minute of 930 W; 4@01-28: a 1.1 kW cleaner, read against a
  // mean of 1.6 kW, then a second cleaner on top)
  if (s.prev2W - bw < (1 - MOTOR_SWING_SHARE) * motorW) return
  const overW = (obs.unexplainedW + s.prevW) / 2 - bw - big.w
  // a load carries at most MAX_HARMONIC_RATIO harmonic VA per W: the residual bounds its watts below, and
  // the readings must have risen by that much over the motor's mean (within what two readings of its swing
  // miss it by). Harmonic current with no watts of its own is the motor's waveform moving: a cleaner
  // switched to another speed or brush, its THD up (development circuit-heater 91@01-09, 32 % to 38 % at
  // 1.3 kW throughout)
  const r = (now + first) / 2
  const leastW = Math.max(MIN_CHARGER_W, r / (MAX_HARMONIC_RATIO - big.hPerW))
  if (overW + MOTOR_MEAN_SHARE * big.w < r / (MAX_HARMONIC_RATIO - big.hPerW)) return
  const w = Math.min(params.maxChargerW, Math.max(leastW, overW))
  return { w: Math.round(w * 10) / 10, h: Math.round((r + big.hPerW * w) * 10) / 10, onsetTs: s.lastTs }
}

/** `overW` over the background is the motor of `motorW` within its swing, and at most a charger's largest. */
const withMotor = (overW: number, motorW: number, maxChargerW: number): boolean =>
  overW >= (1 - MOTOR_SWING_SHARE) * motorW && overW <= (1 + MOTOR_SWING_SHARE) * motorW + maxChargerW
