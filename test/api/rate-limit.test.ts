// The token bucket's arithmetic and its bounded map, on a hand-driven clock (pure logic).
import { describe, expect, it } from 'vitest'
import { createTokenBuckets, principalKey } from '../../api/rate-limit.ts'

describe('token buckets', () => {
  it('allows a burst, then one request per 1/rate seconds, and says how long to wait', () => {
    const clock = { t: 0 }
    const b = createTokenBuckets({ ratePerS: 2, burst: 3 }, () => clock.t)
    expect([b.take('a'), b.take('a'), b.take('a')]).toEqual([0, 0, 0])
    expect(b.take('a')).toBe(500)
    clock.t += 499
    expect(b.take('a')).toBe(1)
    clock.t += 1
    expect(b.take('a')).toBe(0)
    // a long pause refills up to the burst, not beyond
    clock.t += 60_000
    expect([b.take('a'), b.take('a'), b.take('a'), b.take('a')]).toEqual([0, 0, 0, 500])
    // wait() looks without taking
    clock.t += 500
    expect(b.wait('a')).toBe(0)
    expect(b.wait('a')).toBe(0)
  })

  it('keeps callers apart and drops the least recently used beyond its size', () => {
    const b = createTokenBuckets({ ratePerS: 1, burst: 1 }, () => 0, 3)
    expect(b.take('a')).toBe(0)
    expect(b.take('b')).toBe(0)
    expect(b.take('a')).toBe(1000)
    b.take('c')
    b.take('d')
    expect(b.size()).toBe(3)
    // `b` was least recently used: dropped, so it starts again full; `c` is still empty
    expect(b.take('b')).toBe(0)
    expect(b.take('c')).toBe(1000)
  })
})

describe('principalKey', () => {
  it('keys tokens by token id and sessions by session', () => {
    expect(principalKey({ tokenId: 't1', tenantId: null, role: 'admin' })).toBe('token:t1')
    expect(principalKey({ credential: { kind: 'token', tokenId: 't2' } })).toBe('token:t2')
    expect(principalKey({ credential: { kind: 'session', idHash: 'h', userId: 'u' } })).toBe('session:h')
    expect(principalKey({ credential: { kind: 'config-admin' } })).toBe('config-admin')
    expect(principalKey({})).toBeUndefined()
  })
})
