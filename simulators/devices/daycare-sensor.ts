// A room sensor in a community day-care centre: occupancy drives CO2 (mass balance with ventilation
// decay), temperature and humidity follow the season and the HVAC, PM2.5 infiltrates from outside.
import type { Command, CommandAck, DaycareSensorTelemetry } from '../../domain/protocol.ts'
import { outdoorHumidityPct, outdoorPm25, outdoorTempC, seasonIndex } from '../physics/climate.ts'
import { normal, type Rng, rngFor } from '../physics/random.ts'
import {
  ackError,
  ackOk,
  activeInjections,
  clamp,
  lag,
  localHour,
  localWeekday,
  MessageCounter,
  makeEvent,
  round,
  startedBetween,
} from './common.ts'
import type { DeviceModel, DeviceSpec, Injection, OutMessage } from './types.ts'

const OUTDOOR_CO2_PPM = 420
// sedentary older adult ≈ 0.0045 L/s CO2 = 0.0162 m³/h
const CO2_PER_PERSON_M3H = 0.0162
const ROOM_VOLUME_M3 = 160
// fresh-air units run during opening hours; at night only infiltration
const ACH_OPEN = 2.6
const ACH_CLOSED = 0.4
const ACH_FAILED = 0.25

/** Fraction of capacity present at a local hour on an open day (arrivals 8–9, departures 16:30–17:30). */
export function occupancyShape(h: number): number {
  if (h < 7.75 || h >= 17.75) return 0
  if (h < 9) return (h - 7.75) / 1.25
  if (h < 11.5) return 1
  // lunch in the dining room: fewer in the activity rooms
  if (h < 12.5) return 0.6
  if (h < 16.5) return 0.9
  return (0.9 * (17.75 - h)) / 1.25
}

export function createDaycareSensor(spec: DeviceSpec, seed: number): DeviceModel {
  const offset = spec.utcOffsetMin ?? 480
  const capacity = spec.capacity ?? 15
  const rng: Rng = rngFor(seed, spec.id, 'daycare')
  const injections: Injection[] = []
  const counter = new MessageCounter()
  let lastT: number | undefined
  let co2 = OUTDOOR_CO2_PPM + 30
  let tempC: number | undefined
  let humidity: number | undefined
  let pm25 = 12

  const isOpen = (t: number) => {
    const wd = localWeekday(t, offset)
    return wd >= 1 && wd <= 5
  }

  function occupancyAt(t: number): number {
    if (!isOpen(t)) return 0
    const base = capacity * occupancyShape(localHour(t, offset))
    if (base === 0) return 0
    return clamp(Math.round(base + normal(rng, 0, 1.2)), 0, capacity)
  }

  function step(t: number): OutMessage[] {
    const dtS = lastT === undefined ? 0 : (t - lastT) / 1000
    const prevT = lastT ?? t
    const out: OutMessage[] = []
    const h = localHour(t, offset)
    const open = isOpen(t) && h >= 7.5 && h < 18
    const season = seasonIndex(t, offset)

    let occupancy = occupancyAt(t)
    const spike = activeInjections(injections, t, 'co2_spike')
    let ach = open ? ACH_OPEN : ACH_CLOSED
    if (spike.length > 0) {
      // a crowded event with the fresh-air unit off
      ach = ACH_FAILED
      occupancy = Math.max(occupancy, Math.round(capacity * 1.6))
    }
    // CO2 mass balance: C → C_out + G·N/(ach·V), approached at rate ach
    const steady = OUTDOOR_CO2_PPM + (1e6 * CO2_PER_PERSON_M3H * occupancy) / (ach * ROOM_VOLUME_M3)
    co2 = lastT === undefined ? steady : lag(co2, steady, dtS, 3600 / ach)

    // summer cooling to 26 °C, winter heating to 20 °C while open. At night a room drifts towards outdoors,
    // but in the heating season the heat pump keeps a setback 3 °C below the day's setpoint: a centre's
    // rooms are not left to go cold, and a demo whose every room alarms as too cold each night teaches
    // people to ignore the air-quality alarm
    const outT = outdoorTempC(t, offset, seed)
    const setpoint = season > 0 ? 26 - 2 * (1 - season) : 20 + 2 * (1 + season)
    const drift = 0.6 * setpoint + 0.4 * outT
    const closedT = season > 0 ? drift : Math.max(setpoint - 3, drift)
    const targetT = (open ? setpoint : closedT) + 0.04 * occupancy
    tempC = tempC === undefined ? targetT : lag(tempC, targetT, dtS, 2400)
    const outRh = outdoorHumidityPct(t, offset)
    const targetRh = clamp((open ? 0.5 : 0.7) * outRh + 12 * season + 15 + 0.4 * occupancy, 20, 90)
    humidity = humidity === undefined ? targetRh : lag(humidity, targetRh, dtS, 3600)
    // infiltration ≈ 45 % of outdoor PM2.5, plus cooking near lunch
    const cooking = h >= 11.25 && h < 12.5 && open ? 12 : 0
    const targetPm = 0.45 * outdoorPm25(t, offset, seed) + cooking + 0.3 * occupancy
    pm25 = lastT === undefined ? targetPm : lag(pm25, targetPm, dtS, 1800)

    const room = spec.room
    for (const i of startedBetween(injections, prevT, t, 'emergency_call')) {
      out.push(makeEvent(counter, i.startMs, 'daycare-sensor', 'emergency_call', room ? { room } : {}))
    }
    for (const i of startedBetween(injections, prevT, t, 'fall_detected')) {
      const confidence = round(i.value ?? 0.9, 2)
      out.push(
        makeEvent(counter, i.startMs, 'daycare-sensor', 'fall_detected', {
          ...(room ? { room } : {}),
          confidence,
        }),
      )
    }
    for (const i of startedBetween(injections, prevT, t, 'door_after_hours')) {
      out.push(
        makeEvent(counter, i.startMs, 'daycare-sensor', 'door_open_after_hours', { door: 'main-entrance' }),
      )
    }

    const reading: DaycareSensorTelemetry = {
      ts: t,
      seq: counter.take(),
      kind: 'daycare-sensor',
      ...(room ? { room } : {}),
      tempC: round(tempC + normal(rng, 0, 0.1)),
      humidityPct: round(clamp(humidity + normal(rng, 0, 0.5), 0, 100)),
      co2Ppm: Math.round(Math.max(380, co2 + normal(rng, 0, 12))),
      pm25Ugm3: round(Math.max(0, pm25 + normal(rng, 0, 1.5))),
      occupancy,
    }
    out.push({ channel: 'telemetry', body: reading })
    lastT = t
    return out
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
