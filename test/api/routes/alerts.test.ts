import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { evaluateDevice, evaluateOffline } from '../../../alerts/rules/index.ts'
import { defaultResolveSettings } from '../../../alerts/settings.ts'
import { type EngineHarness, pileReading, startEngineHarness, T0 } from '../../alerts/engine/harness.ts'
import { type AlertRoutesApp, startAlertRoutesApp } from './alert-routes-app.ts'

const MIN = 60_000
let h: EngineHarness
let app: AlertRoutesApp | undefined
const tokens: Record<string, string> = {}

let call: AlertRoutesApp['call']

beforeAll(async () => {
  h = await startEngineHarness({
    rules: { evaluateDevice, evaluateOffline, resolveSettings: defaultResolveSettings },
  })
  const r = h.registry
  r.createTenant({ id: 'bravo', name: 'Bravo' })
  r.createSite({ id: 'shed-b', tenantId: 'bravo', name: 'Shed B', community: 'River', kind: 'charging-shed' })
  await r.provisionDevice({ id: 'pile-b1', kind: 'charging-pile', siteId: 'shed-b' })
  tokens.manager = r.createToken({ tenantId: 'acme', role: 'manager', name: 'acme manager' }).token
  tokens.viewer = r.createToken({ tenantId: 'acme', role: 'viewer', name: 'acme viewer' }).token
  tokens.bravo = r.createToken({ tenantId: 'bravo', role: 'manager', name: 'bravo manager' }).token
  tokens.admin = r.createToken({ tenantId: null, role: 'admin', name: 'root' }).token

  app = await startAlertRoutesApp(h, inject('influxUrl'))
  call = app.call

  // acme: an overheat on pile-1 port 1 and a fault on pile-2; bravo: a fault on its own pile
  h.clock.now = T0 + 10 * MIN
  await h.publish('pile-1', 'telemetry', pileReading(T0, 0, [70]))
  await h.publish('pile-1', 'telemetry', pileReading(T0 + MIN, 1, [70]))
  const fault = (port: number, seq: number, ts: number) => ({
    ts,
    seq,
    kind: 'charging-pile',
    event: 'port_fault',
    port,
    code: 'leakage',
  })
  await h.publish('pile-2', 'events', fault(1, 1, T0 + 2 * MIN))
  await h.publish('pile-2', 'events', fault(2, 2, T0 + 3 * MIN))
  await h.publish('pile-b1', 'events', fault(1, 1, T0 + 4 * MIN))
})
afterAll(async () => {
  await app?.close()
  await h?.close()
})

