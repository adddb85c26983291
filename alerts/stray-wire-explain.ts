// Why the stray-wire detector raised: the figures a crew can check on site (domain.md: crews trust what
// they can check). Carried by the `raise` verdict, stored on the alert as `evidence`, summed up in its
// message.

import { MIN } from './minute.ts'
import { type CircuitNormal, round1 } from './stray-wire-circuit-normal.ts'
import type { Observation } from './stray-wire-classify.ts'
import { median, slidesAsTaper } from './stray-wire-evidence.ts'
import type { Candidate, StrayWireInput, StrayWireState } from './stray-wire-types.ts'

export interface StrayWireEvidence {
  /** The load's arrival over the background, W (the first reading of it). */
  stepW: number
  /** Its plateau: the median of the last readings, W, and how far they spread, % of it. */
  levelW: number
  plateauSpreadPct: number
  /** The background it stands on (lights, electronics), W. */
  backgroundW: number
  /** Minutes of charger-shaped load seen before raising. */
  heldMin: number
  /** What the meter reports with the reading that raised, when it reports them. */
  powerFactor: number | null
  currentThdPct: number | null
  /** The load's own harmonic current as apparent power, VA, and per W: a rectifier charger ≥ 0.5. */
  harmonicVA: number | null
  harmonicPerW: number | null
  /** Undistorted and with little reactive power: an active-PFC charger, told by size, plateau and time. */
  activePfc: boolean
  /** Its step was hidden by a heater or cleaner; onset is when that load came on. */
  startedUnderLoad: boolean
  /**
   * Seen stepping on top of a heater that still runs, W of that heater: its watts were measured once, at
   * its step, and its harmonic current since (no plateau of its own to see; the PF and THD are the whole
   * circuit's, heater and all). Absent otherwise.
   */
  onHeaterW?: number
  /**
   * Still at constant current (no CV taper yet: a charger tapers over the next hours), or tapering: it
   * was told by its taper (`likeCompressor.told`).
   */
  taper: 'not yet' | 'tapering'
  /**
   * Raised by its taper with no plateau (a nearly full pack): its draw at its highest reading and at the
   * raise, W, so a crew can check the fall against the meter. Absent otherwise.
   */
  taperFromW?: number
  taperToW?: number
  /** What this circuit usually draws at this hour, W (learned from earlier days); null if not known. */
  usualW: number | null
  /** Learned loads of this circuit (lights, compressors, crews' answers) the load did not match. */
  knownLoads: number
  /**
   * It had the size of one of the circuit's compressors and was followed as that compressor's run
   * (stray-wire-outlasted.ts): what told it from one. Present on those raises only; its shape and
   * waveform matched the compressor's, so only this and the step say why.
   */
  likeCompressor?: LikeCompressor
  /** The reasons in words, for the message. */
  why: string[]
}

export interface LikeCompressor {
  /** The compressor's level, W, and who knows it: the circuit learned it, or a crew named it. */
  levelW: number
  by: 'circuit' | 'crew'
  /** The circuit had seen it run only once. */
  seenOnce: boolean
  /**
   * It faded as a charge tapers (a compressor's run stops at once), held longer than one runs, or the
   * compressor started its own run beside it (one motor runs once).
   */
  told: 'faded' | 'outlasted' | 'ranAgain'
  /** Minutes it was followed as the compressor's run before that. */
  heldMin: number
  /** How many of the compressor's runs were seen whole, and the longest, min (null before any). */
  timedRuns: number
  longestMin: number | null
}

/** The usual standing load at this time of day, from the learned profile (nearest filled bin). */
function usualAt(n: CircuitNormal | undefined, ts: number, utcOffsetMin: number): number | null {
  const p = n?.profile
  if (!p) return null
  const local = Math.floor(ts / MIN) + utcOffsetMin
  const bin = Math.floor((((local % 1440) + 1440) % 1440) / 30)
  const w = p.w[bin]
  return w === null || w === undefined ? null : round1(w)
}

/** Half the spread of a plateau's readings, %, that a charger in constant current stays within. */
const FLAT_HALF_SPREAD_PCT = 5

/**
 * A fall measured by whoever followed the load: a small step (stray-wire-small-taper.ts) is followed
 * against the level before it, from its first full minute, and was too small a step for constant current.
 */
export interface MeasuredFall {
  fromW: number
  toW: number
  underLeastStep: boolean
}

