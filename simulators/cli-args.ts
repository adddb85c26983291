// Command-line arguments of `npm run simulate` (pure: argv in, options or one clear error out).
import { parseArgs } from 'node:util'
import { CourtyardError } from '../domain/errors.ts'
import { MAX_AGE_MS } from '../domain/protocol.ts'
import { parseScenarios, type ScenarioName } from './scenarios.ts'

/** Where the simulated clock starts unless --sim-start says otherwise: a Monday 09:00 in Shanghai, in spring. */
export const DEFAULT_SIM_START = '2026-04-27T09:00:00+08:00'
/** The same in summer, for runs made while the service's rules judge readings by summer bands. */
export const DEFAULT_SUMMER_SIM_START = '2026-07-06T09:00:00+08:00'
/** The months (in UTC+8) the service's day-care rules apply their summer bands by default (alerts settings). */
const SUMMER_MONTHS = [5, 6, 7, 8, 9]

/**
 * The default simulated start for a run made at `nowMs`: the service judges readings by their real
 * timestamps, so the simulated season follows the real one (a spring Monday's nights, 19–20 °C, are cold
 * by the summer band's 22 °C), and within a season every run is the same.
 */
export function defaultSimStart(nowMs: number): string {
  const month = new Date(nowMs + 8 * 3_600_000).getUTCMonth() + 1
  return SUMMER_MONTHS.includes(month) ? DEFAULT_SUMMER_SIM_START : DEFAULT_SIM_START
}

export const USAGE = `Usage: npm run simulate -- [options]

Simulated Courtyard field devices speaking protocol v1 over MQTT.

Broker and provisioning
  --url <url>              broker URL (default mqtt://127.0.0.1:1883)
  --connect-timeout <duration>
                           give up when no device has connected this long after the
                           start (default 30s); a broker lost later is waited for
  --ca <file>              CA certificate(s), PEM, that the broker's TLS certificate must
                           chain to (mqtts://, wss://): a private CA; default: the system's.
                           For --api over https with a private CA: NODE_EXTRA_CA_CERTS=<file>
  --insecure               FOR TESTS ONLY: the broker's TLS certificate is not checked at all,
                           so anyone in between can pass for it and read the devices' secrets
  --api <url>              provision sites and devices through the HTTP API first
  --token <token>          API bearer token (or ADMIN_TOKEN in the environment)
  --tenant <id>            tenant to create sites under, created when missing (an admin
                           token's default: the service's default tenant)
  --devices <file>         read devices with secrets from a JSON file instead
  --save-devices <file>    write the provisioned devices with their secrets here

Fleet
  --demo                   the two-community demo estate instead of a sized one
  --piles <n>              charging piles (default 10)
  --circuits <n>           corridor circuit monitors (default 20)
  --sensors <n>            day-care room sensors (default 6)
  --displays <n>           outdoor displays (default 4)
  --prefix <text>          prefix of generated ids (default sim; the demo estate: none)
  --seed <n>               seed of the estate, the device models and the scenarios
                           (default 42): the same seed and options give the same devices,
                           readings and scenarios relative to the start, run after run
  --sim-start <time>       the simulated time the run starts at (ISO 8601 with its offset):
                           the devices' time of day, weekday and season and the scenarios
                           follow it, while readings carry real timestamps, which the
                           service judges them by (default: a Monday 09:00 in Shanghai of
                           the season the real date is in, ${DEFAULT_SIM_START}, or
                           ${DEFAULT_SUMMER_SIM_START} in May–September, when the service's
                           summer bands apply); \`now\`: the wall clock, and readings then
                           depend on when the run starts
  --interval <seconds>     report interval (default 60; the demo estate uses 10)
  --scenario <list>        comma-separated: stray-wire,offline,faults,malformed
  --backfill <duration>    first send past readings over this period (e.g. 2d, at most 30d)
  --backfill-only          stop after the backfill instead of continuing live
  --duration <duration>    stop after this long (e.g. 10m); default: run until Ctrl-C
  --window <n>             unacknowledged publishes per device (default 8)
  --fleet-window <n>       unacknowledged publishes for the whole fleet (default 1000)
  --stats-every <duration> log fleet stats this often (default 10s, at least 1s)
  --log-level <level>      fatal, error, warn, info, debug, trace or silent (default info)
  -h, --help               this text

Durations: a number and a unit, one of ms, s, m, h, d (e.g. 90s, 10m, 3d).

The log goes to stdout (JSON lines); the summary line and errors go to stderr. A device the broker
refuses (bad credentials, not authorised) stops; a broker that is busy or goes away is retried with
backoff, the readings kept meanwhile. Ctrl-C (SIGINT) or SIGTERM stops cleanly.

Exit status: 0 the run ended as asked (--duration, --backfill-only, or a signal); 1 the broker could
not be reached or refused devices, or readings were still undelivered 30 s after --duration;
2 bad options, devices file or API answer.`

