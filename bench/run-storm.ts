// Phase `storm` (issue 12 §2): N devices (20,000; 5,000 with --quick) connected and reporting every
// 60 s; the service is stopped (SIGTERM) and started again on the same data directory and ports, and
// every device reconnects as firmware does: round 1 all at once (no jitter, the worst case), round 2
// after a random 0–30 s. Round 3 repeats round 1 with the verified-secret cache file removed before the
// start: every device then costs a scrypt check, which is what a restart cost before the cache was kept
// (broker/auth-cache-file.ts). The service runs with its default authentication limits (README
// "Security"); the devices come from many loopback addresses, ≤ 50 per address like one site's router.
// Per round: time from the restart until every device is connected, has its first reading PUBACKed and
// has it stored in InfluxDB; PUBACK p99 of all publishes meanwhile; CPU of the new service process and
// its secret checks by cache or scrypt; CONNACK refusals (must be 0).
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { readSomaxconn } from '../broker/index.ts'
import { MEASUREMENT } from '../domain/storage.ts'
import { createPackageClient } from '../influx/index.ts'
import { type Fleet, histPercentile, startFleet } from './fleet.ts'
import { createDatabase, DEVICE_PREFIX } from './influx-query.ts'
import type { FieldStats } from './ipc.ts'
import {
  readCpuMs,
  readMachineBusyMs,
  readTcpCounters,
  readThreadsByCpu,
  startCpuMeter,
} from './process-cpu.ts'
import { benchDeviceIds } from './provision.ts'
import { provisionThroughRegistry } from './provision-registry.ts'
import { type OursTarget, startOurs } from './targets.ts'

export interface StormRound {
  label: string
  jitterMs: number
  coldCache: boolean
  devices: number
  /** ms from the new service's start (spawn) */
  allConnectedMs: number
  allReadingAckedMs: number
  allStoredMs: number
  /** ms from the spawn until /readyz answered */
  readyMs: number
  /** ms from the spawn until the first device was connected again (the broker taking CONNECTs) */
  firstConnectedMs: number
  /** ms from the spawn until half, 90 % and 99 % of the devices were connected again */
  backP50Ms: number
  backP90Ms: number
  backP99Ms: number
  pubackP50: number
  pubackP99: number
  pubackMax: number
  publishes: number
  refused: Record<string, number>
  failedAttempts: number
  lastFailure: string
  serviceCpuMs: number
  /** serviceCpuMs by thread, busiest first: `main` (broker, spool writer, ingest, API); the others by thread id less the pid (the alert engine's worker, libuv's pool, V8's GC helpers: Node leaves them unnamed) */
  serviceThreadsCpuMs: [string, number][]
  /** the load generator's processes (the fleet) meanwhile */
  fleetCpuMs: number
  /** every core of the machine meanwhile (all processes), of 2 × the elapsed time */
  machineBusyMs: number
  /** ms from the start until the CPU figures were read */
  measuredMs: number
  /** the kernel's count of connections dropped at a full accept queue meanwhile (this machine's, all listeners) */
  listenOverflows: number
  /** SYNs sent again meanwhile (the fleet's, mostly: a dropped SYN is retried after 1 s, 3 s, 7 s …) */
  synRetransmits: number
  secretChecks: { cache: number; scrypt: number }
  timedOut: boolean
}

export interface StormResult {
  devices: number
  connectFailed: number
  firstError?: string
  connectSeconds: number
  /** the kernel's cap on the broker's accept queue (net.core.somaxconn), where /proc tells it */
  somaxconn: number | undefined
  provisionSeconds: number
  rounds: StormRound[]
}

const STORE_POLL_MS = 1_000

