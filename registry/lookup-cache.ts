// Registry lookups on a hot path (one per MQTT message): a Map with a short TTL, so a flood of messages
// does not hit SQLite once per message, while a change reaches the path within `ttlMs` (or at once,
// through `forget`). Unknown ids are cached too (negative entries): a flood from an unprovisioned device
// costs one lookup per TTL. Bounded: random ids must not grow the map without limit.

export interface LookupCache<T> {
  /** `nowMs` saves a batch of lookups reading the clock once each */
  get(id: string, nowMs?: number): T | undefined
  /** drops one id (it was just provisioned, changed or removed) */
  forget(id: string): void
  clear(): void
  /** entries held, expired ones not yet swept included */
  size(): number
}

export function createLookupCache<T>(opts: {
  lookup: (id: string) => T | undefined
  ttlMs: number
  /** how long an id that was found is trusted (default ttlMs); unknown ids keep `ttlMs` */
  foundTtlMs?: number
  now: () => number
  maxEntries?: number
}): LookupCache<T> {
  const { lookup, ttlMs, now } = opts
  const foundTtlMs = opts.foundTtlMs ?? ttlMs
  const maxEntries = opts.maxEntries ?? 100_000
  const entries = new Map<string, { value: T | undefined; expiresAt: number }>()
  // Expired entries of ids not asked for again are dropped once per longest TTL: a device seen once (the
  // live feed looks every device up for its `online` at connect) must not hold its copy here for good
  const sweepEveryMs = Math.max(ttlMs, foundTtlMs)
  let sweepAt = now() + sweepEveryMs
  const sweep = (t: number) => {
    sweepAt = t + sweepEveryMs
    for (const [id, e] of entries) if (e.expiresAt <= t) entries.delete(id)
  }
  return {
    get(id, nowMs) {
      const t = nowMs ?? now()
      if (t >= sweepAt) sweep(t)
      const hit = entries.get(id)
      if (hit && hit.expiresAt > t) return hit.value
      const value = lookup(id)
      if (!hit && entries.size >= maxEntries) entries.clear()
      entries.set(id, { value, expiresAt: t + (value === undefined ? ttlMs : foundTtlMs) })
      return value
    },
    forget: (id) => {
      entries.delete(id)
    },
    clear: () => entries.clear(),
    size: () => entries.size,
  }
}