export interface CliOptions {
  help: boolean
  url: string
  connectTimeoutMs: number
  /** PEM file of the CA(s) the broker's certificate must chain to */
  caFile?: string
  /** the broker's certificate is not checked (tests only) */
  insecure: boolean
  api?: string
  token?: string
  tenant?: string
  devicesFile?: string
  saveDevices?: string
  demo: boolean
  piles: number
  circuits: number
  sensors: number
  displays: number
  /** undefined: `sim` for a sized estate, none for the demo estate */
  prefix?: string
  seed: number
  /** the simulated time of the run's start; undefined: the wall clock (`--sim-start now`) */
  simStartMs?: number
  intervalS?: number
  scenarios: ScenarioName[]
  backfillMs: number
  backfillOnly: boolean
  durationMs?: number
  window: number
  fleetWindow: number
  statsEveryMs: number
  logLevel: string
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `90s`, `10m`, `3d` → milliseconds; `minMs` is the shortest that makes sense for the flag. */
export function parseDuration(text: string, flag: string, minMs = 0): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim())
  if (!m)
    throw new CourtyardError('BAD_REQUEST', `${flag} must be a duration like 90s, 10m or 3d, got "${text}"`)
  const ms = Math.round(Number(m[1]) * (UNITS[m[2] as string] as number))
  if (ms < minMs) {
    const least = minMs % 1000 === 0 ? `${minMs / 1000}s` : `${minMs}ms`
    throw new CourtyardError('BAD_REQUEST', `${flag} must be at least ${least}, got "${text}"`)
  }
  return ms
}

function optionalDuration(text: string | undefined, flag: string, minMs: number): number | undefined {
  return text === undefined ? undefined : parseDuration(text, flag, minMs)
}

function count(text: string | undefined, flag: string, fallback: number, min = 0, max = 1_000_000): number {
  if (text === undefined) return fallback
  const n = Number(text)
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new CourtyardError(
      'BAD_REQUEST',
      `${flag} must be a whole number from ${min} to ${max}, got "${text}"`,
    )
  }
  return n
}

/** `--sim-start`: an ISO 8601 time with its offset (the machine's zone would make runs differ), or `now`. */
function simStart(text: string): number | undefined {
  if (text === 'now') return undefined
  const m = /^(\d{4})-(\d\d)-(\d\d)T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.exec(text)
  const ms = m ? Date.parse(text) : Number.NaN
  // Date.parse takes 30 February for 2 March
  const day = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).getUTCDate() : 0
  if (!Number.isFinite(ms) || day !== Number(m?.[3]))
    throw new CourtyardError(
      'BAD_REQUEST',
      `--sim-start must be now or a time like ${DEFAULT_SIM_START} (with its offset or Z), got "${text}"`,
    )
  return ms
}