/** Devices with at least one stored reading at or after `fromMs`. */
async function devicesStoredSince(influxUrl: string, db: string, fromMs: number): Promise<number> {
  const client = createPackageClient({ url: influxUrl, db, timeoutMs: 60_000 })
  try {
    const body = (await client.influx.queryRaw(
      `SELECT count("seq") FROM "${MEASUREMENT.circuit}" WHERE "device" =~ /^${DEVICE_PREFIX}/ AND time >= ${fromMs}ms GROUP BY "device"`,
      { precision: 'ms', method: 'POST', signal: AbortSignal.timeout(60_000) },
    )) as { results?: { series?: unknown[] }[] }
    return body.results?.[0]?.series?.length ?? 0
  } finally {
    client.close()
  }
}

async function secretChecks(httpUrl: string): Promise<{ cache: number; scrypt: number }> {
  const text = await (await fetch(`${httpUrl}/metrics`, { signal: AbortSignal.timeout(10_000) })).text()
  const of = (via: string) =>
    Number(new RegExp(`courtyard_broker_secret_checks_total\\{via="${via}"\\} (\\d+)`).exec(text)?.[1] ?? 0)
  return { cache: of('cache'), scrypt: of('scrypt') }
}

async function round(o: {
  label: string
  jitterMs: number
  coldCache: boolean
  fleet: Fleet
  service: OursTarget
  restart: () => Promise<OursTarget>
  dataDir: string
  influxUrl: string
  db: string
  devices: number
  timeoutMs: number
}): Promise<{ round: StormRound; service: OursTarget }> {
  await o.fleet.fieldConfigure({ jitterMs: o.jitterMs, retryMs: 1_000 })
  await o.service.stop()
  if (o.coldCache) rmSync(join(o.dataDir, 'auth-cache.json'), { force: true })
  await o.fleet.fieldMark()
  const fleetCpu = startCpuMeter(o.fleet.pids.map((pid) => ({ name: 'fleet', pid })))
  const machineAt = readMachineBusyMs()
  const tcpAt = readTcpCounters()
  const startMs = Date.now()
  const service = await o.restart()
  const readyMs = Date.now() - startMs
  const deadline = startMs + o.timeoutMs
  let stats: FieldStats
  for (;;) {
    stats = await o.fleet.fieldStats()
    if (stats.devicesWithReading >= o.devices || Date.now() > deadline) break
    await new Promise((r) => setTimeout(r, 500))
  }
  let allStoredMs = Number.NaN
  while (Date.now() <= deadline) {
    const t = Date.now()
    if ((await devicesStoredSince(o.influxUrl, o.db, startMs)) >= o.devices) {
      allStoredMs = Date.now() - startMs
      break
    }
    await new Promise((r) => setTimeout(r, Math.max(0, STORE_POLL_MS - (Date.now() - t))))
  }
  const cpu = readCpuMs(service.pid)
  const threads = readThreadsByCpu(service.pid)
  const fleetCpuMs = fleetCpu().reduce((n, p) => n + p.cpuMs, 0)
  const machineBusyMs = readMachineBusyMs() - machineAt
  const measuredMs = Date.now() - startMs
  const tcp = readTcpCounters()
  const listenOverflows = (tcp.ListenOverflows ?? 0) - (tcpAt.ListenOverflows ?? 0)
  const synRetransmits = (tcp.TCPSynRetrans ?? 0) - (tcpAt.TCPSynRetrans ?? 0)
  const checks = await secretChecks(service.httpUrl)
  stats = await o.fleet.fieldStats()
  const timedOut = stats.devicesWithReading < o.devices || !Number.isFinite(allStoredMs)
  return {
    service,
    round: {
      label: o.label,
      jitterMs: o.jitterMs,
      coldCache: o.coldCache,
      devices: o.devices,
      allConnectedMs: stats.devicesBack >= o.devices ? stats.lastReconnectMs - startMs : Number.NaN,
      allReadingAckedMs:
        stats.devicesWithReading >= o.devices ? stats.lastReadingAckMs - startMs : Number.NaN,
      allStoredMs,
      readyMs,
      firstConnectedMs: stats.firstReconnectMs ? stats.firstReconnectMs - startMs : Number.NaN,
      backP50Ms: histPercentile(stats.backAt, 0.5) - startMs,
      backP90Ms: histPercentile(stats.backAt, 0.9) - startMs,
      backP99Ms: histPercentile(stats.backAt, 0.99) - startMs,
      pubackP50: histPercentile(stats.histogram, 0.5),
      pubackP99: histPercentile(stats.histogram, 0.99),
      pubackMax: histPercentile(stats.histogram, 1),
      publishes: stats.histogram.reduce((n, [, c]) => n + c, 0),
      refused: stats.refused,
      failedAttempts: stats.failedAttempts,
      lastFailure: stats.lastFailure,
      serviceCpuMs: cpu,
      serviceThreadsCpuMs: threads,
      fleetCpuMs,
      machineBusyMs,
      measuredMs,
      listenOverflows,
      synRetransmits,
      secretChecks: checks,
      timedOut,
    },
  }
}

