// Wires the parts of one service node together: registry → spool → broker → ingest → API.
// Takes a validated config, a logger and a metrics registry; reads no environment.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import mqtt from 'mqtt'
import type { Logger } from 'pino'
import type { Registry as MetricsRegistry } from 'prom-client'
import { buildApp } from '../api/app.ts'
import { createBroker } from '../broker/index.ts'
import { createInfluxClient } from '../influx/client.ts'
import { startIngest } from '../ingest/index.ts'
import { openRegistry } from '../registry/index.ts'
import { openSpoolReader, openSpoolWriter } from '../spool/index.ts'
import type { ServiceConfig } from './config.ts'

export interface RunningService {
  ports: { mqtt: number; http: number; ws?: number; tls?: number }
  /** set only when no ADMIN_TOKEN was configured and none existed yet: print it once */
  generatedAdminToken?: string
  httpUrl: string
  mqttUrl: string
  /** a new API token (only its hash is stored); the demo uses one to provision through the API */
  issueToken(input: { name: string; tenantId: string | null; role: 'admin' | 'manager' | 'viewer' }): string
  stop(): Promise<void>
}

export async function startService(deps: {
  config: ServiceConfig
  log: Logger
  metrics: MetricsRegistry
}): Promise<RunningService> {
  const { config, log, metrics } = deps
  const registry = openRegistry({ path: join(config.dataDir, 'registry.db'), log })

  let generatedAdminToken: string | undefined
  if (config.adminToken) {
    registry.ensureAdminToken(config.adminToken)
  } else if (!registry.hasAdminToken()) {
    generatedAdminToken = `cy_${randomBytes(32).toString('base64url')}`
    registry.ensureAdminToken(generatedAdminToken)
  }

  const influx = createInfluxClient({
    url: config.influx.url!,
    db: config.influx.db,
    token: config.influx.token,
    username: config.influx.username,
    password: config.influx.password,
  })
  // InfluxDB may be down at start-up: the spool holds the data meanwhile, so only warn and retry.
  const ensureDb = async (attempt = 0): Promise<void> => {
    try {
      await influx.ensureDatabase({ retention: config.influx.retention })
    } catch (err) {
      log.warn({ err: String(err), attempt }, 'InfluxDB not reachable yet; data is spooled until it is')
      await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** attempt)))
      if (!stopped) return ensureDb(attempt + 1)
    }
  }
  let stopped = false
  const dbReady = ensureDb()

  const spoolDir = join(config.dataDir, 'spool')
  const reader = await openSpoolReader({ dir: spoolDir, log: log.child({ component: 'spool-reader' }) })
  const writer = await openSpoolWriter({
    dir: spoolDir,
    maxBytes: config.spoolMaxBytes,
    log: log.child({ component: 'spool' }),
    onCommit: () => reader.notify(),
  })

  const broker = await createBroker({
    directory: registry,
    spool: writer,
    log,
    metrics,
    config: {
      host: config.host,
      mqttPort: config.mqttPort,
      wsPort: config.mqttWsPort,
      tlsPort: config.mqttTlsPort,
      tlsCert: config.mqttTlsCert,
      tlsKey: config.mqttTlsKey,
      maxPacketBytes: 64 * 1024,
    },
  })

  await dbReady.catch(() => undefined)
  const ingest = startIngest({
    spool: reader,
    directory: registry,
    influx,
    log,
    metrics,
    config: { ...config.ingest, deadLetterPath: join(config.dataDir, 'dead-letter.jsonl') },
  })

  // The API is an internal MQTT client of the broker with its own service account (rotated each start).
  const apiSecret = registry.rotateServiceSecret('api')
  const mqttHost = config.host === '0.0.0.0' ? '127.0.0.1' : config.host
  const mqttUrl = `mqtt://${mqttHost}:${broker.ports.mqtt}`
  const serviceClient = await mqtt.connectAsync(mqttUrl, {
    clientId: `svc:api-${randomBytes(4).toString('hex')}`,
    username: 'svc:api',
    password: apiSecret,
    reconnectPeriod: 1000,
  })

  const readiness = async () => {
    const influxOk = await influx.ping().catch(() => false)
    const spool = writer.stats()
    const checks = {
      broker: { listening: true, connectedDevices: broker.connectedDevices() },
      influx: { reachable: influxOk },
      spool: { blocked: spool.blocked, diskBytes: spool.diskBytes, backlogBytes: reader.backlogBytes() },
    }
    return { ok: influxOk && !spool.blocked, checks }
  }

  const api = await buildApp({
    config: { host: config.host, port: config.httpPort },
    log: log.child({ component: 'api' }),
    registry,
    influx,
    metrics,
    readiness,
    mqtt: serviceClient,
  })
  await api.app.listen({ host: config.host, port: config.httpPort })
  const addr = api.app.server.address()
  const httpPort = typeof addr === 'object' && addr ? addr.port : config.httpPort
  const httpUrl = `http://${mqttHost}:${httpPort}`
  log.info(
    { mqtt: broker.ports.mqtt, http: httpPort, ws: broker.ports.ws, tls: broker.ports.tls },
    'service ready',
  )

  return {
    ports: { mqtt: broker.ports.mqtt, http: httpPort, ws: broker.ports.ws, tls: broker.ports.tls },
    generatedAdminToken,
    httpUrl,
    mqttUrl,
    issueToken: (input) => registry.createToken(input).token,
    async stop() {
      stopped = true
      await api.close()
      await serviceClient.endAsync(true).catch(() => undefined)
      // broker first, so no new PUBACKs; then let ingest drain what is spooled
      await broker.close()
      await writer.close()
      await ingest.stop()
      await reader.close()
      await influx.close()
      registry.close()
    },
  }
}
