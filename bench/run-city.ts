// Phase `city` (issue 12 §1): a city's estate on one node. N devices (100,000 asked; fewer when the
// open-file limit cannot hold them, said so in the output), each with its Will and retained `online`,
// reporting every 60 s, connected from several loopback source addresses by several load-generator
// children. Per side (ours, then the bare reference): connect rate, RSS and V8 heap per device after
// full GCs, CPU while the fleet idles along at N / 60 msg/s, publish → stored p99, devices refused.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { startFleet } from './fleet.ts'
import { createDatabase } from './influx-query.ts'
import type { DeviceCredential } from './ipc.ts'
import { readCpuMs } from './process-cpu.ts'
import { sampleAfterGc } from './process-memory.ts'
import { benchDeviceIds } from './provision.ts'
import { provisionThroughRegistry } from './provision-registry.ts'
import { type LatencyResult, measureLatency } from './run-latency.ts'
import { startBare, startOurs, type Target } from './targets.ts'

export interface CityPlan {
  asked: number
  devices: number
  /** why fewer than asked, when fewer */
  cappedBy?: string
  reportIntervalS: number
  /** how long the fleet reports while CPU and latency are measured */
  reportMs: number
  children: number
  devicesPerAddress: number
  nofile: number
}

export interface CitySide {
  name: 'ours' | 'bare'
  devices: number
  connectFailed: number
  firstError?: string
  connectSeconds: number
  provisionSeconds?: number
  rssPerDeviceKb: number
  heapPerDeviceKb: number
  rssAfterKb: number
  /** CPU of the target process while reporting: share of one core, and µs per message */
  cpuCorePct: number
  cpuUsPerMsg: number
  latency: LatencyResult
  publishFailed: number
  disconnects: number
}

/** Sockets a process needs besides its devices (files, InfluxDB, the API, the inspector). */
const RESERVE_FDS = 1_000

export function cityPlan(o: { asked: number; nofile: number; reportMs: number }): CityPlan {
  const fit = o.nofile - RESERVE_FDS
  const devices = Math.min(o.asked, fit)
  return {
    asked: o.asked,
    devices,
    cappedBy:
      devices < o.asked
        ? `RLIMIT_NOFILE hard limit ${o.nofile} (ulimit -Hn): one service process holds one socket per device; raising it needs CAP_SYS_RESOURCE`
        : undefined,
    reportIntervalS: 60,
    reportMs: o.reportMs,
    // each child under its own descriptor limit, and at least 4 so the generator's CPU spreads
    children: Math.max(4, Math.ceil(devices / fit)),
    // ports: one source address has ~28,000 ephemeral ports towards the broker's one port
    devicesPerAddress: 20_000,
    nofile: o.nofile,
  }
}

export interface CityRunOptions {
  influxUrl: string
  db: string
  workDir: string
  connectTimeoutMs: number
  /** a folder: the process's heap before and after the devices connect is saved there (heap-diff.ts) */
  heapSnapshots?: string
}

async function measureSide(
  name: 'ours' | 'bare',
  t: Target,
  plan: CityPlan,
  creds: DeviceCredential[],
  o: CityRunOptions,
): Promise<Omit<CitySide, 'provisionSeconds'>> {
  const snapshot = (when: string) =>
    o.heapSnapshots ? join(o.heapSnapshots, `${name}-${when}.heapsnapshot`) : undefined
  const before = await sampleAfterGc(t.pid, t.inspectPort!, 120_000, snapshot('before'))
  const fleet = await startFleet({
    mqttUrl: t.mqttUrl,
    creds,
    workDir: o.workDir,
    children: plan.children,
    devicesPerAddress: plan.devicesPerAddress,
    // ours: each first CONNECT waits for a scrypt check (2 at a time); with 800 in flight at load 30 a
    // few were closed before their CONNACK: keep the fleet's queue at the broker a few seconds long
    connectBatch: name === 'ours' ? 50 : 200,
    connectTimeoutMs: o.connectTimeoutMs,
    nofile: plan.nofile,
  })
  try {
    // the retained `online` publishes are QoS 1, sent right after each CONNACK: let them settle
    await new Promise((r) => setTimeout(r, 3_000))
    const after = await sampleAfterGc(t.pid, t.inspectPort!, 120_000, snapshot('after'))
    const n = fleet.connected.connected
    const ratePerS = n / plan.reportIntervalS
    const cpu0 = readCpuMs(t.pid)
    const t0 = Date.now()
    let publishFailed = 0
    let disconnects = 0
    const latency = await measureLatency({
      influxUrl: o.influxUrl,
      db: o.db,
      ratePerS,
      run: async () => {
        // the open loop goes round the fleet: each device sends once per report interval
        const r = await fleet.run({
          mode: 'open',
          ratePerS,
          durationMs: plan.reportMs,
          deviceWindow: 4,
          globalWindow: 50_000,
          drainTimeoutMs: 30_000,
        })
        publishFailed = r.failed + r.unacked
        disconnects = r.disconnects
        return r
      },
    })
    const cpuMs = readCpuMs(t.pid) - cpu0
    const wallMs = Date.now() - t0
    return {
      name,
      devices: n,
      connectFailed: fleet.connected.failed,
      firstError: fleet.connected.firstError,
      connectSeconds: fleet.connected.elapsedMs / 1000,
      rssPerDeviceKb: n ? (after.rssKb - before.rssKb) / n : Number.NaN,
      heapPerDeviceKb: n ? (after.heapUsedKb - before.heapUsedKb) / n : Number.NaN,
      rssAfterKb: after.rssKb,
      cpuCorePct: (cpuMs / wallMs) * 100,
      cpuUsPerMsg: (cpuMs * 1000) / Math.max(1, latency.acked),
      latency,
      publishFailed,
      disconnects,
    }
  } finally {
    await fleet.close()
  }
}

