// The InfluxDB schema: the contract between ingest (writes), the API (queries) and Grafana dashboards.
//
// Tags come only from the registry (tenant, community, site, device) or from closed protocol enums
// validated before writing (port number, event name, device kind). Free device text (circuit, room,
// contentId, detail) is only ever stored as a string *field*, so it can never create series or points.
//
// Timestamps: ns precision, `ts * 1e6 + (seq mod 1e6)`. The ms part is the reading's `ts`; the sub-ms part
// carries `seq` so that two distinct messages with the same `ts` (two events in one ms) are two points,
// while a redelivered duplicate (same ts, same seq) overwrites itself: stored exactly once.
import type { DeviceKind } from './protocol.ts'

export const REGISTRY_TAGS = ['tenant', 'community', 'site', 'device'] as const
export type RegistryTags = Record<(typeof REGISTRY_TAGS)[number], string>

export const MEASUREMENT = {
  pile: 'pile',
  pilePort: 'pile_port',
  circuit: 'circuit',
  daycare: 'daycare',
  display: 'display',
  event: 'device_event',
  status: 'device_status',
  alert: 'alert_event',
} as const
export type Measurement = (typeof MEASUREMENT)[keyof typeof MEASUREMENT]

/** Every tag key written, by name (values: see the header comment and the per-measurement list below). */
export const TAG = {
  tenant: 'tenant',
  community: 'community',
  site: 'site',
  device: 'device',
  /** pile_port: the port number */
  port: 'port',
  /** device_event: the event name and the device kind (closed enums) */
  event: 'event',
  kind: 'kind',
  /** alert_event: the alert type and severity (closed enums, domain/alerts.ts) */
  type: 'type',
  severity: 'severity',
} as const
export type Tag = (typeof TAG)[keyof typeof TAG]

export type FieldType = 'float' | 'int' | 'bool' | 'string'

export interface FieldSpec {
  /** the payload field's path as in the protocol (`powerW`, `feeder.powerW`); also the InfluxDB field key */
  path: string
  type: FieldType
  /** true for per-port fields, stored in `pile_port` with a `port` tag */
  port?: boolean
  /** derived by ingest rather than sent by the device */
  derived?: boolean
}

export const MEASUREMENT_BY_KIND: Record<DeviceKind, string> = {
  'charging-pile': MEASUREMENT.pile,
  'circuit-monitor': MEASUREMENT.circuit,
  'daycare-sensor': MEASUREMENT.daycare,
  'outdoor-display': MEASUREMENT.display,
}

// generic so that each path keeps its literal type: `FieldPath` below turns a renamed field into a type error
// wherever a query names it (dashboards/)
const f = <const P extends string>(
  path: P,
  type: FieldType = 'float',
  extra: Partial<Pick<FieldSpec, 'port' | 'derived'>> = {},
): FieldSpec & { path: P } => ({
  path,
  type,
  ...extra,
})

const KIND_FIELDS = {
  'charging-pile': [
    f('seq', 'int'),
    f('feeder.voltageV'),
    f('feeder.currentA'),
    f('feeder.powerW'),
    f('feeder.powerFactor'),
    f('feeder.energyKWh'),
    f('feeder.leakageMA'),
    f('ambientC'),
    f('smoke', 'bool'),
    // derived: Σ ports[].powerW, number of ports charging, and feeder − Σ ports (unmetered shed load)
    f('portsPowerW', 'float', { derived: true }),
    f('portsCharging', 'int', { derived: true }),
    f('unmeteredW', 'float', { derived: true }),
    f('state', 'string', { port: true }),
    f('powerW', 'float', { port: true }),
    f('currentA', 'float', { port: true }),
    f('energyWh', 'float', { port: true }),
    f('tempC', 'float', { port: true }),
  ],
  'circuit-monitor': [
    f('seq', 'int'),
    f('circuit', 'string'),
    f('voltageV'),
    f('currentA'),
    f('powerW'),
    f('powerFactor'),
    f('currentThdPct'),
    f('energyKWh'),
  ],
  'daycare-sensor': [
    f('seq', 'int'),
    f('room', 'string'),
    f('tempC'),
    f('humidityPct'),
    f('co2Ppm'),
    f('pm25Ugm3'),
    f('occupancy', 'int'),
  ],
  'outdoor-display': [
    f('seq', 'int'),
    f('powerOn', 'bool'),
    f('screen', 'string'),
    f('brightnessPct'),
    f('cabinetTempC'),
    f('humidityPct'),
    f('supplyVoltageV'),
    f('fanOk', 'bool'),
    f('doorOpen', 'bool'),
    f('smoke', 'bool'),
    f('failedModules', 'int'),
    f('contentId', 'string'),
  ],
}

