// What route plugins get: the registry, InfluxDB, device state and the revoke hook.
import type { Logger } from 'pino'
import type { InfluxClient } from '../influx/index.ts'
import type { Registry } from '../registry/index.ts'
import type { DeviceStateSource } from './device-state.ts'
import type { QueryBounds } from './query-bounds.ts'

export interface RouteContext {
  registry: Registry
  influx: InfluxClient
  state: DeviceStateSource
  /** what one telemetry or events request may cost InfluxDB */
  bounds: QueryBounds
  /** Tells the broker to disconnect a device now (decommissioned or re-keyed). */
  revoke(deviceId: string): Promise<void>
  /** Tells live clients watching the device's site to expect its readings. */
  deviceAdded(device: { id: string; siteId: string }): Promise<void>
  now(): number
  log: Logger
}