export async function runStorm(o: {
  influxUrl: string
  db: string
  workDir: string
  devices: number
  nofile: number
  connectTimeoutMs: number
  roundTimeoutMs: number
}): Promise<StormResult> {
  const dataDir = join(o.workDir, 'ours-storm')
  mkdirSync(dataDir, { recursive: true })
  await createDatabase(o.influxUrl, o.db)
  const started = Date.now()
  const creds = await provisionThroughRegistry({ dataDir, ids: benchDeviceIds(o.devices) })
  const provisionSeconds = (Date.now() - started) / 1000
  const start = (again?: OursTarget) =>
    startOurs({
      influxUrl: o.influxUrl,
      db: o.db,
      dataDir,
      readyTimeoutMs: 120_000,
      nofile: o.nofile,
      defaultAuthLimits: true,
      again,
    })
  let service = await start()
  let fleet: Fleet | undefined
  try {
    fleet = await startFleet({
      mqttUrl: service.mqttUrl,
      creds,
      workDir: o.workDir,
      children: 4,
      // one site's router: the default per-address budget (100 CONNECTs/s, burst 500) is not the limit
      devicesPerAddress: 50,
      // first connects cost a scrypt each; the default verify queue holds 1,000: stay under it
      connectBatch: 100,
      connectTimeoutMs: o.connectTimeoutMs,
      nofile: o.nofile,
    })
    const rounds: StormRound[] = []
    if (fleet.connected.connected === o.devices) {
      await fleet.field({ reportIntervalMs: 60_000, jitterMs: 0, retryMs: 1_000 })
      // the first connections leave the verified secrets in the cache; a few s of steady reporting
      await new Promise((r) => setTimeout(r, 5_000))
      for (const spec of [
        { label: 'no jitter', jitterMs: 0, coldCache: false },
        { label: '0-30 s jitter', jitterMs: 30_000, coldCache: false },
        { label: 'no jitter, cache file removed (a scrypt per device)', jitterMs: 0, coldCache: true },
      ]) {
        const r = await round({
          ...spec,
          fleet,
          service,
          restart: () => start(service),
          dataDir,
          influxUrl: o.influxUrl,
          db: o.db,
          devices: o.devices,
          timeoutMs: o.roundTimeoutMs,
        })
        service = r.service
        rounds.push(r.round)
      }
    }
    return {
      devices: fleet.connected.connected,
      connectFailed: fleet.connected.failed,
      firstError: fleet.connected.firstError,
      connectSeconds: fleet.connected.elapsedMs / 1000,
      somaxconn: readSomaxconn(),
      provisionSeconds,
      rounds,
    }
  } finally {
    await fleet?.close()
    await service.stop()
  }
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a')
const sec = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : 'not reached')
const yes = (ok: boolean) => (ok ? 'yes' : 'NO')

