// A real API on 127.0.0.1:0 with a registry in a temp dir and its own database on the test influxd.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { MqttClient } from 'mqtt'
import pino from 'pino'
import { Registry as MetricsRegistry } from 'prom-client'
import { type Api, type ApiConfig, buildApp } from '../../api/app.ts'
import type { Readiness } from '../../api/routes/health.ts'
import { createInfluxClient, type InfluxClient, quoteIdent } from '../../influx/index.ts'
import { openRegistry, type Registry, type ScryptParams } from '../../registry/index.ts'
import { openApiConformance } from '../support/openapi-conformance.ts'

export interface Harness {
  base: string
  db: string
  influxUrl: string
  registry: Registry
  influx: InfluxClient
  metrics: MetricsRegistry
  api: Api
  adminToken: string
  ready: { value: Readiness }
  /**
   * Every /api/v1 answer `call` gets is checked against the served OpenAPI document (status listed, JSON
   * body matching its schema); a mismatch fails the call with what an integrator would trip over.
   */
  call(
    method: string,
    path: string,
    opts?: { token?: string | null; body?: unknown; headers?: Record<string, string> },
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers and assert on them
  ): Promise<{ status: number; body: any; headers: Headers }>
  close(): Promise<void>
}

export async function startHarness(opts: {
  influxUrl: string
  mqtt?: MqttClient
  now?: () => number
  /** the registry's clock (token expiry, session times); default the real one */
  registryNow?: () => number
  /** the cost of password hashes; default the cheapest, as tests sign in often */
  passwordScrypt?: ScryptParams
  /** whether a device is connected to the broker now (ApiDeps.isConnected); unset: no broker to ask */
  isConnected?: (deviceId: string) => boolean
  /** API settings beyond the host (sessions, sign-in limits, live re-check interval, rate limits, query bounds) */
  config?: Omit<ApiConfig, 'host'>
}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'courtyard-api-'))
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })
  // the cheapest scrypt for passwords too unless asked: tests sign in often, and the cost is rarely what they check
  const registry = openRegistry({
    path: join(dir, 'registry.db'),
    log,
    now: opts.registryNow,
    scrypt: { N: 1024, r: 8, p: 1 },
    passwordScrypt: opts.passwordScrypt ?? { N: 1024, r: 8, p: 1 },
  })
  const db = `api_test_${randomBytes(6).toString('hex')}`
  const influx = createInfluxClient({ url: opts.influxUrl, db })
  await influx.ensureDatabase()
  const metrics = new MetricsRegistry()
  const ready = { value: { ok: true, checks: { influx: { reachable: true } } } as Readiness }
  const api = await buildApp({
    config: { ...opts.config, host: '127.0.0.1' },
    log,
    registry,
    influx,
    metrics,
    readiness: async () => ready.value,
    mqtt: opts.mqtt,
    now: opts.now,
    isConnected: opts.isConnected,
  })
  await api.app.listen({ host: '127.0.0.1', port: 0 })
  const addr = api.app.server.address()
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`
  const adminToken = registry.createToken({ tenantId: null, role: 'admin', name: 'test admin' }).token
  const conformance = openApiConformance(await (await fetch(`${base}/api/v1/openapi.json`)).json())

  return {
    base,
    db,
    influxUrl: opts.influxUrl,
    registry,
    influx,
    metrics,
    api,
    adminToken,
    ready,
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers }
      const token = o.token === undefined ? adminToken : o.token
      if (token !== null) headers.authorization = `Bearer ${token}`
      if (o.body !== undefined) headers['content-type'] = 'application/json'
      const res = await fetch(base + path, {
        method,
        headers,
        body: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body),
      })
      const text = await res.text()
      let body: unknown = text
      try {
        body = JSON.parse(text)
      } catch {
        // text answers (/metrics)
      }
      if (path.startsWith('/api/v1/') && !path.startsWith('/api/v1/openapi.json')) {
        const problems = conformance(method, path, res.status, body, res.headers.get('content-type'))
        if (problems.length > 0) throw new Error(`not as the OpenAPI document says:\n${problems.join('\n')}`)
      }
      return { status: res.status, body, headers: res.headers }
    },
    async close() {
      await api.close()
      await influx.query(`DROP DATABASE ${quoteIdent(db)}`).catch(() => undefined)
      await influx.close()
      registry.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Tenant `acme` with a shed and a manager + viewer token; tenant `bravo` with its own shed. */
export function seedTenants(h: Harness) {
  const r = h.registry
  r.createTenant({ id: 'acme', name: 'Acme Property' })
  r.createTenant({ id: 'bravo', name: 'Bravo Estates' })
  r.createSite({
    id: 'acme-shed',
    tenantId: 'acme',
    name: 'Shed A',
    community: 'Garden Court',
    kind: 'charging-shed',
  })
  r.createSite({
    id: 'bravo-shed',
    tenantId: 'bravo',
    name: 'Shed B',
    community: 'River View',
    kind: 'charging-shed',
  })
  return {
    acmeManager: r.createToken({ tenantId: 'acme', role: 'manager', name: 'acme manager' }).token,
    acmeViewer: r.createToken({ tenantId: 'acme', role: 'viewer', name: 'acme viewer' }).token,
    bravoManager: r.createToken({ tenantId: 'bravo', role: 'manager', name: 'bravo manager' }).token,
  }
}

/** Asserts the `{error, message}` shape and returns the code. */
export function errorCode(body: unknown): string {
  const b = body as { error?: unknown; message?: unknown }
  if (typeof b?.error !== 'string' || typeof b.message !== 'string' || b.message.length < 10)
    throw new Error(`not an error body: ${JSON.stringify(body)}`)
  if (Object.keys(b).length !== 2) throw new Error(`error body has extra keys: ${JSON.stringify(body)}`)
  return b.error
}

/** The harness's real InfluxDB client, with every statement it sends recorded in `statements`. */
export function recordingInflux(h: Harness, statements: string[]): Harness['influx'] {
  return {
    ...h.influx,
    query: (text: string, params?: Parameters<Harness['influx']['query']>[1]) => {
      statements.push(text)
      return h.influx.query(text, params)
    },
  }
}
