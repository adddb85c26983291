// E-bike charger model (docs/domain.md "E-bike charger physics"): a step up to constant current,
// a constant-voltage taper, then float (lead-acid) or cut-off (lithium). Evaluated at any tMs, purely.
import type { LoadModel, LoadSample } from './load-model.ts'
import { OFF } from './load-model.ts'
import { noiseAt, normal, type Rng, uniform } from './random.ts'

export type Chemistry = 'lead-acid' | 'lithium'

export interface ChargerParams {
  startMs: number
  chemistry: Chemistry
  /** AC input power at the start of constant current, W. */
  ccPowerW: number
  /** Power creeps up during CC as pack voltage climbs (P = U·I at fixed I), fraction of ccPowerW. */
  ccRise: number
  ccMin: number
  taperMin: number
  /** Lead-acid float input, W (< 20); lithium chargers draw only standby after cut-off. */
  floatW: number
  /** Minutes from plug-in to unplug. */
  totalMin: number
  /** At full CC load; cheap chargers have no PFC, so PF worsens and THD grows at light load. */
  powerFactor: number
  thdPct: number
  /** Per-session seed for the small ripple a real charger's input shows. */
  seed: number
  /**
   * Active power-factor correction (newer lithium chargers, domain.md "More of the real world"): a boost
   * stage shapes the input current, PF ≥ 0.95 and THD 5–15 % at load, a little worse at light load.
   */
  pfc?: boolean
}

const MIN = 60_000
/** Standby draw of a lithium charger after cut-off, W. */
const STANDBY_W = 0.6

/** Power and waveform of the charger `minutes` after plug-in, without noise. */
function chargerPower(p: ChargerParams, minutes: number): number {
  if (minutes < p.ccMin) return p.ccPowerW * (1 + p.ccRise * (minutes / p.ccMin))
  const ccEnd = p.ccPowerW * (1 + p.ccRise)
  const x = minutes - p.ccMin
  if (p.chemistry === 'lithium') {
    // CV: current decays roughly exponentially until it falls under the cut-off current (~10 % of CC)
    if (x < p.taperMin) return ccEnd * Math.exp((Math.log(0.1) * x) / p.taperMin)
    return STANDBY_W
  }
  // lead-acid: a slower taper from CC down to the float level
  if (x < p.taperMin) return p.floatW + (ccEnd - p.floatW) * Math.exp((-3.5 * x) / p.taperMin)
  return p.floatW
}

export function chargerSession(p: ChargerParams): LoadModel {
  return {
    name: `charger-${p.chemistry}`,
    at(tMs: number): LoadSample {
      const minutes = (tMs - p.startMs) / MIN
      if (minutes < 0 || minutes >= p.totalMin) return OFF
      const base = chargerPower(p, minutes)
      // ±1.5 % input ripple from mains and pack chemistry, independent per minute
      const powerW = base * (1 + 0.015 * (2 * noiseAt(p.seed, Math.floor(minutes)) - 1))
      const load = Math.min(1, powerW / p.ccPowerW)
      if (p.pfc) {
        // the boost stage regulates less tightly at light load: PF sags, THD grows, both modestly
        const powerFactor = Math.max(0.8, p.powerFactor - 0.08 * (1 - load))
        return { powerW, powerFactor, thdPct: p.thdPct * (1 + 0.8 * (1 - load)) }
      }
      // no PFC: at light load the capacitor-input rectifier conducts in shorter, peakier pulses
      const powerFactor = Math.max(0.3, p.powerFactor * (0.7 + 0.3 * load))
      const thdPct = p.thdPct * (1 + 0.4 * (1 - load))
      return { powerW, powerFactor, thdPct }
    },
  }
}

/** When the charger stops drawing real power: lithium cut-off, or unplug for lead-acid on float. */
export function chargerLoadEndMs(p: ChargerParams): number {
  const end = p.chemistry === 'lithium' ? Math.min(p.totalMin, p.ccMin + p.taperMin) : p.totalMin
  return p.startMs + end * MIN
}

export interface ChargerRanges {
  leadAcidCcW: readonly [number, number]
  lithiumCcW: readonly [number, number]
  powerFactor: readonly [number, number]
  thdPct: readonly [number, number]
  lithiumShare: number
  /** PFC chargers' PF and THD at load (domain.md: PF ≥ 0.95, THD 5–15 %); only used when asked for. */
  pfcPowerFactor?: readonly [number, number]
  pfcThdPct?: readonly [number, number]
}

const DOMAIN_PFC_POWER_FACTOR = [0.95, 0.99] as const
const DOMAIN_PFC_THD_PCT = [5, 15] as const

/** The ranges domain.md gives; the evaluation widens or shifts them for its held-out check. */
export const DOMAIN_CHARGER_RANGES: ChargerRanges = {
  leadAcidCcW: [120, 300],
  lithiumCcW: [130, 350],
  powerFactor: [0.5, 0.75],
  thdPct: [60, 120],
  lithiumShare: 0.35,
}

export function randomChargerParams(
  rng: Rng,
  startMs: number,
  ranges: ChargerRanges = DOMAIN_CHARGER_RANGES,
  pfc = false,
): ChargerParams {
  const seed = Math.floor(rng() * 2 ** 32)
  const common = {
    startMs,
    powerFactor: uniform(
      rng,
      ...(pfc ? (ranges.pfcPowerFactor ?? DOMAIN_PFC_POWER_FACTOR) : ranges.powerFactor),
    ),
    thdPct: uniform(rng, ...(pfc ? (ranges.pfcThdPct ?? DOMAIN_PFC_THD_PCT) : ranges.thdPct)),
    seed,
    ...(pfc ? { pfc: true } : {}),
  }
  // PFC chargers are the newer lithium ones
  if (pfc || rng() < ranges.lithiumShare) {
    // 4–6 h in all, a 20–60 min CV phase, then cut-off; unplugged 0–3 h later
    const chargeMin = uniform(rng, 240, 360)
    const taperMin = uniform(rng, 20, 60)
    return {
      ...common,
      chemistry: 'lithium',
      ccPowerW: uniform(rng, ...ranges.lithiumCcW),
      ccRise: uniform(rng, 0.03, 0.1),
      ccMin: chargeMin - taperMin,
      taperMin,
      floatW: 0,
      totalMin: chargeMin + uniform(rng, 0, 180),
    }
  }
  // 6–10 h in all, of which a 1–3 h CV taper, the rest CC before and float after
  const totalMin = uniform(rng, 360, 600)
  const taperMin = uniform(rng, 60, 180)
  const ccMin = uniform(rng, 0.5, 0.8) * (totalMin - taperMin)
  return {
    ...common,
    chemistry: 'lead-acid',
    ccPowerW: uniform(rng, ...ranges.leadAcidCcW),
    ccRise: uniform(rng, 0.05, 0.15),
    ccMin,
    taperMin,
    floatW: uniform(rng, 4, 19),
    totalMin,
  }
}

/**
 * Local minute of day (0–1439) at which a session starts: most between 18:00 and 01:00 (peak around
 * 21:00, after residents get home), the rest at any hour.
 */
export function sampleChargerStartMinuteOfDay(rng: Rng, eveningShare = 0.8): number {
  if (rng() < eveningShare) {
    const m = Math.min(25 * 60 - 1, Math.max(18 * 60, normal(rng, 21 * 60, 100)))
    return Math.floor(m) % 1440
  }
  return Math.floor(rng() * 1440)
}
