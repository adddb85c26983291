// People and sessions against the real API (registry, HTTP, socket.io): signing in and out, the cookie,
// expiry, the same answer for a wrong name and a wrong password, the sign-in rate limit, the origin check
// of cookie-authenticated changes, and live sockets losing their place when their credential goes.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { WRONG_CREDENTIALS, WRONG_CURRENT_PASSWORD } from '../../../api/routes/session.ts'
import { errorCode, type Harness, seedTenants, startHarness } from '../api-harness.ts'
import { asCookie, connectLive, disconnected, signIn } from './people-support.ts'

const MIN = 60_000
const PASSWORD = 'correct horse battery'
let h: Harness
let tenants: ReturnType<typeof seedTenants>
const clock = { now: Date.now() }

beforeAll(async () => {
  h = await startHarness({
    influxUrl: inject('influxUrl'),
    now: () => clock.now,
    registryNow: () => clock.now,
    config: {
      sessions: { idleTimeoutMs: 10 * MIN, absoluteTimeoutMs: 30 * MIN },
      signIn: { maxFailuresPerUser: 3, maxFailuresPerAddress: 8, failureWindowMs: 15 * MIN },
      // long, so the revocation tests see the event-driven disconnect, not the periodic re-check
      liveAuthRecheckMs: 600_000,
    },
  })
  tenants = seedTenants(h)
  for (const [username, role] of [
    ['ana', 'manager'],
    ['bob', 'crew'],
    ['cyd', 'viewer'],
    ['dee', 'crew'],
    ['fay', 'crew'],
    ['gus', 'viewer'],
  ] as const)
    await h.registry.createUser({ username, password: PASSWORD, role, tenantId: 'acme' })
})
afterAll(async () => {
  await h?.close()
})

