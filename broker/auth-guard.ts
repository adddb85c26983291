// What keeps failed authentication cheap. Each wrong secret costs a scrypt on the libuv pool, which the
// spool's fdatasync needs too (slower PUBACKs for every device), so:
//   - CONNECT attempts per client address are a token bucket (a flood of even cheap reconnects stops),
//     and so are attempts per user name: a device flapping, or two devices cloned with one id taking
//     each other's session over in a loop, is slowed down (EMQX's flapping detection);
//   - failures per address and per user name are token buckets too: a few wrong secrets a minute, then
//     CONNACK 3 (server unavailable: "try later", not "wrong credentials") before any scrypt runs, like
//     mosquitto's and EMQX's flapping/ban protections;
//   - secret checks run through a small semaphore with a bounded queue; beyond it, CONNACK 3 at once.
// A secret the broker has verified before (auth-cache.ts) is a sha256 compare and bypasses the failure
// limits, so a device whose name is under attack keeps reconnecting. IPv6 clients are grouped by /64.
import type { Client } from 'aedes'
import { createSemaphore, type Semaphore } from './semaphore.ts'
import { createTokenBuckets, type TokenBuckets } from './token-buckets.ts'

export interface AuthLimits {
  /** CONNECT attempts per client address: sustained rate per second and burst */
  attemptsPerS: number
  attemptsBurst: number
  /** CONNECT attempts per user name per minute (also the burst) */
  usernameAttemptsPerMin: number
  /** failed authentications per minute allowed per client address / per user name (also the burst) */
  addressFailuresPerMin: number
  usernameFailuresPerMin: number
  /** secret checks (scrypt) at once, and how many more may wait for a slot */
  verifyConcurrency: number
  verifyQueue: number
}

// Sized for one site's router or a carrier's NAT carrying many devices: a fleet reconnecting after a
// restart is refused with 3 for a while and retries, it is not locked out; the pool has 4 threads and the
// spool's fdatasync needs one, so two checks at once (~1 ms each at N=1024) leave it room.
export const DEFAULT_AUTH_LIMITS: AuthLimits = {
  attemptsPerS: 100,
  attemptsBurst: 500,
  usernameAttemptsPerMin: 30,
  addressFailuresPerMin: 10,
  usernameFailuresPerMin: 5,
  verifyConcurrency: 2,
  verifyQueue: 1000,
}

export interface AuthGuard {
  /** One CONNECT from `address` as `username`; false when either attempt bucket is empty. */
  admit(address: string, username: string | undefined): boolean
  /** Whether a secret check may run for this address and user name (neither has failed too often). */
  mayVerify(address: string, username: string): boolean
  /** Counts a failed authentication against the address and, when it names a real account, the user. */
  failed(address: string, username?: string): void
  /** forgets the buckets that are full again (token-buckets.ts sweep); returns how many */
  sweep(): number
  verifications: Semaphore
}

export function createAuthGuard(limits: AuthLimits, now: () => number): AuthGuard {
  const buckets = (perMin: number): TokenBuckets =>
    createTokenBuckets({ capacity: perMin, refillPerS: perMin / 60, now })
  const attempts = createTokenBuckets({
    capacity: limits.attemptsBurst,
    refillPerS: limits.attemptsPerS,
    now,
  })
  const addressFailures = buckets(limits.addressFailuresPerMin)
  const usernameFailures = buckets(limits.usernameFailuresPerMin)
  const usernameAttempts = buckets(limits.usernameAttemptsPerMin)
  return {
    // both checked before either is taken: a refusal by one must not cost a token of the other
    admit: (address, username) =>
      attempts.has(address) &&
      (username === undefined || usernameAttempts.take(username)) &&
      attempts.take(address),
    mayVerify: (address, username) => addressFailures.has(address) && usernameFailures.has(username),
    failed(address, username) {
      addressFailures.spend(address)
      if (username !== undefined) usernameFailures.spend(username)
    },
    sweep: () =>
      attempts.sweep() + addressFailures.sweep() + usernameFailures.sweep() + usernameAttempts.sweep(),
    verifications: createSemaphore(limits.verifyConcurrency, limits.verifyQueue),
  }
}

/** The client's address as a rate-limit key: IPv4 as is, IPv6 by its /64 (one host owns a whole /64). */
export function clientAddress(client: Client): string {
  const c = client as Client & {
    conn?: { remoteAddress?: string }
    req?: { socket?: { remoteAddress?: string } }
  }
  const raw = c.conn?.remoteAddress ?? c.req?.socket?.remoteAddress ?? 'unknown'
  return addressKey(raw)
}

export function addressKey(raw: string): string {
  if (raw.startsWith('::ffff:') && raw.includes('.')) return raw.slice(7)
  if (!raw.includes(':')) return raw
  const [head = ''] = raw.split('%')
  const halves = head.split('::')
  const left = halves[0] ? halves[0].split(':') : []
  const right = halves.length > 1 && halves[1] ? halves[1].split(':') : []
  const groups =
    halves.length > 1 ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`
}
