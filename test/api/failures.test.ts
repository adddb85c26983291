// 5xx answers keep the error shape and never leak internals (hosts, ports, upstream messages).

import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { Registry as MetricsRegistry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Api, buildApp } from '../../api/app.ts'
import { createInfluxClient } from '../../influx/index.ts'
import { openRegistry, type Registry } from '../../registry/index.ts'
import { errorCode } from './api-harness.ts'

let dir: string
let registry: Registry
let api: Api
let base: string
let token: string
let deadPort: number

// a port that refuses connections: bind, learn the number, close
async function closedPort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()))
  const addr = srv.address()
  await new Promise<void>((r) => srv.close(() => r()))
  return typeof addr === 'object' && addr ? addr.port : 0
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'courtyard-api-fail-'))
  const log = pino({ level: 'silent' })
  registry = openRegistry({ path: join(dir, 'registry.db'), log, scrypt: { N: 1024, r: 8, p: 1 } })
  registry.createTenant({ id: 'acme', name: 'Acme' })
  registry.createSite({
    id: 'acme-shed',
    tenantId: 'acme',
    name: 'Shed',
    community: 'C',
    kind: 'charging-shed',
  })
  await registry.provisionDevice({ id: 'pile-01', kind: 'charging-pile', siteId: 'acme-shed' })
  token = registry.createToken({ tenantId: null, role: 'admin', name: 't' }).token
  deadPort = await closedPort()
  api = await buildApp({
    config: { host: '127.0.0.1' },
    log,
    registry,
    influx: createInfluxClient({ url: `http://127.0.0.1:${deadPort}`, db: 'x', timeoutMs: 2000 }),
    metrics: new MetricsRegistry(),
    readiness: async () => {
      throw new Error(`influx at 127.0.0.1:${deadPort} refused`)
    },
  })
  await api.app.listen({ host: '127.0.0.1', port: 0 })
  const addr = api.app.server.address()
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`
})
afterAll(async () => {
  await api?.close()
  registry?.close()
  rmSync(dir, { recursive: true, force: true })
})

const get = async (path: string) => {
  const res = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } })
  return { status: res.status, text: await res.text() }
}

describe('when InfluxDB is down', () => {
  it.each([
    ['/api/v1/devices'],
    ['/api/v1/devices/pile-01'],
    ['/api/v1/devices/pile-01/telemetry?field=feeder.powerW'],
    ['/api/v1/devices/pile-01/events'],
  ])('GET %s answers 503 INFLUX_UNAVAILABLE without internals', async (path) => {
    const res = await get(path)
    expect(res.status).toBe(503)
    expect(errorCode(JSON.parse(res.text))).toBe('INFLUX_UNAVAILABLE')
    expect(res.text).not.toContain(String(deadPort))
    expect(res.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/)
  })

  it('still serves what needs only the registry', async () => {
    expect((await get('/api/v1/sites')).status).toBe(200)
  })

  it('reports not ready, without the exception text, when the readiness check throws', async () => {
    const res = await get('/readyz')
    expect(res.status).toBe(503)
    expect(JSON.parse(res.text)).toMatchObject({ ok: false, error: 'NOT_READY' })
    expect(res.text).not.toContain(String(deadPort))
  })
})

describe('an unexpected error', () => {
  it('answers 500 INTERNAL with a generic message', async () => {
    const other = await buildApp({
      config: { host: '127.0.0.1' },
      log: pino({ level: 'silent' }),
      registry,
      influx: createInfluxClient({ url: `http://127.0.0.1:${deadPort}`, db: 'x' }),
      metrics: new MetricsRegistry(),
      readiness: async () => ({ ok: true, checks: {} }),
      deviceState: {
        forDevices: async () => {
          throw new TypeError('cannot read /var/lib/courtyard/secret-path')
        },
      },
    })
    try {
      await other.app.listen({ host: '127.0.0.1', port: 0 })
      const addr = other.app.server.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/devices`, {
        headers: { authorization: `Bearer ${token}` },
      })
      const text = await res.text()
      expect(res.status).toBe(500)
      expect(errorCode(JSON.parse(text))).toBe('INTERNAL')
      expect(text).not.toContain('secret-path')
    } finally {
      await other.close()
    }
  })
})
