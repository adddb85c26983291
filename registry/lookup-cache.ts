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
  /**
   * What `lookup` reads, as a value that changes whenever any of it changes (e.g. SQLite's data_version):
   * an entry whose TTL ran out while the stamp kept the value it had before its lookup is trusted for
   * another TTL without looking up again. It answers what the lookup would; a change is still seen at
   * the entry's next expiry, as without it. Default: every expired entry is looked up again. Called with
   * the clock reading the entry's TTL is counted from: it may answer for the whole of one reading (a
   * batch's, as the TTL is counted from it), so a change is seen at most that long after the TTL.
   */
  stamp?: (nowMs: number) => unknown
  /**
   * With `stamp`: how long an expired entry is kept for the stamp to vouch for it when its id is asked for
   * again (default 0: dropped at the next sweep). An id asked for less often than once per TTL (a device
   * reporting once a minute) is otherwise looked up again every time.
   */
  keepExpiredMs?: number
}): LookupCache<T> {
  const { lookup, ttlMs, now } = opts
  const foundTtlMs = opts.foundTtlMs ?? ttlMs
  const maxEntries = opts.maxEntries ?? 100_000
  const { stamp } = opts
  const keepExpiredMs = stamp ? (opts.keepExpiredMs ?? 0) : 0
  const entries = new Map<string, { value: T | undefined; expiresAt: number; stamp: unknown }>()
  // Expired entries of ids not asked for again are dropped once per longest TTL: a device seen once (the
  // live feed looks every device up for its `online` at connect) must not hold its copy here for good
  const sweepEveryMs = Math.max(ttlMs, foundTtlMs)
  let sweepAt = now() + sweepEveryMs
  const sweep = (t: number) => {
    sweepAt = t + sweepEveryMs
    for (const [id, e] of entries) if (e.expiresAt + keepExpiredMs <= t) entries.delete(id)
  }
  return {
    get(id, nowMs) {
      const t = nowMs ?? now()
      if (t >= sweepAt) sweep(t)
      const hit = entries.get(id)
      if (hit && hit.expiresAt > t) return hit.value
      // sampled before the lookup: a change committed while it runs makes the next sample differ
      const current = stamp?.(t)
      if (hit && stamp && current === hit.stamp) {
        hit.expiresAt = t + (hit.value === undefined ? ttlMs : foundTtlMs)
        return hit.value
      }
      const value = lookup(id)
      if (!hit && entries.size >= maxEntries) entries.clear()
      entries.set(id, { value, expiresAt: t + (value === undefined ? ttlMs : foundTtlMs), stamp: current })
      return value
    },
    forget: (id) => {
      entries.delete(id)
    },
    clear: () => entries.clear(),
    size: () => entries.size,
  }
}
