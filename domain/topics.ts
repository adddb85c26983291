// MQTT topic layout of protocol v1: everything a device does lives under `devices/{deviceId}/`.
import { DEVICE_ID_RE } from './protocol.ts'

export const TOPIC_CHANNELS = ['telemetry', 'events', 'status', 'commands', 'commands/ack'] as const
export type TopicChannel = (typeof TOPIC_CHANNELS)[number]

export interface DeviceTopic {
  deviceId: string
  /** the part after `devices/{id}/`, e.g. `telemetry` or `commands/ack`; may be an unknown extension */
  channel: string
}

/** Splits `devices/{id}/{channel}`; undefined when the topic is not in a device subtree. */
export function parseDeviceTopic(topic: string): DeviceTopic | undefined {
  if (!topic.startsWith('devices/')) return undefined
  const slash = topic.indexOf('/', 8)
  if (slash < 0) return undefined
  const deviceId = topic.slice(8, slash)
  if (!DEVICE_ID_RE.test(deviceId)) return undefined
  const channel = topic.slice(slash + 1)
  if (channel.length === 0) return undefined
  return { deviceId, channel }
}

/**
 * Who said a device's status: the device itself, the broker publishing the device's Will after an
 * unclean end, or the broker on its own (clean DISCONNECT without `offline`, keep alive timeout, revoke).
 */
export const STATUS_SOURCES = ['device', 'will', 'broker'] as const
export type StatusSource = (typeof STATUS_SOURCES)[number]

/**
 * Spool-only channels: the broker records a status it published on a device's behalf under
 * `status/will` or `status/broker`, so that ingest can tell the three sources apart. On MQTT the
 * status always goes out on `status`; devices may not publish these two (broker/policy.ts).
 */
export const BROKER_STATUS_CHANNELS: Record<Exclude<StatusSource, 'device'>, string> = {
  will: 'status/will',
  broker: 'status/broker',
}

export const topics = {
  telemetry: (deviceId: string) => `devices/${deviceId}/telemetry`,
  events: (deviceId: string) => `devices/${deviceId}/events`,
  status: (deviceId: string) => `devices/${deviceId}/status`,
  /** where the spool records a status the broker published for the device (see BROKER_STATUS_CHANNELS) */
  statusRecord: (deviceId: string, source: Exclude<StatusSource, 'device'>) =>
    `devices/${deviceId}/${BROKER_STATUS_CHANNELS[source]}`,
  commands: (deviceId: string) => `devices/${deviceId}/commands`,
  commandAck: (deviceId: string) => `devices/${deviceId}/commands/ack`,
  /** root of a device's own subtree, including the trailing slash */
  subtree: (deviceId: string) => `devices/${deviceId}/`,
}

/** Service → broker control topic: `{"deviceId": "..."}` makes the broker disconnect that device at once
 * (decommissioned or re-keyed) and forget its cached credentials. Only service accounts may publish it. */
export const REVOKE_TOPIC = '$courtyard/revoke'