export async function runCityOurs(plan: CityPlan, o: CityRunOptions): Promise<CitySide> {
  const dataDir = join(o.workDir, 'ours-city')
  mkdirSync(dataDir, { recursive: true })
  await createDatabase(o.influxUrl, o.db)
  const started = Date.now()
  const creds = await provisionThroughRegistry({ dataDir, ids: benchDeviceIds(plan.devices) })
  const provisionSeconds = (Date.now() - started) / 1000
  const t = await startOurs({
    influxUrl: o.influxUrl,
    db: o.db,
    dataDir,
    inspect: true,
    readyTimeoutMs: 120_000,
    nofile: plan.nofile,
  })
  try {
    return { ...(await measureSide('ours', t, plan, creds, o)), provisionSeconds }
  } finally {
    await t.stop()
  }
}

export async function runCityBare(plan: CityPlan, o: CityRunOptions): Promise<CitySide> {
  const t = await startBare({ influxUrl: o.influxUrl, db: o.db, inspect: true, nofile: plan.nofile })
  try {
    // the bare broker has no authentication: any secret will do
    const creds = benchDeviceIds(plan.devices).map((id) => ({ id, secret: 'bare' }))
    return await measureSide('bare', t, plan, creds, o)
  } finally {
    await t.stop()
  }
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a')
const fix = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a')
const yes = (ok: boolean) => (ok ? 'yes' : 'NO')

export function cityPlanLines(p: CityPlan): string[] {
  return [
    `[city] ${int(p.devices)} devices${p.cappedBy ? ` (asked ${int(p.asked)}; capped by the ${p.cappedBy})` : ''}, reporting every ${p.reportIntervalS} s (${int(p.devices / p.reportIntervalS)} msg/s) for ${fix(p.reportMs / 1000, 0)} s; ${p.children} load-generator children, ≤ ${int(p.devicesPerAddress)} devices per loopback source address, open-file limit ${int(p.nofile)}`,
  ]
}

export function citySideLines(r: CitySide): string[] {
  const n = `[city ${r.name}]`
  const l = r.latency.upper
  return [
    `${n} ${int(r.devices)} devices connected in ${fix(r.connectSeconds)} s: ${int(r.devices / r.connectSeconds)} connects/s; ${int(r.connectFailed)} refused or failed${r.firstError ? ` (first: ${r.firstError})` : ''}${r.provisionSeconds === undefined ? '' : `; provisioned through the registry in ${fix(r.provisionSeconds)} s`}`,
    `${n}   memory after full GCs: ${fix(r.rssPerDeviceKb, 2)} KB RSS and ${fix(r.heapPerDeviceKb, 2)} KB V8 heap per device (RSS ${int(r.rssAfterKb / 1024)} MB with the fleet)`,
    `${n}   reporting at ${int(r.latency.ratePerS)} msg/s (achieved ${int(r.latency.achievedRate)}): process CPU ${fix(r.cpuCorePct)} % of one core, ${fix(r.cpuUsPerMsg)} µs per message; publish errors or unacked ${int(r.publishFailed)}, disconnects ${int(r.disconnects)}`,
    `${n}   publish -> stored (probes ${int(r.latency.probeStored)} of ${int(r.latency.probeAcked)}): p50 <= ${int(l.p50)} ms, p99 <= ${int(l.p99)} ms, max ${int(l.max)} ms (lower bound p99 ${int(r.latency.lower.p99)} ms)`,
  ]
}

/** The goals of issue 12 §1, for ours; the bare side is printed beside it for reference. */
export function cityGoalLines(plan: CityPlan, ours: CitySide, bare?: CitySide): string[] {
  const refused = ours.connectFailed + ours.disconnects + ours.publishFailed
  const full = ours.devices >= plan.asked
  const why = plan.cappedBy ? ' (open-file limit, see above)' : ' (connects failed)'
  return [
    `[city] goals (ours): ${int(ours.devices)} of ${int(plan.asked)} devices on one node: ${yes(full)}${full ? '' : why}; memory ${fix(ours.rssPerDeviceKb, 2)} KB per device  [<= 8 KB: ${yes(ours.rssPerDeviceKb <= 8)}]; p99 publish -> stored ${int(ours.latency.upper.p99)} ms  [<= 1,000 ms: ${yes(ours.latency.upper.p99 <= 1000 && ours.latency.probeStored >= ours.latency.probeAcked)}]; refused, failed or dropped ${int(refused)}  [0: ${yes(refused === 0)}]`,
    ...(bare
      ? [
          `[city] beside bare: memory ${fix(ours.rssPerDeviceKb, 2)} / ${fix(bare.rssPerDeviceKb, 2)} KB per device, heap ${fix(ours.heapPerDeviceKb, 2)} / ${fix(bare.heapPerDeviceKb, 2)} KB, connects/s ${int(ours.devices / ours.connectSeconds)} / ${int(bare.devices / bare.connectSeconds)}, CPU ${fix(ours.cpuUsPerMsg)} / ${fix(bare.cpuUsPerMsg)} µs per message, p99 ${int(ours.latency.upper.p99)} / ${int(bare.latency.upper.p99)} ms`,
        ]
      : []),
  ]
}
