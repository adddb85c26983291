// Successful device secret verifications, kept in memory: the registry's scrypt check costs ~50 ms of
// CPU by design, and a fleet reconnecting after a broker restart would otherwise queue for minutes.
// Only a sha256 of the secret is kept, with the credential version it was verified against: after a
// rotation the registry's version moves on and the entry no longer matches, even before the broker
// hears of the rotation. Revocation drops the entry and bumps a generation so that a verification that
// started before the revoke cannot re-insert the old secret when it completes.
import { createHash } from 'node:crypto'

export interface AuthCache {
  /** True when `secret` was verified for `version` of the device's credential. */
  has(deviceId: string, secret: string, version: number): boolean
  generation(deviceId: string): number
  /** Remembers a verified secret unless the device was revoked since `generation` was read. */
  remember(deviceId: string, secret: string, version: number, generation: number): void
  revoke(deviceId: string): void
  size(): number
}

const digest = (secret: string) => createHash('sha256').update(secret).digest('base64')

export function createAuthCache(maxEntries = 100_000): AuthCache {
  const verified = new Map<string, { digest: string; version: number }>()
  const generations = new Map<string, number>()
  return {
    has: (deviceId, secret, version) => {
      const known = verified.get(deviceId)
      return known !== undefined && known.version === version && known.digest === digest(secret)
    },
    generation: (deviceId) => generations.get(deviceId) ?? 0,
    remember(deviceId, secret, version, generation) {
      if ((generations.get(deviceId) ?? 0) !== generation) return
      verified.delete(deviceId)
      if (verified.size >= maxEntries) {
        // Map iterates in insertion order: drop the least recently verified
        const oldest = verified.keys().next().value
        if (oldest !== undefined) verified.delete(oldest)
      }
      verified.set(deviceId, { digest: digest(secret), version })
    },
    revoke(deviceId) {
      verified.delete(deviceId)
      generations.set(deviceId, (generations.get(deviceId) ?? 0) + 1)
    },
    size: () => verified.size,
  }
}
