// The HTTP contract over real HTTP: auth, tenancy, every route's happy path and its 4xx error shape.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { buildApp } from '../../api/app.ts'
import { hashToken } from '../../registry/index.ts'
import { errorCode, type Harness, seedTenants, startHarness } from './api-harness.ts'

let h: Harness
let tokens: ReturnType<typeof seedTenants>

beforeAll(async () => {
  h = await startHarness({ influxUrl: inject('influxUrl') })
  tokens = seedTenants(h)
})
afterAll(() => h?.close())

describe('authentication', () => {
  it.each([
    ['no Authorization header', null, {}],
    ['a wrong token', 'cy_not-a-real-token', {}],
    ['a Basic header', null, { authorization: 'Basic YWRtaW46YWRtaW4=' }],
  ])('answers 401 with the error shape for %s', async (_name, token, headers) => {
    const res = await h.call('GET', '/api/v1/sites', { token, headers })
    expect(res.status).toBe(401)
    expect(errorCode(res.body)).toBe('UNAUTHORIZED')
  })

  it('takes the Bearer scheme in any case, as HTTP does, and says so when the header is another scheme', async () => {
    for (const scheme of ['bearer', 'BEARER', 'Bearer  '])
      expect(
        (
          await h.call('GET', '/api/v1/sites', {
            token: null,
            headers: { authorization: `${scheme} ${h.adminToken}` },
          })
        ).status,
        scheme,
      ).toBe(200)
    const basic = await h.call('GET', '/api/v1/sites', {
      token: null,
      headers: { authorization: 'Basic YWRtaW46YWRtaW4=' },
    })
    expect(basic.status).toBe(401)
    expect(errorCode(basic.body)).toBe('UNAUTHORIZED')
    expect(basic.body.message).toMatch(/must be "Bearer " and an API token/)
  })

  it('stops accepting a revoked token', async () => {
    const { token, record } = h.registry.createToken({ tenantId: 'acme', role: 'viewer', name: 'temp' })
    expect((await h.call('GET', '/api/v1/sites', { token })).status).toBe(200)
    h.registry.revokeToken(record.id)
    expect((await h.call('GET', '/api/v1/sites', { token })).status).toBe(401)
  })

  it('leaves /healthz, /readyz and /metrics open', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics'])
      expect((await h.call('GET', path, { token: null })).status).toBe(200)
  })

  it('accepts the configured bootstrap admin token by its hash', async () => {
    const token = 'cy_bootstrap-admin-token-for-the-test'
    const other = await buildApp({
      config: { host: '127.0.0.1', adminTokenHash: hashToken(token) },
      log: h.api.app.log as never,
      registry: h.registry,
      influx: h.influx,
      metrics: h.metrics,
      readiness: async () => ({ ok: true, checks: {} }),
    })
    try {
      const ok = await other.app.inject({
        url: '/api/v1/tenants',
        headers: { authorization: `Bearer ${token}` },
      })
      expect(ok.statusCode).toBe(200)
      const bad = await other.app.inject({
        url: '/api/v1/tenants',
        headers: { authorization: `Bearer ${token}x` },
      })
      expect(bad.statusCode).toBe(401)
    } finally {
      await other.close()
    }
  })
})

