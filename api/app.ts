// The HTTP API (/api/v1, OpenAPI at /api/v1/openapi.json) and socket.io live updates on one server.
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify'
import type { MqttClient } from 'mqtt'
import type { Logger } from 'pino'
import type { Registry as MetricsRegistry } from 'prom-client'
import { Server } from 'socket.io'
import { REVOKE_TOPIC } from '../domain/topics.ts'
import type { InfluxClient } from '../influx/index.ts'
import type { Registry } from '../registry/index.ts'
import { createAuthenticator, DEFAULT_SESSION_POLICY, type SessionPolicy } from './auth.ts'
import { createAuthEvents } from './auth-events.ts'
import { consoleAssets } from './console-assets.ts'
import type { RouteContext } from './context.ts'
import { createInfluxDeviceState, type DeviceStateSource } from './device-state.ts'
import { frameworkError, installErrorHandlers } from './errors.ts'
import { watchLiveAuth } from './live-auth.ts'
import { createLiveFeed, type LiveFeed, type LiveServer } from './live-feed.ts'
import { type LiveSource, mqttLiveSource } from './live-source.ts'
import { createApiMetrics } from './metrics.ts'
import { installOpenApiDefaults, optionalBodies } from './openapi-defaults.ts'
import { DEFAULT_QUERY_BOUNDS, type QueryBounds } from './query-bounds.ts'
import { installQueryCheck } from './query-params.ts'
import { createRateLimiter, DEFAULT_RATE_LIMITS, type RateLimits } from './rate-limit.ts'
import { healthRoutes, type Readiness } from './routes/health.ts'
import { type PartRoutes, registerV1Routes } from './routes/index.ts'
import { SESSION_COOKIE } from './session-cookie.ts'
import { createSignInLimiter, DEFAULT_SIGN_IN_LIMITS, type SignInLimits } from './sign-in-limiter.ts'
import { installV1Auth, type V1Route } from './v1-auth.ts'

export interface ApiConfig {
  host: string
  port?: number
  /** origins allowed to open socket.io connections from a browser on another origin */
  corsOrigins?: string[]
  /** sha256 hex of a bootstrap admin token accepted besides the registry's tokens */
  adminTokenHash?: string
  /** default 1 MiB */
  bodyLimitBytes?: number
  /** the built web console (console/dist), served at `/`; unset: no console routes */
  consoleDir?: string
  /** people's sessions: idle and absolute timeouts (default 12 h and 7 days) */
  sessions?: SessionPolicy
  /** sign-in failures allowed per username and per address within a window (default 5 and 50 in 15 min) */
  signIn?: SignInLimits
  /** how often live sockets' credentials are re-checked for expiry (default 30 s) */
  liveAuthRecheckMs?: number
  /** how long batched live readings wait to be sent together (default 100 ms, api/reading-batcher.ts) */
  liveBatchMs?: number
  /** requests per caller on /api/v1 (default 20/s, bursts of 100) */
  rateLimit?: RateLimits
  /** what one telemetry or events request may cost InfluxDB (default 400 days, 1,000,000 points) */
  queryBounds?: QueryBounds
}

export interface ApiDeps {
  config: ApiConfig
  log: Logger
  registry: Registry
  influx: InfluxClient
  metrics: MetricsRegistry
  readiness: () => Promise<Readiness>
  /** a connected mqtt.js client with a service account: live feed and revocations */
  mqtt?: MqttClient
  /** the live feed's messages straight from a broker in this process, instead of over `mqtt` */
  liveSource?: LiveSource
  now?: () => number
  /** defaults to the InfluxDB-backed source (api/device-state.ts) */
  deviceState?: DeviceStateSource
  /**
   * Whether a device is connected to this node's broker now: the devices' `online`. Unset (no broker in
   * this process), `online` is the last status stored in InfluxDB within 30 days.
   */
  isConnected?: (deviceId: string) => boolean
  /** what the node's other parts offer the HTTP layer (alerts, notifications, commands) */
  parts?: PartRoutes
}

export interface Api {
  app: FastifyInstance
  /** every /api/v1 route with the permission it needs */
  routes: readonly V1Route[]
  io: LiveServer
  live: LiveFeed
  close(): Promise<void>
}

export { REVOKE_TOPIC }

const REVOKE_TIMEOUT_MS = 5000
const LIVE_SUBSCRIBE_WAIT_MS = 2000

