// Protocol v1 payload schemas (docs/protocol.md). One definition of each payload: its static type,
// the ingest validator, the API schemas and the docs all derive from these.
import Type, { type Static, type TProperties, type TSchema } from 'typebox'

export const DEVICE_KINDS = ['charging-pile', 'circuit-monitor', 'daycare-sensor', 'outdoor-display'] as const
export type DeviceKind = (typeof DEVICE_KINDS)[number]

/** protocol: `deviceId`: 3–64 characters of `[A-Za-z0-9_-]`. */
export const DEVICE_ID_PATTERN = '^[A-Za-z0-9_-]{3,64}$'
export const DEVICE_ID_RE = /^[A-Za-z0-9_-]{3,64}$/

/** protocol: telemetry payload is JSON, UTF-8, ≤ 16 KiB. */
export const MAX_PAYLOAD_BYTES = 16 * 1024
/** protocol: readings more than 5 minutes in the future or older than 30 days are rejected. */
export const MAX_FUTURE_MS = 5 * 60_000
export const MAX_AGE_MS = 30 * 24 * 3600_000

// Numbers are finite JSON numbers (TypeBox rejects NaN/±Infinity by default). The bound keeps absurd
// values (1e300 W) out of the store; no reading in this domain comes near it.
const LIMIT = 1e9
const num = (opts: { minimum?: number; maximum?: number; description?: string } = {}) =>
  Type.Number({ minimum: -LIMIT, maximum: LIMIT, ...opts })
const nonNeg = (description?: string) => num({ minimum: 0, description })
const pct = (description?: string) => num({ minimum: 0, maximum: 100, description })
const int = (opts: { minimum?: number; maximum?: number; description?: string } = {}) =>
  Type.Integer({ minimum: -LIMIT, maximum: LIMIT, ...opts })
const text = (maxLength = 128, description?: string) => Type.String({ maxLength, description })

// protocol: every telemetry and event payload carries `ts`, `seq` and `kind`; "a field that a device does
// not have is omitted". So nothing else in a reading is required: a circuit monitor without a voltage
// sensor, a pile without a feeder meter or per-port meters, a display card that cannot see the screen
// all send valid readings. Only a port entry's `port` stays required: without it the entry says nothing.
const common = {
  ts: Type.Integer({
    minimum: 0,
    maximum: 8_640_000_000_000_000,
    description: 'reading time, ms since epoch',
  }),
  seq: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'per-device counter' }),
}

export const PORT_STATES = ['idle', 'charging', 'full', 'fault', 'disabled'] as const

export const PileFeeder = Type.Object(
  {
    voltageV: Type.Optional(num()),
    currentA: Type.Optional(num()),
    powerW: Type.Optional(num()),
    powerFactor: Type.Optional(num({ minimum: -1, maximum: 1 })),
    energyKWh: Type.Optional(num()),
    leakageMA: Type.Optional(nonNeg()),
  },
  { additionalProperties: true },
)

export const PilePort = Type.Object(
  {
    port: Type.Integer({ minimum: 1, maximum: 64 }),
    state: Type.Optional(Type.Enum(PORT_STATES)),
    powerW: Type.Optional(num()),
    currentA: Type.Optional(num()),
    energyWh: Type.Optional(num()),
    tempC: Type.Optional(num({ minimum: -100, maximum: 500 })),
  },
  { additionalProperties: true },
)

export const ChargingPileTelemetry = Type.Object(
  {
    ...common,
    kind: Type.Literal('charging-pile'),
    feeder: Type.Optional(PileFeeder),
    ambientC: Type.Optional(num({ minimum: -100, maximum: 500 })),
    smoke: Type.Optional(Type.Boolean()),
    ports: Type.Optional(Type.Array(PilePort, { maxItems: 64 })),
  },
  { additionalProperties: true },
)

export const CircuitMonitorTelemetry = Type.Object(
  {
    ...common,
    kind: Type.Literal('circuit-monitor'),
    circuit: Type.Optional(text(64)),
    voltageV: Type.Optional(num()),
    currentA: Type.Optional(num()),
    powerW: Type.Optional(num()),
    powerFactor: Type.Optional(num({ minimum: -1, maximum: 1 })),
    currentThdPct: Type.Optional(nonNeg()),
    energyKWh: Type.Optional(num()),
  },
  { additionalProperties: true },
)

