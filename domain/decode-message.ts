// Decodes one device publish (protocol v1) into a typed message or a stable rejection reason.
// Pure: no I/O, no clock of its own; shared by ingest, the API's live feed and the alert engine.
// The hot path is one JSON.parse and one compiled TypeBox check; errors are only collected on failure.
import { isUtf8 } from 'node:buffer'
import { Compile } from 'typebox/compile'
import {
  CommandAck,
  type CommandAck as CommandAckT,
  DEVICE_KINDS,
  type DeviceEvent,
  type DeviceKind,
  EVENT_SCHEMAS,
  type EventName,
  MAX_AGE_MS,
  MAX_FUTURE_MS,
  MAX_PAYLOAD_BYTES,
  TELEMETRY_BY_KIND,
  type Telemetry,
} from './protocol.ts'
import { BROKER_STATUS_CHANNELS, parseDeviceTopic, type StatusSource } from './topics.ts'

export const DECODE_REASONS = [
  'unknown_topic',
  'unknown_device',
  'payload_too_large',
  'invalid_utf8',
  'invalid_json',
  'too_deep',
  'schema',
  'kind_mismatch',
  'ts_future',
  'ts_too_old',
  'invalid_status',
] as const
export type DecodeReason = (typeof DECODE_REASONS)[number]

export type DecodedMessage =
  | { type: 'telemetry'; deviceId: string; kind: DeviceKind; reading: Telemetry }
  | { type: 'event'; deviceId: string; kind: DeviceKind; event: DeviceEvent }
  | { type: 'status'; deviceId: string; online: boolean; source: StatusSource }
  | { type: 'command_ack'; deviceId: string; ack: CommandAckT }

export type DecodeResult =
  | { ok: true; value: DecodedMessage }
  /** `deviceId` is set whenever the topic named one, so rejections can be counted per device */
  | { ok: false; reason: DecodeReason; detail: string; deviceId?: string }

type Validator = ReturnType<typeof Compile>

const TELEMETRY_VALIDATORS = Object.fromEntries(
  DEVICE_KINDS.map((k) => [k, Compile(TELEMETRY_BY_KIND[k])]),
) as Record<DeviceKind, Validator>

const EVENT_VALIDATORS = new Map<string, Validator>(
  Object.entries(EVENT_SCHEMAS).map(([name, schema]) => [name, Compile(schema)]),
)

/** Which kinds may send which event (protocol: Events table; `reboot` is for any kind). */
export const EVENT_KINDS: Record<EventName, readonly DeviceKind[]> = Object.fromEntries(
  Object.entries(EVENT_SCHEMAS).map(([name, schema]) => {
    const kind = schema.properties.kind as { const?: DeviceKind; enum?: DeviceKind[] }
    return [name, kind.const !== undefined ? [kind.const] : (kind.enum ?? [])]
  }),
) as unknown as Record<EventName, readonly DeviceKind[]>

const ACK_VALIDATOR = Compile(CommandAck)

const fail = (reason: DecodeReason, detail: string, deviceId?: string): DecodeResult => ({
  ok: false,
  reason,
  detail,
  deviceId,
})

function firstError(v: Validator, value: unknown): string {
  const e = v.Errors(value)[0]
  if (!e) return 'invalid'
  const path = e.instancePath || '/'
  const required = (e.params as { requiredProperties?: string[] }).requiredProperties
  return required ? `${path}: missing ${required.join(', ')}` : `${path}: ${e.message}`
}

function byteLength(payload: Uint8Array | string): number {
  // a string's UTF-8 size is at least its length and at most 3× it: only count when it could matter
  if (typeof payload !== 'string') return payload.byteLength
  return payload.length * 3 <= MAX_PAYLOAD_BYTES ? payload.length : Buffer.byteLength(payload)
}

/** The payload as text, or undefined where its bytes are no UTF-8 (the protocol's encoding). */
function toText(payload: Uint8Array | string): string | undefined {
  if (typeof payload === 'string') return payload
  // Buffer.from(buffer) would copy: view the same memory instead
  const buf = Buffer.isBuffer(payload)
    ? payload
    : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
  // toString would turn bad bytes into U+FFFD and store them as if the device had sent that
  return isUtf8(buf) ? buf.toString('utf8') : undefined
}

/**
 * Nesting deeper than this is refused. The protocol's deepest is 3 (a port's fields), but devices may send
 * fields of their own, which events keep; what they may not send is nesting that overflows the stack of
 * a recursive reader further on (JSON.stringify, socket.io's encoder and structuredClone overflow at a
 * few thousand levels, fewer on a deeper stack).
 */
export const MAX_JSON_DEPTH = 1000

/** Deeper than `max` outside strings. Only text longer than 2 × max can be (each level takes `[` and `]`). */
function nestedDeeperThan(text: string, max: number): boolean {
  if (text.length <= 2 * max) return false
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // a backslash escapes the next character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return false
}

/** Marks parseJsonObject's refusals: no key of a parsed payload is a symbol (an ack's own `ok` is a key). */
const REFUSED = Symbol('refused')
type Refused = { [REFUSED]: DecodeResult }

function parseJsonObject(payload: Uint8Array | string, deviceId: string): Record<string, unknown> | Refused {
  const refuse = (reason: DecodeReason, detail: string): Refused => ({
    [REFUSED]: fail(reason, detail, deviceId),
  })
  const text = toText(payload)
  if (text === undefined) return refuse('invalid_utf8', 'the payload is not valid UTF-8')
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    return refuse('invalid_json', (err as Error).message)
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return refuse('invalid_json', 'not a JSON object')
  // checked once it parsed: a broken payload gets JSON's own message
  if (nestedDeeperThan(text, MAX_JSON_DEPTH))
    return refuse('too_deep', `nested deeper than ${MAX_JSON_DEPTH} levels`)
  return value as Record<string, unknown>
}

