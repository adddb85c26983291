// The registry's face towards the broker and ingest. The registry (SQLite under DATA_DIR) holds
// tenants, communities, sites, devices, API tokens and service accounts; see registry/index.ts.
import type { DeviceKind } from '../domain/protocol.ts'

export interface DeviceIdentity {
  id: string
  kind: DeviceKind
  tenantId: string
  communityId: string
  siteId: string
  name?: string
  reportIntervalS: number
  /** epoch ms; set when decommissioned */
  decommissionedAt?: number
}

export interface DeviceDirectory {
  /** Active devices only unless `includeDecommissioned` (ingest still stores a spooled backlog). Sync: SQLite. */
  findDevice(id: string, opts?: { includeDecommissioned?: boolean }): DeviceIdentity | undefined
  /** Salted scrypt hash, constant-time compare; false for unknown or decommissioned devices. */
  verifyDeviceSecret(id: string, secret: string): Promise<boolean>
  /** Internal service accounts (e.g. `api`); their MQTT username is `svc:<name>`. */
  verifyServiceSecret(name: string, secret: string): Promise<boolean>
}