export function stormLines(r: StormResult): string[] {
  const out = [
    `[storm] ${int(r.devices)} devices (${int(r.connectFailed)} failed to connect${r.firstError ? `: ${r.firstError}` : ''}), provisioned through the registry in ${r.provisionSeconds.toFixed(1)} s, first connected in ${r.connectSeconds.toFixed(1)} s; service with its default authentication limits, ≤ 50 devices per source address; the kernel's accept-queue cap (net.core.somaxconn) ${r.somaxconn ?? 'unknown'}`,
  ]
  for (const x of r.rounds) {
    const refused = Object.values(x.refused).reduce((a, b) => a + b, 0)
    const codes = Object.entries(x.refused)
      .map(([rc, n]) => `rc ${rc}: ${int(n)}`)
      .join(', ')
    out.push(
      `[storm] restart, ${x.label}: every device connected ${sec(x.allConnectedMs)}, first reading PUBACKed ${sec(x.allReadingAckedMs)}, stored ${sec(x.allStoredMs)} after the start (first device back after ${sec(x.firstConnectedMs)}, half ${sec(x.backP50Ms)}, 90 % ${sec(x.backP90Ms)}, 99 % ${sec(x.backP99Ms)}; /readyz after ${sec(x.readyMs)}; store polled every ${STORE_POLL_MS / 1000} s)${x.timedOut ? ' TIMED OUT' : ''}`,
      `[storm]   PUBACK of ${int(x.publishes)} publishes: p50 ${int(x.pubackP50)} ms, p99 ${int(x.pubackP99)} ms, max ${int(x.pubackMax)} ms; refused ${int(refused)}${codes ? ` (${codes})` : ''}; attempts without CONNACK ${int(x.failedAttempts)} (the service restarting${x.lastFailure ? `; last: ${x.lastFailure}` : ''}); accept queue overflows ${int(x.listenOverflows)}, SYNs sent again ${int(x.synRetransmits)}`,
      `[storm]   CPU until then: new service process ${(x.serviceCpuMs / 1000).toFixed(1)} s (start-up included; by thread: ${x.serviceThreadsCpuMs
        .slice(0, 5)
        .map(([n, ms]) => `${n} ${(ms / 1000).toFixed(1)} s`)
        .join(
          ', ',
        )}), the fleet's ${(x.fleetCpuMs / 1000).toFixed(1)} s, the machine's ${(x.machineBusyMs / 1000).toFixed(1)} s of ${((2 * x.measuredMs) / 1000).toFixed(1)} s on 2 cores; secret checks: ${int(x.secretChecks.cache)} from the verified-secret cache, ${int(x.secretChecks.scrypt)} by scrypt`,
    )
  }
  const warm = r.rounds.find((x) => !x.coldCache && x.jitterMs === 0)
  const cold = r.rounds.find((x) => x.coldCache)
  if (warm && cold) {
    // the two rounds differ only in the scrypt checks: their CPU difference is what authentication cost
    const scrypts = cold.secretChecks.scrypt - warm.secretChecks.scrypt
    const extraMs = cold.serviceCpuMs - warm.serviceCpuMs
    out.push(
      `[storm] authentication CPU with an empty cache: ${(extraMs / 1000).toFixed(1)} s more service CPU for ${int(scrypts)} more scrypt checks (${scrypts > 0 ? (extraMs / scrypts).toFixed(2) : 'n/a'} ms each, start-up noise included${cold.timedOut ? '; the cold round timed out, so this covers the checks done by then' : ''})`,
    )
  }
  const first = r.rounds[0]
  if (first) {
    // the cold-cache round is the before-picture, not a goal: its refusals are what the cache removed
    const refused = r.rounds
      .filter((x) => !x.coldCache)
      .reduce((n, x) => n + Object.values(x.refused).reduce((a, b) => a + b, 0), 0)
    const back = Math.max(first.allConnectedMs, first.allStoredMs)
    out.push(
      `[storm] goals: all ${int(first.devices)} back with a stored reading, no jitter: ${sec(back)} after the start, ${sec(back - first.firstConnectedMs)} after the first device was back in  [<= 30 s from the start: ${yes(back <= 30_000)}]; refused in the rounds with the cache kept ${int(refused)}  [0: ${yes(refused === 0)}]`,
    )
  } else out.push('[storm] goals: not measured (the fleet did not connect in full)  [<= 30 s: NO]')
  return out
}
