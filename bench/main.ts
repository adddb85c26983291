// `npm run bench`: measures the performance targets (bench/README.md) on this machine in one run and PRINTS them (never asserts).
//   npm run bench [-- --quick] [-- --only bare|ours|latency|memory|alerts|fanout|write-path|auth|console|city|storm|mosquitto|soak]
//   npm run bench -- --only fanout [--fanout-readings batched|each] [--live-batch-ms 100]   (how the clients take readings)
//   npm run bench -- --only city [--city-devices 100000]  (--quick: 10,000)
//     [--city-heap-snapshots DIR]: heap snapshots before and after the devices connect (bench/heap-diff.ts)
//   npm run bench -- --only soak [--soak-devices 5000] [--soak-min 30] [--soak-report-s 10]  (--quick: 2 min)
// The soak runs only when asked for (--only soak): half an hour is more than the other phases together.
// Starts its own influxd in a temp dir, runs the bare reference pipeline and ours (service/main.ts) as
// child processes, drives them from a load-generator child, and kills every child on exit.

import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { parseOrUsage } from '../domain/command-line.ts'
import { READING_DELIVERIES } from '../domain/live-events.ts'
import { findInfluxd, INSTALL_HINT, startLocalInfluxd } from '../influx/index.ts'
import { authStormLines, runAuthStorm } from './auth-storm.ts'
import { atExit, installExitHandlers, trackPid, untrackPid } from './children.ts'
import { runIssue12Phases } from './city-phases.ts'
import { runConsole } from './console.ts'
import { waitEngine } from './engine-progress.ts'
import { createDatabase } from './influx-query.ts'
import { runWritePath } from './influx-write-path.ts'
import type { DeviceCredential } from './ipc.ts'
import { setLoadGenClient } from './load-gen-client.ts'
import { benchDeviceIds, provisionDevices } from './provision.ts'
import {
  alertLatencyLines,
  consoleLines,
  engineCostLines,
  fanoutCompareLines,
  fanoutLines,
  latencyLines,
  memoryLines,
  type Summary,
  summaryLines,
  throughputLines,
  writePathLines,
} from './report.ts'
import { provisionProbePile, runAlertLatency } from './run-alert-latency.ts'
import { runFanoutSide } from './run-fanout.ts'
import { runLatency } from './run-latency.ts'
import { runMemory } from './run-memory.ts'
import { runSoak, soakLines } from './run-soak.ts'
import { runThroughput } from './run-throughput.ts'
import { measureStrayWireCpu, strayWireCpuLines } from './stray-wire-cpu.ts'
import { type OursTarget, startBare, startOurs, type Target } from './targets.ts'

const PHASES = [
  'bare',
  'ours',
  'latency',
  'memory',
  'alerts',
  'fanout',
  'write-path',
  'auth',
  'console',
  'city',
  'storm',
  'mosquitto',
  'soak',
] as const
type Phase = (typeof PHASES)[number]

const USAGE = `usage: npm run bench [-- options]
  --quick                 shorter phases, fewer devices (200)
  --only PHASE            one of ${PHASES.join(', ')} (soak runs only when asked for)
  --client raw|mqttjs     the load generator's MQTT client (default raw)
  --fanout-readings batched|each, --live-batch-ms N      phase fanout
  --city-devices N, --city-heap-snapshots DIR            phase city (default 100,000; --quick 10,000)
  --soak-devices N, --soak-min N, --soak-report-s N      phase soak
  BENCH_CPU_PROF=DIR      write the service's V8 CPU profile there (bench/profile-summary.ts sums it up)
Prints its figures; asserts nothing (bench/README.md says what each measures).`