export const DaycareSensorTelemetry = Type.Object(
  {
    ...common,
    kind: Type.Literal('daycare-sensor'),
    room: Type.Optional(text(64)),
    tempC: Type.Optional(num({ minimum: -100, maximum: 200 })),
    humidityPct: Type.Optional(pct()),
    co2Ppm: Type.Optional(nonNeg()),
    pm25Ugm3: Type.Optional(nonNeg()),
    occupancy: Type.Optional(int({ minimum: 0 })),
  },
  { additionalProperties: true },
)

export const SCREEN_STATES = ['playing', 'black', 'frozen', 'off'] as const

export const OutdoorDisplayTelemetry = Type.Object(
  {
    ...common,
    kind: Type.Literal('outdoor-display'),
    powerOn: Type.Optional(Type.Boolean()),
    screen: Type.Optional(Type.Enum(SCREEN_STATES)),
    brightnessPct: Type.Optional(pct()),
    cabinetTempC: Type.Optional(num({ minimum: -100, maximum: 300 })),
    humidityPct: Type.Optional(pct()),
    supplyVoltageV: Type.Optional(num()),
    fanOk: Type.Optional(Type.Boolean()),
    doorOpen: Type.Optional(Type.Boolean()),
    smoke: Type.Optional(Type.Boolean()),
    failedModules: Type.Optional(int({ minimum: 0 })),
    contentId: Type.Optional(text(128)),
  },
  { additionalProperties: true },
)

export const Telemetry = Type.Union([
  ChargingPileTelemetry,
  CircuitMonitorTelemetry,
  DaycareSensorTelemetry,
  OutdoorDisplayTelemetry,
])

export type ChargingPileTelemetry = Static<typeof ChargingPileTelemetry>
export type CircuitMonitorTelemetry = Static<typeof CircuitMonitorTelemetry>
export type DaycareSensorTelemetry = Static<typeof DaycareSensorTelemetry>
export type OutdoorDisplayTelemetry = Static<typeof OutdoorDisplayTelemetry>
export type Telemetry = Static<typeof Telemetry>
export type PilePort = Static<typeof PilePort>

export const TELEMETRY_BY_KIND: Record<DeviceKind, TSchema> = {
  'charging-pile': ChargingPileTelemetry,
  'circuit-monitor': CircuitMonitorTelemetry,
  'daycare-sensor': DaycareSensorTelemetry,
  'outdoor-display': OutdoorDisplayTelemetry,
}

// ---- Events -----------------------------------------------------------------------------------------

export const PORT_FAULT_CODES = [
  'over_temperature',
  'over_current',
  'short_circuit',
  'leakage',
  'relay_stuck',
  'meter_error',
] as const
export const SESSION_END_REASONS = ['full', 'unplugged', 'fault', 'remote_stop', 'timeout'] as const

// Generic so each event keeps its literal `event`/`kind` and extra fields in the static type.
// biome-ignore lint/complexity/noBannedTypes: `{}` is the empty property set, the default for `extra`
function eventBase<const K extends DeviceKind, const E extends string, X extends TProperties = {}>(
  kind: K | readonly K[],
  event: E,
  extra: X = {} as X,
) {
  return Type.Object(
    {
      ...common,
      kind: typeof kind === 'string' ? Type.Literal(kind) : Type.Enum(kind),
      event: Type.Literal(event),
      detail: Type.Optional(text(512)),
      ...extra,
    },
    { additionalProperties: true },
  )
}

const portNo = Type.Integer({ minimum: 1, maximum: 64 })
const faultCode = Type.Enum(PORT_FAULT_CODES)

