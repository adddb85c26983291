// Pure access decisions: who may connect as whom, publish where and subscribe to what. The aedes hooks
// (aedes-hooks.ts) only adapt these to callbacks.
import { DEVICE_ID_RE } from '../domain/protocol.ts'
import { BROKER_STATUS_CHANNELS, REVOKE_TOPIC } from '../domain/topics.ts'
import type { Identity } from './types.ts'

/** Service accounts speak MQTT as `svc:<name>` (registry/types.ts). */
export const SERVICE_PREFIX = 'svc:'
const SERVICE_NAME_RE = /^[A-Za-z0-9_-]{1,64}$/

export { REVOKE_TOPIC }

export type PublishRefusal =
  | 'empty'
  | 'malformed-utf8'
  | 'nul'
  | 'wildcard'
  | 'reserved'
  | 'outside-own-subtree'
  | 'not-allowed'
  | CommandRefusal

/**
 * A command must reach a connected device now or never (protocol: Commands): no queue may hold one for
 * later. A QoS 0 publish is not queued for an offline persistent session (aedes queues only QoS > 0),
 * a retained one would be re-sent at every subscribe, and one to a device that is not connected would
 * reach nobody now.
 */
export type CommandRefusal = 'device-offline' | 'command-qos' | 'command-retained'

const COMMANDS_RE = /^devices\/([A-Za-z0-9_-]{3,64})\/commands$/

/**
 * U+FFFD, the replacement character: mqtt-packet decodes every string of a packet with Buffer's UTF-8
 * decoder, which turns ill-formed bytes (a stray continuation byte, an overlong form, an encoded
 * surrogate) into U+FFFD instead of failing. The decoded topic is all the hooks see, so this is how a
 * topic that was not well-formed UTF-8 (MQTT-1.5.3-1) shows. A well-formed topic may spell U+FFFD
 * itself, but none of the protocol's topics (nor a device id) contains it: refusing it too loses nothing.
 */
const REPLACEMENT_CHAR = '\uFFFD'

/** Whether `s`, as mqtt-packet decoded it, was ill-formed UTF-8 on the wire (see REPLACEMENT_CHAR). */
const wasMalformedUtf8 = (s: string): boolean => s.includes(REPLACEMENT_CHAR)

/** Why `identity` may not publish to `topic`, or undefined when it may. */
export function publishRefusal(identity: Identity, topic: string): PublishRefusal | undefined {
  if (topic.length === 0) return 'empty'
  if (wasMalformedUtf8(topic)) return 'malformed-utf8'
  if (topic.includes('\u0000')) return 'nul'
  if (topic.includes('+') || topic.includes('#')) return 'wildcard'
  // a custom authorizePublish replaces aedes' own $SYS guard, so it lives here
  if (topic.startsWith('$SYS')) return 'reserved'
  if (identity.type === 'service') {
    if (topic === REVOKE_TOPIC || COMMANDS_RE.test(topic)) return undefined
    return 'not-allowed'
  }
  // `devices/{own id}/…`, compared in place: this runs for every publish, and building the prefix
  // string each time (then flattening it for startsWith) was garbage for the young-generation GC
  const id = identity.deviceId
  const ownLength = DEVICES_PREFIX.length + id.length + 1
  if (
    topic.length <= ownLength ||
    !topic.startsWith(DEVICES_PREFIX) ||
    !topic.startsWith(id, DEVICES_PREFIX.length) ||
    topic.charCodeAt(ownLength - 1) !== SLASH
  )
    return 'outside-own-subtree'
  // commands flow service → device (protocol: Topics); a device must not forge one, even to itself
  if (topic.length === ownLength + 8 && topic.endsWith('commands')) return 'not-allowed'
  // the broker's own status records (domain/topics.ts): a device must not pass for the broker
  if (isBrokerStatusRecord(topic, ownLength)) return 'not-allowed'
  return undefined
}

const DEVICES_PREFIX = 'devices/'
const SLASH = 0x2f

const WILL_SUFFIX = BROKER_STATUS_CHANNELS.will
const BROKER_SUFFIX = BROKER_STATUS_CHANNELS.broker
const isBrokerStatusRecord = (topic: string, ownLength: number): boolean =>
  (topic.length === ownLength + WILL_SUFFIX.length && topic.endsWith(WILL_SUFFIX)) ||
  (topic.length === ownLength + BROKER_SUFFIX.length && topic.endsWith(BROKER_SUFFIX))