const options = {
  help: { type: 'boolean', short: 'h', default: false },
  quick: { type: 'boolean', default: false },
  only: { type: 'string' },
  client: { type: 'string', default: 'raw' },
  'soak-devices': { type: 'string', default: '5000' },
  'soak-min': { type: 'string' },
  'soak-report-s': { type: 'string', default: '10' },
  // phase fanout: how the 200 clients take readings (the console asks for batches)
  'fanout-readings': { type: 'string', default: 'batched' },
  // phase fanout: the service's LIVE_BATCH_MS (default its own, 100)
  'live-batch-ms': { type: 'string' },
  'city-devices': { type: 'string' },
  'city-heap-snapshots': { type: 'string' },
} as const
const { values } = parseOrUsage(() => parseArgs({ options }), USAGE)
const fanoutReadings = READING_DELIVERIES.find((d) => d === values['fanout-readings'])
if (!fanoutReadings) {
  console.error(`--fanout-readings must be one of ${READING_DELIVERIES.join(', ')}`)
  process.exit(2)
}
if (values.client !== 'raw' && values.client !== 'mqttjs') {
  console.error('--client must be raw (minimal MQTT client, a few µs per message) or mqttjs')
  process.exit(2)
}
setLoadGenClient(values.client)
if (values.only && !PHASES.includes(values.only as Phase)) {
  console.error(`--only must be one of ${PHASES.join(', ')}`)
  process.exit(2)
}
const phases = new Set<Phase>(values.only ? [values.only as Phase] : PHASES.filter((p) => p !== 'soak'))
// the mosquitto pipeline is printed as ours ÷ it beside ours ÷ bare: all three in the same run
if (values.only === 'mosquitto') for (const p of ['bare', 'ours'] as const) phases.add(p)
const positive = (name: string, raw: string | undefined, def: number): number => {
  const n = raw === undefined ? def : Number(raw)
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${name} must be a positive number, got ${raw}`)
    process.exit(2)
  }
  return n
}
const soak = {
  devices: Math.round(positive('soak-devices', values['soak-devices'], 5_000)),
  minutes: positive('soak-min', values['soak-min'], values.quick ? 2 : 30),
  reportIntervalS: positive('soak-report-s', values['soak-report-s'], 10),
}

// >= 1,000 devices at max rate; p99 at 10,000 msg/s; memory with 10,000 devices connected
const plan = values.quick
  ? {
      devices: 200,
      durationMs: 6_000,
      latencyRate: 2_000,
      latencyMs: 6_000,
      memoryDevices: 1_000,
      alertIdleMs: 2_000,
      writePathPoints: 50_000,
      authStormMs: 5_000,
      fanoutRate: 2_000,
      fanoutClients: 200,
      totalMs: 25 * 60_000 + soak.minutes * 60_000,
    }
  : {
      devices: 1_000,
      durationMs: 25_000,
      latencyRate: 10_000,
      latencyMs: 20_000,
      memoryDevices: 10_000,
      alertIdleMs: 5_000,
      writePathPoints: 200_000,
      authStormMs: 15_000,
      fanoutRate: 10_000,
      fanoutClients: 200,
      totalMs: 75 * 60_000 + soak.minutes * 60_000,
    }
const TARGET_LATENCY_RATE = 10_000
// closed loop: 4 unacked per device, 2,000 across the fleet (≈ 50 ms of backlog at 40k msg/s)
const WINDOWS = { deviceWindow: 4, globalWindow: 2_000 }
const CONNECT_TIMEOUT_MS = 20 * 60_000

installExitHandlers()
setTimeout(() => {
  console.error(`bench: still running after ${plan.totalMs / 60_000} min, giving up`)
  process.exit(3)
}, plan.totalMs).unref()

const log = (...lines: string[]) => {
  for (const l of lines) console.log(l)
}
const bin = findInfluxd(process.env)
if (!bin) {
  console.error(INSTALL_HINT)
  process.exit(2)
}
// the service runs compiled, as `npm start` runs it: compiled here when due (`npm run build`), not
// within a phase
const build = spawnSync(
  process.execPath,
  [fileURLToPath(new URL('../scripts/service-build.mjs', import.meta.url))],
  {
    stdio: 'inherit',
  },
)
if (build.status !== 0) process.exit(2)
const work = mkdtempSync(join(tmpdir(), 'courtyard-bench-'))
atExit(() => rmSync(work, { recursive: true, force: true }))
const influxd = await startLocalInfluxd({ dir: join(work, 'influx'), bin })
trackPid(influxd.pid)
log(
  `bench: influxd at ${influxd.url}, work dir ${work}, ${values.quick ? 'QUICK' : 'full'} run, phases: ${[...phases].join(', ')}, device client: ${values.client}`,
)

const summary: Summary = { skipped: [] }
let dbSeq = 0
const freshDb = (name: string) => `bench_${name}_${++dbSeq}`

async function withBare<T>(
  name: string,
  inspect: boolean,
  fn: (t: Target, db: string, creds: DeviceCredential[]) => Promise<T>,
  devices: number,
) {
  const db = freshDb(name)
  const t = await startBare({ influxUrl: influxd.url, db, inspect })
  try {
    // the bare broker has no authentication: any secret will do
    return await fn(
      t,
      db,
      benchDeviceIds(devices).map((id) => ({ id, secret: 'bare' })),
    )
  } finally {
    await t.stop()
  }
}

async function withOurs<T>(
  name: string,
  inspect: boolean,
  fn: (t: OursTarget, db: string, creds: DeviceCredential[]) => Promise<T>,
  devices: number,
  env?: Record<string, string>,
  sites = 1,
): Promise<T | undefined> {
  const db = freshDb(name)
  await createDatabase(influxd.url, db)
  const dataDir = join(work, `ours-${name}`)
  mkdirSync(dataDir, { recursive: true })
  let t: OursTarget
  try {
    t = await startOurs({ influxUrl: influxd.url, db, dataDir, inspect, readyTimeoutMs: 120_000, env })
  } catch (err) {
    const msg = (err as Error).message
    const cause = msg.split('\n').find((l) => /error/i.test(l)) ?? msg.split('\n')[0]
    summary.skipped.push(`${name}: the service did not start: ${cause?.trim()}`)
    log(`[ours] ${name}: the service did not start: ${(err as Error).message}`)
    return undefined
  }
  try {
    const started = Date.now()
    const creds = await provisionDevices({
      httpUrl: t.httpUrl,
      adminToken: t.adminToken,
      ids: benchDeviceIds(devices),
      concurrency: 16,
      sites,
    })
    log(
      `[ours] provisioned ${creds.length} devices through the API in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    )
    return await fn(t, db, creds)
  } catch (err) {
    summary.skipped.push(`${name}: ${(err as Error).message.split('\n')[0]} (service log: ${t.logFile})`)
    log(`[ours] ${name} failed: ${(err as Error).message} (service log: ${t.logFile})`)
    return undefined
  } finally {
    await t.stop()
  }
}

