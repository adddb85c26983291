// Summing loads on one circuit and reading them through a real meter: supply voltage, noise,
// calibration error and quantisation.
import { type LoadModel, type LoadSample, localMinuteOfDay } from './load-model.ts'
import { normalAt } from './random.ts'

const MIN = 60_000

export interface ElectricalState {
  powerW: number
  powerFactor: number
  thdPct: number
  currentA: number
}

/**
 * Sum loads the way the currents add. Each load's PF splits into a displacement part (phase of the
 * fundamental) and a distortion part 1/√(1+THD²). Fundamentals add as phasors (rectifier inputs lead
 * slightly, motors lag), harmonic currents of similar rectifiers add mostly in phase. So a resistive
 * heater dilutes THD but leaves the charger's harmonic current intact, as on a real circuit.
 */
export function combineLoads(samples: readonly LoadSample[], voltageV: number): ElectricalState {
  let p = 0
  let q = 0
  let hSum = 0
  let hSq = 0
  for (const s of samples) {
    if (s.powerW <= 0) continue
    const thd = s.thdPct / 100
    const distortion = 1 / Math.sqrt(1 + thd * thd)
    const dpf = Math.min(1, s.powerFactor / distortion)
    const s1 = s.powerW / dpf
    const reactive = s1 * Math.sqrt(Math.max(0, 1 - dpf * dpf))
    // a capacitor-input rectifier (high THD) draws a slightly leading fundamental; motors lag
    q += (s.leading ?? thd > 0.4) ? -reactive : reactive
    const h = thd * s1
    hSum += h
    hSq += h * h
    p += s.powerW
  }
  if (p <= 0) return { powerW: 0, powerFactor: 1, thdPct: 0, currentA: 0 }
  const h = 0.8 * hSum + 0.2 * Math.sqrt(hSq)
  const s1 = Math.hypot(p, q)
  const apparent = Math.hypot(s1, h)
  return { powerW: p, powerFactor: p / apparent, thdPct: (100 * h) / s1, currentA: apparent / voltageV }
}

export interface SupplyParams {
  /** 220–235 V at the building's transformer tap. */
  nominalV: number
  utcOffsetMin: number
  seed: number
}

/** Mains voltage: an evening sag when every flat cooks (−4 V around 19:00–22:00), slow drift, noise. */
export function supplyVoltageV(tMs: number, p: SupplyParams): number {
  const mod = localMinuteOfDay(tMs, p.utcOffsetMin)
  const evening = Math.exp(-(((mod - 20.5 * 60) / 90) ** 2))
  const m = Math.floor(tMs / MIN)
  const drift = 1.5 * Math.sin((2 * Math.PI * m) / 617 + (p.seed % 7))
  return p.nominalV - 4 * evening + drift + 0.6 * normalAt(p.seed, m)
}

export interface MeterParams {
  seed: number
  /** Calibration (gain) error, fraction: ±0.01 for a class-1 breaker meter, ±0.02 for a pile port. */
  gainError: number
  /** Random reading noise, fraction of the power, plus an absolute floor in W. */
  noisePct: number
  noiseFloorW: number
}

export interface MeterReading {
  voltageV: number
  currentA: number
  powerW: number
  powerFactor: number
  currentThdPct: number
}

const round = (x: number, step: number): number => Math.round(x / step) * step

/** What the meter reports for a true electrical state: gain error, noise, quantisation. */
export function meterReading(
  state: ElectricalState,
  voltageV: number,
  tMs: number,
  meter: MeterParams,
): MeterReading {
  const m = Math.floor(tMs / MIN)
  const v = round(voltageV, 0.1)
  // below ~2 W the meter's PF and THD channels have no signal; it reports unity and zero
  if (state.powerW < 2) {
    const powerW = Math.max(0, round(state.powerW * (1 + meter.gainError), 0.1))
    return { voltageV: v, currentA: round(state.currentA, 0.01), powerW, powerFactor: 1, currentThdPct: 0 }
  }
  const sd = state.powerW * meter.noisePct + meter.noiseFloorW
  const powerW = Math.max(0, round(state.powerW * (1 + meter.gainError) + sd * normalAt(meter.seed, m), 0.1))
  const powerFactor = Math.min(1, round(state.powerFactor + 0.004 * normalAt(meter.seed ^ 1, m), 0.01))
  const thd = state.thdPct + (0.5 + 0.02 * state.thdPct) * normalAt(meter.seed ^ 2, m)
  const currentThdPct = Math.max(0, round(thd, 0.1))
  const currentA = round(powerW / (v * Math.max(powerFactor, 0.05)), 0.01)
  return { voltageV: v, currentA, powerW, powerFactor, currentThdPct }
}

/**
 * Mean of states over a metering interval, as an energy-integrating meter reports it: watts, fundamental
 * and harmonic VA average separately, so a load that switched mid-interval shows as a partial step.
 */
export function averageStates(states: readonly ElectricalState[], voltageV: number): ElectricalState {
  let p = 0
  let s1 = 0
  let h = 0
  for (const st of states) {
    const thd = st.thdPct / 100
    const apparent = st.currentA * voltageV
    const fund = apparent / Math.sqrt(1 + thd * thd)
    p += st.powerW
    s1 += fund
    h += thd * fund
  }
  const n = Math.max(1, states.length)
  p /= n
  s1 /= n
  h /= n
  if (p <= 0 || s1 <= 0) return { powerW: 0, powerFactor: 1, thdPct: 0, currentA: 0 }
  const apparent = Math.hypot(s1, h)
  return { powerW: p, powerFactor: p / apparent, thdPct: (100 * h) / s1, currentA: apparent / voltageV }
}

/**
 * Sum the loads and read them through the meter: one circuit-monitor reading at tMs. With
 * `samplesPerInterval` > 1 the meter averages over the minute before tMs (energy-based meters);
 * with 1 it reports the instant (sampling meters).
 */
export function circuitReading(
  loads: readonly LoadModel[],
  tMs: number,
  supply: SupplyParams,
  meter: MeterParams,
  samplesPerInterval = 1,
): MeterReading {
  const v = supplyVoltageV(tMs, supply)
  const at = (t: number) =>
    combineLoads(
      loads.map((l) => l.at(t)),
      v,
    )
  if (samplesPerInterval <= 1) return meterReading(at(tMs), v, tMs, meter)
  const states: ElectricalState[] = []
  for (let k = 0; k < samplesPerInterval; k++)
    states.push(at(tMs - MIN + ((k + 1) * MIN) / samplesPerInterval))
  return meterReading(averageStates(states, v), v, tMs, meter)
}
