// Wires the parts of one service node together: registry → spool → broker → ingest → API.
// Takes a validated config, a logger and a metrics registry; reads no environment.
import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { Socket } from 'node:net'
import { join } from 'node:path'
import mqtt from 'mqtt'
import nodemailer from 'nodemailer'
import type { Logger } from 'pino'
import type { Registry as MetricsRegistry } from 'prom-client'
import { alertRoutes } from '../api/alerts/alert-routes.ts'
import { startAlertAnnotations } from '../api/alerts/annotations.ts'
import { openAlertsDb } from '../api/alerts/db.ts'
import { defaultResolveSettings } from '../api/alerts/engine.ts'
import { inAnyWindow } from '../api/alerts/rules/local-time.ts'
import { createAlertStore } from '../api/alerts/store.ts'
import type { AlertBusEvents } from '../api/alerts/types.ts'
import { buildApp } from '../api/app.ts'
import { commandRecord, commandRoutes, createCommandService } from '../api/commands/index.ts'
import { createNotifier, notifyRoutes } from '../api/notify/index.ts'
import { strayWireLearnedRoutes } from '../api/routes/stray-wire-learned.ts'
import { createBroker } from '../broker/index.ts'
import { createInfluxClient } from '../influx/client.ts'
import { startIngest } from '../ingest/index.ts'
import { openRegistry } from '../registry/index.ts'
import { openSpoolReader, openSpoolWriter } from '../spool/index.ts'
import { createCommitSignal, startAlertEngineThread } from './alert-engine-thread.ts'
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
  const reader = await openSpoolReader({ dir: spoolDir, log })
  // the alert engine is a second consumer of the spool, in its own thread: alerts never wait for
  // InfluxDB, and the engine's work does not slow the broker and ingest down
  const engineCommits = createCommitSignal()
  const writer = await openSpoolWriter({
    dir: spoolDir,
    maxBytes: config.spoolMaxBytes,
    log,
    onCommit: () => {
      reader.notify()
      engineCommits.bump()
    },
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
    recreateDatabase: async () => {
      log.warn({ db: config.influx.db }, 'InfluxDB database missing, creating it again')
      await influx.ensureDatabase({ retention: config.influx.retention })
    },
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
  // Nagle + delayed ACK add ~40 ms to every command round trip and live event (measurements.md)
  const noDelay = () => (serviceClient.stream as Socket).setNoDelay?.(true)
  noDelay()
  serviceClient.on('connect', noDelay)

  // Alerts: engine (rules on event time, lifecycle in alerts.db) → bus → live feed, InfluxDB annotations,
  // notifications; protective commands through the service client.
  const alertsDb = openAlertsDb(join(config.dataDir, 'alerts.db'))
  const bus = new EventEmitter<AlertBusEvents>()
  const commands = createCommandService({ mqtt: serviceClient, db: alertsDb, registry, log, metrics })
  const alertStore = createAlertStore(alertsDb)
  const settingsOf = (siteId: string, deviceId?: string) =>
    defaultResolveSettings(
      alertStore.getSettings('site', siteId),
      deviceId === undefined ? undefined : alertStore.getSettings('device', deviceId),
    )
  // the notifier listens before the engine emits its first change
  const notifier = createNotifier({
    db: alertsDb,
    bus,
    getSite: (siteId) => {
      const site = registry.getSite(siteId)
      return (
        site && {
          tenantId: site.tenantId,
          name: site.name,
          community: site.community,
          utcOffsetMin: settingsOf(siteId).utcOffsetMin,
        }
      )
    },
    currentAlert: (id) => alertStore.get(id),
    isInMaintenance: (siteId, deviceId, at) => {
      const s = settingsOf(siteId, deviceId)
      return inAnyWindow(s.maintenanceWindows, at, s.utcOffsetMin)
    },
    createMailTransport: config.smtpUrl ? () => nodemailer.createTransport(config.smtpUrl) : undefined,
    mailFrom: config.mailFrom,
    groupWindowMs: config.notifyGroupWindowMs,
    webhookAllowNets: config.webhookAllowNets,
    log,
    metrics,
    now: Date.now,
  })
  notifier.start()
  const engine = config.alertsEnabled
    ? await startAlertEngineThread({
        worker: {
          spoolDir,
          registryPath: join(config.dataDir, 'registry.db'),
          alertsDbPath: join(config.dataDir, 'alerts.db'),
          logLevel: config.logLevel,
          nice: config.alertsThreadNice,
        },
        commits: engineCommits.commits,
        store: alertStore,
        bus,
        commands,
        log,
        metrics,
      })
    : undefined
  const annotations = startAlertAnnotations({ bus, influx, directory: registry, log, metrics })

  const readiness = async () => {
    const influxOk = await influx.ping().catch(() => false)
    const spool = writer.stats()
    const checks = {
      broker: { listening: true, connectedDevices: broker.connectedDevices() },
      influx: { reachable: influxOk },
      spool: { blocked: spool.blocked, diskBytes: spool.diskBytes, backlogBytes: reader.backlogBytes() },
      // informational: alerts catch up from the spool once the engine runs again
      alerts: { engine: engine ? (engine.running() ? 'running' : 'restarting') : 'off' },
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
    routes: [
      async (v1, ctx) => {
        await v1.register(commandRoutes, { ctx, commands })
        await v1.register(notifyRoutes, { ctx, db: alertsDb, webhookAllowNets: config.webhookAllowNets })
        if (engine) {
          await v1.register(alertRoutes, {
            ctx,
            engine,
            commandsForAlert: (id) => commands.listCommandsForAlert(id).map(commandRecord),
          })
          await v1.register(strayWireLearnedRoutes, { ctx, engine })
        }
      },
    ],
  })
  bus.on('change', (c) => {
    try {
      api.live.emitAlert(c.alert)
    } catch (err) {
      log.error({ err, alertId: c.alert.id }, 'live alert emit failed')
    }
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
      await engine?.stop()
      await notifier.stop()
      await commands.close()
      await annotations.close()
      await serviceClient.endAsync(true).catch(() => undefined)
      // broker first, so no new PUBACKs; then let ingest drain what is spooled
      await broker.close()
      await writer.close()
      await ingest.stop()
      await reader.close()
      await influx.close()
      alertsDb.close()
      registry.close()
    },
  }
}
