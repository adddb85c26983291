// A token bucket per caller on /api/v1: each principal (API token, or a person's session) gets `burst`
// requests at once and `ratePerS` a second after that; beyond it a 429 with Retry-After. Requests that
// fail authentication are charged to the caller's address, so guessing tokens is slowed too.
//
// Hand-written rather than @fastify/rate-limit: that plugin counts requests per fixed window (`max` per
// `timeWindow`), which lets a caller send two windows' worth across a window edge and has no separate
// rate and burst; a bucket is a few lines, and its map is bounded here (least recently used dropped).
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Counter } from 'prom-client'

export interface RateLimits {
  /** sustained requests per second per caller (API_RATE_PER_S) */
  ratePerS: number
  /** requests a caller may send at once (API_BURST) */
  burst: number
}

export const DEFAULT_RATE_LIMITS: RateLimits = { ratePerS: 20, burst: 100 }

/** Callers tracked at once; an evicted caller starts again with a full bucket, so keep it generous. */
const MAX_BUCKETS = 10_000

interface Bucket {
  tokens: number
  at: number
}

export interface TokenBuckets {
  /** Takes one token: 0 if allowed, else the ms until one is available. */
  take(key: string): number
  /** Like take, without taking: the ms until a token is available (0 = one is). */
  wait(key: string): number
  size(): number
}

export function createTokenBuckets(
  limits: RateLimits,
  now: () => number,
  maxBuckets = MAX_BUCKETS,
): TokenBuckets {
  // Map keeps insertion order: re-inserting on use makes the first key the least recently used
  const buckets = new Map<string, Bucket>()
  const refill = (key: string): Bucket => {
    const t = now()
    const b = buckets.get(key)
    const tokens = b ? Math.min(limits.burst, b.tokens + ((t - b.at) / 1000) * limits.ratePerS) : limits.burst
    const next = { tokens, at: t }
    buckets.delete(key)
    buckets.set(key, next)
    if (buckets.size > maxBuckets) buckets.delete(buckets.keys().next().value!)
    return next
  }
  // the epsilon keeps float dust (0.998 tokens after 499 ms at 2/s) from adding a millisecond
  const msUntilOne = (b: Bucket) =>
    b.tokens >= 1 ? 0 : Math.ceil(((1 - b.tokens) / limits.ratePerS) * 1000 - 1e-6)
  return {
    take(key) {
      const b = refill(key)
      const wait = msUntilOne(b)
      if (wait === 0) b.tokens -= 1
      return wait
    },
    wait: (key) => msUntilOne(refill(key)),
    size: () => buckets.size,
  }
}

/**
 * The bucket key of an authenticated request. Structural on purpose: a token principal carries a
 * token id; a person's principal (sessions) carries a credential with its own id.
 */
export function principalKey(p: object): string | undefined {
  const { tokenId, credential } = p as {
    tokenId?: string
    credential?: { kind?: string; tokenId?: string; idHash?: string }
  }
  if (credential?.kind === 'session' && credential.idHash) return `session:${credential.idHash}`
  if (credential?.kind === 'token' && credential.tokenId) return `token:${credential.tokenId}`
  if (credential?.kind) return credential.kind
  return tokenId ? `token:${tokenId}` : undefined
}

function refuse(reply: FastifyReply, waitMs: number, who: string) {
  const s = Math.max(1, Math.ceil(waitMs / 1000))
  return reply
    .status(429)
    .header('retry-after', String(s))
    .send({
      error: 'RATE_LIMITED',
      message: `too many requests from this ${who}: retry after ${s} s (the limit is set by API_RATE_PER_S and API_BURST)`,
    })
}

/**
 * Three hooks for the /api/v1 scope: `beforeAuth` refuses an address that has used up its budget of
 * failed authentications, `afterAuth` charges the principal's bucket, `onResponse` charges a 401 to
 * its address.
 */
export function createRateLimiter(deps: {
  limits: RateLimits
  now: () => number
  limited: Counter<'caller'>
}) {
  const byPrincipal = createTokenBuckets(deps.limits, deps.now)
  const failuresByAddress = createTokenBuckets(deps.limits, deps.now)
  return {
    async beforeAuth(req: FastifyRequest, reply: FastifyReply) {
      const wait = failuresByAddress.wait(`addr:${req.ip}`)
      if (wait === 0) return
      deps.limited.inc({ caller: 'address' })
      return refuse(reply, wait, 'address (too many requests without a valid credential)')
    },
    async afterAuth(req: FastifyRequest, reply: FastifyReply) {
      const key = req.principal && principalKey(req.principal)
      if (!key) return
      const wait = byPrincipal.take(key)
      if (wait === 0) return
      deps.limited.inc({ caller: key.startsWith('session:') ? 'session' : 'token' })
      return refuse(reply, wait, key.startsWith('session:') ? 'session' : 'API token')
    },
    async onResponse(req: FastifyRequest, reply: FastifyReply) {
      if (reply.statusCode === 401) failuresByAddress.take(`addr:${req.ip}`)
    },
  }
}
