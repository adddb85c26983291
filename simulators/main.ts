// `npm run simulate -- …`: the simulators alone, against any broker. The only file here that reads
// argv and the environment.
import { pino } from 'pino'
import { isCourtyardError } from '../domain/errors.ts'
import { parseCliArgs, USAGE } from './cli-args.ts'
import type { DeviceSpec } from './devices/types.ts'
import { loadDevicesFile, saveDevicesFile } from './devices-file.ts'
import { demoEstate, sizedEstate } from './estate.ts'
import { startFleet } from './fleet.ts'
import { provisionEstate } from './provision.ts'
import { planScenarios } from './scenarios.ts'

const DAY_MS = 86_400_000

async function main(): Promise<number> {
  const opts = parseCliArgs(process.argv.slice(2), process.env)
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const log = pino({ level: opts.logLevel, redact: ['secret', '*.secret', 'token'] })
  let devices: DeviceSpec[]
  if (opts.devicesFile) {
    devices = await loadDevicesFile(opts.devicesFile, opts.intervalS ?? 60)
  } else {
    const estateOpts = { prefix: opts.prefix, ...(opts.intervalS ? { reportIntervalS: opts.intervalS } : {}) }
    const estate = opts.demo
      ? demoEstate(opts.seed, { ...estateOpts, prefix: undefined })
      : sizedEstate(opts, opts.seed, estateOpts)
    if (opts.api && opts.token) {
      log.info({ api: opts.api, sites: estate.sites.length, devices: estate.devices.length }, 'provisioning')
      devices = await provisionEstate(opts.api, opts.token, estate, { tenantId: opts.tenant })
    } else {
      devices = estate.devices
      log.warn({}, 'devices have no secrets: use --api or --devices against a broker that authenticates')
    }
  }
  if (opts.saveDevices) await saveDevicesFile(opts.saveDevices, devices)
  const now = Date.now()
  const endMs = opts.backfillOnly ? now : opts.durationMs !== undefined ? now + opts.durationMs : undefined
  // live runs: the first fault, outage and stray-wire session within minutes, not hours
  const firstWithinMs =
    opts.backfillMs > 0 ? undefined : Math.min(5 * 60_000, 0.3 * ((endMs ?? now + DAY_MS) - now))
  const plan = planScenarios(
    devices,
    opts.scenarios,
    opts.seed,
    now - opts.backfillMs,
    endMs ?? now + DAY_MS,
    {
      firstWithinMs,
    },
  )
  const fleet = startFleet({
    url: opts.url,
    devices,
    seed: opts.seed,
    log,
    plan,
    backfillMs: opts.backfillMs,
    endMs,
    maxInFlightPerDevice: opts.window,
    maxInFlight: opts.fleetWindow,
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
          setTimeout(() => r('deadline'), Math.max(0, endMs - Date.now()) + 30_000).unref(),
        )
  const reason = await Promise.race([stopped, fleet.done.then(() => 'done'), grace])
  log.info({ reason }, 'stopping')
  clearInterval(ticker)
  const stats = await fleet.stop()
  return stats.errors > 0 && stats.acked === 0 ? 1 : 0
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
