// Wires the parts of one service node: a list started in order and stopped in the reverse order. Takes a
// validated config, a logger and a metrics registry; reads no environment.
//
//   registry → influx → alerts store → spool → ingest → broker (no listener yet) → service client → commands → notify →
//   alerts (engine thread, annotations) → api → the broker's listeners → operator alerts
//
// Stopping in reverse: the API first (no new requests), the alert engine, then the broker (no new
// PUBACKs), then ingest drains what is spooled into InfluxDB, then the spool and the stores close.
import { hostname } from 'node:os'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import type { Logger } from 'pino'
import type { Registry as MetricsRegistry } from 'prom-client'
import { createCommitSignal, openAlertsStore, startAlerts } from '../alerts/index.ts'
import { startApi } from '../api/index.ts'
import { connectServiceClient, startBroker } from '../broker/index.ts'
import { startCommands } from '../commands/index.ts'
import { CONSOLE_DIST } from '../console/index.ts'
import { ensurePrivateDir, ensurePrivateFile } from '../domain/private-files.ts'
import { createSecretBox } from '../domain/secret-box.ts'
import { startInflux } from '../influx/index.ts'
import { startIngest } from '../ingest/index.ts'
import { createOperatorAlerts, startNotify } from '../notify/index.ts'
import { startRegistry } from '../registry/index.ts'
import { startSpool } from '../spool/index.ts'
import { aedesLiveSource } from './aedes-live-source.ts'
import { ALERT_ENGINE_WORKER } from './alert-engine-entry.ts'
import type { ServiceConfig } from './config.ts'
import { createListeners } from './listeners.ts'
import { startOperatorWatch } from './operator-watch.ts'
import { createPartList } from './part-list.ts'
import { loadSecretsKey } from './secrets-key.ts'
import { readMqttTlsFiles } from './tls-files.ts'

export interface RunningService {
  ports: { mqtt: number; http: number; ws?: number; tls?: number }
  /** set only when no ADMIN_TOKEN was configured, none existed yet and one was to be generated: print it once */
  generatedAdminToken?: string
  httpUrl: string
  mqttUrl: string
  /** a new API token (only its hash is stored) and its id; the demo uses one to provision through the API */
  issueToken(input: {
    name: string
    tenantId: string | null
    role: 'admin' | 'manager' | 'crew' | 'viewer'
  }): { token: string; id: string }
  /**
   * Calls `listener` after ingest sets a message aside (its "payload rejected" warning logged, where not
   * suppressed); returns a function that stops it. The demo's terminal reminder follows these.
   */
  onRejected(listener: () => void): () => void
  stop(): Promise<void>
}