/** A pile's ports each once: a port listed twice would be stored once and summed twice. */
function repeatedPort(reading: Telemetry): string | undefined {
  const ports = (reading as { ports?: readonly { port: number }[] }).ports
  if (!ports || ports.length < 2) return undefined
  for (let i = 1; i < ports.length; i++)
    for (let j = 0; j < i; j++)
      if (ports[j]!.port === ports[i]!.port) return `/ports/${i}/port: port ${ports[i]!.port} is listed twice`
  return undefined
}

/**
 * Whether decodeMessage accepts a reading stamped `ts` that arrived at `nowMs` (not too far ahead of the
 * clock, not too old): for a reader that takes `ts` from a payload without decoding it (alerts/engine-skim.ts).
 */
export const tsAccepted = (ts: number, nowMs: number): boolean => checkTs(ts, nowMs, '') === undefined

function checkTs(ts: number, nowMs: number, deviceId: string): DecodeResult | undefined {
  if (ts > nowMs + MAX_FUTURE_MS) return fail('ts_future', `ts ${ts} is ${ts - nowMs} ms ahead`, deviceId)
  if (ts < nowMs - MAX_AGE_MS) return fail('ts_too_old', `ts ${ts} is ${nowMs - ts} ms old`, deviceId)
  return undefined
}

function kindMismatch(payloadKind: unknown, kind: DeviceKind): boolean {
  return (
    typeof payloadKind === 'string' &&
    payloadKind !== kind &&
    (DEVICE_KINDS as readonly string[]).includes(payloadKind)
  )
}

/** `status` is the device's own; the other two are spool records of the broker (domain/topics.ts). */
function statusSource(channel: string): StatusSource | undefined {
  if (channel === 'status') return 'device'
  if (channel === BROKER_STATUS_CHANNELS.will) return 'will'
  if (channel === BROKER_STATUS_CHANNELS.broker) return 'broker'
  return undefined
}

/**
 * Decodes `payload` published on `topic`. `device` is the registry's view of the publisher (undefined
 * when unknown); `nowMs` is the arrival time used for the ±ts window.
 */
export function decodeMessage(
  topic: string,
  payload: Uint8Array | string,
  device: { kind: DeviceKind } | undefined,
  nowMs: number,
): DecodeResult {
  const t = parseDeviceTopic(topic)
  if (!t) return fail('unknown_topic', topic.slice(0, 200))
  const { deviceId, channel } = t
  const source = statusSource(channel)
  if (channel !== 'telemetry' && channel !== 'events' && source === undefined && channel !== 'commands/ack')
    return fail('unknown_topic', `channel ${channel.slice(0, 100)}`, deviceId)
  if (!device) return fail('unknown_device', deviceId, deviceId)
  const size = byteLength(payload)
  if (size > MAX_PAYLOAD_BYTES)
    return fail('payload_too_large', `${size} bytes > ${MAX_PAYLOAD_BYTES}`, deviceId)

  if (source !== undefined) {
    const text = toText(payload)?.trim()
    if (text === 'online') return { ok: true, value: { type: 'status', deviceId, online: true, source } }
    if (text === 'offline') return { ok: true, value: { type: 'status', deviceId, online: false, source } }
    return fail(
      'invalid_status',
      text === undefined ? 'not UTF-8' : JSON.stringify(text.slice(0, 40)),
      deviceId,
    )
  }

  const obj = parseJsonObject(payload, deviceId)
  if (REFUSED in obj) return obj[REFUSED]

  if (channel === 'commands/ack') {
    if (!ACK_VALIDATOR.Check(obj)) return fail('schema', firstError(ACK_VALIDATOR, obj), deviceId)
    return { ok: true, value: { type: 'command_ack', deviceId, ack: obj as CommandAckT } }
  }

  const kind = device.kind
  if (kindMismatch(obj.kind, kind))
    return fail('kind_mismatch', `payload kind ${obj.kind}, provisioned ${kind}`, deviceId)

  if (channel === 'telemetry') {
    const v = TELEMETRY_VALIDATORS[kind]
    if (!v.Check(obj)) return fail('schema', firstError(v, obj), deviceId)
    const reading = obj as Telemetry
    const repeated = kind === 'charging-pile' ? repeatedPort(reading) : undefined
    if (repeated) return fail('schema', repeated, deviceId)
    return (
      checkTs(reading.ts, nowMs, deviceId) ?? {
        ok: true,
        value: { type: 'telemetry', deviceId, kind, reading },
      }
    )
  }

  // events
  const name = obj.event
  const v = typeof name === 'string' ? EVENT_VALIDATORS.get(name) : undefined
  if (!v) return fail('schema', `/event: unknown event ${JSON.stringify(name)?.slice(0, 64)}`, deviceId)
  if (!EVENT_KINDS[name as EventName].includes(kind))
    return fail('kind_mismatch', `event ${name} is not sent by ${kind}`, deviceId)
  if (!v.Check(obj)) return fail('schema', firstError(v, obj), deviceId)
  const event = obj as DeviceEvent
  return checkTs(event.ts, nowMs, deviceId) ?? { ok: true, value: { type: 'event', deviceId, kind, event } }
}
