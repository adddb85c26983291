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

export const topics = {
  telemetry: (deviceId: string) => `devices/${deviceId}/telemetry`,
  events: (deviceId: string) => `devices/${deviceId}/events`,
  status: (deviceId: string) => `devices/${deviceId}/status`,
  commands: (deviceId: string) => `devices/${deviceId}/commands`,
  commandAck: (deviceId: string) => `devices/${deviceId}/commands/ack`,
  /** root of a device's own subtree, including the trailing slash */
  subtree: (deviceId: string) => `devices/${deviceId}/`,
}

/** Service → broker control topic: `{"deviceId": "..."}` makes the broker disconnect that device at once
 * (decommissioned or re-keyed) and forget its cached credentials. Only service accounts may publish it. */
export const REVOKE_TOPIC = '$courtyard/revoke'
