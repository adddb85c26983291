// The display names a page shows for who acted (docs/api.md v1.1 "People and sessions"), against the real
// API and registry: any signed-in role may ask, each tenant hears only of its own people, the admins
// spanning every tenant stay private to tenants, and a removed person drops out.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { errorCode, type Harness, seedTenants, startHarness } from '../api-harness.ts'
import { asCookie, signIn } from './people-support.ts'

const PASSWORD = 'correct horse battery'
let h: Harness
let tenants: ReturnType<typeof seedTenants>
const made: Record<string, string> = {}

beforeAll(async () => {
  h = await startHarness({ influxUrl: inject('influxUrl') })
  tenants = seedTenants(h)
  for (const [username, role, tenantId, displayName] of [
    ['wang.crew', 'crew', 'acme', '王师傅'],
    ['li.manager', 'manager', 'acme', '李经理'],
    ['acme.admin', 'admin', 'acme', 'Acme IT'],
    ['zhao.crew', 'crew', 'acme', '赵师傅'],
    ['plain.crew', 'crew', 'acme', undefined],
    ['qian.viewer', 'viewer', 'acme', undefined],
    ['chen.crew', 'crew', 'bravo', '陈师傅'],
    ['bravo.viewer', 'viewer', 'bravo', undefined],
    ['ops.root', 'admin', null, '运维 张'],
  ] as const)
    made[username] = (
      await h.registry.createUser({ username, password: PASSWORD, role, tenantId, displayName })
    ).id
})
afterAll(async () => {
  await h?.close()
})

const namesAs = async (username: string) => {
  const res = await signIn(h.base, username, PASSWORD)
  expect(res.status).toBe(200)
  return asCookie(h, res.cookie!)('GET', '/api/v1/people/names')
}
const pairs = (body: { items: { username: string; displayName: string }[] }) =>
  body.items.map((p) => [p.username, p.displayName])

describe('GET /api/v1/people/names', () => {
  it("answers a viewer and a crew member with the display names of their own tenant's people, nothing of another tenant's", async () => {
    const acme = [
      ['acme.admin', 'Acme IT'],
      ['li.manager', '李经理'],
      ['wang.crew', '王师傅'],
      ['zhao.crew', '赵师傅'],
    ]
    for (const who of ['qian.viewer', 'wang.crew']) {
      const res = await namesAs(who)
      expect(res.status, who).toBe(200)
      expect(pairs(res.body), who).toEqual(acme)
    }
    const bravo = await namesAs('bravo.viewer')
    expect(bravo.status).toBe(200)
    expect(pairs(bravo.body)).toEqual([['chen.crew', '陈师傅']])
  })

  it('gives the username, the display name and when the account was made, and nothing else about a person', async () => {
    const res = await namesAs('qian.viewer')
    const wang = h.registry.getUser(made['wang.crew']!)!
    expect(res.body.items.find((p: { username: string }) => p.username === 'wang.crew')).toEqual({
      username: 'wang.crew',
      displayName: '王师傅',
      createdAt: wang.createdAt,
    })
  })

  it("keeps the names of the admins spanning every tenant from tenants; such an admin hears everyone's", async () => {
    for (const who of ['wang.crew', 'li.manager', 'acme.admin', 'bravo.viewer'])
      expect(JSON.stringify((await namesAs(who)).body), who).not.toMatch(/ops\.root|运维/)
    const all = await namesAs('ops.root')
    expect(pairs(all.body)).toEqual([
      ['acme.admin', 'Acme IT'],
      ['chen.crew', '陈师傅'],
      ['li.manager', '李经理'],
      ['ops.root', '运维 张'],
      ['wang.crew', '王师傅'],
      ['zhao.crew', '赵师傅'],
    ])
  })

  it("answers a tenant's API token like its people, and a caller without credentials 401", async () => {
    const token = await h.call('GET', '/api/v1/people/names', { token: tenants.bravoManager })
    expect(token.status).toBe(200)
    expect(pairs(token.body)).toEqual([['chen.crew', '陈师傅']])
    const none = await h.call('GET', '/api/v1/people/names', { token: null })
    expect(none.status).toBe(401)
    expect(errorCode(none.body)).toBe('UNAUTHORIZED')
  })

  it('leaves a removed person out', async () => {
    const removed = await h.call('DELETE', `/api/v1/users/${made['zhao.crew']}`)
    expect(removed.status).toBe(200)
    const res = await namesAs('qian.viewer')
    expect(pairs(res.body).map(([u]) => u)).toEqual(['acme.admin', 'li.manager', 'wang.crew'])
  })
})
