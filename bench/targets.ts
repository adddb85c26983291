// The two systems under test, each in its own process: the bare reference pipeline (bench/bare-pipeline.ts)
// and ours, the real service (`scripts/start.mjs`, compiled), started exactly as an operator would, by env vars.
import { createWriteStream, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, freePorts } from '../influx/index.ts'
import { forkBenchChild, request, spawnTracked, waitExit } from './children.ts'
import { withNofile } from './fd-limit.ts'
import type { BareReply, BareStats } from './ipc.ts'

export interface Target {
  name: 'bare' | 'ours' | 'mosquitto'
  mqttUrl: string
  pid: number
  /** inspector port, for GC + heap sampling (memory runs only) */
  inspectPort?: number
  stop(): Promise<void>
}

export interface BareTarget extends Target {
  stats(): Promise<BareStats>
}

export async function startBare(opts: {
  influxUrl?: string
  db: string
  inspect?: boolean
  /** open-file limit (bench/fd-limit.ts), for thousands of devices */
  nofile?: number
  /** subscriber only, to this broker (the mosquitto pipeline): no aedes in the child */
  brokerUrl?: string
}): Promise<BareTarget> {
  const inspectPort = opts.inspect ? await freePort() : undefined
  const child = forkBenchChild(
    './bare-pipeline.ts',
    inspectPort ? [`--inspect=127.0.0.1:${inspectPort}`] : [],
    { nofile: opts.nofile },
  )
  const ready = await request<Extract<BareReply, { type: 'ready' }>>(
    child,
    {
      type: 'init',
      influxUrl: opts.influxUrl,
      db: opts.db,
      // measurements.md: batches of 1,000–5,000 and 2–4 writes in flight
      batchSize: 5000,
      maxWritesInFlight: 3,
      flushIntervalMs: 20,
      brokerUrl: opts.brokerUrl,
    },
    'ready',
    60_000,
  )
  return {
    name: 'bare',
    mqttUrl: `mqtt://127.0.0.1:${ready.mqttPort}`,
    pid: ready.pid,
    inspectPort,
    stats: () => request<BareStats>(child, { type: 'stats' }, 'stats', 10_000),
    stop: async () => {
      if (child.connected) child.send({ type: 'close' })
      await waitExit(child, 5_000)
    },
  }
}

export interface OursTarget extends Target {
  httpUrl: string
  adminToken: string
  logFile: string
}

const SERVICE_MAIN = fileURLToPath(new URL('../scripts/start.mjs', import.meta.url))

/**
 * As `npm start` runs it: `node scripts/start.mjs`, the compiled service in that one process (the memory
 * run needs the pid of the process that holds the broker). bench/main.ts compiles it first.
 */
export async function startOurs(opts: {
  influxUrl: string
  db: string
  dataDir: string
  inspect?: boolean
  readyTimeoutMs: number
  /** extra service env, e.g. ALERTS_ENABLED=false (service/config.ts) */
  env?: Record<string, string>
  /** the ports and admin token of an earlier start, to restart the same service (phase `storm`) */
  again?: Pick<OursTarget, 'mqttUrl' | 'httpUrl' | 'adminToken'>
  /** keep the service's authentication limits at their defaults (README "Security") */
  defaultAuthLimits?: boolean
  /** open-file limit (bench/fd-limit.ts), for thousands of devices */
  nofile?: number
}): Promise<OursTarget> {
  const [mqttPort, httpPort] = opts.again
    ? [Number(new URL(opts.again.mqttUrl).port), Number(new URL(opts.again.httpUrl).port)]
    : ((await freePorts(2)) as [number, number])
  const inspectPort = opts.inspect ? await freePort() : undefined
  const adminToken = opts.again?.adminToken ?? `bench-admin-${process.pid}-${Date.now()}`
  const logFile = join(opts.dataDir, 'service.log')
  const log = createWriteStream(logFile, { flags: 'a' })
  const nodeArgs = [
    // as `npm start` runs it (package.json): a young generation of 2 × 32 MB
    '--max-semi-space-size=32',
    ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    // extra node options for the service only, e.g. BENCH_SERVICE_NODE_ARGS='--heap-prof --heap-prof-dir=/tmp/h'
    ...(process.env.BENCH_SERVICE_NODE_ARGS?.split(' ').filter((a) => a !== '') ?? []),
    ...(inspectPort ? [`--inspect=127.0.0.1:${inspectPort}`] : []),
    SERVICE_MAIN,
  ]
  const [cmd, args] =
    opts.nofile === undefined
      ? [process.execPath, nodeArgs]
      : withNofile(opts.nofile, process.execPath, nodeArgs)
  const limits = opts.defaultAuthLimits
    ? {}
    : {
        // the whole bench fleet connects from one address, 10,000 devices at once: past the per-address
        // limits sized for one site's router (README "Security"); bench/auth-storm.ts measures those
        MQTT_AUTH_ATTEMPTS_PER_S: '1000000',
        MQTT_AUTH_ATTEMPTS_BURST: '1000000',
        MQTT_AUTH_VERIFY_QUEUE: '1000000',
        MQTT_AUTH_USER_ATTEMPTS_PER_MIN: '1000000',
      }
  const child = spawnTracked(cmd, args, {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      INFLUX_URL: opts.influxUrl,
      INFLUX_DB: opts.db,
      DATA_DIR: opts.dataDir,
      MQTT_PORT: String(mqttPort),
      HTTP_PORT: String(httpPort),
      HOST: '127.0.0.1',
      ADMIN_TOKEN: adminToken,
      // BENCH_SERVICE_LOG_LEVEL=debug: the service's log (in the work dir) says how long each part took to start
      LOG_LEVEL: process.env.BENCH_SERVICE_LOG_LEVEL ?? 'warn',
      ...limits,
      // the bench provisions thousands of devices with one token: the per-token budget is not under test
      API_RATE_PER_S: '100000',
      API_BURST: '1000000',
      // BENCH_SERVICE_ENV='SPOOL_COMMIT_GATHER_MS=0 …': settings of the service to compare, old against new
      ...Object.fromEntries(
        (process.env.BENCH_SERVICE_ENV ?? '')
          .split(' ')
          .filter((kv) => kv.includes('='))
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      ),
      ...opts.env,
    },
  })
  child.stdout?.pipe(log)
  child.stderr?.pipe(log)
  const httpUrl = `http://127.0.0.1:${httpPort}`
  const stop = async () => {
    child.kill('SIGTERM')
    await waitExit(child, 15_000)
  }
  const tail = () => {
    try {
      return readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n')
    } catch {
      return ''
    }
  }
  const deadline = Date.now() + opts.readyTimeoutMs
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `service exited (${child.signalCode ?? child.exitCode}) before ready; log tail:\n${tail()}`,
      )
    try {
      const res = await fetch(`${httpUrl}/readyz`, { signal: AbortSignal.timeout(2_000) })
      if (res.status === 200) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`service not ready within ${opts.readyTimeoutMs} ms; log tail:\n${tail()}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  return {
    name: 'ours',
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    httpUrl,
    adminToken,
    logFile,
    pid: child.pid!,
    inspectPort,
    stop,
  }
}
