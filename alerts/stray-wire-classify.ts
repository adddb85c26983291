// Per-reading physics for the stray-wire detector: how much load is unexplained, how distorted it is,
// and which kind of load the excess over the background looks like.
import type { StrayWireInput, StrayWireParams } from './stray-wire-types.ts'

export interface Observation {
  source: 'circuit' | 'shed'
  ts: number
  /** Load that no port meters: the whole circuit, or the shed residual feeder − Σ ports, W. */
  unexplainedW: number
  /**
   * Harmonic apparent power V·I_h, VA, when PF and THD are known. It is what separates a rectifier
   * charger (THD 60–120 %) from lights, heaters and motors, and it survives a heater's dilution: a
   * resistive load adds watts but no harmonic current.
   */
  harmonicVA: number | null
  /**
   * Reactive power of the fundamental |Q|, var, when PF and THD are known: a motor (compressor, PF
   * 0.75–0.85) draws much of it, an active-PFC charger or a heater almost none.
   */
  reactiveVA: number | null
  /** How far the background may move from meter error alone (shed residual), W. */
  toleranceW: number
  /** Largest background that is still lights or pile electronics, W. */
  backgroundCapW: number
  /** The circuit's reactive VA lags for certain at this reading (stray-wire-lag-sign.ts). */
  lags?: true
}

/** Lights on a corridor circuit draw 10–60 W (domain.md); a little margin for meter error. */
const CIRCUIT_BACKGROUND_CAP_W = 75

export function observe(input: StrayWireInput, params: StrayWireParams): Observation {
  if (input.source === 'shed') {
    const ports = Math.max(0, input.portsPowerW)
    const toleranceW =
      params.portMeterError * ports + params.feederMeterError * Math.max(0, input.feederPowerW)
    return {
      source: 'shed',
      ts: input.ts,
      unexplainedW: input.feederPowerW - ports,
      harmonicVA: null,
      reactiveVA: null,
      toleranceW,
      backgroundCapW: params.electronicsAllowanceW + toleranceW + 20,
    }
  }
  return {
    source: 'circuit',
    ts: input.ts,
    unexplainedW: input.powerW,
    harmonicVA: harmonicVA(input.powerW, input.powerFactor, input.currentThdPct),
    reactiveVA: reactiveVA(input.powerW, input.powerFactor, input.currentThdPct),
    toleranceW: 0,
    backgroundCapW: CIRCUIT_BACKGROUND_CAP_W,
  }
}

/** S = P/PF; the fundamental S₁ = S/√(1+THD²); harmonic VA = THD·S₁. */
export function harmonicVA(powerW: number, powerFactor?: number, thdPct?: number): number | null {
  if (powerFactor === undefined || thdPct === undefined) return null
  // a corrupt figure must not poison the persisted baseline: fall back to watts alone
  if (!Number.isFinite(powerFactor) || !Number.isFinite(thdPct) || thdPct < 0) return null
  // a meter reports PF 1 / THD 0 when there is no load to measure
  if (powerW < 2 || powerFactor <= 0.05) return 0
  const thd = thdPct / 100
  const s1 = powerW / Math.min(1, Math.abs(powerFactor)) / Math.sqrt(1 + thd * thd)
  return thd * s1
}

/** Q = √(S₁² − P²), with S₁ as in harmonicVA. */
export function reactiveVA(powerW: number, powerFactor?: number, thdPct?: number): number | null {
  if (powerFactor === undefined || thdPct === undefined) return null
  if (!Number.isFinite(powerFactor) || !Number.isFinite(thdPct) || thdPct < 0) return null
  if (powerW < 2 || powerFactor <= 0.05) return 0
  const thd = thdPct / 100
  const s1 = powerW / Math.min(1, Math.abs(powerFactor)) / Math.sqrt(1 + thd * thd)
  return Math.sqrt(Math.max(0, s1 * s1 - powerW * powerW))
}

export type LoadClass = 'quiet' | 'other' | 'charger' | 'big'

export interface Classified {
  cls: LoadClass
  excessW: number
  excessVA: number | null
  /** A charger-class excess that is undistorted and draws little reactive power: an active-PFC charger. */
  pfc?: boolean
}

/** Harmonic VA per W of the most distorted load on a circuit (LED drivers: PF 0.5, THD 150 %). */
export const MAX_HARMONIC_RATIO = 1.7

/**
 * An active-PFC charger's input (PF ≥ 0.95, THD 5–15 %): harmonic VA ≤ ~0.2 and reactive ≤ ~0.35 of its
 * watts. A compressor's motor draws ≥ 0.55 var per W; a heater is far bigger than a charger.
 */