/**
 * Whether a publish may stay retained. The protocol retains only a device's status (Topics: `online` /
 * `offline`, retained), so that is the one retained message a device can leave: at most one per device,
 * of at most `maxBytes`. Anything else keeps flowing but is not retained, so a stolen secret cannot fill
 * the broker's memory with retained messages. Services never retain: a retained command would run again
 * at every reconnect (protocol: the service never relies on a broker queue).
 */
export function mayRetain(
  identity: Identity,
  topic: string,
  payloadBytes: number,
  maxBytes: number,
): boolean {
  if (identity.type === 'service') return false
  return payloadBytes <= maxBytes && topic === `devices/${identity.deviceId}/status`
}

/** The device a `devices/{id}/commands` topic addresses, or undefined for any other topic. */
export function commandTarget(topic: string): string | undefined {
  return COMMANDS_RE.exec(topic)?.[1]
}

/** Why a service's command publish (already allowed by publishRefusal) must be dropped, or undefined. */
export function commandRefusal(
  packet: { qos: number; retain: boolean },
  deviceConnected: boolean,
): CommandRefusal | undefined {
  if (packet.retain) return 'command-retained'
  if (packet.qos !== 0) return 'command-qos'
  if (!deviceConnected) return 'device-offline'
  return undefined
}

export function canPublish(identity: Identity, topic: string): boolean {
  return publishRefusal(identity, topic) === undefined
}

/**
 * Devices: only filters inside `devices/{own id}/` (wildcards allowed there, since they cannot reach
 * out of the subtree). Services: anything under `devices/`. Nobody: `$SYS`, `$courtyard`, NUL.
 */
export function canSubscribe(identity: Identity, filter: string): boolean {
  if (filter.length === 0 || filter.includes('\u0000') || wasMalformedUtf8(filter)) return false
  if (identity.type === 'service') return filter.startsWith('devices/')
  const own = `devices/${identity.deviceId}/`
  return filter.startsWith(own) && filter.length > own.length
}

export interface ConnectRequest {
  clientId: string
  username?: string
  hasPassword: boolean
  willTopic?: string
}

/** CONNACK return codes of MQTT 3.1.1 (3.2.2.3). */
export type RefuseCode = 2 | 4 | 5
export type ConnectVerdict =
  | { ok: true; identity: Identity }
  | { ok: false; returnCode: RefuseCode; reason: string }

/** Everything about a CONNECT that can be decided without the secret store. */
export function validateConnect(req: ConnectRequest): ConnectVerdict {
  // MQTT-3.1.3-8/9: aedes would invent an id for an empty one; every client here must say who it is
  if (req.clientId.length === 0) return refuse(2, 'empty client id')
  if (req.username === undefined || req.username.length === 0) return refuse(4, 'anonymous')
  if (!req.hasPassword) return refuse(4, 'no password')
  // protocol (Connection limits): any keep alive MQTT 3.1.1 allows, 0–65535 s, is accepted. Cellular
  // devices use an hour and more; 0 (none) is covered by TCP keepalive (listeners.ts). No check here.
  let identity: Identity
  if (req.username.startsWith(SERVICE_PREFIX)) {
    const name = req.username.slice(SERVICE_PREFIX.length)
    if (!SERVICE_NAME_RE.test(name)) return refuse(4, 'bad service name')
    // a distinct client-id namespace: a service can never take over a device's session (MQTT-3.1.4-2)
    if (!req.clientId.startsWith(SERVICE_PREFIX)) return refuse(2, 'service client id must start with svc:')
    identity = { type: 'service', name }
  } else {
    if (!DEVICE_ID_RE.test(req.username)) return refuse(4, 'bad device id')
    if (req.clientId !== req.username) return refuse(2, 'client id differs from username')
    identity = { type: 'device', deviceId: req.username }
  }
  if (req.willTopic !== undefined && !canPublish(identity, req.willTopic))
    return refuse(5, 'will topic not allowed')
  return { ok: true, identity }
}

const refuse = (returnCode: RefuseCode, reason: string): ConnectVerdict => ({ ok: false, returnCode, reason })
