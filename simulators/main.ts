// `npm run simulate -- …`: the simulators alone, against any broker. The only file here that reads
// argv and the environment.
import { pino } from 'pino'
import { CourtyardError, isCourtyardError } from '../domain/errors.ts'
import { brokerTlsOptions } from './broker-tls.ts'
import { parseCliArgs, USAGE } from './cli-args.ts'
import type { DeviceSpec } from './devices/types.ts'
import { loadDevicesFile, saveDevicesFile } from './devices-file.ts'
import { demoEstate, sizedEstate } from './estate.ts'
import { type FleetStats, startFleet } from './fleet.ts'
import { provisionEstate } from './provision.ts'
import { planScenarios } from './scenarios.ts'

const DAY_MS = 86_400_000
/** a finite run waits this long after its end for readings still to be sent and acknowledged */
const GRACE_MS = 30_000

/** The line a CI log reader looks for: what was sent and what was not. */
function summary(why: string, s: FleetStats): string {
  const failed = s.unacked + s.buffered + s.dropped
  return (
    `simulate: ${why}: ${s.devices} devices, sent ${s.published}, acked ${s.acked}, failed ${failed} ` +
    `(unacked ${s.unacked}, unsent ${s.buffered}, dropped ${s.dropped}), reconnects ${s.reconnects}, ` +
    `refused ${s.refused}`
  )
}

async function main(): Promise<number> {
  const opts = parseCliArgs(process.argv.slice(2), process.env)
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const log = pino({ level: opts.logLevel, redact: ['secret', '*.secret', 'token'] })
  // read and checked before anything is provisioned: a bad file is a bad option
  const tlsOptions = await brokerTlsOptions(opts)
  if (opts.insecure)
    log.warn({ url: opts.url }, "--insecure: the broker's TLS certificate is not checked (for tests only)")
  let devices: DeviceSpec[]
  if (opts.devicesFile) {
    devices = await loadDevicesFile(opts.devicesFile, opts.intervalS ?? 60)
  } else {
    const estateOpts = { prefix: opts.prefix, ...(opts.intervalS ? { reportIntervalS: opts.intervalS } : {}) }
    const estate = opts.demo ? demoEstate(opts.seed, estateOpts) : sizedEstate(opts, opts.seed, estateOpts)
    if (estate.devices.length > 0 && opts.api && opts.token) {
      log.info({ api: opts.api, sites: estate.sites.length, devices: estate.devices.length }, 'provisioning')
      devices = await provisionEstate(opts.api, opts.token, estate, { tenantId: opts.tenant })
    } else {
      devices = estate.devices
      if (devices.length > 0)
        log.warn({}, 'devices have no secrets: use --api or --devices against a broker that authenticates')
    }
  }
  if (devices.length === 0)
    throw new CourtyardError(
      'BAD_REQUEST',
      opts.devicesFile
        ? `devices file ${opts.devicesFile} lists no devices`
        : 'no devices to simulate: --piles, --circuits, --sensors and --displays are all 0',
    )
  if (opts.saveDevices) await saveDevicesFile(opts.saveDevices, devices)
  const now = Date.now()
  const endMs = opts.backfillOnly ? now : opts.durationMs !== undefined ? now + opts.durationMs : undefined
  const runMs = (endMs ?? now + DAY_MS) - now
  // live runs: the first fault, outage and stray-wire session within minutes, not hours
  const firstWithinMs = opts.backfillMs > 0 ? undefined : Math.min(5 * 60_000, 0.3 * runMs)
  // planned on the simulated clock, as the devices live (the fleet moves it to the real one)
  const simNow = opts.simStartMs ?? now
  const plan = planScenarios(devices, opts.scenarios, opts.seed, simNow - opts.backfillMs, simNow + runMs, {
    firstWithinMs,
  })
  const fleet = startFleet({
    url: opts.url,
    devices,
    seed: opts.seed,
    log,
    plan,
    backfillMs: opts.backfillMs,
    startMs: now,
    simStartMs: opts.simStartMs,
    endMs,
    maxInFlightPerDevice: opts.window,
    maxInFlight: opts.fleetWindow,
    connectTimeoutMs: opts.connectTimeoutMs,
    mqttOptions: tlsOptions,
  })
  const ticker = setInterval(() => log.info(fleet.stats(), 'fleet stats'), opts.statsEveryMs)
  ticker.unref()
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'))
    process.once('SIGTERM', () => resolve('SIGTERM'))
  })
  // a finite run ends when everything is acknowledged, or 30 s after its end (devices still offline)
  const grace =
    endMs === undefined
      ? new Promise<string>(() => {})
      : new Promise<string>((r) =>
          setTimeout(() => r('deadline'), Math.max(0, endMs - Date.now()) + GRACE_MS).unref(),
        )
  let failure: string | undefined
  const unusable = fleet.unusable.then((why) => {
    failure = why
    return 'unusable'
  })
  // keeps the process alive while devices wait to reconnect: a fleet whose every client has given up
  // must still end here, with its summary and exit status, not by an empty event loop
  const alive = setInterval(() => {}, 60_000)
  const reason = await Promise.race([stopped, fleet.done.then(() => 'done'), grace, unusable])
  clearInterval(alive)
  log.info({ reason }, 'stopping')
  clearInterval(ticker)
  const stats = await fleet.stop()
  const undelivered = stats.unacked + stats.buffered
  if (reason === 'deadline' && undelivered > 0) {
    failure = `${undelivered} readings were still undelivered ${GRACE_MS / 1000} s after the run's end`
  } else if (failure === undefined && stats.refused > 0) {
    failure = `the broker refused ${stats.refused} of ${stats.devices} devices (see the warnings in the log)`
  }
  process.stderr.write(`${summary(failure === undefined ? `stopped (${reason})` : 'failed', stats)}\n`)
  if (failure !== undefined) {
    process.stderr.write(`simulate: ${failure}\n`)
    return 1
  }
  return 0
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (isCourtyardError(e)) {
      process.stderr.write(`simulate: ${e.message}\nRun with --help for usage.\n`)
      process.exit(2)
    }
    process.stderr.write(`simulate: ${(e as Error).stack ?? String(e)}\n`)
    process.exit(1)
  },
)
