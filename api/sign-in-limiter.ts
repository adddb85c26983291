// Sign-in failures per username and per address within a sliding window. A name that failed too often
// is refused (429 with Retry-After) before its password is even checked, so guessing costs the guesser
// time and the service no scrypt runs; the per-address bound is larger, since one address may be a
// whole office behind NAT, and catches one client trying many names. A success forgets the name's
// failures (not the address's). Memory is bounded: at most `maxKeys` names and addresses are tracked.

export interface SignInLimits {
  maxFailuresPerUser: number
  maxFailuresPerAddress: number
  failureWindowMs: number
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
  maxFailuresPerUser: 5,
  maxFailuresPerAddress: 50,
  failureWindowMs: 15 * 60_000,
}

export type SignInVerdict = { ok: true } | { ok: false; retryAfterS: number; by: 'username' | 'address' }

export interface SignInLimiter {
  check(username: string, address: string): SignInVerdict
  failed(username: string, address: string): void
  succeeded(username: string): void
}

export function createSignInLimiter(
  opts: SignInLimits & { now: () => number; maxKeys?: number },
): SignInLimiter {
  const maxKeys = opts.maxKeys ?? 10_000
  const failures = new Map<string, number[]>()
  const windowStart = () => opts.now() - opts.failureWindowMs

  /** Failure times still in the window (oldest first), pruning the rest. */
  const recent = (key: string): number[] => {
    const times = failures.get(key)
    if (!times) return []
    const start = windowStart()
    while (times.length > 0 && times[0]! <= start) times.shift()
    if (times.length === 0) failures.delete(key)
    return times
  }
  const blocked = (key: string, max: number): number | undefined => {
    const times = recent(key)
    if (times.length < max) return undefined
    // allowed again once the oldest failure that keeps the count at `max` leaves the window
    const until = times[times.length - max]! + opts.failureWindowMs
    return Math.max(1, Math.ceil((until - opts.now()) / 1000))
  }
  const record = (key: string, max: number) => {
    const times = recent(key)
    times.push(opts.now())
    // only the newest `max` matter for the verdict
    if (times.length > max) times.splice(0, times.length - max)
    failures.delete(key)
    failures.set(key, times)
    if (failures.size > maxKeys) {
      for (const k of [...failures.keys()]) recent(k)
      // still full of live entries: forget the least recently failed
      for (const k of failures.keys()) {
        if (failures.size <= maxKeys) break
        failures.delete(k)
      }
    }
  }
  const userKey = (u: string) => `u:${u}`
  const addressKey = (a: string) => `a:${a}`

  return {
    check(username, address) {
      const byUser = blocked(userKey(username), opts.maxFailuresPerUser)
      if (byUser !== undefined) return { ok: false, retryAfterS: byUser, by: 'username' }
      const byAddress = blocked(addressKey(address), opts.maxFailuresPerAddress)
      if (byAddress !== undefined) return { ok: false, retryAfterS: byAddress, by: 'address' }
      return { ok: true }
    },
    failed(username, address) {
      record(userKey(username), opts.maxFailuresPerUser)
      record(addressKey(address), opts.maxFailuresPerAddress)
    },
    succeeded(username) {
      failures.delete(userKey(username))
    },
  }
}
