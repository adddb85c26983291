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
      expect(limiter.check('pat', '10.0.0.1').ok).toBe(true)
      clock.now += at === 0 ? 0 : MIN
      limiter.failed('pat', '10.0.0.1')
    }
    // failures at t0, t0+1 min, t0+2 min: free again at t0+15 min
    expect(limiter.check('pat', '10.0.0.2')).toEqual({ ok: false, retryAfterS: 13 * 60, by: 'username' })
    clock.now += 13 * MIN - 1
    expect(limiter.check('pat', '10.0.0.2').ok).toBe(false)
    clock.now += 1
    expect(limiter.check('pat', '10.0.0.2').ok).toBe(true)
  })

  it('forgets a name’s failures on success, but not its address’s', () => {
    const { limiter } = make()
    for (let i = 0; i < 2; i++) limiter.failed('pat', '10.0.0.1')
    limiter.succeeded('pat')
    for (let i = 0; i < 2; i++) limiter.failed('pat', '10.0.0.1')
    expect(limiter.check('pat', '10.0.0.1').ok).toBe(true)
    limiter.failed('pat', '10.0.0.1') // the address's fifth
    expect(limiter.check('someone-else', '10.0.0.1')).toMatchObject({ ok: false, by: 'address' })
    expect(limiter.check('someone-else', '10.0.0.9').ok).toBe(true)
  })

  it('tracks at most maxKeys names and addresses, dropping the longest quiet first', () => {
    const { clock, limiter } = make(4)
    for (const name of ['a', 'b', 'c']) {
      for (let i = 0; i < 3; i++) limiter.failed(name, `10.0.0.${name.charCodeAt(0)}`)
      clock.now += 1000
    }
    // six keys were wanted (3 names, 3 addresses): the oldest went
    expect(limiter.check('a', '10.0.0.200').ok).toBe(true)
    expect(limiter.check('c', '10.0.0.200').ok).toBe(false)
  })
})