export const PFC_MAX_HARMONIC_RATIO = 0.25
export const PFC_MAX_REACTIVE_RATIO = 0.45
/**
 * An active-PFC input at load, at its worst (THD 15 % at PF 0.95): 0.16 VA of harmonic current per W. The
 * classifier's 0.25 above has margin for one off its load; what a charger's settled plateau or a learned
 * run must carry at most to pass for one.
 */
export const PFC_AT_LOAD_MAX_H_PER_W = 0.16
/** Reactive VA per W a compressor's motor draws at least (domain.md: PF 0.6–0.85). */
export const MOTOR_MIN_VAR_PER_W = 0.55

/** A charger without PFC draws 60–120 % THD (domain.md); the least, with a margin for other ranges. */
const RECTIFIER_MIN_THD = 0.5

/**
 * The most reactive VA a rectifier charger of these watts and harmonic VA can lead by: its capacitor input
 * draws its fundamental ahead of the voltage, and its harmonic VA per W is its THD over its displacement
 * PF, so at a charger's least THD the displacement PF is at least that THD over its share, and the lead
 * per W at most √(1/dpf² − 1).
 */
export function mostRectifierLead(w: number, h: number): number {
  if (w <= 0 || h <= 0) return 0
  const dpf = Math.min(1, (RECTIFIER_MIN_THD * w) / h)
  return w * Math.sqrt(1 / (dpf * dpf) - 1)
}

/** An active-PFC charger's waveform: harmonic and reactive VA per W of its excess within its bounds. */
const pfcShaped = (ratio: number, q: number | null): boolean =>
  ratio <= PFC_MAX_HARMONIC_RATIO && q !== null && Math.abs(q) <= PFC_MAX_REACTIVE_RATIO

/**
 * Whatever its size, an excess with a charger's waveform: a rectifier's harmonic current, or an active-PFC
 * input's lack of harmonic and reactive current. Needs PF and THD.
 */
export function chargerWaveform(
  excessW: number,
  excessVA: number,
  excessQ: number,
  params: StrayWireParams,
): boolean {
  if (!(excessW > 0)) return false
  const ratio = excessVA / excessW
  return ratio >= params.minHarmonicRatio || pfcShaped(ratio, excessQ / excessW)
}

/**
 * quiet: background; other: a small step (lights) or a resistive load in the charger range;
 * charger: a charger-sized, charger-shaped excess; big: a cleaner or heater, which masks what is under it.
 */
export function classify(
  obs: Observation,
  baselineW: number,
  baselineH: number,
  params: StrayWireParams,
  baselineQ = 0,
): Classified {
  const excessW = obs.unexplainedW - baselineW
  const excessVA = obs.harmonicVA === null ? null : obs.harmonicVA - baselineH
  // the residual of a busy shed wanders by a fraction of the port meters' error as ports taper
  const wander = obs.toleranceW / 4
  if (excessW < params.quietW + wander) return { cls: 'quiet', excessW, excessVA }
  const ratio = excessVA === null ? null : excessVA / excessW
  if (excessW > params.maxChargerW + wander) {
    // two chargers on one circuit still look like rectifiers; a cleaner's motor does not (ratio ≤ ~0.5)
    const twoChargers = ratio !== null && ratio >= 0.6 && excessW <= 2 * params.maxChargerW
    return { cls: twoChargers ? 'charger' : 'big', excessW, excessVA }
  }
  if (excessW < params.minStepW + wander) return { cls: 'other', excessW, excessVA }
  if (ratio !== null && ratio < params.minHarmonicRatio) {
    const q = obs.reactiveVA === null ? null : (obs.reactiveVA - baselineQ) / excessW
    // active PFC comes with the newer lithium chargers (≥ ~130 W): lamps that switch on together at
    // dusk are undistorted too, and smaller
    const pfcSized = excessW >= (params.minPfcStepW ?? params.minStepW) + wander
    if (pfcShaped(ratio, q) && pfcSized) return { cls: 'charger', excessW, excessVA, pfc: true }
    return { cls: 'other', excessW, excessVA }
  }
  return { cls: 'charger', excessW, excessVA }
}

/** Local time of day decides severity (domain.md: critical 22:00–06:00) and how long to confirm. */
export function localHour(ts: number, utcOffsetMin: number): number {
  const minuteOfDay = (((Math.floor(ts / 60_000) + utcOffsetMin) % 1440) + 1440) % 1440
  return minuteOfDay / 60
}

export const isCriticalHour = (h: number): boolean => h >= 22 || h < 6
export const isEveningOrNight = (h: number): boolean => h >= 18 || h < 6