describe('tenants and tokens', () => {
  it('lets an admin create a tenant and a tenant-scoped token that works', async () => {
    const t = await h.call('POST', '/api/v1/tenants', { body: { id: 'charlie', name: 'Charlie Homes' } })
    expect(t.status).toBe(201)
    expect(t.body).toMatchObject({ id: 'charlie', name: 'Charlie Homes' })
    const tok = await h.call('POST', '/api/v1/tokens', {
      body: { tenantId: 'charlie', role: 'manager', name: 'ops' },
    })
    expect(tok.status).toBe(201)
    expect(tok.body.token).toMatch(/^cy_[A-Za-z0-9_-]{43}$/)
    expect(tok.body).not.toHaveProperty('hash')
    const own = await h.call('GET', '/api/v1/tenants', { token: tok.body.token })
    expect(own.body.items.map((x: { id: string }) => x.id)).toEqual(['charlie'])
    const all = await h.call('GET', '/api/v1/tenants')
    expect(all.body.items.map((x: { id: string }) => x.id)).toEqual(
      expect.arrayContaining(['acme', 'bravo', 'charlie']),
    )
  })

  it.each([
    [
      'a tenant manager creating a tenant',
      'POST',
      '/api/v1/tenants',
      { name: 'X' },
      'acmeManager',
      403,
      'FORBIDDEN',
    ],
    [
      'a tenant manager creating a token',
      'POST',
      '/api/v1/tokens',
      { tenantId: 'acme', role: 'admin', name: 'x' },
      'acmeManager',
      403,
      'FORBIDDEN',
    ],
    [
      'a duplicate tenant id',
      'POST',
      '/api/v1/tenants',
      { id: 'acme', name: 'Again' },
      null,
      409,
      'CONFLICT',
    ],
    [
      'a token for an unknown tenant',
      'POST',
      '/api/v1/tokens',
      { tenantId: 'ghost', role: 'viewer', name: 'x' },
      null,
      404,
      'NOT_FOUND',
    ],
    [
      'an unknown role',
      'POST',
      '/api/v1/tokens',
      { tenantId: 'acme', role: 'root', name: 'x' },
      null,
      400,
      'BAD_REQUEST',
    ],
    [
      'a tenant id with a newline',
      'POST',
      '/api/v1/tenants',
      { id: 'a\nb', name: 'x' },
      null,
      400,
      'BAD_REQUEST',
    ],
  ] as const)('refuses %s', async (_n, method, path, body, who, status, code) => {
    const res = await h.call(method, path, { body, token: who ? tokens[who] : undefined })
    expect(res.status).toBe(status)
    expect(errorCode(res.body)).toBe(code)
  })
})

