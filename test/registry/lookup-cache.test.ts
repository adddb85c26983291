import { describe, expect, it } from 'vitest'
import { createLookupCache } from '../../registry/index.ts'

describe('createLookupCache', () => {
  const setup = () => {
    const clock = { t: 0 }
    const calls: string[] = []
    const known = new Map([['pile-1', { id: 'pile-1' }]])
    const cache = createLookupCache({
      lookup: (id) => {
        calls.push(id)
        return known.get(id)
      },
      ttlMs: 1000,
      now: () => clock.t,
      maxEntries: 3,
    })
    return { clock, calls, known, cache }
  }

  it('looks an id up once per TTL, unknown ids included', () => {
    const { clock, calls, cache } = setup()
    for (let i = 0; i < 10; i++) cache.get('pile-1')
    for (let i = 0; i < 10; i++) expect(cache.get('ghost')).toBeUndefined()
    expect(calls).toEqual(['pile-1', 'ghost'])
    clock.t = 1000
    expect(cache.get('pile-1')).toEqual({ id: 'pile-1' })
    expect(calls).toEqual(['pile-1', 'ghost', 'pile-1'])
  })

  it('keeps found ids for foundTtlMs and unknown ones for ttlMs', () => {
    const clock = { t: 0 }
    const calls: string[] = []
    const known = new Map([['pile-1', { id: 'pile-1' }]])
    const cache = createLookupCache({
      lookup: (id) => {
        calls.push(id)
        return known.get(id)
      },
      ttlMs: 1000,
      foundTtlMs: 60_000,
      now: () => clock.t,
    })
    cache.get('pile-1')
    cache.get('pile-2')
    known.set('pile-2', { id: 'pile-2' })
    clock.t = 59_999
    expect(cache.get('pile-1')).toEqual({ id: 'pile-1' })
    expect(cache.get('pile-2')).toEqual({ id: 'pile-2' })
    expect(calls).toEqual(['pile-1', 'pile-2', 'pile-2'])
    clock.t = 60_000
    cache.get('pile-1')
    expect(calls).toEqual(['pile-1', 'pile-2', 'pile-2', 'pile-1'])
  })

  it('takes a change at once after forget, and a batch clock instead of its own', () => {
    const { calls, known, cache } = setup()
    expect(cache.get('pile-2')).toBeUndefined()
    known.set('pile-2', { id: 'pile-2' })
    cache.forget('pile-2')
    expect(cache.get('pile-2')).toEqual({ id: 'pile-2' })
    expect(cache.get('pile-2', 5000)).toEqual({ id: 'pile-2' })
    expect(calls).toEqual(['pile-2', 'pile-2', 'pile-2'])
  })

  it('stays bounded: a flood of random ids empties it instead of growing it', () => {
    const { calls, cache } = setup()
    for (const id of ['a', 'b', 'c', 'd']) cache.get(id)
    cache.get('a')
    expect(calls).toEqual(['a', 'b', 'c', 'd', 'a'])
  })

  it('drops the expired entries of ids nobody asks for again, once per TTL', () => {
    const clock = { t: 0 }
    const cache = createLookupCache({ lookup: (id) => ({ id }), ttlMs: 1000, now: () => clock.t })
    for (let i = 0; i < 50; i++) cache.get(`seen-once-${i}`)
    expect(cache.size()).toBe(50)
    clock.t = 999
    cache.get('later')
    expect(cache.size()).toBe(51)
    // a TTL on, the next lookup sweeps: only what is still fresh stays
    clock.t = 1500
    cache.get('later')
    expect(cache.size()).toBe(1)
  })
})
