// One charging-pile port: when residents plug in (a seeded schedule, mostly 18:00–01:00), the charger
// curve it feeds (physics/charger.ts), auto-stop on full (GB/T 42236.1), its connector temperature,
// and faults. Pure state machine: `stepPort(port, t)` returns the events it produced.
import {
  type ChargerParams,
  chargerSession,
  type LoadModel,
  type LoadSample,
  OFF,
  randomChargerParams,
  sampleChargerStartMinuteOfDay,
} from '../physics/loads.ts'
import { rngFor } from '../physics/random.ts'
import { lag } from './common.ts'

const MIN = 60_000
const DAY_MS = 86_400_000
/** The pile switches a port off once the charger's draw stays under this after CC (battery full). */
export const FULL_CUTOFF_W = 25
/** Safety timeout on one session (GB/T 42236.1 requires a maximum charge time). */
export const SESSION_TIMEOUT_MS = 12 * 3600_000
/** Port over-temperature trip, °C. */
export const PORT_TRIP_C = 75
// connector and relay heating: ≈ 6.5 °C per 100 W, settling over ~15 min
const TEMP_PER_W = 0.065
const TEMP_TAU_S = 900

export interface PortSession {
  params: ChargerParams
  load: LoadModel
  energyWh: number
}

export interface PortState {
  port: number
  state: 'idle' | 'charging' | 'full' | 'fault' | 'disabled'
  session?: PortSession
  sample: LoadSample
  tempC?: number
  /** the fault code while state is `fault` */
  faultCode?: 'over_temperature'
}

export type PortEvent =
  | { event: 'session_started'; port: number }
  | {
      event: 'session_ended'
      port: number
      energyWh: number
      reason: 'full' | 'unplugged' | 'fault' | 'remote_stop' | 'timeout'
    }
  | { event: 'port_fault'; port: number; code: 'over_temperature'; detail: string }
  | { event: 'port_fault_cleared'; port: number; code: 'over_temperature' }

/** Plug-ins on one port during one local day (0–2 sessions, most in the evening). */
export function portSessionsForDay(
  seed: number,
  deviceId: string,
  port: number,
  day: number,
  utcOffsetMin: number,
): ChargerParams[] {
  const rng = rngFor(seed, deviceId, 'port', port, day)
  const dayStart = day * DAY_MS - utcOffsetMin * MIN
  const out: ChargerParams[] = []
  const n = rng() < 0.7 ? (rng() < 0.15 ? 2 : 1) : 0
  for (let k = 0; k < n; k++) {
    const minute = sampleChargerStartMinuteOfDay(rng)
    out.push(randomChargerParams(rng, dayStart + minute * MIN))
  }
  return out.sort((a, b) => a.startMs - b.startMs)
}

export const newPort = (port: number): PortState => ({ port, state: 'idle', sample: OFF })

export function startSession(p: PortState, params: ChargerParams, t: number): PortEvent[] {
  const session: PortSession = { params, load: chargerSession(params), energyWh: 0 }
  // picked up mid-session (first step of a run): account for what it has drawn so far
  for (let s = params.startMs; s < t; s += 5 * MIN) session.energyWh += (session.load.at(s).powerW * 5) / 60
  p.session = session
  p.state = 'charging'
  return [{ event: 'session_started', port: p.port }]
}

export function endSession(
  p: PortState,
  reason: 'full' | 'unplugged' | 'fault' | 'remote_stop' | 'timeout',
): PortEvent[] {
  const energyWh = Math.round(p.session?.energyWh ?? 0)
  p.sample = OFF
  if (reason === 'full') p.state = 'full'
  else {
    p.session = undefined
    if (p.state === 'charging' || p.state === 'full') p.state = 'idle'
  }
  return [{ event: 'session_ended', port: p.port, energyWh, reason }]
}

/**
 * Advances a port from `prevT` to `t`: charging draw, auto-stop, unplug, temperature and the
 * over-temperature trip. `plugIns` are sessions whose start fell in (prevT, t]. `defectC` is the
 * temperature an injected defect (a loose, arcing connector) drives the port towards.
 */
export function stepPort(
  p: PortState,
  prevT: number,
  t: number,
  ambientC: number,
  plugIns: readonly ChargerParams[],
  defectC?: number,
): PortEvent[] {
  const events: PortEvent[] = []
  const dtS = (t - prevT) / 1000
  const s = p.session
  if (p.state === 'charging' && s) {
    const elapsed = t - s.params.startMs
    const sample = s.load.at(t)
    s.energyWh += (p.sample.powerW * dtS) / 3600
    if (elapsed >= s.params.totalMin * MIN) events.push(...endSession(p, 'unplugged'))
    else if (elapsed >= SESSION_TIMEOUT_MS) events.push(...endSession(p, 'timeout'))
    else if (elapsed > s.params.ccMin * MIN && sample.powerW < FULL_CUTOFF_W)
      events.push(...endSession(p, 'full'))
    else p.sample = sample
  } else if (p.state === 'full' && s && t >= s.params.startMs + s.params.totalMin * MIN) {
    // the owner collects the bike: the port is free again
    p.session = undefined
    p.state = 'idle'
  }
  if (p.state === 'idle') {
    const next = plugIns.find((params) => t < params.startMs + params.totalMin * MIN)
    if (next) {
      events.push(...startSession(p, next, t))
      p.sample = p.session?.load.at(t) ?? OFF
    }
  }
  const target = Math.max(ambientC + TEMP_PER_W * p.sample.powerW, defectC ?? Number.NEGATIVE_INFINITY)
  p.tempC = p.tempC === undefined ? target : lag(p.tempC, target, dtS, TEMP_TAU_S)
  if (p.tempC >= PORT_TRIP_C && p.state !== 'fault' && p.state !== 'disabled') {
    if (p.state === 'charging') events.push(...endSession(p, 'fault'))
    p.session = undefined
    p.sample = OFF
    p.state = 'fault'
    p.faultCode = 'over_temperature'
    events.push({
      event: 'port_fault',
      port: p.port,
      code: 'over_temperature',
      detail: `port ${p.port} at ${p.tempC.toFixed(1)} C`,
    })
  }
  return events
}

/** Maintenance resets a tripped port once the defect is gone. */
export function resetPort(p: PortState): PortEvent[] {
  if (p.state !== 'fault' || !p.faultCode) return []
  const code = p.faultCode
  p.state = 'idle'
  p.faultCode = undefined
  return [{ event: 'port_fault_cleared', port: p.port, code }]
}
