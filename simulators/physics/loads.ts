// Non-charging loads found on corridor circuits and in charging sheds (docs/domain.md): LED lights,
// cleaning machines, heaters and the pile's own electronics. Each is a pure function of tMs; all the
// randomness is drawn up front (params) or hashed from (seed, minute). Chargers and the meter model
// live in their own files and are re-exported here so callers need one import.
import { type LoadModel, type LoadSample, localMinuteOfDay, OFF } from './load-model.ts'
import { noiseAt } from './random.ts'

export * from './charger.ts'
export * from './load-model.ts'
export * from './meter.ts'

const MIN = 60_000

function inDailyWindow(minuteOfDay: number, onMin: number, offMin: number): boolean {
  return onMin <= offMin
    ? minuteOfDay >= onMin && minuteOfDay < offMin
    : minuteOfDay >= onMin || minuteOfDay < offMin
}

export interface LightingParams {
  /** 10–60 W of LED fittings on the circuit. */
  powerW: number
  /** LED drivers with PFC: > 0.9. */
  powerFactor: number
  thdPct: number
  utcOffsetMin: number
  /** 'dusk-to-dawn' uses onMinuteOfDay/offMinuteOfDay; 'motion' lights bursts of burstMin minutes. */
  mode: 'dusk-to-dawn' | 'motion' | 'always'
  onMinuteOfDay: number
  offMinuteOfDay: number
  /** Motion mode: expected triggers per hour at night (a quarter of that by day). */
  triggersPerHour: number
  burstMin: number
  seed: number
}

export function ledLighting(p: LightingParams): LoadModel {
  const on: LoadSample = { powerW: p.powerW, powerFactor: p.powerFactor, thdPct: p.thdPct }
  const isOn = (tMs: number): boolean => {
    if (p.mode === 'always') return true
    const mod = localMinuteOfDay(tMs, p.utcOffsetMin)
    const night = inDailyWindow(mod, p.onMinuteOfDay, p.offMinuteOfDay)
    if (p.mode === 'dusk-to-dawn') return night
    const minute = Math.floor(tMs / MIN)
    const rate = (night ? p.triggersPerHour : p.triggersPerHour / 4) / 60
    for (let k = 0; k < p.burstMin; k++) if (noiseAt(p.seed, minute - k) < rate) return true
    return false
  }
  return { name: `lights-${p.mode}`, at: (tMs) => (isOn(tMs) ? on : OFF) }
}

export interface CleaningParams {
  startMs: number
  /** 5–40 min. */
  durationMin: number
  /** 800–1500 W. */
  powerW: number
  /** Universal or induction motor: 0.8–0.95. */
  powerFactor: number
  /** Brush commutation and triac speed control: 15–45 %. */
  thdPct: number
  seed: number
}

export function cleaningMachine(p: CleaningParams): LoadModel {
  return {
    name: 'cleaning-machine',
    at(tMs: number): LoadSample {
      const minutes = (tMs - p.startMs) / MIN
      if (minutes < 0 || minutes >= p.durationMin) return OFF
      const m = Math.floor(minutes)
      // the cleaner stops to move furniture or the cord now and then
      if (m > 0 && noiseAt(p.seed, m) < 0.07) return OFF
      // motor load follows the floor surface and brush pressure: ±12 %
      const powerW = p.powerW * (0.88 + 0.24 * noiseAt(p.seed ^ 0x1234, m))
      return { powerW, powerFactor: p.powerFactor, thdPct: p.thdPct }
    },
  }
}

export interface HeaterParams {
  startMs: number
  durationMin: number
  /** 1–2 kW resistive. */
  powerW: number
  /** Thermostat cycle: element on for onMin, off for offMin, starting phaseMin into the cycle. */
  onMin: number
  offMin: number
  phaseMin: number
  seed: number
}

export function electricHeater(p: HeaterParams): LoadModel {
  return {
    name: 'electric-heater',
    at(tMs: number): LoadSample {
      const minutes = (tMs - p.startMs) / MIN
      if (minutes < 0 || minutes >= p.durationMin) return OFF
      const cycle = p.onMin + p.offMin
      const inCycle = (((minutes + p.phaseMin) % cycle) + cycle) % cycle
      if (inCycle >= p.onMin) return OFF
      // element resistance rises a little as it heats: ±2 %
      const powerW = p.powerW * (0.98 + 0.04 * noiseAt(p.seed, Math.floor(minutes)))
      return { powerW, powerFactor: 0.995, thdPct: 1 + 2 * noiseAt(p.seed ^ 77, Math.floor(minutes)) }
    },
  }
}

export interface PileElectronicsParams {
  /** Controller, 4G modem, displays: 8–30 W. */
  baseW: number
  /** Shed lighting on the same feeder, on at night: 0–30 W (base + lights ≤ 60 W). */
  lightingW: number
  utcOffsetMin: number
  lightsOnMinuteOfDay: number
  lightsOffMinuteOfDay: number
  seed: number
}

/** The station's own draw (≤ 60 W): a small SMPS (poor PF) plus shed lights at night. */
export function pileElectronics(p: PileElectronicsParams): LoadModel {
  return {
    name: 'pile-electronics',
    at(tMs: number): LoadSample {
      const m = Math.floor(tMs / MIN)
      // modem transmit bursts and relay coils: 0–4 W on top of the base
      let powerW = p.baseW + 4 * noiseAt(p.seed, m)
      const mod = localMinuteOfDay(tMs, p.utcOffsetMin)
      const lit = inDailyWindow(mod, p.lightsOnMinuteOfDay, p.lightsOffMinuteOfDay)
      if (lit) powerW += p.lightingW
      return { powerW, powerFactor: lit ? 0.8 : 0.6, thdPct: lit ? 50 : 90 }
    },
  }
}

/** A constant load, for tests and for odd appliances. */
export function constantLoad(
  name: string,
  sample: LoadSample,
  fromMs = -Infinity,
  toMs = Infinity,
): LoadModel {
  return { name, at: (tMs) => (tMs >= fromMs && tMs < toMs ? sample : OFF) }
}