describe('sites', () => {
  it('creates a site for the tenant of a manager token, with a generated id', async () => {
    const res = await h.call('POST', '/api/v1/sites', {
      token: tokens.acmeManager,
      body: {
        name: 'Day-care East',
        community: 'Garden Court',
        kind: 'daycare-centre',
        location: { lat: 31.2, lon: 121.5 },
      },
    })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      tenantId: 'acme',
      community: 'Garden Court',
      kind: 'daycare-centre',
      location: { lat: 31.2, lon: 121.5 },
    })
    expect(res.body.id).toMatch(/^[A-Za-z0-9_-]{3,64}$/)
    const got = await h.call('GET', `/api/v1/sites/${res.body.id}`, { token: tokens.acmeViewer })
    expect(got.body).toEqual(res.body)
  })

  it('puts an admin’s site in the tenant it names, or in the `default` tenant when it names none', async () => {
    const plain = await h.call('POST', '/api/v1/sites', {
      body: { name: 'S', community: 'C', kind: 'display' },
    })
    expect(plain.status).toBe(201)
    expect(plain.body.tenantId).toBe('default')
    const ok = await h.call('POST', '/api/v1/sites', {
      body: {
        id: 'bravo-display',
        tenantId: 'bravo',
        name: 'Gate screen',
        community: 'River View',
        kind: 'display',
      },
    })
    expect(ok.status).toBe(201)
    expect(ok.body.tenantId).toBe('bravo')
    const ghost = await h.call('POST', '/api/v1/sites', {
      body: { tenantId: 'ghost', name: 'x', community: 'y', kind: 'display' },
    })
    expect(ghost.status).toBe(404)
    expect(errorCode(ghost.body)).toBe('NOT_FOUND')
  })

  it('shows a tenant only its own sites and answers 404 for others’ ids', async () => {
    const list = await h.call('GET', '/api/v1/sites', { token: tokens.bravoManager })
    expect(list.body.items.every((s: { tenantId: string }) => s.tenantId === 'bravo')).toBe(true)
    const other = await h.call('GET', '/api/v1/sites/acme-shed', { token: tokens.bravoManager })
    expect(other.status).toBe(404)
    expect(errorCode(other.body)).toBe('NOT_FOUND')
    const cross = await h.call('POST', '/api/v1/sites', {
      token: tokens.bravoManager,
      body: { tenantId: 'acme', name: 'sneaky', community: 'x', kind: 'building' },
    })
    expect(cross.status).toBe(404)
  })

  it('gives a site a location and a new name, for its own tenant only, and says what is wrong with a bad one', async () => {
    const made = await h.call('POST', '/api/v1/sites', {
      token: tokens.acmeManager,
      body: { name: 'Block 3', community: 'Garden Court', kind: 'building' },
    })
    expect(made.body.location).toBeUndefined()
    const path = `/api/v1/sites/${made.body.id}`
    const moved = await h.call('PATCH', path, {
      token: tokens.acmeManager,
      body: { location: { lat: 39.9, lon: 116.4, address: '3 Garden Court' } },
    })
    expect(moved.status).toBe(200)
    expect(moved.body).toMatchObject({
      name: 'Block 3',
      location: { lat: 39.9, lon: 116.4, address: '3 Garden Court' },
    })
    // a rename keeps the location; a new location replaces the old one whole
    const renamed = await h.call('PATCH', path, { token: tokens.acmeManager, body: { name: 'Block 3 east' } })
    expect(renamed.body).toMatchObject({ name: 'Block 3 east', location: { lat: 39.9, lon: 116.4 } })
    const again = await h.call('PATCH', path, {
      token: tokens.acmeManager,
      body: { location: { lat: 40, lon: 116 } },
    })
    expect(again.body.location).toEqual({ lat: 40, lon: 116 })
    expect((await h.call('GET', path, { token: tokens.acmeViewer })).body).toEqual(again.body)

    const other = await h.call('PATCH', path, { token: tokens.bravoManager, body: { name: 'mine now' } })
    expect(other.status).toBe(404)
    expect(errorCode(other.body)).toBe('NOT_FOUND')
    const empty = await h.call('PATCH', path, { token: tokens.acmeManager, body: {} })
    expect(empty.status).toBe(400)
    expect(empty.body.message).toContain('nothing to change')
    const offEarth = await h.call('PATCH', path, {
      token: tokens.acmeManager,
      body: { location: { lat: 95, lon: 0 } },
    })
    expect(offEarth.status).toBe(400)
    expect(offEarth.body.message).toMatch(/lat/)
    expect((await h.call('GET', path, { token: tokens.acmeViewer })).body.location).toEqual({
      lat: 40,
      lon: 116,
    })
  })

  it('pages with limit and an opaque cursor', async () => {
    const first = await h.call('GET', '/api/v1/sites?limit=1')
    expect(first.body.items).toHaveLength(1)
    expect(typeof first.body.next).toBe('string')
    const second = await h.call('GET', `/api/v1/sites?limit=1&cursor=${first.body.next}`)
    expect(second.body.items[0].id > first.body.items[0].id).toBe(true)
    // the sites list's cursor is no page of another list
    const elsewhere = await h.call('GET', `/api/v1/tokens?limit=1&cursor=${first.body.next}`)
    expect(elsewhere.status).toBe(400)
    expect(elsewhere.body.error).toBe('BAD_CURSOR')
  })

  it.each([
    [
      'a viewer creating a site',
      'POST',
      '/api/v1/sites',
      { name: 'S', community: 'C', kind: 'display' },
      'acmeViewer',
      403,
      'FORBIDDEN',
    ],
    [
      'an unknown site kind',
      'POST',
      '/api/v1/sites',
      { tenantId: 'acme', name: 'S', community: 'C', kind: 'castle' },
      null,
      400,
      'BAD_REQUEST',
    ],
    [
      'an unknown property',
      'POST',
      '/api/v1/sites',
      { tenantId: 'acme', name: 'S', community: 'C', kind: 'display', x: 1 },
      null,
      400,
      'BAD_REQUEST',
    ],
    [
      'a duplicate site id',
      'POST',
      '/api/v1/sites',
      { id: 'acme-shed', tenantId: 'acme', name: 'S', community: 'C', kind: 'display' },
      null,
      409,
      'CONFLICT',
    ],
    ['malformed JSON', 'POST', '/api/v1/sites', '{"name": ', null, 400, 'BAD_REQUEST'],
    ['limit above 1000', 'GET', '/api/v1/sites?limit=1001', undefined, null, 400, 'BAD_REQUEST'],
    ['a forged cursor', 'GET', '/api/v1/sites?cursor=bm9wZQ', undefined, null, 400, 'BAD_CURSOR'],
    ['an unknown site', 'GET', '/api/v1/sites/no-such-site', undefined, null, 404, 'NOT_FOUND'],
    ['a site id too short to be one', 'GET', '/api/v1/sites/x', undefined, null, 400, 'BAD_REQUEST'],
    ['an unknown route', 'GET', '/api/v1/nowhere', undefined, null, 404, 'NOT_FOUND'],
  ] as const)('refuses %s', async (_n, method, path, body, who, status, code) => {
    const res = await h.call(method, path, { body, token: who ? tokens[who] : undefined })
    expect(res.status).toBe(status)
    expect(errorCode(res.body)).toBe(code)
  })
})

