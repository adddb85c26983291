import { describe, expect, it } from 'vitest'
import { addressKey } from '../../broker/auth-guard.ts'
import { createSemaphore } from '../../broker/semaphore.ts'
import { createTokenBuckets } from '../../broker/token-buckets.ts'

describe('token buckets', () => {
  it('lets a burst through, then one per refill interval, per key', () => {
    let t = 0
    const b = createTokenBuckets({ capacity: 3, refillPerS: 0.5, now: () => t })
    expect([b.take('a'), b.take('a'), b.take('a'), b.take('a')]).toEqual([true, true, true, false])
    expect(b.take('b')).toBe(true)
    t = 1999
    expect(b.take('a')).toBe(false)
    t = 2000
    expect(b.take('a')).toBe(true)
    expect(b.has('a')).toBe(false)
  })

  it('forgets full buckets and keeps at most maxKeys', () => {
    let t = 0
    const b = createTokenBuckets({ capacity: 2, refillPerS: 1, maxKeys: 2, now: () => t })
    b.spend('a')
    b.spend('b')
    b.spend('c')
    expect(b.size()).toBe(2)
    t = 10_000
    expect(b.has('b')).toBe(true)
    expect(b.size()).toBe(1)
  })

  it('sweeps away buckets that are full again without their keys being seen again', () => {
    let t = 0
    const b = createTokenBuckets({ capacity: 3, refillPerS: 1, now: () => t })
    b.take('once')
    b.take('twice')
    b.take('twice')
    t = 1000
    // `once` is full again, `twice` is one token short
    expect(b.sweep()).toBe(1)
    expect(b.size()).toBe(1)
    expect([b.take('twice'), b.take('twice'), b.take('twice')]).toEqual([true, true, false])
    t = 10_000
    expect(b.sweep()).toBe(1)
    expect(b.size()).toBe(0)
  })
})

describe('semaphore', () => {
  it('runs up to its concurrency, queues up to its bound and refuses the rest', () => {
    const s = createSemaphore(1, 1)
    const releases: Array<() => void> = []
    const ran: number[] = []
    const task = (n: number) => (release: () => void) => {
      ran.push(n)
      releases.push(release)
    }
    expect([s.run(task(1)), s.run(task(2)), s.run(task(3))]).toEqual([true, true, false])
    expect(ran).toEqual([1])
    releases[0]!()
    releases[0]!() // a second release of the same slot is ignored
    expect(ran).toEqual([1, 2])
    expect(s.active()).toBe(1)
    releases[1]!()
    expect([s.active(), s.waiting()]).toEqual([0, 0])
  })
})

describe('addressKey', () => {
  it.each([
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:DB8::1', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('%s → %s', (raw, key) => {
    expect(addressKey(raw)).toBe(key)
  })
})