/** Every event of protocol v1, keyed by `event` name. */
export const EVENT_SCHEMAS = {
  port_fault: eventBase('charging-pile', 'port_fault', { port: portNo, code: faultCode }),
  port_fault_cleared: eventBase('charging-pile', 'port_fault_cleared', { port: portNo, code: faultCode }),
  session_started: eventBase('charging-pile', 'session_started', { port: portNo }),
  session_ended: eventBase('charging-pile', 'session_ended', {
    port: portNo,
    energyWh: Type.Optional(num()),
    reason: Type.Optional(Type.Enum(SESSION_END_REASONS)),
  }),
  smoke_detected: eventBase('charging-pile', 'smoke_detected'),
  smoke_cleared: eventBase('charging-pile', 'smoke_cleared'),
  emergency_call: eventBase('daycare-sensor', 'emergency_call', { room: Type.Optional(text(64)) }),
  fall_detected: eventBase('daycare-sensor', 'fall_detected', {
    room: Type.Optional(text(64)),
    confidence: Type.Optional(num({ minimum: 0, maximum: 1 })),
  }),
  door_open_after_hours: eventBase('daycare-sensor', 'door_open_after_hours', {
    door: Type.Optional(text(64)),
  }),
  door_opened: eventBase('outdoor-display', 'door_opened'),
  door_closed: eventBase('outdoor-display', 'door_closed'),
  module_failure: eventBase('outdoor-display', 'module_failure', {
    modules: Type.Optional(int({ minimum: 0 })),
  }),
  reboot: eventBase(DEVICE_KINDS, 'reboot', { reason: Type.Optional(text(128)) }),
} as const

export type EventName = keyof typeof EVENT_SCHEMAS
export const EVENT_NAMES = Object.keys(EVENT_SCHEMAS) as EventName[]
export type DeviceEvent = { [K in EventName]: Static<(typeof EVENT_SCHEMAS)[K]> }[EventName]
export const DeviceEvent = Type.Union(Object.values(EVENT_SCHEMAS))

// ---- Status, commands, acks -------------------------------------------------------------------------

export const STATUS_VALUES = ['online', 'offline'] as const
export type DeviceStatus = (typeof STATUS_VALUES)[number]

export const COMMAND_NAMES = [
  'stop_port',
  'enable_port',
  'disable_port',
  'set_power',
  'set_brightness',
  'ping',
] as const
export type CommandName = (typeof COMMAND_NAMES)[number]

/** Which kinds accept which command (protocol: Commands table). */
export const COMMANDS_BY_KIND: Record<DeviceKind, readonly CommandName[]> = {
  'charging-pile': ['stop_port', 'enable_port', 'disable_port', 'ping'],
  'circuit-monitor': ['ping'],
  'daycare-sensor': ['ping'],
  'outdoor-display': ['set_power', 'set_brightness', 'ping'],
}

export const COMMAND_ARGS = {
  stop_port: Type.Object({ port: portNo, reason: Type.Optional(text(256)) }, { additionalProperties: false }),
  enable_port: Type.Object({ port: portNo }, { additionalProperties: false }),
  disable_port: Type.Object({ port: portNo }, { additionalProperties: false }),
  set_power: Type.Object({ on: Type.Boolean() }, { additionalProperties: false }),
  set_brightness: Type.Object(
    { pct: Type.Number({ minimum: 0, maximum: 100 }) },
    { additionalProperties: false },
  ),
  ping: Type.Object({}, { additionalProperties: false }),
} as const satisfies Record<CommandName, TSchema>

export const Command = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  name: Type.Enum(COMMAND_NAMES),
  args: Type.Record(Type.String(), Type.Unknown()),
  // v1.1 (protocol: Commands): optional, since a v1.0 sender leaves them out
  /** epoch ms, when the service issued it */
  ts: Type.Optional(Type.Integer({ minimum: 0 })),
  /** epoch ms after which the device must not run it */
  expiresAt: Type.Optional(Type.Integer({ minimum: 0 })),
})
export type Command = Static<typeof Command>

export const CommandAck = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    ok: Type.Boolean(),
    error: Type.Optional(text(512)),
  },
  { additionalProperties: true },
)
export type CommandAck = Static<typeof CommandAck>

/** The ack of a device that knows v1.1 to a command whose `expiresAt` has passed: not run, and says why. */
export function expiredCommandAck(cmd: Command, now: number): CommandAck | undefined {
  if (cmd.expiresAt === undefined || now <= cmd.expiresAt) return undefined
  return { id: cmd.id, ok: false, error: 'expired' }
}
