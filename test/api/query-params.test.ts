// An integrator's misspelt query parameter is refused (400 naming it and what the route takes), not
// silently ignored; parameters starting with `_` (cache-busting, `_=1712345`) are let through and ignored.
import pino from 'pino'
import { Registry as MetricsRegistry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { evaluateDevice, evaluateOffline } from '../../alerts/rules/index.ts'
import { defaultResolveSettings } from '../../alerts/settings.ts'
import { type Api, buildApp } from '../../api/app.ts'
import { createInfluxClient, type InfluxClient } from '../../influx/index.ts'
import { type EngineHarness, startEngineHarness } from '../alerts/engine/harness.ts'
import { errorCode, type Harness, seedTenants, startHarness } from './api-harness.ts'

let h: Harness
let tokens: ReturnType<typeof seedTenants>

beforeAll(async () => {
  h = await startHarness({ influxUrl: inject('influxUrl') })
  tokens = seedTenants(h)
  await h.registry.provisionDevice({ id: 'acme-pile-1', kind: 'charging-pile', siteId: 'acme-shed' })
  await h.registry.provisionDevice({ id: 'acme-pile-2', kind: 'charging-pile', siteId: 'acme-shed' })
})
afterAll(() => h?.close())

describe('an unknown query parameter', () => {
  it.each([
    [
      'a filter by another name',
      '/api/v1/devices?kind=charging-pile',
      /^unknown query parameter kind: GET \/api\/v1\/devices takes limit, cursor, siteId, includeDecommissioned\b/,
    ],
    [
      'a filter in the wrong case',
      '/api/v1/sites?limit=5&Cursor=abc',
      /^unknown query parameter Cursor: GET \/api\/v1\/sites takes limit, cursor\b/,
    ],
    [
      'a parameter on a route that takes none',
      '/api/v1/devices/acme-pile-1?verbose=1',
      /^unknown query parameter verbose: GET \/api\/v1\/devices\/\{id\} takes no query parameters\b/,
    ],
    [
      'two misspelt telemetry parameters',
      '/api/v1/devices/acme-pile-1/telemetry?field=powerW&form=2026-01-01&too=2026-01-02',
      /^unknown query parameters form, too: GET \/api\/v1\/devices\/\{id\}\/telemetry takes .*\bfrom\b.*\bto\b/,
    ],
    [
      'a report parameter by another name',
      '/api/v1/reports/energy?from=2026-01-01&to=2026-01-02&site=acme-shed',
      /^unknown query parameter site: GET \/api\/v1\/reports\/energy takes from, to, siteId, communityId, format, lang\b/,
    ],
  ])('%s answers 400 naming it and what the route takes', async (_what, path, message) => {
    const res = await h.call('GET', path, { token: tokens.acmeViewer })
    expect(res.status).toBe(400)
    expect(errorCode(res.body)).toBe('BAD_REQUEST')
    expect(res.body.message).toMatch(message)
    expect(res.body.message).toMatch(/a parameter starting with _ is ignored/)
  })

  it('is refused on a change too, before anything changes', async () => {
    const res = await h.call('POST', '/api/v1/sites?dryRun=true', {
      body: { tenantId: 'acme', name: 'Not made', community: 'Garden Court', kind: 'display' },
    })
    expect(res.status).toBe(400)
    expect(res.body.message).toMatch(/^unknown query parameter dryRun: POST \/api\/v1\/sites takes no query/)
    const sites = await h.call('GET', '/api/v1/sites?limit=1000')
    expect(sites.body.items.map((s: { name: string }) => s.name)).not.toContain('Not made')
  })

  it('names an odd parameter safely and shortened', async () => {
    const res = await h.call('GET', `/api/v1/sites?${encodeURIComponent(`a"b ${'x'.repeat(200)}`)}=1`)
    expect(res.status).toBe(400)
    expect(res.body.message).toMatch(/^unknown query parameter "a\\"b x+…": GET \/api\/v1\/sites/)
    expect(res.body.message.length).toBeLessThan(300)
  })

  it('is still answered 401 to a caller without a credential', async () => {
    const res = await h.call('GET', '/api/v1/devices?kind=charging-pile', { token: null })
    expect(res.status).toBe(401)
  })
})

describe('a parameter starting with _ (cache-busting)', () => {
  it.each([
    '/api/v1/sites?_=1712345',
    '/api/v1/devices/acme-pile-1?_=1712345',
    '/api/v1/devices?siteId=acme-shed&_=1712345&_ts=x',
    '/api/v1/reports/energy?from=2026-01-01&to=2026-01-02&_=1712345',
  ])('is ignored: %s', async (path) => {
    const res = await h.call('GET', path, { token: tokens.acmeViewer })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
  })

  it('does not upset a cursor that carries the filters', async () => {
    const first = await h.call('GET', '/api/v1/devices?limit=1&siteId=acme-shed&_=1', {
      token: tokens.acmeViewer,
    })
    expect(first.status).toBe(200)
    expect(first.body.next).toBeTypeOf('string')
    const second = await h.call(
      'GET',
      `/api/v1/devices?limit=1&cursor=${encodeURIComponent(first.body.next)}&_=2`,
      { token: tokens.acmeViewer },
    )
    expect(second.status, JSON.stringify(second.body)).toBe(200)
    expect(second.body.items[0].id).toBe('acme-pile-2')
  })
})

describe('the alert list', () => {
  let engine: EngineHarness
  let api: Api
  let influx: InfluxClient
  let base: string
  let token: string

  beforeAll(async () => {
    engine = await startEngineHarness({
      rules: { evaluateDevice, evaluateOffline, resolveSettings: defaultResolveSettings },
    })
    influx = createInfluxClient({ url: inject('influxUrl'), db: 'unused_by_query_params' })
    api = await buildApp({
      config: { host: '127.0.0.1' },
      log: pino({ level: 'silent' }),
      registry: engine.registry,
      influx,
      metrics: new MetricsRegistry(),
      readiness: async () => ({ ok: true, checks: {} }),
      parts: { alerts: engine.engine },
    })
    await api.app.listen({ host: '127.0.0.1', port: 0 })
    const addr = api.app.server.address()
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`
    token = engine.registry.createToken({ tenantId: 'acme', role: 'viewer', name: 'viewer' }).token
  })
  afterAll(async () => {
    await api?.close()
    await influx?.close()
    await engine?.close()
  })

  const get = async (path: string) => {
    const res = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } })
    return { status: res.status, body: (await res.json()) as { error?: string; message?: string } }
  }

  it('refuses status= (the filter is state) instead of answering every alert', async () => {
    const res = await get('/api/v1/alerts?status=active')
    expect(res.status).toBe(400)
    expect(errorCode(res.body)).toBe('BAD_REQUEST')
    expect(res.body.message).toMatch(
      /^unknown query parameter status: GET \/api\/v1\/alerts takes limit, cursor, state, severity, type, siteId, deviceId, from, to\b/,
    )
    expect((await get('/api/v1/alerts?state=active&_=1712345')).status).toBe(200)
  })
})
