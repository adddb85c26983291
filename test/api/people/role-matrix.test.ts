// The role matrix (docs/api.md v1.1): every mutating /api/v1 route, taken from the app's own route table
// so a new route cannot be left out, called by an admin, a manager, a crew member, a viewer (all people
// signed in with the session cookie) and another tenant's manager, each answer checked against the table.
// The whole API runs: the real registry, the alert engine on a real spool, the command service on a real
// broker, the notification stores.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import mqtt, { type MqttClient } from 'mqtt'
import pino from 'pino'
import { Registry as MetricsRegistry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { type AlertsDb, openAlertsDb } from '../../../alerts/db.ts'
import { evaluateDevice, evaluateOffline } from '../../../alerts/rules/index.ts'
import { defaultResolveSettings } from '../../../alerts/settings.ts'
import { type Api, buildApp } from '../../../api/app.ts'
import { createAuthenticator } from '../../../api/auth.ts'
import { SAFE_METHODS } from '../../../api/cross-origin.ts'
import { installV1Auth } from '../../../api/v1-auth.ts'
import { createBroker } from '../../../broker/index.ts'
import type { BrokerHandle } from '../../../broker/types.ts'
import { type CommandService, createCommandService } from '../../../commands/command-service.ts'
import { createInfluxClient } from '../../../influx/client.ts'
import { openNotifyStores } from '../../../notify/index.ts'
import { openSpoolWriter, type SpoolWriter } from '../../../spool/index.ts'
import { type EngineHarness, startEngineHarness, T0 } from '../../alerts/engine/harness.ts'
import { signIn } from './people-support.ts'

const MIN = 60_000
const PASSWORD = 'matrix passphrase'
const ROLES = ['admin', 'manager', 'crew', 'viewer', 'otherManager'] as const
type Who = (typeof ROLES)[number]
const USERNAMES: Record<Who, string> = {
  admin: 'root-admin',
  manager: 'acme-manager',
  crew: 'acme-crew',
  viewer: 'acme-viewer',
  otherManager: 'bravo-manager',
}

/** each role's person: its role and tenant */
const PEOPLE: Record<Who, { role: 'admin' | 'manager' | 'crew' | 'viewer'; tenantId: string | null }> = {
  admin: { role: 'admin', tenantId: null },
  manager: { role: 'manager', tenantId: 'acme' },
  crew: { role: 'crew', tenantId: 'acme' },
  viewer: { role: 'viewer', tenantId: 'acme' },
  otherManager: { role: 'manager', tenantId: 'bravo' },
}

let h: EngineHarness
let api: Api
let base: string
let dir: string
let broker: BrokerHandle
let spool: SpoolWriter
let service: MqttClient
let commandsDb: AlertsDb
let commands: CommandService
const cookies = {} as Record<Who, string>
const alertIds: string[] = []
let channelId: string
let seq = 0
const unique = (prefix: string) => `${prefix}-${++seq}`

async function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers and assert on them
): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined }
}
const call = (method: string, path: string, cookie: string, body?: unknown) =>
  send(method, path, { cookie }, body)
const callWithToken = (method: string, path: string, token: string, body?: unknown) =>
  send(method, path, { authorization: `Bearer ${token}` }, body)
const asAdmin = (method: string, path: string, body?: unknown) => call(method, path, cookies.admin, body)

/** pile-1 connected to the broker as firmware would, a fresh secret; it never acks a command. */
async function connectPile1() {
  return mqtt.connectAsync(`mqtt://127.0.0.1:${broker.ports.mqtt}`, {
    clientId: 'pile-1',
    username: 'pile-1',
    password: await h.registry.rotateDeviceSecret('pile-1'),
    reconnectPeriod: 0,
  })
}

/** A leakage fault on each of pile-2's `ports`, at T0 + port min: one alert each. */
async function portFaults(ports: number[]) {
  for (const port of ports)
    await h.publish('pile-2', 'events', {
      ts: T0 + port * MIN,
      seq: port,
      kind: 'charging-pile',
      event: 'port_fault',
      port,
      code: 'leakage',
    })
}

