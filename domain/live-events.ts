// socket.io live updates (README, "Live updates"): the typed events shared by the API server,
// the dashboard page and tests. Handshake: `auth: { token, readings? }`.
import type { Alert } from './alerts.ts'
import type { DeviceEvent, DeviceKind, Telemetry } from './protocol.ts'

/**
 * What a socket watches: a site or a device (every event of it), or `{ alerts: 'all' }`: only `alert`
 * events, of every site the credential may read (its tenant's; every tenant's for an admin spanning them
 * all), sites created after subscribing included (v1.3; an alarm must not miss a shed added today).
 */
export type SubscribeTarget = { siteId: string } | { deviceId: string } | { alerts: 'all' }

/**
 * How a socket receives readings, chosen in the handshake (`auth.readings`): `each` (the default, as in
 * v1.0) one `reading` event per reading; `batched` one `readings` event per site and short tick instead.
 */
export type ReadingDelivery = 'each' | 'batched'
export const READING_DELIVERIES: readonly ReadingDelivery[] = ['each', 'batched']

/** What a client may pass as socket.io's `auth` (or send the session cookie instead of `token`). */
export interface LiveHandshakeAuth {
  token?: string
  readings?: ReadingDelivery
}

export type SubscribeAck = { ok: true } | { ok: false; error: string; message: string }

export interface LiveReading {
  deviceId: string
  siteId: string
  kind: DeviceKind
  reading: Telemetry
}

export interface LiveEvent {
  deviceId: string
  siteId: string
  kind: DeviceKind
  event: DeviceEvent
}

export interface LiveDeviceStatus {
  deviceId: string
  online: boolean
  /** epoch ms the service saw the change */
  at: number
}

/** The alert object of the HTTP API, sent on every change of state. */
export type LiveAlert = Alert

export interface ClientToServerEvents {
  subscribe: (target: SubscribeTarget, ack: (res: SubscribeAck) => void) => void
  unsubscribe: (target: SubscribeTarget, ack?: (res: SubscribeAck) => void) => void
}

export interface ServerToClientEvents {
  reading: (msg: LiveReading) => void
  /** `readings: 'batched'` sockets only, instead of `reading`: one site's (or watched device's) readings in order */
  readings: (batch: LiveReading[]) => void
  event: (msg: LiveEvent) => void
  'device-status': (msg: LiveDeviceStatus) => void
  alert: (alert: LiveAlert) => void
}

/** Room names: one per site, one per device, and one per tenant for its alerts (null: every tenant's). */
export const liveRoom = {
  site: (siteId: string) => `site:${siteId}`,
  device: (deviceId: string) => `device:${deviceId}`,
  alerts: (tenantId: string | null) => (tenantId === null ? 'alerts:*' : `alerts:tenant:${tenantId}`),
}