/** Every field ingest writes, per device kind. `seq` is stored on every telemetry point as an int. */
export const FIELDS_BY_KIND: Record<DeviceKind, readonly FieldSpec[]> = KIND_FIELDS
/** The field keys of a kind, as literal types. */
export type FieldPath<K extends DeviceKind> = (typeof KIND_FIELDS)[K][number]['path']

/** Looks up a queryable numeric field (`field`, with `port` for per-port fields) for a kind. */
export function findNumericField(kind: DeviceKind, path: string, port: boolean): FieldSpec | undefined {
  return FIELDS_BY_KIND[kind].find(
    (s) => s.path === path && Boolean(s.port) === port && (s.type === 'float' || s.type === 'int'),
  )
}

/** Fields of the `device_event` measurement (tags: registry tags + `kind` + `event`). */
const EVENT_FIELD_SPECS = [
  f('seq', 'int'),
  f('port', 'int'),
  f('code', 'string'),
  f('reason', 'string'),
  f('detail', 'string'),
  f('room', 'string'),
  f('door', 'string'),
  f('confidence'),
  f('energyWh'),
  f('modules', 'int'),
  /** the whole validated payload as JSON, so no event field is ever lost */
  f('payload', 'string'),
]
export const EVENT_FIELDS: readonly FieldSpec[] = EVENT_FIELD_SPECS
export type EventFieldPath = (typeof EVENT_FIELD_SPECS)[number]['path']

/** Fields of `device_status` (tags: registry tags): `online` bool, `source` string (`device`, `will`, `broker`). */
const STATUS_FIELD_SPECS = [f('online', 'bool'), f('source', 'string')]
export const STATUS_FIELDS: readonly FieldSpec[] = STATUS_FIELD_SPECS
export type StatusFieldPath = (typeof STATUS_FIELD_SPECS)[number]['path']

/**
 * Fields of `alert_event`, written by alerts/annotations.ts for Grafana annotations (tags: tenant, community,
 * site, device, `type`, `severity`). `kind` is the transition (`raised`, `cleared`…), `value` the reading
 * that caused it, `by` the person for people's changes.
 */
const ALERT_EVENT_FIELD_SPECS = [
  f('state', 'string'),
  f('kind', 'string'),
  f('alertId', 'string'),
  f('message', 'string'),
  f('count', 'int'),
  f('port', 'int'),
  f('value'),
  f('by', 'string'),
]
export const ALERT_EVENT_FIELDS: readonly FieldSpec[] = ALERT_EVENT_FIELD_SPECS
export type AlertEventFieldPath = (typeof ALERT_EVENT_FIELD_SPECS)[number]['path']

/** The tag keys of each measurement. */
export const TAGS_BY_MEASUREMENT: Record<Measurement, readonly Tag[]> = {
  [MEASUREMENT.pile]: REGISTRY_TAGS,
  [MEASUREMENT.pilePort]: [...REGISTRY_TAGS, TAG.port],
  [MEASUREMENT.circuit]: REGISTRY_TAGS,
  [MEASUREMENT.daycare]: REGISTRY_TAGS,
  [MEASUREMENT.display]: REGISTRY_TAGS,
  [MEASUREMENT.event]: [...REGISTRY_TAGS, TAG.event, TAG.kind],
  [MEASUREMENT.status]: REGISTRY_TAGS,
  [MEASUREMENT.alert]: [...REGISTRY_TAGS, TAG.type, TAG.severity],
}

/** The field specs of each measurement (a pile's per-port fields live in `pile_port`). */
export const FIELDS_BY_MEASUREMENT: Record<Measurement, readonly FieldSpec[]> = {
  [MEASUREMENT.pile]: FIELDS_BY_KIND['charging-pile'].filter((s) => !s.port),
  [MEASUREMENT.pilePort]: FIELDS_BY_KIND['charging-pile'].filter((s) => s.port),
  [MEASUREMENT.circuit]: FIELDS_BY_KIND['circuit-monitor'],
  [MEASUREMENT.daycare]: FIELDS_BY_KIND['daycare-sensor'],
  [MEASUREMENT.display]: FIELDS_BY_KIND['outdoor-display'],
  [MEASUREMENT.event]: EVENT_FIELDS,
  [MEASUREMENT.status]: STATUS_FIELDS,
  [MEASUREMENT.alert]: ALERT_EVENT_FIELDS,
}

/** ns timestamp string for a reading: see the header comment. */
export function pointTimestampNs(tsMs: number, seq: number): string {
  const sub = seq % 1_000_000
  return `${tsMs}${String(sub).padStart(6, '0')}`
}