describe('what a refusal says', () => {
  it.each([
    [
      'a misspelt property',
      'PATCH',
      '/api/v1/sites/acme-shed',
      { nmae: 'Shed A2' },
      400,
      /^body has unknown property nmae$/,
    ],
    [
      'a value outside an enumeration',
      'POST',
      '/api/v1/sites',
      { tenantId: 'acme', name: 'S', community: 'C', kind: 'castle' },
      400,
      /^body\/kind must be one of charging-shed, daycare-centre, display, building$/,
    ],
    [
      'a path that is not valid percent-encoding',
      'GET',
      '/api/v1/sites/100%',
      undefined,
      400,
      /path "\/api\/v1\/sites\/100%" is not valid: encode .* as %XX/,
    ],
    [
      'a path segment longer than the router takes',
      'GET',
      `/api/v1/devices/${'d'.repeat(150)}/telemetry?field=powerW`,
      undefined,
      400,
      /over 100 characters: ids are at most 64/,
    ],
  ] as const)('names what to fix in %s', async (_n, method, path, body, status, message) => {
    const res = await h.call(method, path, { body })
    expect(res.status).toBe(status)
    expect(errorCode(res.body)).toBe('BAD_REQUEST')
    expect(res.body.message).toMatch(message)
  })

  it('asks for JSON when a body comes as a form', async () => {
    const res = await fetch(`${h.base}/api/v1/tenants`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${h.adminToken}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'name=Delta',
    })
    expect(res.status).toBe(415)
    const body = (await res.json()) as { message: string }
    expect(errorCode(body)).toBe('BAD_REQUEST')
    expect(body.message).toMatch(
      /"application\/x-www-form-urlencoded" is not accepted: send JSON with Content-Type: application\/json/,
    )
  })
})