export async function buildApp(deps: ApiDeps): Promise<Api> {
  const log = deps.log
  const now = deps.now ?? Date.now
  const metrics = createApiMetrics(deps.metrics)
  const auth = createAuthenticator({
    registry: deps.registry,
    adminTokenHash: deps.config.adminTokenHash,
    sessions: deps.config.sessions ?? DEFAULT_SESSION_POLICY,
    now,
  })
  const authEvents = createAuthEvents()
  const allowedOrigins = deps.config.corsOrigins ?? []
  const people = {
    auth,
    events: authEvents,
    limiter: createSignInLimiter({ ...(deps.config.signIn ?? DEFAULT_SIGN_IN_LIMITS), now }),
    allowedOrigins,
  }

  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    // one line per request is too much at fleet scale; failures are logged by the error handler
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.config.bodyLimitBytes ?? 1024 * 1024,
    return503OnClosing: true,
    frameworkErrors: frameworkError,
  })
    .withTypeProvider<TypeBoxTypeProvider>()
    .setValidatorCompiler(TypeBoxValidatorCompiler)
  installErrorHandlers(app, log)

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched'
    metrics.requests.inc({ method: req.method, route, status: reply.statusCode })
    metrics.duration.observe({ method: req.method, route }, reply.elapsedTime / 1000)
  })

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Courtyard API',
        version: '1',
        description:
          'IoT monitoring for community facilities. Every /api/v1 route but POST /session needs `Authorization: Bearer <token>` or the session cookie that POST /session sets.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
    },
    transformObject: (doc) => optionalBodies('openapiObject' in doc ? doc.openapiObject : doc.swaggerObject),
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })

  const revoke = async (deviceId: string) => {
    if (!deps.mqtt) {
      log.warn({ deviceId }, 'no service MQTT client: device not disconnected')
      return
    }
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([
        deps.mqtt.publishAsync(REVOKE_TOPIC, JSON.stringify({ deviceId }), { qos: 1 }),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no PUBACK within ${REVOKE_TIMEOUT_MS} ms`)),
            REVOKE_TIMEOUT_MS,
          )
        }),
      ])
    } catch (err) {
      // the registry change stands: the broker refuses the old secret at the next connect
      log.error({ deviceId, err: (err as Error).message }, 'revoke publish failed')
    } finally {
      clearTimeout(timer)
    }
  }

  let live: LiveFeed
  const ctx: RouteContext = {
    registry: deps.registry,
    influx: deps.influx,
    state:
      deps.deviceState ??
      createInfluxDeviceState({ influx: deps.influx, now, isConnected: deps.isConnected }),
    bounds: deps.config.queryBounds ?? DEFAULT_QUERY_BOUNDS,
    revoke,
    // The live feed is created after the routes; provisioning only happens once the app listens.
    // Bounded: while the service client reconnects, provisioning must not wait for a SUBACK.
    deviceAdded: async (device) => {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        live.deviceAdded(device),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, LIVE_SUBSCRIBE_WAIT_MS)
        }),
      ])
      clearTimeout(timer)
    },
    now,
    log,
  }

  await app.register(healthRoutes, { readiness: deps.readiness, metrics: deps.metrics })
  if (deps.config.consoleDir !== undefined) await consoleAssets(app, { dir: deps.config.consoleDir })
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  let routes: V1Route[] = []
  await app.register(
    async (v1) => {
      const limiter = createRateLimiter({
        limits: deps.config.rateLimit ?? DEFAULT_RATE_LIMITS,
        // the wall clock, not the injected `now`: a test's frozen domain time must not freeze refills
        now: Date.now,
        limited: metrics.rateLimited,
      })
      // hooks run in order: the address check before authentication, the principal's bucket after it
      v1.addHook('onRequest', limiter.beforeAuth)
      v1.addHook('onResponse', limiter.onResponse)
      routes = installV1Auth(v1 as unknown as FastifyInstance, { auth, allowedOrigins })
      installOpenApiDefaults(v1 as unknown as FastifyInstance)
      installQueryCheck(v1 as unknown as FastifyInstance)
      v1.addHook('onRequest', limiter.afterAuth)
      await registerV1Routes(v1 as unknown as FastifyInstance, ctx, people, deps.parts ?? {})
    },
    { prefix: '/api/v1' },
  )

  const io: LiveServer = new Server(app.server, {
    path: '/socket.io',
    serveClient: false,
    cors: deps.config.corsOrigins?.length ? { origin: deps.config.corsOrigins } : undefined,
  })
  live = createLiveFeed({
    io,
    registry: deps.registry,
    auth,
    allowedOrigins,
    source: deps.liveSource ?? (deps.mqtt ? mqttLiveSource(deps.mqtt, log) : undefined),
    log,
    metrics,
    now,
    batchIntervalMs: deps.config.liveBatchMs,
  })
  const liveAuth = watchLiveAuth({
    io,
    auth,
    events: authEvents,
    recheckIntervalMs: deps.config.liveAuthRecheckMs,
    log,
  })

  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      liveAuth.stop()
      await live.close()
      io.disconnectSockets(true)
      io.engine.close()
      await app.close()
    })()
    return closing
  }

  await app.ready()
  return { app: app as unknown as FastifyInstance, routes, io, live, close }
}
