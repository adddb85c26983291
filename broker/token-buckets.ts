// Token buckets keyed by a string (a client address, a user name), on an injected clock. Pure: no timers.
// A bucket holds up to `capacity` tokens and regains `refillPerS` per second; a key not seen yet, or
// whose bucket is full again, costs no memory. At most `maxKeys` keys are tracked: beyond that the
// least recently inserted is forgotten (it is then full again, which errs on the side of letting in).

export interface TokenBuckets {
  /** Takes one token; false when the bucket of `key` is empty. */
  take(key: string): boolean
  /** Whether `key` has a token left, without taking it. */
  has(key: string): boolean
  /** Takes one token if there is one (for counting failures after the fact). */
  spend(key: string): void
  /**
   * Forgets every bucket that is full again. A bucket is otherwise dropped only when its key is seen
   * again, so each device that connected once kept one until it reconnected; the owner calls this now
   * and then (the broker every few seconds). Returns how many were dropped.
   */
  sweep(): number
  size(): number
}

export function createTokenBuckets(opts: {
  capacity: number
  refillPerS: number
  maxKeys?: number
  now: () => number
}): TokenBuckets {
  const { capacity, refillPerS, now } = opts
  const maxKeys = opts.maxKeys ?? 100_000
  const buckets = new Map<string, { tokens: number; at: number }>()

  function level(key: string): number {
    const b = buckets.get(key)
    if (b === undefined) return capacity
    const tokens = Math.min(capacity, b.tokens + ((now() - b.at) / 1000) * refillPerS)
    if (tokens >= capacity) {
      buckets.delete(key)
      return capacity
    }
    return tokens
  }

  function set(key: string, tokens: number): void {
    buckets.delete(key)
    if (buckets.size >= maxKeys) {
      const oldest = buckets.keys().next().value
      if (oldest !== undefined) buckets.delete(oldest)
    }
    buckets.set(key, { tokens, at: now() })
  }

  return {
    take(key) {
      const tokens = level(key)
      if (tokens < 1) return false
      set(key, tokens - 1)
      return true
    },
    has: (key) => level(key) >= 1,
    spend(key) {
      const tokens = level(key)
      if (tokens >= 1) set(key, tokens - 1)
    },
    sweep() {
      const t = now()
      let dropped = 0
      for (const [key, b] of buckets) {
        if (b.tokens + ((t - b.at) / 1000) * refillPerS < capacity) continue
        buckets.delete(key)
        dropped++
      }
      return dropped
    },
    size: () => buckets.size,
  }
}