export function explainRaise(
  s: StrayWireState,
  cand: Candidate,
  obs: Observation,
  input: StrayWireInput,
  utcOffsetMin: number,
  measured?: MeasuredFall,
): StrayWireEvidence {
  const levelW = median(cand.recentW)
  const lo = Math.min(...cand.recentW)
  const hi = Math.max(...cand.recentW)
  const spread = levelW > 0 ? (100 * (hi - lo)) / levelW : 0
  const harmonicPerW = cand.harmonicVA === null || levelW <= 0 ? null : cand.harmonicVA / levelW
  const pf = input.source === 'circuit' ? (input.powerFactor ?? null) : null
  const thd = input.source === 'circuit' ? (input.currentThdPct ?? null) : null
  const startedUnderLoad = cand.onsetTs !== cand.firstTs
  const heldMin = Math.round((obs.ts - cand.onsetTs) / MIN)
  const usualW = usualAt(s.normal, obs.ts, utcOffsetMin)
  const why: string[] = []
  const stepW = cand.stepW ?? cand.recentW[0] ?? levelW
  why.push(
    startedUnderLoad
      ? `appeared under a heater or cleaner, ${Math.round(levelW)} W left when it went off`
      : `step of +${Math.round(stepW)} W`,
  )
  // a CC plateau is flat; readings that spread further held other loads switching beside it: said so
  why.push(
    spread / 2 <= FLAT_HALF_SPREAD_PCT
      ? `flat at ${Math.round(levelW)} W (±${round1(spread / 2)} %) for ${heldMin} min, no taper yet`
      : `about ${Math.round(levelW)} W for ${heldMin} min, moving by ±${round1(spread / 2)} % as other loads switched beside it, no taper yet`,
  )
  // a nearly full pack: no plateau, it slid down its taper from the first minutes (from its highest reading)
  const fall =
    measured ??
    (slidesAsTaper(cand.recentW)
      ? { fromW: cand.maxW, toW: cand.recentW.at(-1)!, underLeastStep: false }
      : undefined)
  const tapering = fall !== undefined
  if (fall)
    why[1] =
      `falling minute after minute from ${Math.round(fall.fromW)} to ${Math.round(fall.toW)} W in ${heldMin} min, ` +
      `as a charger's charge tapers (a nearly full pack${fall.underLeastStep ? ", too small a step for a charger's constant current" : ''})`
  const heater = cand.underHeater
  if (heater) {
    // under the heater only its step and its harmonic current showed: no plateau was measured
    why[0] = `a step of +${Math.round(stepW)} W on top of a heater of ${Math.round(heater.w)} W that still runs`
    why[1] = `its harmonic current held under the heater for ${heldMin} min, no taper yet`
  }
  if (cand.pfc) why.push(`PF ${pf ?? '?'} / THD ${thd ?? '?'} %: an active-PFC charger's input`)
  else if (harmonicPerW !== null)
    why.push(`harmonic current ${round1(harmonicPerW)} VA per W: a rectifier without PFC`)
  if (usualW !== null) why.push(`this circuit usually draws ≈ ${Math.round(usualW)} W at this hour`)
  const known = s.normal?.signatures.length ?? 0
  if (known > 0) why.push(`matches none of its ${known} known loads`)
  return {
    stepW: round1(stepW),
    levelW: round1(levelW),
    plateauSpreadPct: round1(spread),
    backgroundW: round1(s.baselineW ?? 0),
    heldMin,
    powerFactor: pf,
    currentThdPct: thd,
    harmonicVA: cand.harmonicVA === null ? null : round1(cand.harmonicVA),
    harmonicPerW: harmonicPerW === null ? null : Math.round(harmonicPerW * 100) / 100,
    activePfc: cand.pfc === true,
    startedUnderLoad,
    ...(heater ? { onHeaterW: Math.round(heater.w) } : {}),
    taper: tapering ? 'tapering' : 'not yet',
    ...(fall ? { taperFromW: round1(fall.fromW), taperToW: round1(fall.toW) } : {}),
    usualW,
    knownLoads: known,
    why,
  }
}

/** What told a load of a compressor's size from its run, in words (the console says it from the figures). */
export function likeCompressorWhy(c: LikeCompressor): string {
  const whose =
    c.by === 'crew'
      ? `the compressor of ${c.levelW} W a crew named`
      : `this circuit's compressor of ${c.levelW} W${c.seenOnce ? ', seen run once' : ''}`
  if (c.told === 'faded')
    return `the size of ${whose}, but after ${c.heldMin} min it faded as a charger's charge tapers: a compressor's run stops at once`
  if (c.told === 'ranAgain')
    return `the size of ${whose}, but on for ${c.heldMin} min, and that compressor has started its own run beside it: one compressor cannot run twice at once`
  return c.longestMin === null
    ? `the size of ${whose}, but on for ${c.heldMin} min: longer than a compressor runs`
    : `the size of ${whose}, but on for ${c.heldMin} min: longer than any of its ${c.timedRuns} runs seen whole (longest ${c.longestMin} min)`
}