const throughput = (t: Target, db: string, creds: DeviceCredential[]) =>
  runThroughput({
    mqttUrl: t.mqttUrl,
    influxUrl: influxd.url,
    db,
    creds,
    workDir: work,
    durationMs: plan.durationMs,
    ...WINDOWS,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    cpu: [
      { name: t.name, pid: t.pid },
      { name: 'influxd', pid: influxd.pid },
    ],
    // the service's split: its main thread carries broker and ingest, the alert engine has its own
    ...(t.name === 'ours' ? { threadsOf: t.pid } : {}),
  })
const latency = (t: Target, db: string, creds: DeviceCredential[]) =>
  runLatency({
    mqttUrl: t.mqttUrl,
    influxUrl: influxd.url,
    db,
    creds,
    workDir: work,
    ratePerS: plan.latencyRate,
    durationMs: plan.latencyMs,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
  })
// publish of a fault → socket.io alert, at the same fleet rate as the latency phase
const alertLatency = async (t: OursTarget, _db: string, creds: DeviceCredential[]) =>
  runAlertLatency({
    mqttUrl: t.mqttUrl,
    httpUrl: t.httpUrl,
    adminToken: t.adminToken,
    creds,
    probe: await provisionProbePile(t.httpUrl, t.adminToken),
    workDir: work,
    ratePerS: plan.latencyRate,
    durationMs: plan.latencyMs,
    idleMs: plan.alertIdleMs,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
  })
// the live fan-out figure: the same service with and without socket.io clients watching its sites
const FANOUT_SITES = 20
const fanout = (clients: number) => (t: OursTarget, db: string, creds: DeviceCredential[]) =>
  runFanoutSide({
    target: t,
    influxUrl: influxd.url,
    influxdPid: influxd.pid,
    db,
    creds,
    sites: FANOUT_SITES,
    clients,
    // the clients' CPU in processes of their own, spread so no one child is the bottleneck
    clientChildren: 4,
    workDir: work,
    throughputMs: plan.durationMs,
    ...WINDOWS,
    ratePerS: plan.fanoutRate,
    openMs: plan.latencyMs,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    readings: fanoutReadings,
  })
const memory = (t: Target, _db: string, creds: DeviceCredential[]) =>
  runMemory({
    pid: t.pid,
    inspectPort: t.inspectPort!,
    mqttUrl: t.mqttUrl,
    creds,
    workDir: work,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
  })