describe('signing in and out', () => {
  it('answers the user and an HttpOnly, SameSite=Strict, Path=/ cookie (not Secure over plain HTTP) that works like a token', async () => {
    const res = await signIn(h.base, 'Ana', PASSWORD)
    expect(res.status).toBe(200)
    expect(res.body.user).toMatchObject({
      username: 'ana',
      role: 'manager',
      tenantId: 'acme',
      displayName: null,
    })
    expect(res.body.user).not.toHaveProperty('password')
    expect(res.setCookie).toMatch(/^courtyard_session=[A-Za-z0-9_-]{43}; /)
    const attrs = res.setCookie!.split('; ').slice(1)
    expect(attrs).toEqual(
      expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${30 * 60}`]),
    )
    expect(attrs).not.toContain('Secure')
    const as = asCookie(h, res.cookie!)
    expect((await as('GET', '/api/v1/session')).body.user.username).toBe('ana')
    const sites = await as('GET', '/api/v1/sites')
    expect(sites.body.items.map((s: { id: string }) => s.id)).toEqual(['acme-shed'])
    // only a hash of the id is stored
    const idHash = h.registry.findSession(res.cookie!.split('=')[1]!)!.session.idHash
    expect(idHash).toMatch(/^[0-9a-f]{64}$/)
    expect(idHash).not.toContain(res.cookie!.split('=')[1])
  })

  it('signs out: the cookie is cleared and answers 401 from then on', async () => {
    const { cookie } = await signIn(h.base, 'bob', PASSWORD)
    const as = asCookie(h, cookie!)
    expect((await as('GET', '/api/v1/sites')).status).toBe(200)
    const out = await as('DELETE', '/api/v1/session')
    expect(out.status).toBe(204)
    expect(out.headers.getSetCookie()[0]).toMatch(/^courtyard_session=; .*Max-Age=0/)
    const after = await as('GET', '/api/v1/sites')
    expect(after.status).toBe(401)
    expect(errorCode(after.body)).toBe('UNAUTHORIZED')
  })

  it('ends a session left unused past the idle timeout, and a busy one at the absolute timeout', async () => {
    const idle = asCookie(h, (await signIn(h.base, 'cyd', PASSWORD)).cookie!)
    const busy = asCookie(h, (await signIn(h.base, 'cyd', PASSWORD)).cookie!)
    clock.now += 9 * MIN
    expect((await busy('GET', '/api/v1/sites')).status).toBe(200)
    clock.now += 2 * MIN
    expect((await idle('GET', '/api/v1/sites')).status).toBe(401)
    expect((await busy('GET', '/api/v1/sites')).status).toBe(200)
    for (let i = 0; i < 2; i++) {
      clock.now += 9 * MIN
      expect((await busy('GET', '/api/v1/sites')).status).toBe(200)
    }
    clock.now += 2 * MIN // 31 min after sign-in, 2 min after the last use
    const ended = await busy('GET', '/api/v1/sites')
    expect(ended.status).toBe(401)
    expect(ended.body.message).toMatch(/session has ended/)
  })
})

describe('wrong credentials and the sign-in rate limit', () => {
  it('answers an unknown name and a wrong password with the same 401 and message', async () => {
    clock.now += 20 * MIN // a fresh failure window
    const unknown = await signIn(h.base, 'nobody-here', PASSWORD)
    const wrong = await signIn(h.base, 'dee', 'not the password')
    expect([unknown.status, wrong.status]).toEqual([401, 401])
    expect(unknown.body).toEqual({ error: 'UNAUTHORIZED', message: WRONG_CREDENTIALS })
    expect(wrong.body).toEqual(unknown.body)
    expect(unknown.setCookie).toBeUndefined()
  })

  it('refuses a name after 3 failures in the window with 429 and Retry-After, even with the right password, and lets it in after the window', async () => {
    clock.now += 20 * MIN
    for (let i = 0; i < 3; i++) expect((await signIn(h.base, 'dee', 'guess number one')).status).toBe(401)
    const limited = await signIn(h.base, 'DEE', PASSWORD)
    expect(limited.status).toBe(429)
    expect(errorCode(limited.body)).toBe('RATE_LIMITED')
    expect(Number(limited.headers.get('retry-after'))).toBe(15 * 60)
    // the limit is on the name: another person at the same address signs in
    expect((await signIn(h.base, 'cyd', PASSWORD)).status).toBe(200)
    clock.now += 5 * MIN
    expect(Number((await signIn(h.base, 'dee', PASSWORD)).headers.get('retry-after'))).toBe(10 * 60)
    clock.now += 10 * MIN
    expect((await signIn(h.base, 'dee', PASSWORD)).status).toBe(200)
  })

  it('refuses an address after 8 failures over any names, whoever then signs in from it', async () => {
    clock.now += 20 * MIN
    for (let i = 0; i < 8; i++)
      expect((await signIn(h.base, `guess-${i}`, 'whatever it is')).status).toBe(401)
    const limited = await signIn(h.base, 'ana', PASSWORD)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    clock.now += 16 * MIN
    expect((await signIn(h.base, 'ana', PASSWORD)).status).toBe(200)
  })
})

describe('cross-origin requests with the cookie (CSRF)', () => {
  it("refuses a cookie-authenticated change whose Origin is not this server's, and a sign-in from another origin", async () => {
    clock.now += 20 * MIN
    const { cookie } = await signIn(h.base, 'ana', PASSWORD)
    const as = asCookie(h, cookie!)
    const site = { name: 'Shed C', community: 'Garden Court', kind: 'charging-shed' }
    const evil = await as('POST', '/api/v1/sites', site, { origin: 'http://evil.example' })
    expect(evil.status).toBe(403)
    expect(evil.body.message).toMatch(/own pages/)
    const sibling = await as('POST', '/api/v1/sites', site, { 'sec-fetch-site': 'same-site' })
    expect(sibling.status).toBe(403)
    const own = await as('POST', '/api/v1/sites', site, { origin: h.base })
    expect(own.status).toBe(201)
    // reads are not changes; a bearer token carries no ambient authority
    expect((await as('GET', '/api/v1/sites', undefined, { origin: 'http://evil.example' })).status).toBe(200)
    const byToken = await h.call('POST', '/api/v1/sites', {
      token: tenants.acmeManager,
      body: { ...site, name: 'Shed D' },
      headers: { origin: 'http://evil.example' },
    })
    expect(byToken.status).toBe(201)
    expect((await signIn(h.base, 'ana', PASSWORD, { origin: 'http://evil.example' })).status).toBe(403)
  })
})

describe('API tokens', () => {
  it('lists tokens without their secret, and an expired token answers 401', async () => {
    const created = await h.call('POST', '/api/v1/tokens', {
      body: { tenantId: 'acme', role: 'viewer', name: 'wall screen', expiresAt: clock.now + 5 * MIN },
    })
    expect(created.status).toBe(201)
    expect(created.body.expiresAt).toBe(clock.now + 5 * MIN)
    const list = await h.call('GET', '/api/v1/tokens')
    const listed = list.body.items.find((t: { id: string }) => t.id === created.body.id)
    expect(listed).toEqual({
      id: created.body.id,
      tenantId: 'acme',
      role: 'viewer',
      name: 'wall screen',
      createdAt: expect.any(Number),
      expiresAt: clock.now + 5 * MIN,
    })
    expect(JSON.stringify(list.body)).not.toContain(created.body.token)
    expect((await h.call('GET', '/api/v1/sites', { token: created.body.token })).status).toBe(200)
    clock.now += 5 * MIN
    const expired = await h.call('GET', '/api/v1/sites', { token: created.body.token })
    expect(expired.status).toBe(401)
    expect(expired.body.message).toMatch(/expired/)
  })

  it("answers a tenant's admin or manager asking for a token or a person spanning every tenant with 403 saying what it may make; another tenant stays unknown", async () => {
    const acmeAdmin = h.registry.createToken({ tenantId: 'acme', role: 'admin', name: 'acme admin' }).token
    const everyTenant = await h.call('POST', '/api/v1/tokens', {
      token: acmeAdmin,
      body: { tenantId: null, role: 'viewer', name: 'everywhere' },
    })
    expect(everyTenant.status).toBe(403)
    expect(errorCode(everyTenant.body)).toBe('FORBIDDEN')
    expect(everyTenant.body.message).toBe(
      'an admin of tenant acme makes tokens for tenant acme only, not one spanning every tenant',
    )
    const person = await h.call('POST', '/api/v1/users', {
      token: tenants.acmeManager,
      body: { username: 'roamer', password: PASSWORD, role: 'crew', tenantId: null },
    })
    expect(person.status).toBe(403)
    expect(person.body.message).toBe(
      'a manager of tenant acme adds people to tenant acme only: leave tenantId out',
    )
    const other = await h.call('POST', '/api/v1/tokens', {
      token: acmeAdmin,
      body: { tenantId: 'bravo', role: 'viewer', name: 'x' },
    })
    expect([other.status, other.body.message]).toEqual([404, 'tenant bravo does not exist'])
  })

  it('refuses an expiresAt no client could read back as a date, as a number or as text', async () => {
    for (const expiresAt of [1e300, '1e300', 9_300_000_000_000_000]) {
      const res = await h.call('POST', '/api/v1/tokens', {
        body: { tenantId: 'acme', role: 'viewer', name: 'far future', expiresAt },
      })
      expect(res.status, String(expiresAt)).toBe(400)
      expect(res.body.message).toMatch(/^expiresAt must be epoch milliseconds .* or ISO 8601/)
    }
    const fine = await h.call('POST', '/api/v1/tokens', {
      body: { tenantId: 'acme', role: 'viewer', name: 'next year', expiresAt: clock.now + 365 * 86_400_000 },
    })
    expect(fine.body.expiresAt).toBe(clock.now + 365 * 86_400_000)
  })

  it('revokes a token at once: the next call answers 401', async () => {
    const created = await h.call('POST', '/api/v1/tokens', {
      body: { tenantId: 'acme', role: 'viewer', name: 'x' },
    })
    expect((await h.call('GET', '/api/v1/sites', { token: created.body.token })).status).toBe(200)
    expect((await h.call('DELETE', `/api/v1/tokens/${created.body.id}`)).status).toBe(204)
    expect((await h.call('GET', '/api/v1/sites', { token: created.body.token })).status).toBe(401)
    expect((await h.call('DELETE', `/api/v1/tokens/${created.body.id}`)).status).toBe(404)
  })
})

describe('live sockets and their credentials', () => {
  it('accepts the session cookie in the socket.io handshake, but not from another origin', async () => {
    const { cookie } = await signIn(h.base, 'cyd', PASSWORD)
    const socket = await connectLive(h.base, { cookie })
    const ack = await socket.emitWithAck('subscribe', { siteId: 'acme-shed' })
    expect(ack).toEqual({ ok: true })
    expect(await socket.emitWithAck('subscribe', { siteId: 'bravo-shed' })).toMatchObject({
      ok: false,
      error: 'NOT_FOUND',
    })
    socket.close()
    await expect(connectLive(h.base, { cookie, origin: 'http://evil.example' })).rejects.toThrow(/own pages/)
    await expect(connectLive(h.base, {})).rejects.toThrow(/sign in/)
  })

  it('removing a user ends its session and disconnects its open socket at once', async () => {
    const made = await h.call('POST', '/api/v1/users', {
      token: tenants.acmeManager,
      body: { username: 'temp-crew', password: PASSWORD, role: 'crew' },
    })
    expect(made.status).toBe(201)
    const { cookie } = await signIn(h.base, 'temp-crew', PASSWORD)
    const socket = await connectLive(h.base, { cookie })
    const gone = disconnected(socket)
    expect(
      (await h.call('DELETE', `/api/v1/users/${made.body.id}`, { token: tenants.acmeManager })).status,
    ).toBe(200)
    expect(await gone).toBe('io server disconnect')
    expect((await asCookie(h, cookie!)('GET', '/api/v1/sites')).status).toBe(401)
  })

  it('signing out disconnects the sockets of that session only', async () => {
    const first = await signIn(h.base, 'cyd', PASSWORD)
    const second = await signIn(h.base, 'cyd', PASSWORD)
    const a = await connectLive(h.base, { cookie: first.cookie })
    const b = await connectLive(h.base, { cookie: second.cookie })
    const aGone = disconnected(a)
    expect((await asCookie(h, first.cookie!)('DELETE', '/api/v1/session')).status).toBe(204)
    expect(await aGone).toBe('io server disconnect')
    expect(b.connected).toBe(true)
    expect(await b.emitWithAck('subscribe', { siteId: 'acme-shed' })).toEqual({ ok: true })
    b.close()
  })

  it('revoking a token disconnects the sockets that signed in with it', async () => {
    const created = await h.call('POST', '/api/v1/tokens', {
      body: { tenantId: 'acme', role: 'viewer', name: 'board' },
    })
    const socket = await connectLive(h.base, { token: created.body.token })
    const other = await connectLive(h.base, { token: tenants.acmeViewer })
    const gone = disconnected(socket)
    expect((await h.call('DELETE', `/api/v1/tokens/${created.body.id}`)).status).toBe(204)
    expect(await gone).toBe('io server disconnect')
    expect(other.connected).toBe(true)
    other.close()
    await expect(connectLive(h.base, { token: created.body.token })).rejects.toThrow(/not valid/)
  })

  it('disconnects a socket whose token expires, on the periodic re-check', async () => {
    const quick = await startHarness({
      influxUrl: inject('influxUrl'),
      now: () => clock.now,
      registryNow: () => clock.now,
      config: { liveAuthRecheckMs: 20 },
    })
    try {
      const { token } = quick.registry.createToken({
        tenantId: null,
        role: 'viewer',
        name: 'short',
        expiresAt: clock.now + MIN,
      })
      const socket = await connectLive(quick.base, { token })
      const gone = disconnected(socket)
      clock.now += MIN
      expect(await gone).toBe('io server disconnect')
    } finally {
      await quick.close()
    }
  })
})

describe('users', () => {
  it('lets a manager create people of its tenant below admin, never shows passwords, and keeps tenants apart', async () => {
    const as = (token: string, method: string, path: string, body?: unknown) =>
      h.call(method, path, { token, body })
    const made = await as(tenants.acmeManager, 'POST', '/api/v1/users', {
      username: 'Eve.Night',
      password: PASSWORD,
      role: 'viewer',
      displayName: 'Eve (night shift)',
    })
    expect(made.status).toBe(201)
    expect(made.body).toEqual({
      id: expect.stringMatching(/^usr-/),
      username: 'eve.night',
      role: 'viewer',
      tenantId: 'acme',
      displayName: 'Eve (night shift)',
      createdAt: expect.any(Number),
    })
    const admin = await as(tenants.acmeManager, 'POST', '/api/v1/users', {
      username: 'boss',
      password: PASSWORD,
      role: 'admin',
    })
    expect(admin.status).toBe(403)
    const elsewhere = await as(tenants.acmeManager, 'POST', '/api/v1/users', {
      username: 'spy',
      password: PASSWORD,
      role: 'crew',
      tenantId: 'bravo',
    })
    expect(elsewhere.status).toBe(404)
    const dup = await as(tenants.acmeManager, 'POST', '/api/v1/users', {
      username: 'EVE.NIGHT',
      password: PASSWORD,
      role: 'crew',
    })
    expect(dup.status).toBe(409)
    const short = await as(tenants.acmeManager, 'POST', '/api/v1/users', {
      username: 'shorty',
      password: 'abc',
      role: 'crew',
    })
    expect(short.status).toBe(400)
    const list = await as(tenants.acmeManager, 'GET', '/api/v1/users')
    expect(list.body.items.every((u: { tenantId: string }) => u.tenantId === 'acme')).toBe(true)
    expect(JSON.stringify(list.body)).not.toMatch(/password|scrypt/)
    expect((await as(tenants.bravoManager, 'DELETE', `/api/v1/users/${made.body.id}`)).status).toBe(404)
  })

  it("setting a password ends the user's sessions and sockets; the new password signs in, the old does not", async () => {
    const first = await signIn(h.base, 'eve.night', PASSWORD)
    const socket = await connectLive(h.base, { cookie: first.cookie })
    const gone = disconnected(socket)
    const id = first.body.user.id
    const set = await h.call('POST', `/api/v1/users/${id}/password`, {
      token: tenants.acmeManager,
      body: { password: 'a whole new passphrase' },
    })
    expect(set.status).toBe(204)
    expect(await gone).toBe('io server disconnect')
    expect((await asCookie(h, first.cookie!)('GET', '/api/v1/session')).status).toBe(401)
    expect((await signIn(h.base, 'eve.night', PASSWORD)).status).toBe(401)
    expect((await signIn(h.base, 'eve.night', 'a whole new passphrase')).status).toBe(200)
  })
})

describe("changing one's own password", () => {
  const NEW = 'my very own new passphrase'
  const change = (cookie: string, body: unknown, headers: Record<string, string> = {}) =>
    asCookie(h, cookie)('POST', '/api/v1/session/password', body, headers)

  it('changes it with the current one: this session and its socket go on, the other sessions end and their sockets are dropped', async () => {
    clock.now += 20 * MIN
    const here = await signIn(h.base, 'fay', PASSWORD)
    const elsewhere = await signIn(h.base, 'fay', PASSWORD)
    const hereSocket = await connectLive(h.base, { cookie: here.cookie })
    const elsewhereSocket = await connectLive(h.base, { cookie: elsewhere.cookie })
    const dropped = disconnected(elsewhereSocket)
    const res = await change(here.cookie!, { currentPassword: PASSWORD, password: NEW }, { origin: h.base })
    expect(res.status).toBe(204)
    expect(await dropped).toBe('io server disconnect')
    expect((await asCookie(h, elsewhere.cookie!)('GET', '/api/v1/session')).status).toBe(401)
    expect((await asCookie(h, here.cookie!)('GET', '/api/v1/session')).body.user.username).toBe('fay')
    expect(hereSocket.connected).toBe(true)
    expect(await hereSocket.emitWithAck('subscribe', { siteId: 'acme-shed' })).toEqual({ ok: true })
    hereSocket.close()
    expect((await signIn(h.base, 'fay', PASSWORD)).status).toBe(401)
    expect((await signIn(h.base, 'fay', NEW)).status).toBe(200)
  })

  it('refuses a wrong current password with 403 saying so, and changes nothing', async () => {
    clock.now += 20 * MIN
    const { cookie } = await signIn(h.base, 'gus', PASSWORD)
    const res = await change(cookie!, { currentPassword: 'not my password', password: NEW })
    expect(res.status).toBe(403)
    expect(res.body).toEqual({ error: 'FORBIDDEN', message: WRONG_CURRENT_PASSWORD })
    // the session is not ended by it
    expect((await asCookie(h, cookie!)('GET', '/api/v1/session')).status).toBe(200)
    expect((await signIn(h.base, 'gus', PASSWORD)).status).toBe(200)
    expect((await signIn(h.base, 'gus', NEW)).status).toBe(401)
  })

  it('counts wrong current passwords against the sign-in limit of the name: past it, 429 for the change and for signing in', async () => {
    clock.now += 20 * MIN
    const { cookie } = await signIn(h.base, 'gus', PASSWORD)
    for (let i = 0; i < 3; i++)
      expect((await change(cookie!, { currentPassword: `guess ${i} of many`, password: NEW })).status).toBe(
        403,
      )
    const limited = await change(cookie!, { currentPassword: PASSWORD, password: NEW })
    expect(limited.status).toBe(429)
    expect(errorCode(limited.body)).toBe('RATE_LIMITED')
    expect(limited.body.message).toBe('too many wrong passwords: try again in 15 min')
    expect(Number(limited.headers.get('retry-after'))).toBe(15 * 60)
    expect((await signIn(h.base, 'gus', PASSWORD)).status).toBe(429)
    // and failed sign-ins count against a change the same way
    clock.now += 16 * MIN
    const fresh = (await signIn(h.base, 'gus', PASSWORD)).cookie!
    for (let i = 0; i < 3; i++) expect((await signIn(h.base, 'gus', `guess ${i} again`)).status).toBe(401)
    expect((await change(fresh, { currentPassword: PASSWORD, password: NEW })).status).toBe(429)
  })

  it('holds the new password to the same rules, before the current one is checked (no attempt is counted)', async () => {
    clock.now += 20 * MIN
    const { cookie } = await signIn(h.base, 'dee', PASSWORD)
    for (let i = 0; i < 4; i++) {
      const short = await change(cookie!, { currentPassword: 'a wrong one, even', password: 'short' })
      expect(short.status).toBe(400)
      expect(short.body.message).toBe('a password is 10–256 characters long')
    }
    const same = await change(cookie!, { currentPassword: PASSWORD, password: PASSWORD })
    expect(same.status).toBe(400)
    expect(same.body.message).toBe('the new password is the same as the current one: choose another')
    const missing = await change(cookie!, { password: NEW })
    expect(missing.status).toBe(400)
    expect(missing.body.message).toMatch(/currentPassword/)
    // none of those counted: the name may still sign in
    expect((await signIn(h.base, 'dee', PASSWORD)).status).toBe(200)
  })

  it('answers an API token with 403 saying a token has no password, and refuses a change from another origin', async () => {
    const byToken = await h.call('POST', '/api/v1/session/password', {
      token: tenants.acmeViewer,
      body: { currentPassword: PASSWORD, password: NEW },
    })
    expect(byToken.status).toBe(403)
    expect(byToken.body.message).toMatch(/^an API token has no password: a person signs in/)
    const { cookie } = await signIn(h.base, 'dee', PASSWORD)
    const evil = await change(
      cookie!,
      { currentPassword: PASSWORD, password: NEW },
      { origin: 'http://evil.example' },
    )
    expect(evil.status).toBe(403)
    expect(evil.body.message).toMatch(/own pages/)
    expect((await signIn(h.base, 'dee', PASSWORD)).status).toBe(200)
  })
})

describe('removing people: never oneself, never the last admin spanning every tenant', () => {
  it('refuses to remove the last admin spanning every tenant with 409 saying what to do first', async () => {
    clock.now += 20 * MIN
    const root = await h.registry.createUser({
      username: 'root',
      password: PASSWORD,
      role: 'admin',
      tenantId: null,
    })
    const refused = await h.call('DELETE', `/api/v1/users/${root.id}`)
    expect(refused.status).toBe(409)
    expect(refused.body).toEqual({
      error: 'CONFLICT',
      message:
        'root is the last admin spanning every tenant: add another admin without a tenantId first (POST /api/v1/users), then remove this one',
    })
    expect((await signIn(h.base, 'root', PASSWORD)).status).toBe(200)

    // with a second one, either may go; then the one left is the last again
    const other = await h.call('POST', '/api/v1/users', {
      body: { username: 'root2', password: PASSWORD, role: 'admin', tenantId: null },
    })
    expect(other.status).toBe(201)
    const { cookie } = await signIn(h.base, 'root2', PASSWORD)
    expect((await asCookie(h, cookie!)('DELETE', `/api/v1/users/${root.id}`)).status).toBe(200)
    expect((await h.call('DELETE', `/api/v1/users/${other.body.id}`)).status).toBe(409)
  })

  it('refuses to remove oneself with 409 saying whom to ask', async () => {
    const ana = await signIn(h.base, 'ana', PASSWORD)
    const self = await asCookie(h, ana.cookie!)('DELETE', `/api/v1/users/${ana.body.user.id}`)
    expect(self.status).toBe(409)
    expect(self.body.message).toBe(
      'you cannot remove your own account: ask an admin or another manager of tenant acme to remove it',
    )
    expect((await asCookie(h, ana.cookie!)('GET', '/api/v1/session')).status).toBe(200)
    const root2 = await signIn(h.base, 'root2', PASSWORD)
    const admin = await asCookie(h, root2.cookie!)('DELETE', `/api/v1/users/${root2.body.user.id}`)
    expect([admin.status, admin.body.message]).toEqual([
      409,
      'you cannot remove your own account: ask another admin to remove it',
    ])
  })

  it("lets a tenant's last manager be removed: an admin spanning every tenant still manages that tenant", async () => {
    h.registry.createTenant({ id: 'carol', name: 'Carol Co' })
    const only = await h.call('POST', '/api/v1/users', {
      body: { username: 'carol-manager', password: PASSWORD, role: 'manager', tenantId: 'carol' },
    })
    expect((await h.call('DELETE', `/api/v1/users/${only.body.id}`)).status).toBe(200)
    const next = await h.call('POST', '/api/v1/users', {
      body: { username: 'carol-manager-2', password: PASSWORD, role: 'manager', tenantId: 'carol' },
    })
    expect(next.status).toBe(201)
  })
})