describe('devices', () => {
  it('provisions a device and shows its secret once', async () => {
    const res = await h.call('POST', '/api/v1/devices', {
      token: tokens.acmeManager,
      body: {
        id: 'acme-pile-01',
        kind: 'charging-pile',
        siteId: 'acme-shed',
        name: 'Pile 1',
        reportIntervalS: 30,
      },
    })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      id: 'acme-pile-01',
      kind: 'charging-pile',
      siteId: 'acme-shed',
      tenantId: 'acme',
      reportIntervalS: 30,
    })
    expect(await h.registry.verifyDeviceSecret('acme-pile-01', res.body.secret)).toBe(true)
    const got = await h.call('GET', '/api/v1/devices/acme-pile-01', { token: tokens.acmeViewer })
    expect(got.status).toBe(200)
    expect(got.body).toMatchObject({ id: 'acme-pile-01', online: false })
    expect(got.body).not.toHaveProperty('secret')
  })

  it('lists devices of the token’s tenant, filtered by site', async () => {
    await h.call('POST', '/api/v1/devices', {
      token: tokens.bravoManager,
      body: { id: 'bravo-pile-01', kind: 'charging-pile', siteId: 'bravo-shed' },
    })
    const acme = await h.call('GET', '/api/v1/devices', { token: tokens.acmeViewer })
    expect(acme.body.items.map((d: { id: string }) => d.id)).toContain('acme-pile-01')
    expect(acme.body.items.map((d: { id: string }) => d.id)).not.toContain('bravo-pile-01')
    const bySite = await h.call('GET', '/api/v1/devices?siteId=bravo-shed')
    expect(bySite.body.items.map((d: { id: string }) => d.id)).toEqual(['bravo-pile-01'])
  })

  it('keeps other tenants’ devices invisible: 404 on get, delete, rotate, telemetry and events', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/devices/bravo-pile-01'],
      ['DELETE', '/api/v1/devices/bravo-pile-01'],
      ['POST', '/api/v1/devices/bravo-pile-01/rotate-secret'],
      ['GET', '/api/v1/devices/bravo-pile-01/telemetry?field=feeder.powerW'],
      ['GET', '/api/v1/devices/bravo-pile-01/events'],
    ] as const) {
      const res = await h.call(method, path, { token: tokens.acmeManager })
      expect(res.status, `${method} ${path}`).toBe(404)
      expect(errorCode(res.body)).toBe('DEVICE_UNKNOWN')
    }
    const provision = await h.call('POST', '/api/v1/devices', {
      token: tokens.acmeManager,
      body: { id: 'acme-into-bravo', kind: 'circuit-monitor', siteId: 'bravo-shed' },
    })
    expect(provision.status).toBe(404)
  })

  it('rotates a secret: only the new one verifies', async () => {
    const { body } = await h.call('POST', '/api/v1/devices', {
      body: { id: 'acme-cm-01', kind: 'circuit-monitor', siteId: 'acme-shed' },
    })
    const res = await h.call('POST', '/api/v1/devices/acme-cm-01/rotate-secret', {
      token: tokens.acmeManager,
    })
    expect(res.status).toBe(200)
    expect(res.body.id).toBe('acme-cm-01')
    expect(await h.registry.verifyDeviceSecret('acme-cm-01', body.secret)).toBe(false)
    expect(await h.registry.verifyDeviceSecret('acme-cm-01', res.body.secret)).toBe(true)
  })

  it('decommissions a device: history stays, the id is not reused, the list hides it', async () => {
    await h.call('POST', '/api/v1/devices', {
      body: { id: 'acme-old-01', kind: 'daycare-sensor', siteId: 'acme-shed' },
    })
    const del = await h.call('DELETE', '/api/v1/devices/acme-old-01', { token: tokens.acmeManager })
    expect(del.status).toBe(200)
    expect(del.body.decommissionedAt).toBeTypeOf('number')
    const again = await h.call('DELETE', '/api/v1/devices/acme-old-01', { token: tokens.acmeManager })
    expect(again.status).toBe(409)
    expect(errorCode(again.body)).toBe('CONFLICT')
    const reuse = await h.call('POST', '/api/v1/devices', {
      body: { id: 'acme-old-01', kind: 'daycare-sensor', siteId: 'acme-shed' },
    })
    expect(reuse.status).toBe(409)
    expect(reuse.body.message).toMatch(/decommissioned/)
    const get = await h.call('GET', '/api/v1/devices/acme-old-01')
    expect(get.body.decommissionedAt).toBe(del.body.decommissionedAt)
    const list = await h.call('GET', '/api/v1/devices?siteId=acme-shed')
    expect(list.body.items.map((d: { id: string }) => d.id)).not.toContain('acme-old-01')
    const withOld = await h.call('GET', '/api/v1/devices?siteId=acme-shed&includeDecommissioned=true')
    expect(withOld.body.items.map((d: { id: string }) => d.id)).toContain('acme-old-01')
  })

  it('carries the filters in the cursor: a page asked for with the cursor alone lists the same selection', async () => {
    for (const [id, siteId] of [
      ['acme-zz-01', 'acme-shed'],
      ['acme-zz-02', 'acme-shed'],
    ])
      await h.call('POST', '/api/v1/devices', { body: { id, kind: 'charging-pile', siteId } })
    const ids = (b: { items: { id: string }[] }) => b.items.map((d) => d.id)
    const asked = '/api/v1/devices?siteId=acme-shed&includeDecommissioned=true'
    const whole = await h.call('GET', asked)
    expect(ids(whole.body)).toContain('acme-old-01')
    // walked one by one with the cursor alone: the same devices, the decommissioned one and no other site's
    const walked: string[] = []
    let page = await h.call('GET', `${asked}&limit=1`)
    walked.push(...ids(page.body))
    while (page.body.next) {
      page = await h.call('GET', `/api/v1/devices?limit=1&cursor=${page.body.next}`)
      expect(page.status).toBe(200)
      walked.push(...ids(page.body))
    }
    expect(walked).toEqual(ids(whole.body))
    const first = await h.call('GET', `${asked}&limit=1`)
    const same = await h.call('GET', `${asked}&limit=1&cursor=${first.body.next}`)
    expect(ids(same.body)).toEqual([walked[1]])
    for (const beside of ['siteId=bravo-shed', 'includeDecommissioned=false']) {
      const other = await h.call('GET', `/api/v1/devices?${beside}&cursor=${first.body.next}`)
      expect(other.status, beside).toBe(400)
      expect(errorCode(other.body)).toBe('BAD_CURSOR')
      expect(other.body.message).toContain(`${beside} differs from the cursor's`)
    }
  })

  it.each([
    [
      'a viewer provisioning',
      'POST',
      '/api/v1/devices',
      { id: 'v-01', kind: 'charging-pile', siteId: 'acme-shed' },
      'acmeViewer',
      403,
      'FORBIDDEN',
    ],
    [
      'a viewer decommissioning',
      'DELETE',
      '/api/v1/devices/acme-pile-01',
      undefined,
      'acmeViewer',
      403,
      'FORBIDDEN',
    ],
    [
      'a viewer rotating',
      'POST',
      '/api/v1/devices/acme-pile-01/rotate-secret',
      undefined,
      'acmeViewer',
      403,
      'FORBIDDEN',
    ],
    [
      'a device id with a space',
      'POST',
      '/api/v1/devices',
      { id: 'pile 01', kind: 'charging-pile', siteId: 'acme-shed' },
      null,
      400,
      'BAD_REQUEST',
    ],
    [
      'an unknown kind',
      'POST',
      '/api/v1/devices',
      { id: 'toaster-1', kind: 'toaster', siteId: 'acme-shed' },
      null,
      400,
      'BAD_REQUEST',
    ],
    [
      'a missing site',
      'POST',
      '/api/v1/devices',
      { id: 'nosite-01', kind: 'charging-pile', siteId: 'nowhere' },
      null,
      404,
      'NOT_FOUND',
    ],
    [
      'a duplicate id',
      'POST',
      '/api/v1/devices',
      { id: 'acme-pile-01', kind: 'charging-pile', siteId: 'acme-shed' },
      null,
      409,
      'CONFLICT',
    ],
    [
      'a zero report interval',
      'POST',
      '/api/v1/devices',
      { id: 'z-01', kind: 'charging-pile', siteId: 'acme-shed', reportIntervalS: 0 },
      null,
      400,
      'BAD_REQUEST',
    ],
    ['an unknown device', 'GET', '/api/v1/devices/ghost-01', undefined, null, 404, 'DEVICE_UNKNOWN'],
    [
      'a non-boolean includeDecommissioned',
      'GET',
      '/api/v1/devices?includeDecommissioned=maybe',
      undefined,
      null,
      400,
      'BAD_REQUEST',
    ],
  ] as const)('refuses %s', async (_n, method, path, body, who, status, code) => {
    const res = await h.call(method, path, { body, token: who ? tokens[who] : undefined })
    expect(res.status).toBe(status)
    expect(errorCode(res.body)).toBe(code)
  })
})

