// An e-bike charging station (a shed with 10–12 ports): port sessions from pile-ports.ts, the feeder
// meter reading Σ ports + the station's own electronics (≤ 60 W) + any unmetered stray-wire load,
// leakage current, smoke and the shed's ambient temperature.
import type { ChargingPileTelemetry, Command, CommandAck, PilePort } from '../../domain/protocol.ts'
import { outdoorTempC, sunlight } from '../physics/climate.ts'
import {
  type ChargerParams,
  chargerSession,
  combineLoads,
  type LoadModel,
  type LoadSample,
  type MeterParams,
  meterReading,
  pileElectronics,
  type SupplyParams,
  supplyVoltageV,
} from '../physics/loads.ts'
import { hashSeed, intBetween, normal, rngFor, uniform } from '../physics/random.ts'
import { strayChargerParams } from './circuit-monitor.ts'
import {
  ackError,
  ackOk,
  activeInjections,
  endedBetween,
  localDay,
  MessageCounter,
  makeEvent,
  round,
  startedBetween,
} from './common.ts'
import {
  endSession,
  newPort,
  type PortEvent,
  type PortState,
  portSessionsForDay,
  resetPort,
  stepPort,
} from './pile-ports.ts'
import type { DeviceModel, DeviceSpec, Injection, OutMessage } from './types.ts'

// a loose, arcing connector: the port heads for this whatever it carries (trip at 75 °C)
const DEFECT_C = 92

