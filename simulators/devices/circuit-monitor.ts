// A smart breaker on a corridor, stairwell or basement circuit: LED lights, an occasional cleaning
// machine (and in winter now and then a heater), and — when injected — an e-bike charging off a
// stray wire. Loads come from physics/loads.ts; the breaker's meter reads their sum.
import type { CircuitMonitorTelemetry, Command, CommandAck } from '../../domain/protocol.ts'
import { seasonIndex } from '../physics/climate.ts'
import {
  type ChargerParams,
  chargerSession,
  circuitReading,
  cleaningMachine,
  electricHeater,
  type LightingParams,
  type LoadModel,
  ledLighting,
  type MeterParams,
  randomChargerParams,
  type SupplyParams,
} from '../physics/loads.ts'
import { chance, hashSeed, intBetween, rngFor, uniform } from '../physics/random.ts'
import { ackError, ackOk, localDay, MessageCounter, round } from './common.ts'
import type { DeviceModel, DeviceSpec, Injection, OutMessage } from './types.ts'

const DAY_MS = 86_400_000
const MIN = 60_000

/** The charger behind a stray-wire injection: deterministic in (seed, device, start). */
export function strayChargerParams(seed: number, deviceId: string, startMs: number): ChargerParams {
  return randomChargerParams(rngFor(seed, deviceId, 'stray-charger', startMs), startMs)
}

function lightingFor(spec: DeviceSpec, seed: number, offset: number): LightingParams {
  const rng = rngFor(seed, spec.id, 'lights')
  const label = (spec.circuit ?? spec.id).toLowerCase()
  const mode = label.includes('stair') ? 'motion' : label.includes('basement') ? 'always' : 'dusk-to-dawn'
  return {
    powerW: spec.lightsW ?? uniform(rng, 12, 60),
    powerFactor: uniform(rng, 0.91, 0.97),
    thdPct: uniform(rng, 8, 18),
    utcOffsetMin: offset,
    mode,
    onMinuteOfDay: intBetween(rng, 17 * 60 + 30, 18 * 60 + 45),
    offMinuteOfDay: intBetween(rng, 5 * 60 + 30, 6 * 60 + 30),
    triggersPerHour: uniform(rng, 2, 8),
    burstMin: intBetween(rng, 1, 3),
    seed: hashSeed(seed, spec.id, 'motion'),
  }
}

/** The day's ordinary non-charging loads: maybe a cleaning round, in winter maybe a heater. */
function dailyLoads(spec: DeviceSpec, seed: number, offset: number, day: number): LoadModel[] {
  const rng = rngFor(seed, spec.id, 'daily', day)
  const dayStart = day * DAY_MS - offset * MIN
  const loads: LoadModel[] = []
  if (chance(rng, 0.45)) {
    loads.push(
      cleaningMachine({
        startMs: dayStart + intBetween(rng, 8 * 60, 16 * 60) * MIN,
        durationMin: uniform(rng, 5, 40),
        powerW: uniform(rng, 800, 1500),
        powerFactor: uniform(rng, 0.8, 0.95),
        thdPct: uniform(rng, 15, 45),
        seed: hashSeed(seed, spec.id, 'cleaning', day),
      }),
    )
  }
  const winter = seasonIndex(dayStart, offset) < -0.5
  if (winter && chance(rng, 0.08)) {
    const onMin = uniform(rng, 5, 15)
    loads.push(
      electricHeater({
        startMs: dayStart + intBetween(rng, 7 * 60, 20 * 60) * MIN,
        durationMin: uniform(rng, 60, 240),
        powerW: uniform(rng, 1000, 2000),
        onMin,
        offMin: uniform(rng, 3, 10),
        phaseMin: uniform(rng, 0, onMin),
        seed: hashSeed(seed, spec.id, 'heater', day),
      }),
    )
  }
  return loads
}

export function createCircuitMonitor(spec: DeviceSpec, seed: number): DeviceModel {
  const offset = spec.utcOffsetMin ?? 480
  const init = rngFor(seed, spec.id, 'init')
  const supply: SupplyParams = {
    nominalV: uniform(init, 222, 232),
    utcOffsetMin: offset,
    seed: hashSeed(seed, spec.id, 'v'),
  }
  const meter: MeterParams = {
    seed: hashSeed(seed, spec.id, 'meter'),
    gainError: uniform(init, -0.01, 0.01),
    noisePct: 0.004,
    noiseFloorW: 0.3,
  }
  const lights = ledLighting(lightingFor(spec, seed, offset))
  const injections: Injection[] = []
  const strays = new Map<Injection, LoadModel>()
  const days = new Map<number, LoadModel[]>()
  const counter = new MessageCounter()
  let energyKWh = round(uniform(init, 50, 2500), 1)
  let lastT: number | undefined
  let lastPowerW = 0

  function loadsAt(t: number): LoadModel[] {
    const day = localDay(t, offset)
    const out: LoadModel[] = [lights]
    // a cleaning round or heater that began yesterday evening may still be running
    for (const d of [day - 1, day]) {
      let l = days.get(d)
      if (!l) {
        l = dailyLoads(spec, seed, offset, d)
        days.set(d, l)
        days.delete(d - 3)
      }
      out.push(...l)
    }
    for (const i of injections) {
      if (i.type !== 'circuit_stray_wire' || t < i.startMs || t >= i.endMs) continue
      let charger = strays.get(i)
      if (!charger) {
        charger = chargerSession(strayChargerParams(seed, spec.id, i.startMs))
        strays.set(i, charger)
      }
      out.push(charger)
    }
    return out
  }

  function step(t: number): OutMessage[] {
    const r = circuitReading(loadsAt(t), t, supply, meter)
    if (lastT !== undefined && t > lastT) energyKWh += (lastPowerW * (t - lastT)) / 3.6e9
    lastT = t
    lastPowerW = r.powerW
    const reading: CircuitMonitorTelemetry = {
      ts: t,
      seq: counter.take(),
      kind: 'circuit-monitor',
      ...(spec.circuit ? { circuit: spec.circuit } : {}),
      voltageV: round(r.voltageV, 1),
      currentA: round(r.currentA, 2),
      powerW: round(r.powerW, 1),
      powerFactor: round(r.powerFactor, 2),
      currentThdPct: round(r.currentThdPct, 1),
      energyKWh: round(energyKWh, 2),
    }
    return [{ channel: 'telemetry', body: reading }]
  }

  return {
    spec,
    step,
    inject: (i) => {
      injections.push(i)
    },
    command(cmd: Command): CommandAck {
      return cmd.name === 'ping' ? ackOk(cmd) : ackError(cmd, `unsupported command ${cmd.name}`)
    },
    get nextSeq() {
      return counter.next
    },
  }
}