describe('operations', () => {
  it('answers /readyz 503 with the checks when not ready', async () => {
    h.ready.value = { ok: false, checks: { influx: { reachable: false } } }
    try {
      const res = await h.call('GET', '/readyz', { token: null })
      expect(res.status).toBe(503)
      expect(res.body).toMatchObject({
        ok: false,
        checks: { influx: { reachable: false } },
        error: 'NOT_READY',
      })
    } finally {
      h.ready.value = { ok: true, checks: {} }
    }
  })

  it('serves the passed registry’s metrics plus its own courtyard_api_* metrics', async () => {
    const { Counter } = await import('prom-client')
    new Counter({ name: 'courtyard_test_marker_total', help: 'marker', registers: [h.metrics] }).inc()
    const res = await h.call('GET', '/metrics', { token: null })
    expect(res.headers.get('content-type')).toMatch(/text\/plain/)
    expect(res.body).toContain('courtyard_test_marker_total 1')
    expect(res.body).toMatch(
      /courtyard_api_requests_total\{method="GET",route="\/api\/v1\/sites",status="200"\} \d+/,
    )
    expect(res.body).toContain('courtyard_api_request_duration_seconds_bucket')
  })

  it('publishes an OpenAPI document listing every route, and the docs page', async () => {
    const res = await h.call('GET', '/api/v1/openapi.json', { token: null })
    expect(res.status).toBe(200)
    expect(res.body.openapi).toMatch(/^3\./)
    const paths = res.body.paths as Record<string, Record<string, unknown>>
    for (const [path, method] of [
      ['/healthz', 'get'],
      ['/readyz', 'get'],
      ['/metrics', 'get'],
      ['/api/v1/sites', 'post'],
      ['/api/v1/sites', 'get'],
      ['/api/v1/sites/{id}', 'get'],
      ['/api/v1/devices', 'post'],
      ['/api/v1/devices', 'get'],
      ['/api/v1/devices/{id}', 'get'],
      ['/api/v1/devices/{id}', 'delete'],
      ['/api/v1/devices/{id}/rotate-secret', 'post'],
      ['/api/v1/devices/{id}/telemetry', 'get'],
      ['/api/v1/devices/{id}/events', 'get'],
      ['/api/v1/tenants', 'post'],
      ['/api/v1/tokens', 'post'],
    ] as const)
      expect(paths[path]?.[method], `${method} ${path}`).toBeDefined()
    const docs = await fetch(`${h.base}/docs`)
    expect(docs.status).toBe(200)
    expect(await docs.text()).toMatch(/swagger/i)
  })

  it('says in the OpenAPI document which credential each route needs, and the errors every route shares', async () => {
    const doc = (await h.call('GET', '/api/v1/openapi.json', { token: null })).body
    const schemes = Object.keys(doc.components.securitySchemes)
    type Operation = { security?: object[]; parameters?: unknown[]; requestBody?: unknown; responses: object }
    for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
      if (!path.startsWith('/api/v1/')) continue
      for (const [method, op] of Object.entries(methods)) {
        const what = `${method} ${path}`
        if (what === 'post /api/v1/session') expect(op.security, what).toBeUndefined()
        else expect(op.security?.flatMap(Object.keys), what).toEqual(schemes)
        expect(Object.keys(op.responses), what).toContain('429')
        // every route refuses a query parameter it does not take, parameters or none
        expect(Object.keys(op.responses), what).toContain('400')
        if (op.requestBody) expect(Object.keys(op.responses), what).toContain('413')
      }
    }
    for (const path of ['/healthz', '/readyz', '/metrics'])
      expect(doc.paths[path].get.security).toBeUndefined()
  })

  it('answers an oversized body with 413 and the error shape', async () => {
    const res = await h.call('POST', '/api/v1/tenants', { body: { name: 'x'.repeat(2 * 1024 * 1024) } })
    expect(res.status).toBe(413)
    expect(errorCode(res.body)).toBe('PAYLOAD_TOO_LARGE')
  })
})
