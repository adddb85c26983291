// Decoded message + registry tags → InfluxDB line protocol, per domain/storage.ts.
// Pure. Tags come only from the registry and closed, validated enums (port number, kind, event name):
// device text (circuit, room, contentId, detail) is only ever a string field, so it cannot make a series.
// Field types are fixed by the storage schema, never guessed from the value: a float that happens to be
// whole (`42`) is still written as a float, so a field's type never flips.
import type { DecodedMessage } from '../domain/decode-message.ts'
import type { ChargingPileTelemetry, DeviceEvent, DeviceKind, Telemetry } from '../domain/protocol.ts'
import {
  EVENT_FIELDS,
  FIELDS_BY_KIND,
  type FieldType,
  MEASUREMENT,
  MEASUREMENT_BY_KIND,
  pointTimestampNs,
  type RegistryTags,
} from '../domain/storage.ts'
import { escapeFieldKey, escapeMeasurement, seriesKey, stringField } from '../influx/index.ts'

interface CompiledField {
  /** escaped field key followed by `=` */
  keyEq: string
  parts: string[]
  type: FieldType
}

const compile = (path: string, type: FieldType): CompiledField => ({
  keyEq: `${escapeFieldKey(path)}=`,
  parts: path.split('.'),
  type,
})

const DEVICE_FIELDS = Object.fromEntries(
  Object.entries(FIELDS_BY_KIND).map(([kind, specs]) => [
    kind,
    specs.filter((s) => !s.port && !s.derived).map((s) => compile(s.path, s.type)),
  ]),
) as Record<DeviceKind, CompiledField[]>

const PORT_FIELDS = FIELDS_BY_KIND['charging-pile'].filter((s) => s.port).map((s) => compile(s.path, s.type))

// `payload` is written separately (the whole JSON); the rest are read from the event
const EVENT_FIELD_LIST = EVENT_FIELDS.filter((s) => s.path !== 'payload').map((s) => compile(s.path, s.type))

/** A device's registry tags as an escaped, sorted tag set (`,community=…,device=…,site=…,tenant=…`). */
export function registryTagSet(tags: RegistryTags): string {
  // seriesKey with an empty-named measurement would throw; build with a placeholder and strip it
  return seriesKey('x', tags).slice(1)
}

/** Formats `value` as `type`, or undefined when the value does not have that type (field then omitted). */
function formatValue(value: unknown, type: FieldType): string | undefined {
  switch (type) {
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value) ? `${value}i` : undefined
    case 'bool':
      return typeof value === 'boolean' ? (value ? 'true' : 'false') : undefined
    case 'string':
      return typeof value === 'string' ? stringField(value) : undefined
  }
}

function lookup(obj: unknown, parts: string[]): unknown {
  let v = obj
  for (let i = 0; i < parts.length; i++) {
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<string, unknown>)[parts[i]!]
  }
  return v
}

function fieldSet(obj: unknown, fields: CompiledField[]): string {
  let out = ''
  for (const f of fields) {
    const s = formatValue(lookup(obj, f.parts), f.type)
    if (s === undefined) continue
    out += out.length === 0 ? f.keyEq + s : `,${f.keyEq}${s}`
  }
  return out
}

const M_PILE = escapeMeasurement(MEASUREMENT.pile)
const M_PORT = escapeMeasurement(MEASUREMENT.pilePort)
const M_EVENT = escapeMeasurement(MEASUREMENT.event)
const M_STATUS = escapeMeasurement(MEASUREMENT.status)
const M_BY_KIND = Object.fromEntries(
  Object.entries(MEASUREMENT_BY_KIND).map(([k, m]) => [k, escapeMeasurement(m)]),
) as Record<DeviceKind, string>

/**
 * Writes the port points of a pile reading and returns its derived fields (`,portsPowerW=…`). A device
 * may omit any field (protocol: Common fields), so a derived field is written only when every input it
 * needs is there: a sum over ports with one port unmetered would be wrong, not merely incomplete.
 */
function pileDerived(r: ChargingPileTelemetry, tagSet: string, ts: string, out: string[]): string {
  if (r.ports === undefined) return ''
  let portsPowerW: number | undefined = 0
  let portsCharging: number | undefined = 0
  for (const p of r.ports) {
    if (portsPowerW !== undefined) portsPowerW = p.powerW === undefined ? undefined : portsPowerW + p.powerW
    if (portsCharging !== undefined)
      portsCharging = p.state === undefined ? undefined : portsCharging + (p.state === 'charging' ? 1 : 0)
    const pf = fieldSet(p, PORT_FIELDS)
    // the port number is a validated integer 1–64: safe as a tag
    if (pf.length > 0) out.push(`${M_PORT}${tagSet},port=${p.port} ${pf} ${ts}`)
  }
  let derived = ''
  if (portsPowerW !== undefined) derived += `,portsPowerW=${String(portsPowerW)}`
  if (portsCharging !== undefined) derived += `,portsCharging=${portsCharging}i`
  const feederW = r.feeder?.powerW
  if (portsPowerW !== undefined && feederW !== undefined && Number.isFinite(feederW - portsPowerW))
    derived += `,unmeteredW=${String(feederW - portsPowerW)}`
  return derived
}

function encodeTelemetry(kind: DeviceKind, r: Telemetry, tagSet: string, out: string[]): void {
  const ts = pointTimestampNs(r.ts, r.seq)
  const fields = fieldSet(r, DEVICE_FIELDS[kind])
  if (r.kind === 'charging-pile') {
    out.push(`${M_PILE}${tagSet} ${fields}${pileDerived(r, tagSet, ts, out)} ${ts}`)
    return
  }
  out.push(`${M_BY_KIND[kind]}${tagSet} ${fields} ${ts}`)
}

function encodeEvent(kind: DeviceKind, e: DeviceEvent, tagSet: string, out: string[]): void {
  let fields = fieldSet(e, EVENT_FIELD_LIST)
  fields += `${fields.length > 0 ? ',' : ''}payload=${stringField(JSON.stringify(e))}`
  // kind and event are closed enums checked by the decoder: safe as tags (InfluxDB sorts tags itself)
  out.push(`${M_EVENT}${tagSet},event=${e.event},kind=${kind} ${fields} ${pointTimestampNs(e.ts, e.seq)}`)
}

/**
 * Appends the line protocol lines for `msg` to `out` and returns how many were added. `tagSet` is from
 * `registryTagSet` (cache it per device); `arrivalMs` timestamps messages that carry no `ts` (status).
 */
export function encodePoints(msg: DecodedMessage, tagSet: string, arrivalMs: number, out: string[]): number {
  const before = out.length
  switch (msg.type) {
    case 'telemetry':
      encodeTelemetry(msg.kind, msg.reading, tagSet, out)
      break
    case 'event':
      encodeEvent(msg.kind, msg.event, tagSet, out)
      break
    case 'status':
      // source is a closed enum (domain/topics.ts): no escaping needed
      out.push(
        `${M_STATUS}${tagSet} online=${msg.online},source="${msg.source}" ${Math.trunc(arrivalMs)}000000`,
      )
      break
    case 'command_ack':
      // counted by ingest, not stored: the API correlates acks itself over MQTT
      break
  }
  return out.length - before
}
