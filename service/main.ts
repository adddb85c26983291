// `npm start` / `npm run demo`: the whole service in one process — MQTT broker (with the durable spool in
// front of every PUBACK), ingest (spool → InfluxDB), the HTTP API with its live feed — plus, when
// INFLUX_URL is unset, a private influxd child. The only file that reads the environment.
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { collectDefaultMetrics, Registry as MetricsRegistry } from 'prom-client'
import { ensurePrivateDir } from '../domain/private-files.ts'
import { findInfluxd, INSTALL_HINT, type LocalInfluxd, startLocalInfluxd } from '../influx/index.ts'
import { loadConfig, type ServiceConfig } from './config.ts'
import { lockDataDir } from './data-dir-lock.ts'
import { chooseLogFormat, createLogger } from './logger.ts'
import { installMqttFastPaths } from './mqtt-fast-paths.ts'
import type { RunningService } from './service.ts'

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: { demo: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
    strict: true,
  })
  if (flags.help) {
    process.stdout.write(
      'Usage: npm start | npm run demo   (configuration: environment variables, see README)\n',
    )
    return
  }
  try {
    process.loadEnvFile('.env')
  } catch {
    // no .env file: the environment alone
  }
  // before the broker's modules load (service.ts, imported below, imports them): mqtt-packet takes its
  // debug functions as it loads
  const fastPaths = installMqttFastPaths(process.env)
  const loaded = loadConfig(process.env)
  if (!loaded.ok) {
    for (const line of loaded.errors) process.stderr.write(`configuration error: ${line}\n`)
    process.exit(2)
  }
  const config = {
    ...loaded.config,
    logFormat: chooseLogFormat(loaded.config.logFormat, process.stdout.isTTY),
  }
  const log = createLogger({ level: config.logLevel, format: config.logFormat })
  ensurePrivateDir(config.dataDir)
  const lock = lockDataDir(config.dataDir)
  if (!lock.ok) {
    process.stderr.write(
      `DATA_DIR ${config.dataDir} is in use by another Courtyard service (pid ${lock.pid ?? 'not written yet'})\n`,
    )
    process.exit(2)
  }

  let influxd: LocalInfluxd | undefined
  let service: RunningService | undefined
  // what is still starting when a signal comes: shutdown waits for it and stops it (influxd in its own
  // process group would outlive us; parts already started must stop cleanly, the auth cache saved)
  let influxdStarting: Promise<LocalInfluxd> | undefined
  let serviceStarting: Promise<RunningService> | undefined
  let demo: { stop(): Promise<void>; farewell: string } | undefined
  let stopping = false
  // in reverse order of start; from the first moment, since influxd, in a process group of its own, would
  // outlive a start-up interrupted by the default signal action
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    const force = setTimeout(() => {
      log.error('shutdown took longer than 20 s, exiting')
      process.exit(1)
    }, 20_000)
    force.unref()
    try {
      await demo?.stop()
      await (service ?? (await serviceStarting?.catch(() => undefined)))?.stop()
      await (influxd ?? (await influxdStarting?.catch(() => undefined)))?.stop()
      lock.release()
    } catch (err) {
      log.error({ err }, 'error during shutdown')
    }
    log.info({ dataDir: config.dataDir }, 'stopped')
    if (demo) process.stdout.write(demo.farewell)
    process.exit(0)
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(signal, () => void shutdown(signal))

  let influxUrl = config.influx.url
  if (!influxUrl) {
    const bin = findInfluxd({ INFLUXD_BIN: config.influx.influxdBin, PATH: process.env.PATH })
    if (!bin) {
      process.stderr.write(`${INSTALL_HINT}\n`)
      process.exit(2)
    }
    // in its own process group: a terminal's Ctrl-C reaches only this process, which stops influxd last,
    // after ingest has written what it holds (influxd gone first would leave ingest retrying)
    influxdStarting = startLocalInfluxd({
      dir: join(config.dataDir, 'influxdb'),
      bin,
      host: '127.0.0.1',
      ownProcessGroup: true,
      // a large database loads before influxd answers: the service starts anyway (devices do not need
      // InfluxDB; ingest waits for it), rather than killing it half-loaded and exiting
      timeoutMs: 10_000,
      slowStartOk: true,
    })
    const child = await influxdStarting
    influxd = child
    // a crash must not leave it behind either (a clean stop has already waited for it)
    process.on('exit', () => child.kill())
    influxUrl = child.url
    if (child.answered) log.info({ url: influxUrl, influxdPid: child.pid }, 'local influxd started')
    else log.warn({ url: influxUrl, influxdPid: child.pid }, 'local influxd started, still loading its data')
  }
  if (stopping) return

  const metrics = new MetricsRegistry()
  collectDefaultMetrics({ register: metrics, prefix: 'courtyard_process_' })

  const { startService } = await import('./service.ts')
  // a signal while the module loaded: shutdown has begun without a service to stop
  if (stopping) return
  if (!fastPaths.onePuback || !fastPaths.inPlaceReads || (!fastPaths.quietDebug && !process.env.DEBUG))
    log.warn({ fastPaths }, 'mqtt-packet fast paths not all installed (more CPU per message)')
  else log.debug({ fastPaths }, 'mqtt-packet fast paths')
  serviceStarting = startService({
    config: { ...config, influx: { ...config.influx, url: influxUrl } },
    log,
    metrics,
    // the demo's banner prints the admin token it issues: a first run shows one admin token, not two
    generateAdminToken: !flags.demo,
  })
  let started: RunningService
  try {
    started = await serviceStarting
  } catch (err) {
    const taken = portTaken(err, config)
    throw taken ? new Error(taken, { cause: err }) : err
  }
  service = started
  if (stopping) return
  if (started.generatedAdminToken) {
    // shown once: only its hash is stored
    process.stdout.write(
      `\nAdmin API token (shown once, store it now): ${started.generatedAdminToken}\n` +
        `  try: curl -H 'Authorization: Bearer ${started.generatedAdminToken}' http://${config.host}:${started.ports.http}/api/v1/devices\n\n`,
    )
  }

  if (flags.demo) {
    const { startDemo } = await import('./demo.ts')
    demo = await startDemo({ log, service: started, dataDir: config.dataDir })
  }
}

/**
 * A listener's port held by another process, said in the terms of the variable that chose it (a Debian
 * machine with the mosquitto package runs a broker on 1883), or undefined for any other error.
 */
function portTaken(err: unknown, config: ServiceConfig): string | undefined {
  const e = err as { code?: unknown; port?: unknown } | undefined
  if (e?.code !== 'EADDRINUSE') return undefined
  const broker = 'another MQTT broker, such as the mosquitto service'
  const ports: [name: string, port: number | undefined, what: string][] = [
    ['MQTT_PORT', config.mqttPort, broker],
    ['MQTT_TLS_PORT', config.mqttTlsPort, broker],
    ['MQTT_WS_PORT', config.mqttWsPort, 'another web server'],
    ['HTTP_PORT', config.httpPort, 'another web server'],
  ]
  const found = ports.find(([, port]) => port === e.port)
  if (!found) return undefined
  const [name, port, what] = found
  return `${name}=${port}: port ${port} on ${config.host} is taken by another process (${what}, or a Courtyard already running; \`ss -ltnp\` shows which). Stop it, or set ${name} to a free port`
}

main().catch((err) => {
  process.stderr.write(`courtyard failed to start: ${err instanceof Error ? err.message : String(err)}\n`)
  if (process.env.LOG_LEVEL === 'debug') process.stderr.write(`${err?.stack ?? ''}\n`)
  process.exit(1)
})