export function parseCliArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): CliOptions {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        url: { type: 'string' },
        'connect-timeout': { type: 'string' },
        ca: { type: 'string' },
        insecure: { type: 'boolean' },
        api: { type: 'string' },
        token: { type: 'string' },
        tenant: { type: 'string' },
        devices: { type: 'string' },
        'save-devices': { type: 'string' },
        demo: { type: 'boolean' },
        piles: { type: 'string' },
        circuits: { type: 'string' },
        sensors: { type: 'string' },
        displays: { type: 'string' },
        prefix: { type: 'string' },
        seed: { type: 'string' },
        'sim-start': { type: 'string' },
        interval: { type: 'string' },
        scenario: { type: 'string' },
        backfill: { type: 'string' },
        'backfill-only': { type: 'boolean' },
        duration: { type: 'string' },
        window: { type: 'string' },
        'fleet-window': { type: 'string' },
        'stats-every': { type: 'string' },
        'log-level': { type: 'string' },
      },
    }).values
  } catch (e) {
    throw new CourtyardError('BAD_REQUEST', (e as Error).message)
  }
  const str = (k: string) => values[k] as string | undefined
  const url = str('url') ?? 'mqtt://127.0.0.1:1883'
  if (!/^(mqtts?|wss?|tcp|tls):\/\//.test(url)) {
    throw new CourtyardError(
      'BAD_REQUEST',
      `--url must be an mqtt://, mqtts://, ws:// or wss:// URL, got "${url}"`,
    )
  }
  const caFile = str('ca')
  const insecure = values['insecure'] === true
  if (caFile !== undefined && insecure)
    throw new CourtyardError('BAD_REQUEST', 'use either --ca or --insecure, not both')
  if ((caFile !== undefined || insecure) && !/^(mqtts|wss|tls):\/\//.test(url))
    throw new CourtyardError(
      'BAD_REQUEST',
      `${insecure ? '--insecure' : '--ca'} is for a TLS broker URL (mqtts:// or wss://), got "${url}"`,
    )
  const api = str('api')
  if (api !== undefined && !/^https?:\/\//.test(api)) {
    throw new CourtyardError('BAD_REQUEST', `--api must be an http:// or https:// URL, got "${api}"`)
  }
  const token = str('token') ?? env['ADMIN_TOKEN']
  if (api && !token) throw new CourtyardError('BAD_REQUEST', '--api needs --token (or ADMIN_TOKEN)')
  if (api && str('devices'))
    throw new CourtyardError('BAD_REQUEST', 'use either --api or --devices, not both')
  const backfillMs =
    str('backfill') === undefined ? 0 : parseDuration(str('backfill') as string, '--backfill')
  if (backfillMs > MAX_AGE_MS)
    throw new CourtyardError(
      'BAD_REQUEST',
      '--backfill must be at most 30d (the protocol rejects older readings)',
    )
  if (values['backfill-only'] && backfillMs === 0)
    throw new CourtyardError('BAD_REQUEST', '--backfill-only needs --backfill')
  const seed = count(str('seed'), '--seed', 42, 0, 2 ** 32 - 1)
  const simStartMs = simStart(str('sim-start') ?? defaultSimStart(Date.now()))
  let scenarios: ScenarioName[] = []
  try {
    scenarios = parseScenarios(str('scenario') ?? '')
  } catch (e) {
    throw new CourtyardError('BAD_REQUEST', `--scenario: ${(e as Error).message}`)
  }
  const prefix = str('prefix')
  if (prefix !== undefined && !/^[A-Za-z0-9_-]{1,40}$/.test(prefix))
    throw new CourtyardError('BAD_REQUEST', '--prefix must be 1–40 of [A-Za-z0-9_-]')
  const logLevel = str('log-level') ?? 'info'
  if (!LOG_LEVELS.includes(logLevel))
    throw new CourtyardError(
      'BAD_REQUEST',
      `--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`,
    )
  return {
    help: values['help'] === true,
    url,
    connectTimeoutMs: optionalDuration(str('connect-timeout'), '--connect-timeout', 1000) ?? 30_000,
    caFile,
    insecure,
    api,
    token,
    tenant: str('tenant'),
    devicesFile: str('devices'),
    saveDevices: str('save-devices'),
    demo: values['demo'] === true,
    piles: count(str('piles'), '--piles', 10),
    circuits: count(str('circuits'), '--circuits', 20),
    sensors: count(str('sensors'), '--sensors', 6),
    displays: count(str('displays'), '--displays', 4),
    prefix,
    seed,
    simStartMs,
    intervalS:
      str('interval') === undefined ? undefined : count(str('interval'), '--interval', 60, 1, 86_400),
    scenarios,
    backfillMs,
    backfillOnly: values['backfill-only'] === true,
    durationMs: optionalDuration(str('duration'), '--duration', 1),
    window: count(str('window'), '--window', 8, 1, 65_535),
    fleetWindow: count(str('fleet-window'), '--fleet-window', 1000, 1),
    statsEveryMs: optionalDuration(str('stats-every'), '--stats-every', 1000) ?? 10_000,
    logLevel,
  }
}
