import { describe, expect, it } from 'vitest'
import { createSignInLimiter } from '../../api/sign-in-limiter.ts'

const MIN = 60_000
const make = (maxKeys?: number) => {
  const clock = { now: 1_000_000 }
  const limiter = createSignInLimiter({
    maxFailuresPerUser: 3,
    maxFailuresPerAddress: 5,
    failureWindowMs: 15 * MIN,
    now: () => clock.now,
    maxKeys,
  })
  return { clock, limiter }
}

describe('sign-in limiter', () => {
  it('refuses a name at its third failure within the window until the oldest leaves it', () => {
    const { clock, limiter } = make()
    for (const at of [0, 1, 2]) {
      clock.now += at === 0 ? 0 : MIN
      expect(limiter.attempt('pat', '10.0.0.1').ok).toBe(true)
    }
    // failures at t0, t0+1 min, t0+2 min: free again at t0+15 min
    expect(limiter.attempt('pat', '10.0.0.2')).toEqual({ ok: false, retryAfterS: 13 * 60, by: 'username' })
    clock.now += 13 * MIN - 1
    expect(limiter.attempt('pat', '10.0.0.2').ok).toBe(false)
    clock.now += 1
    expect(limiter.attempt('pat', '10.0.0.2').ok).toBe(true)
  })

  it('counts an attempt as a failure from the moment it is let through, so attempts still being checked hold their slots', () => {
    const { limiter } = make()
    // three attempts in flight at once (none has an answer yet): the fourth is refused
    const inFlight = [0, 1, 2].map(() => limiter.attempt('pat', '10.0.0.1'))
    expect(inFlight.map((a) => a.ok)).toEqual([true, true, true])
    expect(limiter.attempt('pat', '10.0.0.1')).toMatchObject({ ok: false, by: 'username' })
    // and across names, the address's bound holds the same way
    for (const name of ['a', 'b']) expect(limiter.attempt(name, '10.0.0.1').ok).toBe(true)
    expect(limiter.attempt('c', '10.0.0.1')).toMatchObject({ ok: false, by: 'address' })
  })

  it('forgets a name’s failures on success, and the successful attempt is no failure of its address', () => {
    const { limiter } = make()
    for (let i = 0; i < 2; i++) limiter.attempt('pat', '10.0.0.1')
    const right = limiter.attempt('pat', '10.0.0.1')
    if (!right.ok) throw new Error('refused')
    right.succeeded()
    for (let i = 0; i < 2; i++) limiter.attempt('pat', '10.0.0.1')
    // the address has four failures (the success gave its slot back): one more is let through
    expect(limiter.attempt('pat', '10.0.0.1').ok).toBe(true) // the address's fifth
    expect(limiter.attempt('someone-else', '10.0.0.1')).toMatchObject({ ok: false, by: 'address' })
    expect(limiter.attempt('someone-else', '10.0.0.9').ok).toBe(true)
  })

  it('tracks at most maxKeys names and addresses, dropping the longest quiet first', () => {
    const { clock, limiter } = make(4)
    for (const name of ['a', 'b', 'c']) {
      for (let i = 0; i < 3; i++) limiter.attempt(name, `10.0.0.${name.charCodeAt(0)}`)
      clock.now += 1000
    }
    // six keys were wanted (3 names, 3 addresses): the oldest went
    expect(limiter.attempt('a', '10.0.0.200').ok).toBe(true)
    expect(limiter.attempt('c', '10.0.0.200').ok).toBe(false)
  })
})