try {
  if (phases.has('bare')) {
    summary.bare = await withBare('bare', false, throughput, plan.devices)
    log(...throughputLines('bare', summary.bare))
  }
  if (phases.has('ours')) {
    summary.ours = await withOurs('ours', false, throughput, plan.devices)
    if (summary.ours) log(...throughputLines('ours', summary.ours))
  }
  if (phases.has('latency')) {
    summary.latencyBare = await withBare('latency_bare', false, latency, plan.devices)
    log(...latencyLines('bare', summary.latencyBare))
    summary.latencyOurs = await withOurs('latency_ours', false, latency, plan.devices)
    if (summary.latencyOurs) log(...latencyLines('ours', summary.latencyOurs))
  }
  if (phases.has('memory')) {
    summary.memoryBare = await withBare('memory_bare', true, memory, plan.memoryDevices)
    log(...memoryLines('bare', summary.memoryBare))
    summary.memoryOurs = await withOurs('memory_ours', true, memory, plan.memoryDevices)
    if (summary.memoryOurs) log(...memoryLines('ours', summary.memoryOurs))
  }
  if (phases.has('alerts')) {
    // the detector runs for every circuit reading in the engine: its own CPU, in process
    log(...strayWireCpuLines(measureStrayWireCpu()))
    summary.alertLatency = await withOurs('alert_latency', false, alertLatency, plan.devices)
    if (summary.alertLatency) log(...alertLatencyLines(summary.alertLatency))
    // engine cost: the same closed loop with the engine off, then on, each in a fresh service
    const off = await withOurs('alerts_off', false, throughput, plan.devices, { ALERTS_ENABLED: 'false' })
    if (off) log(...throughputLines('ours, alerts off', off))
    const on = await withOurs(
      'alerts_on',
      false,
      async (t, db, creds) => {
        const r = await throughput(t, db, creds)
        return { r, engine: await waitEngine(t.httpUrl) }
      },
      plan.devices,
      { ALERTS_ENABLED: 'true' },
    )
    if (on) log(...throughputLines('ours, alerts on', on.r))
    if (off && on) {
      summary.engineCost = { off, on: on.r, engine: on.engine }
      log(...engineCostLines(summary.engineCost))
    }
  }
  if (phases.has('fanout')) {
    // without clients first, then with them, each in a fresh service with the devices over FANOUT_SITES sites
    const without = await withOurs('fanout_without', false, fanout(0), plan.devices, undefined, FANOUT_SITES)
    if (without) log(...fanoutLines(without))
    const withClients = await withOurs(
      'fanout_with',
      false,
      fanout(plan.fanoutClients),
      plan.devices,
      values['live-batch-ms'] ? { LIVE_BATCH_MS: values['live-batch-ms'] } : undefined,
      FANOUT_SITES,
    )
    if (withClients) log(...fanoutLines(withClients))
    if (without && withClients) {
      summary.fanout = { without, with: withClients }
      log(...fanoutCompareLines(summary.fanout))
    }
  }
  if (phases.has('write-path')) {
    // in this process: client CPU per point from process.cpuUsage(), both ways, batches of 5,000 as ingest
    summary.writePath = await runWritePath({
      influxUrl: influxd.url,
      influxdPid: influxd.pid,
      dbPrefix: freshDb('write_path'),
      points: plan.writePathPoints,
      batch: 5_000,
    })
    log(...writePathLines(summary.writePath))
  }
  if (phases.has('auth')) {
    // README "Security": PUBACK p99 of connected devices during 1,000 failed connects/s, in-process broker
    const o = { devices: 100, ratePerDevice: 5, stormPerS: 1_000, durationMs: plan.authStormMs }
    log(...authStormLines(await runAuthStorm(o), o.stormPerS))
  }
  if (phases.has('console')) {
    // the built console's size, and the estate page's first render against the real service
    const r = await withOurs('console', false, (t) => runConsole(t), 0)
    if (r) log(...consoleLines(r))
  }
  // issue 12: a city on one node, the reconnect storm, the mosquitto pipeline (bench/city-phases.ts)
  summary.skipped.push(
    ...(await runIssue12Phases({
      phases,
      quick: values.quick,
      cityDevices:
        values['city-devices'] === undefined
          ? undefined
          : Math.round(positive('city-devices', values['city-devices'], 100_000)),
      cityHeapSnapshots: values['city-heap-snapshots'],
      influxUrl: influxd.url,
      influxdPid: influxd.pid,
      work,
      freshDb,
      log,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      closedLoop: { durationMs: plan.durationMs, ...WINDOWS },
      ours: summary.ours,
      bare: summary.bare,
      devices: plan.devices,
    })),
  )
  if (phases.has('soak')) {
    log(
      `[ours] soak: ${soak.devices} devices reporting every ${soak.reportIntervalS} s for ${soak.minutes} min, memory sampled every 10 s`,
    )
    const r = await withOurs(
      'soak',
      true,
      (t, _db, creds) =>
        runSoak({
          pid: t.pid,
          inspectPort: t.inspectPort!,
          mqttUrl: t.mqttUrl,
          creds,
          workDir: work,
          durationMs: soak.minutes * 60_000,
          reportIntervalS: soak.reportIntervalS,
          sampleMs: 10_000,
          connectTimeoutMs: CONNECT_TIMEOUT_MS,
          onSample: (m) =>
            log(
              `[ours] soak: t=${m.atS.toFixed(0)} s RSS ${(m.rssKb / 1024).toFixed(1)} MB heap ${(m.heapUsedKb / 1024).toFixed(1)} MB`,
            ),
        }),
      soak.devices,
    )
    if (r) log(...soakLines(r))
  }
  log(...summaryLines(summary, TARGET_LATENCY_RATE))
} catch (err) {
  console.error(`bench failed: ${(err as Error).stack ?? err}`)
  process.exitCode = 1
} finally {
  await influxd.stop()
  untrackPid(influxd.pid)
  rmSync(work, { recursive: true, force: true })
}
