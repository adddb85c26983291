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
  /**
   * Minutes of charge the pack already had at plug-in: a nearly full pack is plugged in part-way into its
   * constant-voltage taper (a top-up), so the session starts falling instead of on a flat plateau.
   * `totalMin` still counts from plug-in.
   */
  startPhaseMin?: number
  /**
   * An active-PFC input's EMI filter capacitors draw a fixed leading reactive power (a few var) whatever
   * the load: at light load, late in the taper, it outweighs the boost stage's own small lag.
   */
  xCapVar?: number
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
      const base = chargerPower(p, minutes + (p.startPhaseMin ?? 0))
      // ±1.5 % input ripple from mains and pack chemistry, independent per minute
      const powerW = base * (1 + 0.015 * (2 * noiseAt(p.seed, Math.floor(minutes)) - 1))
      const load = Math.min(1, powerW / p.ccPowerW)
      if (p.pfc) {
        // the boost stage regulates less tightly at light load: THD grows; PF sags, modestly, or where the
        // filter capacitors are modelled, through their fixed leading var against a lag that shrinks with load
        const thdPct = p.thdPct * (1 + 0.8 * (1 - load))
        if (p.xCapVar) return withXCap(powerW, p.powerFactor, thdPct, p.xCapVar)
        return { powerW, powerFactor: Math.max(0.8, p.powerFactor - 0.08 * (1 - load)), thdPct }
      }
      // no PFC: at light load the capacitor-input rectifier conducts in shorter, peakier pulses
      const powerFactor = Math.max(0.3, p.powerFactor * (0.7 + 0.3 * load))
      const thdPct = p.thdPct * (1 + 0.4 * (1 - load))
      return { powerW, powerFactor, thdPct }
    },
  }
}

/**
 * The boost stage's sample with the filter capacitors' leading var taken off its lagging fundamental:
 * the distortion part of the PF stays, the displacement part is recomputed, and the sign follows.
 */
function withXCap(powerW: number, powerFactor: number, thdPct: number, xCapVar: number): LoadSample {
  const distortion = 1 / Math.sqrt(1 + (thdPct / 100) ** 2)
  const dpf = Math.min(1, powerFactor / distortion)
  const lag = (powerW / dpf) * Math.sqrt(Math.max(0, 1 - dpf * dpf))
  const q = lag - xCapVar
  return {
    powerW,
    powerFactor: (powerW / Math.hypot(powerW, q)) * distortion,
    thdPct,
    leading: q < 0,
  }
}

/** When the charger stops drawing real power: lithium cut-off, or unplug for lead-acid on float. */
export function chargerLoadEndMs(p: ChargerParams): number {
  const cutOff = p.ccMin + p.taperMin - (p.startPhaseMin ?? 0)
  const end = p.chemistry === 'lithium' ? Math.min(p.totalMin, cutOff) : p.totalMin
  return p.startMs + end * MIN
}

/** How a set draws top-ups: the share of sessions, and their draw at plug-in as a fraction of CC's end. */
export interface TopUpRanges {
  share: number
  startDraw: readonly [number, number]
  /** Minutes a top-up stays plugged in after its taper (lead-acid on float, lithium cut off). */
  floatMin: readonly [number, number]
}

/**
 * The same charger plugged into a nearly full pack, or unchanged: drawn from the session's own seed, so
 * a set's other sessions keep their sequences. The pack is as far into its taper as gives a draw of
 * `startDraw` × the CC level; a lithium pack cuts off where its taper ends, a lead-acid one floats a while.
 */
export function maybeTopUp(p: ChargerParams, r: TopUpRanges | undefined): ChargerParams {
  if (!r || noiseAt(p.seed, -1) >= r.share) return p
  // a lithium charger cuts off at a tenth of its CC current, a lead-acid one floats: a draw at or under
  // those is no charge left to top up
  const asked = r.startDraw[0] + (r.startDraw[1] - r.startDraw[0]) * noiseAt(p.seed, -2)
  const draw = Math.min(1, Math.max(asked, 0.15, (p.floatW + 5) / (p.ccPowerW * (1 + p.ccRise))))
  const ccEnd = p.ccPowerW * (1 + p.ccRise)
  const intoTaper =
    p.chemistry === 'lithium'
      ? (Math.log(draw) / Math.log(0.1)) * p.taperMin
      : (-Math.log(Math.max(1e-3, (draw * ccEnd - p.floatW) / (ccEnd - p.floatW))) * p.taperMin) / 3.5
  const left = p.taperMin - intoTaper
  const after = r.floatMin[0] + (r.floatMin[1] - r.floatMin[0]) * noiseAt(p.seed, -3)
  return { ...p, startPhaseMin: p.ccMin + intoTaper, totalMin: Math.max(left + after, 15) }
}

/** An active-PFC charger's filter capacitors, drawn from its seed (var at mains, range given). */
export function withFilterCaps(
  p: ChargerParams,
  xCapVar: readonly [number, number] | undefined,
): ChargerParams {
  if (!p.pfc || !xCapVar) return p
  return { ...p, xCapVar: xCapVar[0] + (xCapVar[1] - xCapVar[0]) * noiseAt(p.seed, -4) }
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
  /** PFC chargers' EMI filter capacitors, leading var; unset: none modelled. */
  pfcXCapVar?: readonly [number, number]
  /** Sessions plugged into a nearly full pack; unset: every session starts in constant current. */
  topUp?: TopUpRanges
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