export function createChargingPile(spec: DeviceSpec, seed: number): DeviceModel {
  const offset = spec.utcOffsetMin ?? 480
  const nPorts = spec.ports ?? 10
  const init = rngFor(seed, spec.id, 'init')
  const supply: SupplyParams = {
    nominalV: uniform(init, 222, 232),
    utcOffsetMin: offset,
    seed: hashSeed(seed, spec.id, 'v'),
  }
  // class-0.5 meters: small gain errors keep feeder − Σ ports within the electronics' 60 W
  const feederMeter: MeterParams = {
    seed: hashSeed(seed, spec.id, 'feeder'),
    gainError: uniform(init, -0.003, 0.003),
    noisePct: 0.002,
    noiseFloorW: 0.5,
  }
  const portMeter = (port: number): MeterParams => ({
    seed: hashSeed(seed, spec.id, 'port-meter', port),
    gainError: 0,
    noisePct: 0.002,
    noiseFloorW: 0.1,
  })
  const electronics = pileElectronics({
    baseW: uniform(init, 8, 16),
    lightingW: uniform(init, 0, 20),
    utcOffsetMin: offset,
    lightsOnMinuteOfDay: intBetween(init, 17 * 60 + 30, 18 * 60 + 30),
    lightsOffMinuteOfDay: intBetween(init, 6 * 60, 7 * 60),
    seed: hashSeed(seed, spec.id, 'electronics'),
  })
  const leakBaseMA = uniform(init, 1.5, 5)
  const ports: PortState[] = Array.from({ length: nPorts }, (_, i) => newPort(i + 1))
  const injections: Injection[] = []
  const strays = new Map<Injection, LoadModel>()
  const sessionsByDay = new Map<number, ChargerParams[][]>()
  const pending: PortEvent[] = []
  const counter = new MessageCounter()
  const noise = rngFor(seed, spec.id, 'pile-noise')
  let energyKWh = round(uniform(init, 500, 20_000), 1)
  let lastT: number | undefined
  let lastFeederW = 0
  let ambientC: number | undefined

  function sessionsOn(day: number): ChargerParams[][] {
    let s = sessionsByDay.get(day)
    if (!s) {
      s = ports.map((p) => portSessionsForDay(seed, spec.id, p.port, day, offset))
      sessionsByDay.set(day, s)
      sessionsByDay.delete(day - 3)
    }
    return s
  }

  /** Sessions on a port starting in (from, to]; on the first step, any still running at `to`. */
  function plugIns(portIdx: number, from: number | undefined, to: number): ChargerParams[] {
    const day = localDay(to, offset)
    const all = [...(sessionsOn(day - 1)[portIdx] ?? []), ...(sessionsOn(day)[portIdx] ?? [])]
    return all.filter((s) => (from === undefined ? s.startMs <= to : s.startMs > from && s.startMs <= to))
  }

  function step(t: number): OutMessage[] {
    const prevT = lastT ?? t
    const out: OutMessage[] = []
    const outdoor = outdoorTempC(t, offset, seed)
    // a roofed shed: a little warmer than outside by day, plus the chargers' heat
    ambientC = outdoor + 3 * sunlight(t, offset) + 0.4 * ports.filter((p) => p.state === 'charging').length
    const portEvents: PortEvent[] = pending.splice(0)
    ports.forEach((p, idx) => {
      const defect = activeInjections(injections, t, 'port_overheat').find((i) => i.port === p.port)
      const heat = defect ? (defect.value ?? DEFECT_C) : undefined
      portEvents.push(...stepPort(p, prevT, t, ambientC ?? outdoor, plugIns(idx, lastT, t), heat))
    })
    for (const i of endedBetween(injections, prevT, t, 'port_overheat')) {
      const p = ports[(i.port ?? 1) - 1]
      if (p) portEvents.push(...resetPort(p))
    }
    for (const e of portEvents) out.push(makeEvent(counter, t, 'charging-pile', e.event, { ...e }))
    for (const _ of startedBetween(injections, prevT, t, 'smoke'))
      out.push(makeEvent(counter, t, 'charging-pile', 'smoke_detected'))
    for (const _ of endedBetween(injections, prevT, t, 'smoke'))
      out.push(makeEvent(counter, t, 'charging-pile', 'smoke_cleared'))

    const v = supplyVoltageV(t, supply)
    const portReadings: PilePort[] = ports.map((p) => {
      const r = meterReading(combineLoads([p.sample], v), v, t, portMeter(p.port))
      const port: PilePort = {
        port: p.port,
        state: p.state,
        powerW: round(r.powerW, 1),
        currentA: round(r.currentA, 2),
        energyWh: Math.round(p.session?.energyWh ?? 0),
      }
      if (p.tempC !== undefined) port.tempC = round(p.tempC + normal(noise, 0, 0.2), 1)
      return port
    })
    const samples: LoadSample[] = [...ports.map((p) => p.sample), electronics.at(t)]
    for (const i of activeInjections(injections, t, 'shed_stray_wire')) {
      let charger = strays.get(i)
      if (!charger) {
        charger = chargerSession(strayChargerParams(seed, spec.id, i.startMs))
        strays.set(i, charger)
      }
      samples.push(charger.at(t))
    }
    const feeder = meterReading(combineLoads(samples, v), v, t, feederMeter)
    if (lastT !== undefined && t > lastT) energyKWh += (lastFeederW * (t - lastT)) / 3.6e9
    lastFeederW = feeder.powerW

    const charging = ports.filter((p) => p.state === 'charging').length
    let leakageMA = leakBaseMA + 0.35 * charging + normal(noise, 0, 0.2)
    for (const i of activeInjections(injections, t, 'leakage_rise')) {
      // insulation breaking down: a ramp to the peak over the first third of the window
      const ramp = Math.min(1, (3 * (t - i.startMs)) / (i.endMs - i.startMs))
      leakageMA += ramp * ((i.value ?? 38) - leakBaseMA)
    }
    const smoke = activeInjections(injections, t, 'smoke').length > 0

    const reading: ChargingPileTelemetry = {
      ts: t,
      seq: counter.take(),
      kind: 'charging-pile',
      feeder: {
        voltageV: round(feeder.voltageV, 1),
        currentA: round(feeder.currentA, 2),
        powerW: round(feeder.powerW, 1),
        powerFactor: round(feeder.powerFactor, 2),
        energyKWh: round(energyKWh, 2),
        leakageMA: round(Math.max(0, leakageMA), 1),
      },
      ambientC: round(ambientC, 1),
      smoke,
      ports: portReadings,
    }
    out.push({ channel: 'telemetry', body: reading })
    lastT = t
    return out
  }

  function command(cmd: Command): CommandAck {
    if (cmd.name === 'ping') return ackOk(cmd)
    if (cmd.name !== 'stop_port' && cmd.name !== 'enable_port' && cmd.name !== 'disable_port') {
      return ackError(cmd, `unsupported command ${cmd.name}`)
    }
    const n = cmd.args['port']
    const p = typeof n === 'number' ? ports[n - 1] : undefined
    if (!p) return ackError(cmd, `no port ${String(n)}`)
    if (cmd.name === 'enable_port') {
      if (p.state === 'disabled') p.state = 'idle'
      return ackOk(cmd)
    }
    if (p.state === 'charging') pending.push(...endSession(p, 'remote_stop'))
    if (cmd.name === 'disable_port') p.state = 'disabled'
    return ackOk(cmd)
  }

  return {
    spec,
    step,
    inject: (i) => {
      injections.push(i)
    },
    command,
    get nextSeq() {
      return counter.next
    },
  }
}
