// Loads a field-grade stray-wire detector meets beyond domain.md's first list ("More of the real world"):
// compressors that cycle all day (basement dehumidifiers, fridges) and cheap low-PF LED light banks on a
// dusk schedule. Pure functions of tMs like the other load models; the randomness is drawn up front or
// hashed from (seed, index).
import { type LoadModel, type LoadSample, OFF } from './load-model.ts'
import { noiseAt } from './random.ts'

const MIN = 60_000
const DAY = 1440 * MIN

export interface CompressorParams {
  name: string
  fromMs: number
  toMs: number
  /** Running power at the start of a run, W (dehumidifier 180–300, fridge 70–150). */
  powerW: number
  /** Induction motor: PF 0.75–0.85 for a dehumidifier, lower for a small fridge; lagging. */
  powerFactor: number
  /** 10–25 %. */
  thdPct: number
  /** Run and rest lengths, min: each cycle draws its own inside these bounds. */
  onMin: readonly [number, number]
  offMin: readonly [number, number]
  /**
   * Fraction the power rises over a run of `creepOverMin`: condensing pressure climbs as the condenser
   * warms, so a compressor creeps up a few percent instead of drooping like a charger's taper.
   */
  creep: number
  creepOverMin: number
  seed: number
}

/** A thermostat- or humidistat-driven compressor: on/off cycles all day, each run creeping upward. */
export function compressorCycling(p: CompressorParams): LoadModel {
  // the cycle boundaries, drawn once: [runStart, runEnd) pairs
  const runs: [number, number][] = []
  let t = p.fromMs + noiseAt(p.seed, -1) * p.offMin[1] * MIN
  for (let k = 0; t < p.toMs; k++) {
    const on = (p.onMin[0] + (p.onMin[1] - p.onMin[0]) * noiseAt(p.seed, 2 * k)) * MIN
    const off = (p.offMin[0] + (p.offMin[1] - p.offMin[0]) * noiseAt(p.seed, 2 * k + 1)) * MIN
    runs.push([t, t + on])
    t += on + off
  }
  const runAt = (tMs: number): [number, number] | undefined => {
    let lo = 0
    let hi = runs.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const r = runs[mid]!
      if (tMs < r[0]) hi = mid - 1
      else if (tMs >= r[1]) lo = mid + 1
      else return r
    }
    return undefined
  }
  return {
    name: p.name,
    at(tMs: number): LoadSample {
      const r = runAt(tMs)
      if (!r) return OFF
      const minutes = (tMs - r[0]) / MIN
      const rise = p.creep * Math.min(1, minutes / p.creepOverMin)
      // ±1 % per minute: defrost of the evaporator, line voltage
      const powerW = p.powerW * (1 + rise) * (0.99 + 0.02 * noiseAt(p.seed ^ 0x5a5a, Math.floor(tMs / MIN)))
      return { powerW, powerFactor: p.powerFactor, thdPct: p.thdPct }
    },
  }
}

export interface LedBank {
  /** One bank of cheap LED fittings, 15–45 W. */
  powerW: number
  /** No PFC: PF 0.5–0.65, THD 90–150 % (domain.md). */
  powerFactor: number
  thdPct: number
  /** Seconds after the schedule's switching time this bank's contactor or photocell closes. */
  delayS: number
}

export interface LedBanksParams {
  banks: readonly LedBank[]
  utcOffsetMin: number
  /** Local minute of day of dusk (on) and dawn or a timer (off). */
  onMinuteOfDay: number
  offMinuteOfDay: number
  /** Day-to-day spread of a photocell's switching time (weather), ± min; 0 for a timer. */
  jitterMin: number
  seed: number
}

/** Banks of low-PF LED lights switched together at dusk (within a minute or two) and off at dawn. */
export function ledBanks(p: LedBanksParams): LoadModel {
  const offsetMs = p.utcOffsetMin * MIN
  const switchAt = (day: number, minuteOfDay: number, salt: number): number =>
    day * DAY - offsetMs + (minuteOfDay + p.jitterMin * (2 * noiseAt(p.seed ^ salt, day) - 1)) * MIN
  const bankOn = (b: LedBank, tMs: number): boolean => {
    const day = Math.floor((tMs + offsetMs) / DAY)
    const onToday = switchAt(day, p.onMinuteOfDay, 1) + b.delayS * 1000
    const offToday = switchAt(day, p.offMinuteOfDay, 2) + b.delayS * 1000
    // on in the evening until the morning's switch-off
    if (p.onMinuteOfDay > p.offMinuteOfDay) return tMs >= onToday || tMs < offToday
    return tMs >= onToday && tMs < offToday
  }
  return {
    name: 'led-banks',
    at(tMs: number): LoadSample {
      let powerW = 0
      let h = 0
      let s1 = 0
      for (const b of p.banks) {
        if (!bankOn(b, tMs)) continue
        // banks of one kind add like the meter model sums rectifiers: keep their PF and THD as a mix
        const thd = b.thdPct / 100
        const fund = b.powerW / b.powerFactor / Math.sqrt(1 + thd * thd)
        powerW += b.powerW
        s1 += fund
        h += thd * fund
      }
      if (powerW === 0) return OFF
      const thdPct = (100 * h) / s1
      return { powerW, powerFactor: powerW / Math.hypot(s1, h), thdPct }
    },
  }
}