beforeAll(async () => {
  h = await startEngineHarness({
    rules: { evaluateDevice, evaluateOffline, resolveSettings: defaultResolveSettings },
  })
  const r = h.registry
  r.createTenant({ id: 'bravo', name: 'Bravo' })
  r.createSite({ id: 'shed-b', tenantId: 'bravo', name: 'Shed B', community: 'River', kind: 'charging-shed' })
  await r.provisionDevice({ id: 'pile-b1', kind: 'charging-pile', siteId: 'shed-b' })
  for (const who of ROLES)
    await r.createUser({ username: USERNAMES[who], password: PASSWORD, ...PEOPLE[who] })

  // port faults on pile-2: one alert each for the ack row, the clear row and the audit test
  h.clock.now = T0 + 10 * MIN
  await portFaults([1, 2, 3])

  dir = mkdtempSync(join(tmpdir(), 'courtyard-role-matrix-'))
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })
  const metrics = new MetricsRegistry()
  spool = await openSpoolWriter({ dir: join(dir, 'spool'), maxBytes: 1 << 26, log })
  broker = await createBroker({
    directory: r,
    spool,
    log,
    metrics,
    config: { host: '127.0.0.1', mqttPort: 0 },
  })
  service = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.ports.mqtt}`, {
    clientId: 'svc:api-role-matrix',
    username: 'svc:api',
    password: r.rotateServiceSecret('api'),
    reconnectPeriod: 0,
  })
  commandsDb = openAlertsDb(join(dir, 'alerts.db'))
  // no device is connected: a permitted command answers 409 DEVICE_OFFLINE at once
  commands = createCommandService({
    mqtt: service,
    db: commandsDb,
    registry: r,
    log,
    metrics,
    timeoutMs: 200,
    isConnected: broker.isConnected,
  })
  await commands.ready
  api = await buildApp({
    // the matrix sends a few hundred requests per session in a burst: not what the rate limit is about
    config: { host: '127.0.0.1', rateLimit: { ratePerS: 10_000, burst: 10_000 } },
    log,
    registry: r,
    influx: createInfluxClient({ url: inject('influxUrl'), db: 'unused_by_the_role_matrix' }),
    metrics,
    readiness: async () => ({ ok: true, checks: {} }),
    parts: {
      alerts: h.engine,
      commands,
      notify: openNotifyStores({ db: commandsDb, now: Date.now, webhookAllowNets: [] }),
    },
  })
  await api.app.listen({ host: '127.0.0.1', port: 0 })
  const addr = api.app.server.address()
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`
  for (const who of ROLES) {
    const res = await signIn(base, USERNAMES[who], PASSWORD)
    expect(res.status).toBe(200)
    cookies[who] = res.cookie!
  }
  const alerts = await asAdmin('GET', '/api/v1/alerts?deviceId=pile-2')
  alertIds.push(...alerts.body.items.map((a: { id: string }) => a.id))
  expect(alertIds).toHaveLength(3)
  channelId = (await asAdmin('POST', '/api/v1/notification-channels', acmeChannel())).body.id
})

