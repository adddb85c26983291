// The sign-in limit against guesses sent all at once, on the real route with passwords at their real
// scrypt cost: while one guess is being checked, the others must already find it counted.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { PASSWORD_SCRYPT } from '../../../registry/index.ts'
import { type Harness, seedTenants, startHarness } from '../api-harness.ts'
import { signIn } from './people-support.ts'

const MIN = 60_000
const PASSWORD = 'correct horse battery'
const limits = { maxFailuresPerUser: 3, maxFailuresPerAddress: 8, failureWindowMs: 15 * MIN }
let h: Harness
const clock = { now: Date.now() }

beforeAll(async () => {
  h = await startHarness({
    influxUrl: inject('influxUrl'),
    now: () => clock.now,
    registryNow: () => clock.now,
    passwordScrypt: PASSWORD_SCRYPT,
    config: { signIn: limits },
  })
  seedTenants(h)
  await h.registry.createUser({ username: 'ana', password: PASSWORD, role: 'manager', tenantId: 'acme' })
})
afterAll(async () => {
  await h?.close()
})

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length

describe('guesses sent at once', () => {
  it('checks no more of 40 wrong passwords and the right one than the limit, refuses the right one, and lets it in after the window', async () => {
    clock.now += 20 * MIN
    const guesses = Array.from({ length: 40 }, (_, i) => signIn(h.base, 'ana', `guess number ${i}`))
    const right = signIn(h.base, 'ana', PASSWORD)
    const statuses = (await Promise.all([...guesses, right])).map((r) => r.status)
    // only 429 answers without checking the password
    expect(count(statuses, 401) + count(statuses, 200)).toBeLessThanOrEqual(limits.maxFailuresPerUser)
    expect(count(statuses, 401) + count(statuses, 429)).toBe(41)
    const refused = await right
    expect(refused.status).toBe(429)
    expect(refused.body.error).toBe('RATE_LIMITED')
    expect(refused.setCookie).toBeUndefined()
    clock.now += limits.failureWindowMs + 1
    const later = await signIn(h.base, 'ana', PASSWORD)
    expect(later.status).toBe(200)
    expect(later.body.user.username).toBe('ana')
  })

  it('checks no more guesses at many names from one address than the address’s bound', async () => {
    clock.now += 20 * MIN
    const statuses = (
      await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(h.base, `name-${i}`, 'whatever it is')))
    ).map((r) => r.status)
    expect(count(statuses, 401)).toBe(limits.maxFailuresPerAddress)
    expect(count(statuses, 429)).toBe(20 - limits.maxFailuresPerAddress)
    clock.now += limits.failureWindowMs + 1
    expect((await signIn(h.base, 'ana', PASSWORD)).status).toBe(200)
  })
})
