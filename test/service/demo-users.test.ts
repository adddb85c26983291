// The demo's manager and crew member, made through the real API: they sign in with the printed
// passwords, and a second start (same DATA_DIR) gives them new ones.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { demoUserLines, ensureDemoUsers } from '../../service/demo-users.ts'
import { type Harness, startHarness } from '../api/api-harness.ts'
import { signIn } from '../api/people/people-support.ts'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ influxUrl: inject('influxUrl') })
  h.registry.createTenant({ id: 'demo', name: 'Demo Property Co.' })
})
afterAll(async () => {
  await h?.close()
})

describe('demo users', () => {
  it('creates a manager and a crew member of the demo tenant whose printed passwords sign in, and resets them on the next start', async () => {
    const first = await ensureDemoUsers(h.base, h.adminToken, 'demo')
    expect(first.map((u) => [u.username, u.role])).toEqual([
      ['manager', 'manager'],
      ['crew', 'crew'],
    ])
    for (const u of first) {
      const res = await signIn(h.base, u.username, u.password)
      expect(res.status).toBe(200)
      expect(res.body.user).toMatchObject({ role: u.role, tenantId: 'demo' })
    }
    expect(demoUserLines(first).join('\n')).toContain(`crew / ${first[1]!.password}`)

    const second = await ensureDemoUsers(h.base, h.adminToken, 'demo')
    expect(second[0]!.password).not.toBe(first[0]!.password)
    expect((await signIn(h.base, 'manager', first[0]!.password)).status).toBe(401)
    expect((await signIn(h.base, 'manager', second[0]!.password)).status).toBe(200)
  })
})
