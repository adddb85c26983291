// The alert routes (and the stray-wire routes beside them) on a real Fastify under /api/v1, with the real
// authenticator and permissions, over an engine harness: what the alert route tests call over HTTP.
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance } from 'fastify'
import pino from 'pino'
import { createAuthenticator } from '../../../api/auth.ts'
import type { RouteContext } from '../../../api/context.ts'
import { installErrorHandlers } from '../../../api/errors.ts'
import { DEFAULT_QUERY_BOUNDS } from '../../../api/query-bounds.ts'
import { alertRoutes } from '../../../api/routes/alerts.ts'
import { strayWireLearnedRoutes } from '../../../api/routes/stray-wire-learned.ts'
import { installV1Auth } from '../../../api/v1-auth.ts'
import { createInfluxClient } from '../../../influx/index.ts'
import type { EngineHarness } from '../../alerts/engine/harness.ts'

export interface AlertRoutesApp {
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers and assert on them
  call(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: any }>
  close(): Promise<void>
}

export async function startAlertRoutesApp(h: EngineHarness, influxUrl: string): Promise<AlertRoutesApp> {
  const log = pino({ level: 'silent' })
  const influx = createInfluxClient({ url: influxUrl, db: 'unused_by_alert_routes' })
  const ctx: RouteContext = {
    registry: h.registry,
    influx,
    state: { forDevices: async () => new Map() },
    bounds: DEFAULT_QUERY_BOUNDS,
    revoke: async () => undefined,
    deviceAdded: async () => undefined,
    now: () => h.clock.now,
    log,
  }
  const f = Fastify({ loggerInstance: log })
    .withTypeProvider<TypeBoxTypeProvider>()
    .setValidatorCompiler(TypeBoxValidatorCompiler)
  installErrorHandlers(f as unknown as FastifyInstance, log)
  await f.register(
    async (v1) => {
      installV1Auth(v1 as unknown as FastifyInstance, { auth: createAuthenticator({ registry: h.registry }) })
      await v1.register(alertRoutes, { ctx, engine: h.engine })
      await v1.register(strayWireLearnedRoutes, { ctx, engine: h.engine })
    },
    { prefix: '/api/v1' },
  )
  await f.listen({ host: '127.0.0.1', port: 0 })
  const addr = f.server.address()
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`
  return {
    async call(method, path, token, body) {
      const res = await fetch(base + path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return { status: res.status, body: await res.json() }
    },
    async close() {
      await f.close()
      await influx.close()
    },
  }
}
