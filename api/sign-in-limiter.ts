// Sign-in failures per username and per address within a sliding window. A name that failed too often
// is refused (429 with Retry-After) before its password is even checked, so guessing costs the guesser
// time and the service no scrypt runs; the per-address bound is larger, since one address may be a
// whole office behind NAT, and catches one client trying many names. A success forgets the name's
// failures (not the address's). Memory is bounded: at most `maxKeys` names and addresses are tracked.
// An attempt counts as a failure from the moment it is let through, before its password is checked,
// and is forgiven only when it succeeds: checking takes a scrypt run, and were failures recorded only
// after it, any number of guesses sent at once would all pass the check before the first was counted.

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

/** A let-through attempt, already counted as a failure; `succeeded` forgives it. */
export interface SignInAttempt {
  ok: true
  /** The password was right: forgets the name's failures and gives the address its slot back. */
  succeeded(): void
}

export interface SignInLimiter {
  /**
   * Refuses the attempt, or lets it through counted as a failure of the name and the address until it
   * `succeeded()`. A wrong password needs nothing more; nor does an attempt whose check threw, which
   * thus stays counted (erring towards refusal).
   */
  attempt(username: string, address: string): SignInAttempt | Extract<SignInVerdict, { ok: false }>
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
  const record = (key: string, max: number, at: number) => {
    const times = recent(key)
    times.push(at)
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

  /** Takes back one failure recorded at `at`, if it is still held (not pruned or evicted since). */
  const forgive = (key: string, at: number) => {
    const times = failures.get(key)
    const i = times?.lastIndexOf(at) ?? -1
    if (i < 0) return
    times!.splice(i, 1)
    if (times!.length === 0) failures.delete(key)
  }

  return {
    attempt(username, address) {
      const byUser = blocked(userKey(username), opts.maxFailuresPerUser)
      if (byUser !== undefined) return { ok: false, retryAfterS: byUser, by: 'username' }
      const byAddress = blocked(addressKey(address), opts.maxFailuresPerAddress)
      if (byAddress !== undefined) return { ok: false, retryAfterS: byAddress, by: 'address' }
      const at = opts.now()
      record(userKey(username), opts.maxFailuresPerUser, at)
      record(addressKey(address), opts.maxFailuresPerAddress, at)
      return {
        ok: true,
        succeeded() {
          failures.delete(userKey(username))
          forgive(addressKey(address), at)
        },
      }
    },
  }
}
