// What every simulated device model looks like to the fleet runner and the tests.
import type { Command, CommandAck, DeviceEvent, DeviceKind, Telemetry } from '../../domain/protocol.ts'

/** One device of a simulated estate: what the fleet needs to connect it and what the model needs. */
export interface DeviceSpec {
  id: string
  kind: DeviceKind
  siteId: string
  /** MQTT password; filled in from a devices file or by provisioning through the API */
  secret?: string
  name?: string
  reportIntervalS: number
  /** local time for day/night schedules, minutes east of UTC (Asia/Shanghai = 480) */
  utcOffsetMin?: number
  /** charging-pile: number of ports (10–12) */
  ports?: number
  /** circuit-monitor: breaker label, e.g. `B3-stairwell` */
  circuit?: string
  /** circuit-monitor: installed LED lighting on the circuit, W */
  lightsW?: number
  /** daycare-sensor: room name and how many people it holds at its busiest */
  room?: string
  capacity?: number
}

/** A scheduled abnormal condition, active on [startMs, endMs). */
export interface Injection {
  type: InjectionType
  startMs: number
  endMs: number
  /** charging-pile: the port affected */
  port?: number
  /** magnitude where one applies: peak leakage mA, failed module count, CO2 ppm target… */
  value?: number
}

export const INJECTION_TYPES = [
  // charging-pile
  'port_overheat',
  'smoke',
  'leakage_rise',
  'shed_stray_wire',
  // circuit-monitor
  'circuit_stray_wire',
  // outdoor-display
  'display_black',
  'display_frozen',
  'display_overheat',
  'fan_failure',
  'module_failure',
  'door_open',
  'supply_sag',
  // daycare-sensor
  'emergency_call',
  'fall_detected',
  'co2_spike',
  'door_after_hours',
] as const
export type InjectionType = (typeof INJECTION_TYPES)[number]

export type OutChannel = 'telemetry' | 'events'

/** One message a device publishes; `body.seq` is already assigned. */
export type OutMessage = { channel: 'telemetry'; body: Telemetry } | { channel: 'events'; body: DeviceEvent }

export interface DeviceModel {
  readonly spec: DeviceSpec
  /** Advances the model to `tMs` (non-decreasing) and returns its events, then its telemetry reading. */
  step(tMs: number): OutMessage[]
  /** Adds an abnormal condition; takes effect on the steps that fall inside its window. */
  inject(injection: Injection): void
  /** Applies a command from the service and returns the ack to publish. */
  command(cmd: Command): CommandAck
  /** The seq the next message will carry. */
  readonly nextSeq: number
}
