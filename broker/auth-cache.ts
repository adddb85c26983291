// Successful device secret verifications, kept in memory: the registry's scrypt check costs ~50 ms of
// CPU by design, and a fleet reconnecting after a broker restart would otherwise queue for minutes.
// Only a sha256 of the secret is kept, with the credential version it was verified against: after a
// rotation the registry's version moves on and the entry no longer matches, even before the broker
// hears of the rotation. Revocation drops the entry and bumps a generation so that a verification that
// started before the revoke cannot re-insert the old secret when it completes.
// The entries survive a restart through auth-cache-file.ts (a reconnect storm then costs no scrypt).
import { createHash } from 'node:crypto'

/** One remembered verification: device id, credential version, base64 sha256 of the secret. */
export type AuthCacheEntry = [deviceId: string, version: number, digest: string]

export interface AuthCache {
  /** True when `secret` was verified for `version` of the device's credential. */
  has(deviceId: string, secret: string, version: number): boolean
  generation(deviceId: string): number
  /** Remembers a verified secret unless the device was revoked since `generation` was read. */
  remember(deviceId: string, secret: string, version: number, generation: number): void
  revoke(deviceId: string): void
  size(): number
  /** every entry, least recently verified first */
  entries(): AuthCacheEntry[]
  /** puts back entries saved by an earlier run (at start, before any connection) */
  restore(entries: readonly AuthCacheEntry[]): void
  /** counts remembers and revokes: a saver writes only when this moved */
  changes(): number
}

const digest = (secret: string) => createHash('sha256').update(secret).digest('base64')

export function createAuthCache(maxEntries = 100_000): AuthCache {
  const verified = new Map<string, { digest: string; version: number }>()
  const generations = new Map<string, number>()
  let changes = 0
  const put = (deviceId: string, entry: { digest: string; version: number }) => {
    verified.delete(deviceId)
    if (verified.size >= maxEntries) {
      // Map iterates in insertion order: drop the least recently verified
      const oldest = verified.keys().next().value
      if (oldest !== undefined) verified.delete(oldest)
    }
    verified.set(deviceId, entry)
  }
  return {
    has: (deviceId, secret, version) => {
      const known = verified.get(deviceId)
      return known !== undefined && known.version === version && known.digest === digest(secret)
    },
    generation: (deviceId) => generations.get(deviceId) ?? 0,
    remember(deviceId, secret, version, generation) {
      if ((generations.get(deviceId) ?? 0) !== generation) return
      put(deviceId, { digest: digest(secret), version })
      changes++
    },
    revoke(deviceId) {
      verified.delete(deviceId)
      generations.set(deviceId, (generations.get(deviceId) ?? 0) + 1)
      changes++
    },
    size: () => verified.size,
    entries: () => [...verified].map(([id, e]): AuthCacheEntry => [id, e.version, e.digest]),
    restore(entries) {
      for (const [id, version, d] of entries) put(id, { digest: d, version })
    },
    changes: () => changes,
  }
}
