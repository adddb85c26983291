import { EventEmitter } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance } from 'fastify'
import pino from 'pino'
import { Registry as MetricsRegistry } from 'prom-client'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type AlertsDb, openAlertsDb } from '../../../alerts/db.ts'
import { createAlertStore } from '../../../alerts/store.ts'
import { createAuthenticator } from '../../../api/auth.ts'
import type { RouteContext } from '../../../api/context.ts'
import { installErrorHandlers } from '../../../api/errors.ts'
import { notifyRoutes } from '../../../api/routes/notify/notify-routes.ts'
import { installV1Auth } from '../../../api/v1-auth.ts'
import type { AlertBus, AlertBusEvents } from '../../../domain/bus.ts'
import { openNotifyStores } from '../../../notify/index.ts'
import { createNotifier } from '../../../notify/notifier.ts'
import { openRegistry, type Registry } from '../../../registry/index.ts'
import {
  change,
  commitChange,
  hmacHex,
  LOOPBACK,
  MIN,
  makeAlert,
  type Receiver,
  SEC,
  SITES,
  startReceiver,
  T0,
} from '../../notify/notify-support.ts'
import { errorCode, seedTenants } from '../api-harness.ts'

/** The notification routes on a real Fastify under /api/v1 with the real authenticator and registry. */
async function startApp(webhookAllowNets: readonly string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'courtyard-notify-api-'))
  const log = pino({ level: 'silent' })
  const registry = openRegistry({ path: join(dir, 'registry.db'), log, scrypt: { N: 1024, r: 8, p: 1 } })
  const db = openAlertsDb(join(dir, 'alerts.db'))
  const clock = { t: T0 }
  const auth = createAuthenticator({ registry })
  const app = Fastify().withTypeProvider<TypeBoxTypeProvider>().setValidatorCompiler(TypeBoxValidatorCompiler)
  installErrorHandlers(app as unknown as FastifyInstance, log)
  // the routes only use the registry, the clock and the logger of the route context
  const ctx = { registry, now: () => clock.t, log } as unknown as RouteContext
  await app.register(
    async (v1) => {
      installV1Auth(v1 as unknown as FastifyInstance, { auth })
      await v1.register(notifyRoutes, {
        ctx,
        notify: openNotifyStores({ db, now: () => clock.t, webhookAllowNets }),
        alerts: createAlertStore(db),
      })
    },
    { prefix: '/api/v1' },
  )
  await app.ready()
  const h = { registry, db, clock, app, dir, adminToken: '' }
  h.adminToken = registry.createToken({ tenantId: null, role: 'admin', name: 'admin' }).token
  const call = async (method: string, url: string, token: string, body?: unknown) => {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(body !== undefined && { payload: body as object }),
    })
    return { status: res.statusCode, body: res.body ? res.json() : undefined }
  }
  return {
    ...h,
    call,
    harnessLike: { registry } as { registry: Registry },
    async close() {
      await app.close()
      db.close()
      registry.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

describe('notification API', () => {
  let a: Awaited<ReturnType<typeof startApp>>
  let tokens: ReturnType<typeof seedTenants>
  let rx: Receiver
  beforeEach(async () => {
    // the receiver listens on loopback: allowed explicitly, as an operator would
    a = await startApp(LOOPBACK)
    tokens = seedTenants(a.harnessLike as never)
    a.registry.createSite({
      id: 'acme-shed-2',
      tenantId: 'acme',
      name: 'Shed B',
      community: 'Garden Court',
      kind: 'charging-shed',
    })
    rx = await startReceiver()
  })
  afterEach(async () => {
    await a.close()
    await rx.close()
  })

  /** The notifier on the API's alerts.db and clock, with its own bus, as the service wires it. */
  const notifierOnApi = () => {
    const bus: AlertBus = new EventEmitter<AlertBusEvents>()
    const notifier = createNotifier({
      db: a.db as AlertsDb,
      bus,
      getSite: (id) => SITES[id],
      log: pino({ level: 'silent' }),
      metrics: new MetricsRegistry(),
      now: () => a.clock.t,
      webhookAllowNets: LOOPBACK,
    })
    return { bus, notifier }
  }
  it('answers a generated webhook secret once and never again; robot keys in the URL are masked', async () => {
    const created = await a.call('POST', '/api/v1/notification-channels', tokens.acmeManager, {
      type: 'webhook',
      name: 'ops hook',
      url: 'https://hooks.example.test/in?key=abc123&x=1',
    })
    expect(created.status).toBe(201)
    expect(created.body.secret).toMatch(/^whsec_/)
    expect(created.body).toMatchObject({ tenantId: 'acme', format: 'json', hasSecret: true })
    expect(created.body.url).toBe('https://hooks.example.test/in?key=***&x=***')

    const one = await a.call('GET', `/api/v1/notification-channels/${created.body.id}`, tokens.acmeViewer)
    expect(one.status).toBe(200)
    expect(one.body.secret).toBeUndefined()
    expect(JSON.stringify(one.body)).not.toContain(created.body.secret)
    expect(JSON.stringify(one.body)).not.toContain('abc123')
    const list = await a.call('GET', '/api/v1/notification-channels', tokens.acmeManager)
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret)

    const rotated = await a.call(
      'PATCH',
      `/api/v1/notification-channels/${created.body.id}`,
      tokens.acmeManager,
      {
        rotateSecret: true,
      },
    )
    expect(rotated.body.secret).toMatch(/^whsec_/)
    expect(rotated.body.secret).not.toBe(created.body.secret)
  })

  it('keeps tenants apart and viewers read-only', async () => {
    const c = await a.call('POST', '/api/v1/notification-channels', tokens.acmeManager, {
      type: 'email',
      name: 'crew',
      to: ['crew@acme.test'],
    })
    expect(c.status).toBe(201)
    expect(c.body.secret).toBeUndefined()
    const denied = await a.call('POST', '/api/v1/notification-channels', tokens.acmeViewer, {
      type: 'email',
      name: 'x',
      to: ['x@acme.test'],
    })
    expect(denied.status).toBe(403)
    expect(errorCode(denied.body)).toBe('FORBIDDEN')
    const other = await a.call('GET', `/api/v1/notification-channels/${c.body.id}`, tokens.bravoManager)
    expect(other.status).toBe(404)
    expect((await a.call('GET', '/api/v1/notification-channels', tokens.bravoManager)).body.items).toEqual([])
    expect(
      (await a.call('DELETE', `/api/v1/notification-channels/${c.body.id}`, tokens.bravoManager)).status,
    ).toBe(404)
    const asAdmin = await a.call('GET', '/api/v1/notification-channels', a.adminToken)
    expect(asAdmin.body.items.map((x: { id: string }) => x.id)).toEqual([c.body.id])
  })

  it('refuses incomplete channels and routes with the error shape', async () => {
    const noUrl = await a.call('POST', '/api/v1/notification-channels', tokens.acmeManager, {
      type: 'webhook',
      name: 'x',
    })
    expect(noUrl.status).toBe(400)
    expect(errorCode(noUrl.body)).toBe('BAD_REQUEST')
    const badFormat = await a.call('POST', '/api/v1/notification-channels', tokens.acmeManager, {
      type: 'webhook',
      name: 'x',
      url: 'https://x.test',
      format: 'slack',
    })
    expect(badFormat.status).toBe(400)

    const bravoChannel = await a.call('POST', '/api/v1/notification-channels', tokens.bravoManager, {
      type: 'email',
      name: 'b',
      to: ['b@bravo.test'],
    })
    const foreign = await a.call('POST', '/api/v1/notification-routes', tokens.acmeManager, {
      name: 'r',
      channelIds: [bravoChannel.body.id],
    })
    expect(foreign.status).toBe(400)
    expect(foreign.body.message).toContain(bravoChannel.body.id)
    const acmeChannel = await a.call('POST', '/api/v1/notification-channels', tokens.acmeManager, {
      type: 'email',
      name: 'a',
      to: ['a@acme.test'],
    })
    const foreignSite = await a.call('POST', '/api/v1/notification-routes', tokens.acmeManager, {
      name: 'r',
      channelIds: [acmeChannel.body.id],
      siteIds: ['bravo-shed'],
    })
    expect(foreignSite.status).toBe(400)
    const halfEscalation = await a.call('POST', '/api/v1/notification-routes', tokens.acmeManager, {
      name: 'r',
      channelIds: [acmeChannel.body.id],
      escalateAfterMin: 10,
    })
    expect(halfEscalation.status).toBe(400)
  })

  it('creates routes with defaults, patches them (null removes a filter) and protects channels in use', async () => {
    const ch = await a.call('POST', '/api/v1/notification-channels', tokens.acmeManager, {
      type: 'email',
      name: 'a',
      to: ['a@acme.test'],
    })
    const ch2 = await a.call('POST', '/api/v1/notification-channels', tokens.acmeManager, {
      type: 'email',
      name: 'b',
      to: ['b@acme.test'],
    })
    const r = await a.call('POST', '/api/v1/notification-routes', tokens.acmeManager, {
      name: 'sheds',
      channelIds: [ch.body.id],
      siteIds: ['acme-shed'],
      escalateAfterMin: 15,
      escalateTo: [ch2.body.id],
      repeatEveryMin: { major: 10, critical: null },
    })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({
      minSeverity: 'warning',
      notifyOnClear: true,
      enabled: true,
      repeatEveryMin: { major: 10, critical: null },
    })

    const patched = await a.call('PATCH', `/api/v1/notification-routes/${r.body.id}`, tokens.acmeManager, {
      siteIds: null,
      minSeverity: 'major',
      escalateAfterMin: null,
      escalateTo: null,
    })
    expect(patched.status).toBe(200)
    expect(patched.body.siteIds).toBeUndefined()
    expect(patched.body.escalateTo).toBeUndefined()
    expect(patched.body.minSeverity).toBe('major')
    expect(patched.body.channelIds).toEqual([ch.body.id])

    const inUse = await a.call('DELETE', `/api/v1/notification-channels/${ch.body.id}`, tokens.acmeManager)
    expect(inUse.status).toBe(409)
    expect(errorCode(inUse.body)).toBe('CONFLICT')
    expect(
      (await a.call('DELETE', `/api/v1/notification-routes/${r.body.id}`, tokens.acmeManager)).status,
    ).toBe(204)
    expect(
      (await a.call('DELETE', `/api/v1/notification-channels/${ch.body.id}`, tokens.acmeManager)).status,
    ).toBe(204)
    expect((await a.call('GET', `/api/v1/notification-routes/${r.body.id}`, tokens.acmeManager)).status).toBe(
      404,
    )
  })

  it('creates, lists and ends silences; an ended silence stays listed but inactive', async () => {
    const bad = await a.call('POST', '/api/v1/silences', tokens.acmeManager, {
      matchers: { siteId: 'acme-shed' },
      from: T0 + 10 * SEC,
      to: T0,
      comment: 'x',
    })
    expect(bad.status).toBe(400)
    const empty = await a.call('POST', '/api/v1/silences', tokens.acmeManager, {
      matchers: {},
      to: T0 + 60 * SEC,
      comment: 'x',
    })
    expect(empty.status).toBe(400)
    const s = await a.call('POST', '/api/v1/silences', tokens.acmeManager, {
      matchers: { siteId: 'acme-shed', type: 'display_tamper' },
      to: T0 + 3_600_000,
      comment: 'cabinet being serviced',
    })
    expect(s.status).toBe(201)
    expect(s.body).toMatchObject({ from: T0, active: true, tenantId: 'acme' })
    expect(s.body.createdBy).toBe('token:acme manager')
    expect((await a.call('GET', '/api/v1/silences?active=true', tokens.acmeViewer)).body.items).toHaveLength(
      1,
    )
    a.clock.t = T0 + 60 * SEC
    const ended = await a.call('DELETE', `/api/v1/silences/${s.body.id}`, tokens.acmeManager)
    expect(ended.body).toMatchObject({ active: false, to: T0 + 60 * SEC })
    expect((await a.call('GET', '/api/v1/silences?active=true', tokens.acmeViewer)).body.items).toHaveLength(
      0,
    )
    expect((await a.call('GET', '/api/v1/silences', tokens.acmeViewer)).body.items).toHaveLength(1)
    expect((await a.call('GET', '/api/v1/silences', tokens.bravoManager)).body.items).toHaveLength(0)
  })

  it('carries active=true in the cursor: a later page lists the silences in force when the first was asked for', async () => {
    // three silences in force now, the last two ending within the minute
    for (const to of [T0 + 3_600_000, T0 + 30 * SEC, T0 + 40 * SEC])
      await a.call('POST', '/api/v1/silences', tokens.acmeManager, {
        matchers: { siteId: 'acme-shed' },
        to,
        comment: 'works',
      })
    const ended = await a.call('POST', '/api/v1/silences', tokens.acmeManager, {
      matchers: { siteId: 'acme-shed' },
      to: T0 + 3_600_000,
      comment: 'ended at once',
    })
    await a.call('DELETE', `/api/v1/silences/${ended.body.id}`, tokens.acmeManager)
    const page1 = await a.call('GET', '/api/v1/silences?active=true&limit=1', tokens.acmeViewer)
    expect(page1.body.items).toHaveLength(1)
    // a minute later, with the cursor alone: the other two in force at the first page, not every silence
    a.clock.t = T0 + 60 * SEC
    const rest = await a.call('GET', `/api/v1/silences?cursor=${page1.body.next}`, tokens.acmeViewer)
    expect(rest.status).toBe(200)
    expect(rest.body.items.map((s: { comment: string }) => s.comment)).toEqual(['works', 'works'])
    expect(rest.body.next).toBeUndefined()
    const again = await a.call(
      'GET',
      `/api/v1/silences?active=true&cursor=${page1.body.next}`,
      tokens.acmeViewer,
    )
    expect(again.body).toEqual(rest.body)
    const other = await a.call(
      'GET',
      `/api/v1/silences?active=false&cursor=${page1.body.next}`,
      tokens.acmeViewer,
    )
    expect(other.status).toBe(400)
    expect(errorCode(other.body)).toBe('BAD_CURSOR')
    expect(other.body.message).toContain("active=false differs from the cursor's active (true)")
  })

  it("configured through the API, the notifier signs with the answered secret and the alert's notifications are listed (404 for another tenant's alert or an unknown id)", async () => {
    const { bus, notifier } = notifierOnApi()
    try {
      const ch = await a.call('POST', '/api/v1/notification-channels', tokens.acmeManager, {
        type: 'webhook',
        name: 'hook',
        url: `${rx.url}/in`,
      })
      await a.call('POST', '/api/v1/notification-routes', tokens.acmeManager, {
        name: 'all',
        channelIds: [ch.body.id],
      })
      await a.call('POST', '/api/v1/silences', tokens.acmeManager, {
        matchers: { type: 'leakage' },
        to: T0 + 3_600_000,
        comment: 'test',
      })

      const sent = makeAlert({ type: 'smoke' })
      const held = makeAlert({ type: 'leakage' })
      // committed as the engine does, then announced
      const engine = createAlertStore(a.db as AlertsDb)
      for (const c of [change(sent, 'raised', T0), change(held, 'raised', T0)]) {
        commitChange(engine, c)
        bus.emit('change', c)
      }
      a.clock.t = T0 + 30 * SEC
      await notifier.tick(a.clock.t)

      expect(rx.received).toHaveLength(1)
      const req = rx.received[0]!
      expect(req.headers['x-courtyard-signature']).toBe(`sha256=${hmacHex(ch.body.secret, req.raw)}`)

      const log = await a.call('GET', `/api/v1/alerts/${sent.id}/notifications`, tokens.acmeViewer)
      expect(log.status).toBe(200)
      expect(log.body.items).toEqual([
        expect.objectContaining({
          kind: 'sent',
          reason: 'raised',
          channelId: ch.body.id,
          state: 'delivered',
          attempts: 1,
        }),
      ])
      const heldLog = await a.call('GET', `/api/v1/alerts/${held.id}/notifications`, tokens.acmeViewer)
      expect(heldLog.body.items).toEqual([
        expect.objectContaining({ kind: 'suppressed', reason: 'raised', cause: 'silence' }),
      ])
      // another tenant's alert and an unknown id answer 404, as the alert itself does
      const foreign = await a.call('GET', `/api/v1/alerts/${sent.id}/notifications`, tokens.bravoManager)
      expect(foreign.status).toBe(404)
      expect(errorCode(foreign.body)).toBe('NOT_FOUND')
      const unknown = await a.call('GET', '/api/v1/alerts/alr-nope/notifications', tokens.acmeViewer)
      expect(unknown.status).toBe(404)
      expect(errorCode(unknown.body)).toBe('NOT_FOUND')
      expect(unknown.body.message).toContain('alr-nope')
    } finally {
      await notifier.stop()
    }
  })

  /**
   * A smoke alert raised while the channel's receiver is down (its port refuses connections), its raise
   * tried once, then acknowledged by ann at T0 + 1 min. The caller stops the notifier.
   */
  const acknowledgedWhileReceiverDown = async () => {
    const { bus, notifier } = notifierOnApi()
    await rx.close()
    const ch = await a.call('POST', '/api/v1/notification-channels', tokens.acmeManager, {
      type: 'webhook',
      name: 'hook',
      url: `${rx.url}/in`,
    })
    await a.call('POST', '/api/v1/notification-routes', tokens.acmeManager, {
      name: 'all',
      channelIds: [ch.body.id],
      repeatEveryMin: { critical: null },
    })
    const alert = makeAlert({ type: 'smoke' })
    const engine = createAlertStore(a.db as AlertsDb)
    const emit = (c: ReturnType<typeof change>) => {
      commitChange(engine, c)
      bus.emit('change', c)
    }
    emit(change(alert, 'raised', T0))
    a.clock.t = T0 + 30 * SEC
    await notifier.tick(a.clock.t)
    const acked = {
      ...alert,
      state: 'acknowledged' as const,
      acknowledgedAt: T0 + MIN,
      acknowledgedBy: 'user:ann',
    }
    emit(change(acked, 'acknowledged', T0 + MIN, { by: 'user:ann' }))
    return { notifier, ch, alert, acked, emit }
  }

  it('lists a page dropped because its alert was acknowledged while it waited for the receiver, naming who acknowledged', async () => {
    const { notifier, ch, alert } = await acknowledgedWhileReceiverDown()
    try {
      // the raise's next retry
      a.clock.t = T0 + 2 * MIN
      await notifier.tick(a.clock.t)

      const log = await a.call('GET', `/api/v1/alerts/${alert.id}/notifications`, tokens.acmeViewer)
      expect(log.status).toBe(200)
      expect(log.body.items).toEqual([
        expect.objectContaining({
          kind: 'sent',
          reason: 'raised',
          channelId: ch.body.id,
          state: 'dropped',
          cause: 'acknowledged',
          acknowledgedBy: 'user:ann',
          droppedAt: T0 + 2 * MIN,
          attempts: 1,
        }),
      ])
      expect(log.body.items[0].deliveredAt).toBeUndefined()
    } finally {
      await notifier.stop()
    }
  })

  it('lists the clear of an alert whose raise never reached the channel as dropped, never paged', async () => {
    const { notifier, ch, alert, acked, emit } = await acknowledgedWhileReceiverDown()
    try {
      emit(change({ ...acked, state: 'cleared', clearedAt: T0 + MIN }, 'cleared', T0 + MIN))
      for (const t of [T0 + 2 * MIN, T0 + 3 * MIN]) {
        a.clock.t = t
        await notifier.tick(t)
      }

      const log = await a.call('GET', `/api/v1/alerts/${alert.id}/notifications`, tokens.acmeViewer)
      expect(log.status).toBe(200)
      expect(log.body.items.map((n: { reason: string; cause: string }) => `${n.reason}:${n.cause}`)).toEqual([
        'raised:acknowledged',
        'cleared:never_paged',
      ])
      const clear = log.body.items[1]
      expect(clear).toMatchObject({ kind: 'sent', state: 'dropped', channelId: ch.body.id, attempts: 0 })
      expect(clear.droppedAt).toBe(T0 + 2 * MIN)
      expect(clear.acknowledgedBy).toBeUndefined()
      expect(clear.silenceId).toBeUndefined()
    } finally {
      await notifier.stop()
    }
  })
})

describe('webhook URLs naming non-public addresses (SSRF)', () => {
  const REFUSED: [url: string, host: string, what: string][] = [
    ['http://127.0.0.1:9/x', '127.0.0.1', 'loopback'],
    ['http://[::1]/x', '::1', 'loopback'],
    ['http://169.254.169.254/', '169.254.169.254', 'link-local'],
    ['http://10.0.0.5/admin', '10.0.0.5', 'private'],
    ['http://[::ffff:127.0.0.1]:8086/query', '::ffff:7f00:1', 'loopback'],
    // WHATWG URL parsing, as fetch does it: 2130706433 is 127.0.0.1
    ['http://2130706433/', '127.0.0.1', 'loopback'],
  ]
  let a: Awaited<ReturnType<typeof startApp>> | undefined
  let manager = ''
  const open = async (allow: string[]) => {
    a = await startApp(allow)
    manager = seedTenants(a.harnessLike as never).acmeManager
  }
  afterEach(async () => {
    await a?.close()
    a = undefined
  })
  const create = (url: string) =>
    a!.call('POST', '/api/v1/notification-channels', manager, { type: 'webhook', name: 'hook', url })

  it('refuses them on create and update with a message naming the address and the way out', async () => {
    await open([])
    for (const [url, host, what] of REFUSED) {
      const r = await create(url)
      expect(r.status, url).toBe(400)
      expect(errorCode(r.body)).toBe('BAD_REQUEST')
      expect(JSON.stringify(r.body)).toContain(
        `webhook URL host ${host} is a ${what} address: the notifier only calls public addresses unless NOTIFY_WEBHOOK_ALLOW_NETS allows it`,
      )
    }
    // host names are not resolved here (the send-time check sees what they resolve to then)
    const named = await create('https://hooks.example.test/in')
    expect(named.status).toBe(201)
    expect((await create('http://93.184.215.14/in')).status).toBe(201)
    const moved = await a!.call('PATCH', `/api/v1/notification-channels/${named.body.id}`, manager, {
      url: 'http://169.254.169.254/latest/meta-data/',
    })
    expect(moved.status).toBe(400)
    expect(JSON.stringify(moved.body)).toContain('169.254.169.254 is a link-local address')
    const kept = await a!.call('GET', `/api/v1/notification-channels/${named.body.id}`, manager)
    expect(kept.body.url).toBe('https://hooks.example.test/in')
  })

  it('creates them when NOTIFY_WEBHOOK_ALLOW_NETS allows the address', async () => {
    await open(['127.0.0.1', '::1', '169.254.169.254/32', '10.0.0.0/8'])
    for (const [url] of REFUSED) expect((await create(url)).status, url).toBe(201)
    // only what is listed: the rest of 169.254/16 and 192.168/16 stay refused
    expect((await create('http://169.254.0.1/')).status).toBe(400)
    expect((await create('http://192.168.1.1/')).status).toBe(400)
  })
})
