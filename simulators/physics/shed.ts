// A charging shed as its pile reports it: ports metered one by one (each ±2 %), and a feeder meter
// upstream of every port, the pile's electronics, the shed lights and any socket in the shed. Whatever a
// stray wire plugs into a shed socket shows only on the feeder.
import { type ChargerParams, chargerSession } from './charger.ts'
import type { LoadModel } from './load-model.ts'
import { averageStates, combineLoads, type ElectricalState, type MeterParams, meterReading } from './meter.ts'

const MIN = 60_000

export type PortState = 'idle' | 'charging' | 'full'

export interface PortSession {
  charger: ChargerParams
  /** The pile switches the port off once the charger draws less than this (charge complete), W. */
  autoStopW: number
}

export interface ShedParams {
  ports: readonly {
    sessions: readonly PortSession[]
    meter: MeterParams
  }[]
  /** Loads on the feeder that no port meters: electronics, lights, cleaners, stray chargers. */
  unmetered: readonly LoadModel[]
  feederMeter: MeterParams
  /** The feeder samples this long after the ports within one report, so port switching can straddle it. */
  feederSkewMs: number
  voltageV: (tMs: number) => number
  /** 1: meters sample the instant; n > 1: they average n instants over the minute before tMs. */
  samplesPerInterval?: number
}

export interface ShedReading {
  feeder: { voltageV: number; currentA: number; powerW: number; powerFactor: number }
  ports: { port: number; state: PortState; powerW: number }[]
}

interface PortModel {
  state(tMs: number): PortState
  load: LoadModel
}

/** Minute (after plug-in) at which the pile's auto-stop fires: the first minute past CC under autoStopW. */
function autoStopMinute(s: PortSession): number {
  const model = chargerSession({ ...s.charger, startMs: 0 })
  for (let m = Math.ceil(s.charger.ccMin); m < s.charger.totalMin; m++) {
    if (model.at(m * MIN).powerW < s.autoStopW) return m
  }
  return s.charger.totalMin
}

function portModel(sessions: readonly PortSession[]): PortModel {
  const spans = sessions.map((s) => ({
    model: chargerSession(s.charger),
    start: s.charger.startMs,
    stop: s.charger.startMs + autoStopMinute(s) * MIN,
    unplug: s.charger.startMs + s.charger.totalMin * MIN,
  }))
  const find = (tMs: number) => spans.find((sp) => tMs >= sp.start && tMs < sp.unplug)
  return {
    state(tMs) {
      const sp = find(tMs)
      if (!sp) return 'idle'
      return tMs < sp.stop ? 'charging' : 'full'
    },
    load: {
      name: 'port',
      at(tMs) {
        const sp = find(tMs)
        return sp && tMs < sp.stop ? sp.model.at(tMs) : { powerW: 0, powerFactor: 1, thdPct: 0 }
      },
    },
  }
}

export function chargingShed(p: ShedParams): { at(tMs: number): ShedReading } {
  const ports = p.ports.map((port) => ({ model: portModel(port.sessions), meter: port.meter }))
  const n = Math.max(1, p.samplesPerInterval ?? 1)
  const instants = (tMs: number): number[] =>
    n === 1 ? [tMs] : Array.from({ length: n }, (_, k) => tMs - MIN + ((k + 1) * MIN) / n)
  const mean = (states: ElectricalState[], v: number) => (n === 1 ? states[0]! : averageStates(states, v))
  return {
    at(tMs: number): ShedReading {
      const v = p.voltageV(tMs)
      const times = instants(tMs)
      const portReadings = ports.map((port, i) => {
        const state = port.model.state(tMs)
        const st = mean(
          times.map((t) => combineLoads([port.model.load.at(t)], v)),
          v,
        )
        const r = meterReading(st, v, tMs, port.meter)
        return { port: i + 1, state, powerW: state === 'charging' ? r.powerW : 0 }
      })
      const feederAt = (t: number) => {
        const tf = t + p.feederSkewMs
        return combineLoads(
          [...ports.map((port) => port.model.load.at(tf)), ...p.unmetered.map((l) => l.at(tf))],
          v,
        )
      }
      const f = meterReading(mean(times.map(feederAt), v), v, tMs, p.feederMeter)
      return {
        feeder: { voltageV: f.voltageV, currentA: f.currentA, powerW: f.powerW, powerFactor: f.powerFactor },
        ports: portReadings,
      }
    },
  }
}