afterAll(async () => {
  await api?.close()
  await commands?.close?.()
  await service?.endAsync()
  await broker?.close()
  await spool?.close()
  commandsDb?.close()
  await h?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const acmeChannel = () => ({ tenantId: 'acme', type: 'email', name: unique('ops'), to: ['ops@example.com'] })

/** Expected status for admin, manager, crew, viewer, another tenant's manager. */
const E = (admin: number, manager: number, crew: number, viewer: number, otherManager: number) => ({
  admin,
  manager,
  crew,
  viewer,
  otherManager,
})
const ADMIN_ONLY = E(201, 403, 403, 403, 403)
const MANAGE = (ok: number) => E(ok, ok, 403, 403, 404)
const ACT = (ok: number) => E(ok, ok, ok, 403, 404)

interface Call {
  path: string
  body?: unknown
  /** a cookie other than the role's own (a fresh session to sign out) */
  cookie?: string
}
interface Row {
  expect: Record<Who, number>
  /** what to call; runs before each role's call, so each gets a fresh target where the call uses one up */
  prepare: (who: Who) => Promise<Call> | Call
}

const freshDevice = async () => {
  const id = unique('matrix-pile')
  await h.registry.provisionDevice({ id, kind: 'charging-pile', siteId: 'shed-a' })
  return id
}
const freshUser = async () =>
  (
    await h.registry.createUser({
      username: unique('temp'),
      password: PASSWORD,
      role: 'crew',
      tenantId: 'acme',
    })
  ).id

const MATRIX: Record<string, Row> = {
  'POST /api/v1/tenants': {
    expect: ADMIN_ONLY,
    prepare: () => ({ path: '/api/v1/tenants', body: { name: unique('T') } }),
  },
  'POST /api/v1/session': {
    // public: anyone may try, a wrong password is a 401 whoever asks
    expect: E(401, 401, 401, 401, 401),
    prepare: () => ({
      path: '/api/v1/session',
      body: { username: unique('nobody'), password: 'wrong password' },
    }),
  },
  'DELETE /api/v1/session': {
    expect: E(204, 204, 204, 204, 204),
    prepare: async (who) => ({
      path: '/api/v1/session',
      cookie: (await signIn(base, USERNAMES[who], PASSWORD)).cookie,
    }),
  },
  'POST /api/v1/session/password': {
    // everyone changes their own: a fresh person of the role, so the matrix's own sessions go on
    expect: E(204, 204, 204, 204, 204),
    prepare: async (who) => {
      const username = unique('self')
      await h.registry.createUser({ username, password: PASSWORD, ...PEOPLE[who] })
      return {
        path: '/api/v1/session/password',
        cookie: (await signIn(base, username, PASSWORD)).cookie,
        body: { currentPassword: PASSWORD, password: 'my own new passphrase' },
      }
    },
  },
  'POST /api/v1/users': {
    expect: MANAGE(201),
    prepare: () => ({
      path: '/api/v1/users',
      body: { username: unique('new'), password: PASSWORD, role: 'crew', tenantId: 'acme' },
    }),
  },
  'DELETE /api/v1/users/:id': {
    expect: MANAGE(200),
    prepare: async () => ({ path: `/api/v1/users/${await freshUser()}` }),
  },
  'POST /api/v1/users/:id/password': {
    expect: MANAGE(204),
    prepare: async () => ({
      path: `/api/v1/users/${await freshUser()}/password`,
      body: { password: 'another passphrase' },
    }),
  },
  'POST /api/v1/tokens': {
    expect: E(201, 403, 403, 403, 403),
    prepare: () => ({
      path: '/api/v1/tokens',
      body: { tenantId: 'acme', role: 'viewer', name: unique('tok') },
    }),
  },
  'DELETE /api/v1/tokens/:id': {
    expect: E(204, 403, 403, 403, 403),
    prepare: () => ({
      path: `/api/v1/tokens/${h.registry.createToken({ tenantId: 'acme', role: 'viewer', name: 'x' }).record.id}`,
    }),
  },
  'POST /api/v1/sites': {
    expect: MANAGE(201),
    prepare: () => ({
      path: '/api/v1/sites',
      body: { tenantId: 'acme', name: unique('Shed'), community: 'Garden', kind: 'charging-shed' },
    }),
  },
  'PATCH /api/v1/sites/:id': {
    expect: MANAGE(200),
    prepare: () => ({ path: '/api/v1/sites/shed-a', body: { location: { lat: 31.2, lon: 121.5 } } }),
  },
  'POST /api/v1/devices': {
    expect: MANAGE(201),
    prepare: () => ({
      path: '/api/v1/devices',
      body: { id: unique('new-pile'), kind: 'charging-pile', siteId: 'shed-a' },
    }),
  },
  'DELETE /api/v1/devices/:id': {
    expect: MANAGE(200),
    prepare: async () => ({ path: `/api/v1/devices/${await freshDevice()}` }),
  },
  'POST /api/v1/devices/:id/rotate-secret': {
    expect: MANAGE(200),
    prepare: async () => ({ path: `/api/v1/devices/${await freshDevice()}/rotate-secret` }),
  },
  'POST /api/v1/devices/:id/commands': {
    // permitted callers reach the device, which is not connected (409); the crew may send commands
    expect: ACT(409),
    prepare: () => ({
      path: '/api/v1/devices/pile-1/commands',
      body: { name: 'stop_port', args: { port: 1 } },
    }),
  },
  'POST /api/v1/alerts/:id/ack': {
    expect: ACT(200),
    prepare: () => ({ path: `/api/v1/alerts/${alertIds[0]}/ack`, body: {} }),
  },
  'POST /api/v1/alerts/:id/clear': {
    expect: ACT(200),
    prepare: () => ({ path: `/api/v1/alerts/${alertIds[1]}/clear`, body: {} }),
  },
  'PUT /api/v1/sites/:id/alert-settings': {
    expect: MANAGE(200),
    prepare: () => ({ path: '/api/v1/sites/shed-a/alert-settings', body: {} }),
  },
  'PUT /api/v1/devices/:id/alert-settings': {
    expect: MANAGE(200),
    prepare: () => ({ path: '/api/v1/devices/pile-1/alert-settings', body: {} }),
  },
  'DELETE /api/v1/devices/:id/stray-wire/learned/:sig': {
    // permitted callers reach the route, which knows no such learned load (404)
    expect: E(404, 404, 403, 403, 404),
    prepare: () => ({ path: '/api/v1/devices/pile-1/stray-wire/learned/no-such-load' }),
  },
  'POST /api/v1/notification-channels': {
    expect: MANAGE(201),
    prepare: () => ({ path: '/api/v1/notification-channels', body: acmeChannel() }),
  },
  'PATCH /api/v1/notification-channels/:id': {
    expect: MANAGE(200),
    prepare: () => ({
      path: `/api/v1/notification-channels/${channelId}`,
      body: { name: unique('renamed') },
    }),
  },
  'DELETE /api/v1/notification-channels/:id': {
    expect: MANAGE(204),
    prepare: async () => ({
      path: `/api/v1/notification-channels/${(await asAdmin('POST', '/api/v1/notification-channels', acmeChannel())).body.id}`,
    }),
  },
  'POST /api/v1/notification-routes': {
    expect: MANAGE(201),
    prepare: () => ({
      path: '/api/v1/notification-routes',
      body: { tenantId: 'acme', name: unique('route'), channelIds: [channelId] },
    }),
  },
  'PATCH /api/v1/notification-routes/:id': {
    expect: MANAGE(200),
    prepare: async () => ({
      path: `/api/v1/notification-routes/${(await asAdmin('POST', '/api/v1/notification-routes', { tenantId: 'acme', name: unique('route'), channelIds: [channelId] })).body.id}`,
      body: { name: unique('renamed') },
    }),
  },
  'DELETE /api/v1/notification-routes/:id': {
    expect: MANAGE(204),
    prepare: async () => ({
      path: `/api/v1/notification-routes/${(await asAdmin('POST', '/api/v1/notification-routes', { tenantId: 'acme', name: unique('route'), channelIds: [channelId] })).body.id}`,
    }),
  },
  'POST /api/v1/silences': {
    expect: MANAGE(201),
    prepare: () => ({
      path: '/api/v1/silences',
      body: { tenantId: 'acme', matchers: { siteId: 'shed-a' }, to: Date.now() + 3600_000, comment: 'works' },
    }),
  },
  'DELETE /api/v1/silences/:id': {
    expect: MANAGE(200),
    prepare: async () => ({
      path: `/api/v1/silences/${(await asAdmin('POST', '/api/v1/silences', { tenantId: 'acme', matchers: { siteId: 'shed-a' }, to: Date.now() + 3600_000, comment: 'works' })).body.id}`,
    }),
  },
}

describe('the role matrix', () => {
  it('has a row for every mutating /api/v1 route of the app, and no row for a route that does not exist', () => {
    const mutating = api.routes.filter((r) => !SAFE_METHODS.has(r.method)).map((r) => `${r.method} ${r.url}`)
    expect(mutating.length).toBeGreaterThan(20)
    expect([...mutating].sort()).toEqual(Object.keys(MATRIX).sort())
  })

  it('answers each role as the table says, for every mutating route', async () => {
    const got: Record<string, Record<Who, number>> = {}
    for (const [route, row] of Object.entries(MATRIX)) {
      const method = route.split(' ')[0]!
      got[route] = {} as Record<Who, number>
      for (const who of ROLES) {
        const c = await row.prepare(who)
        got[route][who] = (await call(method, c.path, c.cookie ?? cookies[who], c.body)).status
      }
    }
    const want = Object.fromEntries(Object.entries(MATRIX).map(([route, row]) => [route, row.expect]))
    expect(got).toEqual(want)
  })

  it('gives every read route the read permission, so a viewer reads what its tenant holds', () => {
    const reads = api.routes.filter((r) => r.method === 'GET')
    const special = new Set(['/api/v1/session', '/api/v1/users', '/api/v1/tokens'])
    for (const r of reads)
      expect([r.url, r.permission]).toEqual([r.url, special.has(r.url) ? expect.any(String) : 'read'])
  })
})

describe('who did it', () => {
  it('records an acknowledgement and a command by a signed-in person as user:<username>', async () => {
    const ack = await call('POST', `/api/v1/alerts/${alertIds[2]}/ack`, cookies.crew, { note: 'on it' })
    expect(ack.status).toBe(200)
    expect(ack.body.acknowledgedBy).toBe(`user:${USERNAMES.crew}`)
    const detail = await call('GET', `/api/v1/alerts/${alertIds[2]}`, cookies.viewer)
    expect(detail.body.history.at(-1)).toMatchObject({ by: `user:${USERNAMES.crew}` })
    // a connected pile that never acks: the command is sent, times out (504) and is audited
    const pile = await connectPile1()
    try {
      const sent = await call('POST', '/api/v1/devices/pile-1/commands', cookies.crew, { name: 'ping' })
      expect(sent.status).toBe(504)
    } finally {
      await pile.endAsync()
    }
    const audit = await call('GET', '/api/v1/devices/pile-1/commands', cookies.viewer)
    expect(audit.body.items.map((c: { by: string }) => c.by)).toContain(`user:${USERNAMES.crew}`)
  })

  it('tells a person from an API token named like them: user:<username> and token:<name> in every trail', async () => {
    // a manager could name a token after a colleague; what the token did must not read as theirs
    const twin = h.registry.createToken({ tenantId: 'acme', role: 'crew', name: USERNAMES.crew }).token
    await portFaults([4, 5])
    const open = (await asAdmin('GET', '/api/v1/alerts?deviceId=pile-2')).body.items as {
      id: string
      port: number
    }[]
    const byPerson = open.find((a) => a.port === 4)!.id
    const byToken = open.find((a) => a.port === 5)!.id

    const personAck = await call('POST', `/api/v1/alerts/${byPerson}/ack`, cookies.crew, {})
    const tokenAck = await callWithToken('POST', `/api/v1/alerts/${byToken}/ack`, twin, {})
    expect([personAck.status, tokenAck.status]).toEqual([200, 200])
    expect(personAck.body.acknowledgedBy).toBe(`user:${USERNAMES.crew}`)
    expect(tokenAck.body.acknowledgedBy).toBe(`token:${USERNAMES.crew}`)
    // the person's acknowledgement cleared by the token, the token's by the person
    const tokenClear = await callWithToken('POST', `/api/v1/alerts/${byPerson}/clear`, twin, {})
    const personClear = await call('POST', `/api/v1/alerts/${byToken}/clear`, cookies.crew, {})
    expect(tokenClear.body).toMatchObject({
      acknowledgedBy: `user:${USERNAMES.crew}`,
      clearedBy: `token:${USERNAMES.crew}`,
    })
    expect(personClear.body).toMatchObject({
      acknowledgedBy: `token:${USERNAMES.crew}`,
      clearedBy: `user:${USERNAMES.crew}`,
    })
    const history = (await call('GET', `/api/v1/alerts/${byPerson}`, cookies.viewer)).body.history as {
      kind: string
      by: string
    }[]
    expect(history.filter((t) => t.kind !== 'raised').map((t) => [t.kind, t.by])).toEqual([
      ['acknowledged', `user:${USERNAMES.crew}`],
      ['cleared', `token:${USERNAMES.crew}`],
    ])

    // the command audit, too: a connected pile that never acks, commanded by the token
    const pile = await connectPile1()
    try {
      const sent = await callWithToken('POST', '/api/v1/devices/pile-1/commands', twin, { name: 'ping' })
      expect(sent.status).toBe(504)
    } finally {
      await pile.endAsync()
    }
    const audit = await call('GET', '/api/v1/devices/pile-1/commands', cookies.viewer)
    expect(audit.body.items[0]).toMatchObject({ name: 'ping', by: `token:${USERNAMES.crew}` })
  })
})

describe('a route without a permission', () => {
  it('cannot be registered under /api/v1', async () => {
    const app = Fastify()
    const registering = app.register(
      async (v1) => {
        installV1Auth(v1 as unknown as FastifyInstance, {
          auth: createAuthenticator({ registry: h.registry }),
        })
        v1.post('/forgotten', async () => ({ ok: true }))
      },
      { prefix: '/api/v1' },
    )
    await expect(registering).rejects.toThrow(/POST \/api\/v1\/forgotten declares no permission/)
    await app.close().catch(() => undefined)
  })
})