describe('alert routes', () => {
  it('lists a tenant its own open alerts, newest first, with filters and cursor pages', async () => {
    const all = await call('GET', '/api/v1/alerts', tokens.manager!)
    expect(all.status).toBe(200)
    expect(all.body.items.map((a: { deviceId: string; port: number }) => `${a.deviceId}/${a.port}`)).toEqual([
      'pile-2/2',
      'pile-2/1',
      'pile-1/1',
    ])
    expect(all.body.items[0]).not.toHaveProperty('tenantId')
    const page1 = await call('GET', '/api/v1/alerts?limit=2', tokens.manager!)
    expect(page1.body.items).toHaveLength(2)
    const page2 = await call('GET', `/api/v1/alerts?limit=2&cursor=${page1.body.next}`, tokens.manager!)
    expect(page2.body).toEqual({ items: [all.body.items[2]] })
    const filtered = await call(
      'GET',
      `/api/v1/alerts?type=port_fault&deviceId=pile-2&from=${T0 + 3 * MIN}`,
      tokens.manager!,
    )
    expect(filtered.body.items.map((a: { port: number }) => a.port)).toEqual([2])
    const bySite = await call('GET', '/api/v1/alerts?siteId=shed-b', tokens.admin!)
    expect(bySite.body.items).toHaveLength(1)
    const bad = await call('GET', '/api/v1/alerts?state=gone', tokens.manager!)
    expect(bad.status).toBe(400)
  })

  it('carries the filters in the cursor: a page asked for with the cursor alone lists the same selection', async () => {
    const ids = (b: { items: { deviceId: string; port: number }[] }) =>
      b.items.map((a) => `${a.deviceId}/${a.port}`)
    const from = T0 + MIN
    const page1 = await call('GET', `/api/v1/alerts?type=port_fault&from=${from}&limit=1`, tokens.manager!)
    expect(ids(page1.body)).toEqual(['pile-2/2'])
    // the cursor alone: the rest of the port faults, not the overheat on pile-1 (another type)
    const alone = await call('GET', `/api/v1/alerts?limit=1&cursor=${page1.body.next}`, tokens.manager!)
    expect(alone.status).toBe(200)
    expect(ids(alone.body)).toEqual(['pile-2/1'])
    expect(alone.body.next).toBeUndefined()
    // the same filters again beside it, `from` written another way: the same page
    const iso = new Date(from).toISOString()
    const repeated = await call(
      'GET',
      `/api/v1/alerts?type=port_fault&from=${iso}&state=open&limit=1&cursor=${page1.body.next}`,
      tokens.manager!,
    )
    expect(repeated.body).toEqual(alone.body)
    // the default state (open) is carried too: a walk begun with state=all stays with all
    const all1 = await call('GET', '/api/v1/alerts?state=all&deviceId=pile-2&limit=1', tokens.manager!)
    const all2 = await call('GET', `/api/v1/alerts?limit=5&cursor=${all1.body.next}`, tokens.manager!)
    expect(ids(all2.body)).toEqual(['pile-2/1'])
    // another filter beside the cursor: 400 naming it, never a page of another selection
    for (const [beside, name] of [
      ['type=port_overheat', 'type'],
      ['state=all', 'state'],
      ['siteId=shed-a', 'siteId'],
      [`from=${from + 1}`, 'from'],
    ] as const) {
      const other = await call(
        'GET',
        `/api/v1/alerts?${beside}&limit=1&cursor=${page1.body.next}`,
        tokens.manager!,
      )
      expect(other.status, beside).toBe(400)
      expect(other.body.error).toBe('BAD_CURSOR')
      expect(other.body.message).toContain(`${beside} differs from the cursor's ${name}`)
    }
    // a cursor without filters (the version before) or with filters the list does not take
    const last = page1.body.items[0]
    for (const forged of [
      { raisedAt: last.raisedAt, id: last.id },
      { raisedAt: last.raisedAt, id: last.id, f: { state: 'open', colour: 'red' } },
      { raisedAt: last.raisedAt, id: last.id, f: { state: 'everything' } },
    ]) {
      const cursor = Buffer.from(JSON.stringify(forged)).toString('base64url')
      const res = await call('GET', `/api/v1/alerts?cursor=${cursor}`, tokens.manager!)
      expect(res.status, JSON.stringify(forged)).toBe(400)
      expect(res.body.error).toBe('BAD_CURSOR')
    }
  })

  it('acknowledges and clears by hand with the token (token:<name>) in the history, and hides other tenants behind 404', async () => {
    const [, , overheat] = (await call('GET', '/api/v1/alerts', tokens.manager!)).body.items
    expect((await call('POST', `/api/v1/alerts/${overheat.id}/ack`, tokens.bravo!, {})).status).toBe(404)
    expect((await call('POST', `/api/v1/alerts/${overheat.id}/ack`, tokens.viewer!, {})).status).toBe(403)
    h.clock.now = T0 + 20 * MIN
    const ack = await call('POST', `/api/v1/alerts/${overheat.id}/ack`, tokens.manager!, {
      note: 'on my way',
    })
    expect(ack.body).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'token:acme manager',
      acknowledgedAt: T0 + 20 * MIN,
    })
    const cleared = await call('POST', `/api/v1/alerts/${overheat.id}/clear`, tokens.manager!, {
      note: 'replaced the cable',
    })
    expect(cleared.body).toMatchObject({ state: 'cleared', clearedBy: 'token:acme manager' })
    expect((await call('POST', `/api/v1/alerts/${overheat.id}/ack`, tokens.manager!, {})).status).toBe(409)
    const one = await call('GET', `/api/v1/alerts/${overheat.id}`, tokens.manager!)
    expect(
      one.body.history.map((t: { kind: string; by: string; note?: string }) => [t.kind, t.by, t.note]),
    ).toEqual([
      ['raised', 'system', undefined],
      ['acknowledged', 'token:acme manager', 'on my way'],
      ['cleared', 'token:acme manager', 'replaced the cable'],
    ])
    expect(one.body.commands).toEqual([])
    const history = await call('GET', '/api/v1/alerts?state=cleared', tokens.manager!)
    expect(history.body.items.map((a: { id: string }) => a.id)).toEqual([overheat.id])
  })

  it('stores site and device overrides, answers the effective settings, and scopes them by tenant', async () => {
    const put = await call('PUT', '/api/v1/sites/shed-a/alert-settings', tokens.manager!, {
      utcOffsetMin: 60,
    })
    expect(put.status).toBe(200)
    expect(put.body).toMatchObject({
      scope: 'site',
      id: 'shed-a',
      override: { utcOffsetMin: 60 },
      effective: { utcOffsetMin: 60 },
    })
    await call('PUT', '/api/v1/devices/pile-1/alert-settings', tokens.manager!, { offlineIntervals: 5 })
    const dev = await call('GET', '/api/v1/devices/pile-1/alert-settings', tokens.viewer!)
    expect(dev.body).toMatchObject({
      override: { offlineIntervals: 5 },
      effective: { utcOffsetMin: 60, offlineIntervals: 5 },
    })
    expect(
      (await call('PUT', '/api/v1/devices/pile-1/alert-settings', tokens.manager!, { bogus: 1 })).status,
    ).toBe(400)
    expect((await call('GET', '/api/v1/sites/shed-a/alert-settings', tokens.bravo!)).status).toBe(404)
    expect((await call('PUT', '/api/v1/devices/pile-1/alert-settings', tokens.viewer!, {})).status).toBe(403)
  })

  it('refuses lights that follow dusk where the site has no location, says how to give it one, and stores nothing', async () => {
    const dusk = { strayWire: { lightsAtDusk: true } }
    const site = await call('PUT', '/api/v1/sites/shed-b/alert-settings', tokens.bravo!, dusk)
    expect(site.status).toBe(400)
    expect(site.body.message).toMatch(/lightsAtDusk needs the site's location/)
    expect(site.body.message).toContain('PATCH /api/v1/sites/shed-b {"location"')
    expect((await call('PUT', '/api/v1/devices/pile-b1/alert-settings', tokens.bravo!, dusk)).status).toBe(
      400,
    )
    expect((await call('GET', '/api/v1/sites/shed-b/alert-settings', tokens.bravo!)).body.override).toEqual(
      {},
    )
    expect(
      (await call('GET', '/api/v1/devices/pile-b1/alert-settings', tokens.bravo!)).body.override,
    ).toEqual({})
    // located, the same bodies are stored
    h.registry.updateSite('shed-b', { location: { lat: 31.2, lon: 121.5 } })
    const ok = await call('PUT', '/api/v1/sites/shed-b/alert-settings', tokens.bravo!, dusk)
    expect(ok.status).toBe(200)
    expect(ok.body.effective.strayWire.lightsAtDusk).toBe(true)
    await call('PUT', '/api/v1/sites/shed-b/alert-settings', tokens.bravo!, {})
  })

  it('makes the engine use a changed override on the next reading', async () => {
    // pile-2 last arrived at T0 + 10 min (60 s interval): offline after 3 min by default, 5 min with the override
    await call('PUT', '/api/v1/devices/pile-2/alert-settings', tokens.manager!, { offlineIntervals: 5 })
    h.engine.tick(T0 + 14 * MIN)
    expect(h.engine.store.list({ limit: 10, deviceId: 'pile-2', type: 'device_offline' })).toHaveLength(0)
    await h.tickUntil(
      T0 + 15 * MIN,
      () => h.engine.store.list({ limit: 10, deviceId: 'pile-2', type: 'device_offline' }).length === 1,
      'pile-2 offline with the override',
    )
  })

  it('acknowledges and clears with no body at all: the note is optional', async () => {
    const open = (await call('GET', '/api/v1/alerts?deviceId=pile-2&type=port_fault', tokens.manager!)).body
    const fault = open.items.find((a: { port: number }) => a.port === 1)
    const ack = await call('POST', `/api/v1/alerts/${fault.id}/ack`, tokens.manager!)
    expect(ack.status, JSON.stringify(ack.body)).toBe(200)
    expect(ack.body).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'token:acme manager' })
    const cleared = await call('POST', `/api/v1/alerts/${fault.id}/clear`, tokens.manager!)
    expect(cleared.status, JSON.stringify(cleared.body)).toBe(200)
    expect(cleared.body).toMatchObject({ state: 'cleared', clearedBy: 'token:acme manager' })
  })
})