export async function startService(deps: {
  config: ServiceConfig
  log: Logger
  metrics: MetricsRegistry
  /**
   * default true: with no ADMIN_TOKEN and no admin token yet, generate one (`generatedAdminToken`). The demo
   * says false: it issues its own and prints it in its banner, the one admin token a first run shows.
   */
  generateAdminToken?: boolean
}): Promise<RunningService> {
  const { config, log, metrics } = deps
  const tls = readMqttTlsFiles(config)
  const parts = createPartList(log)
  const registryPath = join(config.dataDir, 'registry.db')
  const alertsDbPath = join(config.dataDir, 'alerts.db')
  const spoolDir = join(config.dataDir, 'spool')
  // private whatever the umask (domain/private-files.ts); SQLite gives -wal/-shm the database's mode
  ensurePrivateDir(config.dataDir)
  ensurePrivateFile(registryPath, { sqlite: true })
  ensurePrivateFile(alertsDbPath, { sqlite: true })
  const secrets = createSecretBox(
    loadSecretsKey({ configured: config.secretsKey, dataDir: config.dataDir, log }),
  )

  const { registry, generatedAdminToken } = await parts.start('registry', () =>
    startRegistry({
      path: registryPath,
      log,
      adminToken: config.adminToken,
      generateAdminToken: deps.generateAdminToken,
    }),
  )
  const influx = await parts.start('influx', () =>
    startInflux({ config: { ...config.influx, url: config.influx.url! }, log, metrics }),
  )
  const alertsStore = await parts.start('alerts store', () => openAlertsStore({ path: alertsDbPath }))
  // the alert engine is a second consumer of the spool, in its own thread: alerts never wait for
  // InfluxDB, and the engine's work does not slow the broker and ingest down
  const engineCommits = createCommitSignal()
  const spool = await parts.start('spool', () =>
    startSpool({
      dir: spoolDir,
      maxBytes: config.spoolMaxBytes,
      segmentBytes: config.spoolSegmentBytes,
      reserveBytes: config.spoolReserveBytes,
      log,
      metrics,
      consumers: config.alertsEnabled ? ['ingest', 'alerts'] : ['ingest'],
      onCommit: engineCommits.bump,
    }),
  )
  const rejectedListeners = createListeners(log, 'rejected-message')
  await parts.start('ingest', () =>
    startIngest({
      spool: spool.reader,
      directory: registry,
      influx: influx.client,
      ready: influx.ready,
      log,
      metrics,
      config: { ...config.ingest, deadLetterPath: join(config.dataDir, 'dead-letter.jsonl') },
      // the tracker catches a throw too; the service's own set keeps every listener told
      onRejected: rejectedListeners.tell,
      recreateDatabase: async () => {
        log.warn({ db: config.influx.db }, 'InfluxDB database missing, creating it again')
        await influx.ensureDatabase()
      },
    }),
  )
  const broker = await parts.start('broker', () =>
    startBroker({
      directory: registry,
      spool: spool.writer,
      log,
      metrics,
      config: {
        host: config.host,
        mqttPort: config.mqttPort,
        wsPort: config.mqttWsPort,
        tlsPort: config.mqttTlsPort,
        tlsCert: tls.cert,
        tlsKey: tls.key,
        maxPacketBytes: 64 * 1024,
        authCacheFile: join(config.dataDir, 'auth-cache.json'),
        ...config.broker,
      },
      // devices are let in last, once every part is up (the listeners open after the API, below)
      deferListen: true,
    }),
  )
  // the API's own MQTT client: live feed, revocations and device commands. It connects in process; the
  // secret an earlier version stored for it is replaced by one nobody knows, so it is no way in over TCP
  registry.rotateServiceSecret('api')
  const serviceClient = await parts.start('service client', () =>
    connectServiceClient({ broker, name: 'api' }),
  )
  const commands = await parts.start('commands', () =>
    startCommands({
      mqtt: serviceClient.client,
      db: alertsStore.db,
      registry,
      log,
      metrics,
      isConnected: broker.isConnected,
    }),
  )
  const notify = await parts.start('notify', () =>
    startNotify({
      db: alertsStore.db,
      bus: alertsStore.bus,
      registry,
      alerts: alertsStore,
      createMailTransport: config.smtpUrl ? () => nodemailer.createTransport(config.smtpUrl) : undefined,
      mailFrom: config.mailFrom,
      groupWindowMs: config.notifyGroupWindowMs,
      webhookAllowNets: config.webhookAllowNets,
      secrets,
      log,
      metrics,
      now: Date.now,
    }),
  )
  const alerts = await parts.start('alerts', () =>
    startAlerts({
      enabled: config.alertsEnabled,
      entry: ALERT_ENGINE_WORKER,
      worker: {
        spoolDir,
        registryPath,
        alertsDbPath,
        logLevel: config.logLevel,
        logFormat: config.logFormat,
        nice: config.alertsThreadNice,
      },
      commits: engineCommits.commits,
      alerts: alertsStore,
      commands: commands.service,
      influx: influx.client,
      directory: registry,
      log,
      metrics,
      // the API (and /healthz) need not wait for the worker to load its code; /readyz does (alerts health)
      awaitFirstStart: false,
    }),
  )
  const api = await parts.start('api', () =>
    startApi({
      config: {
        host: config.host,
        port: config.httpPort,
        sessions: config.sessions,
        signIn: config.signIn,
        rateLimit: { ratePerS: config.api.ratePerS, burst: config.api.burst },
        queryBounds: { maxSpanMs: config.api.maxSpanMs, maxScanPoints: config.api.maxScanPoints },
        liveBatchMs: config.api.liveBatchMs,
        consoleDir: CONSOLE_DIST,
      },
      log: log.child({ component: 'api' }),
      registry,
      influx: influx.client,
      metrics,
      readiness: () => parts.readiness(),
      mqtt: serviceClient.client,
      // the broker is in this process: the live feed takes its messages from it, not over loopback MQTT
      liveSource: aedesLiveSource(broker.aedes, log.child({ component: 'live-source' })),
      // a device's `online` is whether it is connected now, not the status it reported when it connected
      isConnected: broker.isConnected,
      alertBus: alertsStore.bus,
      parts: { commands: commands.service, notify: notify.stores, alerts: alerts.engine },
    }),
  )
  // every part is up: now the devices (a port in use fails the start like any part would)
  try {
    await broker.listen()
  } catch (err) {
    log.error({ err }, 'broker could not listen; stopping the others')
    await parts.stop()
    throw err
  }
  const localHost = config.host === '0.0.0.0' ? '127.0.0.1' : config.host
  const mqttUrl = `mqtt://${localHost}:${broker.ports.mqtt}`
  // last to start, first to stop: the node's own problems go to its operators (log, metric, webhook)
  await parts.start('operator alerts', () =>
    startOperatorWatch({
      readiness: () => parts.readiness(),
      alerts: createOperatorAlerts({
        webhook: config.operatorWebhook,
        node: hostname(),
        log,
        metrics,
      }),
      intervalMs: config.operatorCheckMs,
      log,
    }),
  )
  const ports = { mqtt: broker.ports.mqtt, http: api.port, ws: broker.ports.ws, tls: broker.ports.tls }
  log.info(ports, 'service ready')

  return {
    ports,
    generatedAdminToken,
    httpUrl: `http://${localHost}:${api.port}`,
    mqttUrl,
    issueToken: (input) => {
      const made = registry.createToken(input)
      return { token: made.token, id: made.record.id }
    },
    onRejected: rejectedListeners.add,
    stop: () => parts.stop(),
  }
}
