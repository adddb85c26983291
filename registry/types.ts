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

/**
 * Which credential a device currently has, for the broker: a connection authenticated with an older
 * one must not survive a rotation or a decommission (including one that was mid-handshake then).
 */
export interface CredentialDirectory {
  /** Bumped by every secret rotation; undefined for unknown or decommissioned devices. Sync: SQLite. */
  credentialVersion(id: string): number | undefined
  /** Runs `listener` after a device's secret was rotated or the device decommissioned; returns an unsubscribe. */
  onCredentialChange(listener: (deviceId: string) => void): () => void
}
