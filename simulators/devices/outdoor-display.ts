// An outdoor LED screen's monitoring card: on during operating hours, brightness follows daylight,
// the cabinet warms with sun and brightness and is cooled by its fans.
import type { Command, CommandAck, OutdoorDisplayTelemetry, SCREEN_STATES } from '../../domain/protocol.ts'
import { outdoorHumidityPct, outdoorTempC, sunlight } from '../physics/climate.ts'
import { normal, rngFor } from '../physics/random.ts'
import {
  ackError,
  ackOk,
  activeInjections,
  clamp,
  endedBetween,
  lag,
  localHour,
  MessageCounter,
  makeEvent,
  round,
  startedBetween,
} from './common.ts'
import type { DeviceModel, DeviceSpec, Injection, OutMessage } from './types.ts'

// operating hours of a community notice screen
const ON_HOUR = 6.5
const OFF_HOUR = 22.5
const PLAYLIST = ['policy-2025-11', 'ebike-fire-safety', 'community-news', 'health-checkup', 'weather']
// cabinet time constant: a steel cabinet with a few hundred W inside
const CABINET_TAU_S = 1200

export function createOutdoorDisplay(spec: DeviceSpec, seed: number): DeviceModel {
  const offset = spec.utcOffsetMin ?? 480
  const rng = rngFor(seed, spec.id, 'display')
  const injections: Injection[] = []
  const counter = new MessageCounter()
  let lastT: number | undefined
  let cabinetC: number | undefined
  let powerOverride: boolean | undefined
  let brightnessOverride: number | undefined
  let frozenContent: string | undefined

  function step(t: number): OutMessage[] {
    const prevT = lastT ?? t
    const dtS = lastT === undefined ? 0 : (t - lastT) / 1000
    const out: OutMessage[] = []
    const h = localHour(t, offset)
    const sun = sunlight(t, offset)
    const scheduledOn = h >= ON_HOUR && h < OFF_HOUR
    const powerOn = powerOverride ?? scheduledOn

    // daylight needs full brightness to be readable; at night 30–40 % avoids glare complaints
    const autoBrightness = Math.round(clamp(35 + 65 * sun, 0, 100))
    const brightnessPct = powerOn ? (brightnessOverride ?? autoBrightness) : 0

    const fanFailed = activeInjections(injections, t, 'fan_failure').length > 0
    const overheat = activeInjections(injections, t, 'display_overheat').length > 0
    const ambient = outdoorTempC(t, offset, seed)
    // solar gain on the cabinet up to +14 °C; LED modules and PSUs up to +9 °C at full brightness
    let target = ambient + 14 * sun + 0.09 * brightnessPct + (powerOn ? 3 : 0)
    if (fanFailed) target += 12
    if (overheat) target += 30
    cabinetC = cabinetC === undefined ? target : lag(cabinetC, target, dtS, CABINET_TAU_S)

    let screen: (typeof SCREEN_STATES)[number] = powerOn ? 'playing' : 'off'
    if (powerOn && activeInjections(injections, t, 'display_black').length > 0) screen = 'black'
    const frozen = powerOn && activeInjections(injections, t, 'display_frozen').length > 0
    // a new item every 15 minutes
    const slot = Math.floor(t / 900_000)
    let contentId = PLAYLIST[slot % PLAYLIST.length] as string
    if (frozen) {
      screen = 'frozen'
      frozenContent ??= contentId
      contentId = frozenContent
    } else {
      frozenContent = undefined
    }

    const modules = activeInjections(injections, t, 'module_failure')
    const failedModules = modules.reduce((n, i) => n + (i.value ?? 1), 0)
    for (const i of startedBetween(injections, prevT, t, 'module_failure')) {
      out.push(makeEvent(counter, i.startMs, 'outdoor-display', 'module_failure', { modules: i.value ?? 1 }))
    }
    for (const i of startedBetween(injections, prevT, t, 'door_open')) {
      out.push(makeEvent(counter, i.startMs, 'outdoor-display', 'door_opened'))
    }
    for (const i of endedBetween(injections, prevT, t, 'door_open')) {
      out.push(makeEvent(counter, i.endMs, 'outdoor-display', 'door_closed'))
    }
    const doorOpen = activeInjections(injections, t, 'door_open').length > 0
    const sag = activeInjections(injections, t, 'supply_sag')[0]

    const reading: OutdoorDisplayTelemetry = {
      ts: t,
      seq: counter.take(),
      kind: 'outdoor-display',
      powerOn,
      screen,
      brightnessPct,
      cabinetTempC: round(cabinetC + normal(rng, 0, 0.15)),
      humidityPct: round(clamp(outdoorHumidityPct(t, offset) - 0.8 * (cabinetC - ambient), 5, 100)),
      supplyVoltageV: round((sag?.value ?? 5.0) + normal(rng, 0, 0.02), 2),
      fanOk: !fanFailed,
      doorOpen,
      smoke: false,
      failedModules,
      contentId,
    }
    out.push({ channel: 'telemetry', body: reading })
    lastT = t
    return out
  }

  function command(cmd: Command): CommandAck {
    switch (cmd.name) {
      case 'ping':
        return ackOk(cmd)
      case 'set_power':
        if (typeof cmd.args['on'] !== 'boolean') return ackError(cmd, 'args.on must be a boolean')
        powerOverride = cmd.args['on']
        return ackOk(cmd)
      case 'set_brightness': {
        const pct = cmd.args['pct']
        if (typeof pct !== 'number' || !(pct >= 0 && pct <= 100))
          return ackError(cmd, 'args.pct must be 0–100')
        brightnessOverride = Math.round(pct)
        return ackOk(cmd)
      }
      default:
        return ackError(cmd, `unsupported command ${cmd.name}`)
    }
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
