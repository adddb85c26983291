// The phases of issue 12 (`city`, `storm`, `mosquitto`), orchestrated for bench/main.ts.
import { join } from 'node:path'
import { childNofile } from './fd-limit.ts'
import { mosquittoExists, startMosquittoPipeline } from './mosquitto.ts'
import { benchDeviceIds } from './provision.ts'
import { cpuBoundRate, throughputLines } from './report.ts'
import {
  cityGoalLines,
  cityPlan,
  cityPlanLines,
  citySideLines,
  runCityBare,
  runCityOurs,
} from './run-city.ts'
import { runStorm, stormLines } from './run-storm.ts'
import { runThroughput, type ThroughputResult } from './run-throughput.ts'

export interface Issue12Options {
  phases: ReadonlySet<string>
  quick: boolean
  /** devices asked for in `city` (default 100,000; 10,000 with --quick) */
  cityDevices?: number
  /** `city`: save heap snapshots before and after the devices connect in this folder */
  cityHeapSnapshots?: string
  influxUrl: string
  influxdPid: number
  work: string
  freshDb: (name: string) => string
  log: (...lines: string[]) => void
  connectTimeoutMs: number
  /** the closed loop of bench/main.ts' throughput phases */
  closedLoop: { durationMs: number; deviceWindow: number; globalWindow: number }
  /** the same run's `ours` and `bare` results, for the ratios beside mosquitto */
  ours?: ThroughputResult
  bare?: ThroughputResult
  devices: number
}

const fix = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a')
const yes = (ok: boolean) => (ok ? 'yes' : 'NO')

export async function runIssue12Phases(o: Issue12Options): Promise<string[]> {
  const skipped: string[] = []
  const nofile = childNofile()
  const common = {
    influxUrl: o.influxUrl,
    workDir: o.work,
    connectTimeoutMs: o.connectTimeoutMs,
    heapSnapshots: o.cityHeapSnapshots,
  }
  if (o.phases.has('city')) {
    const plan = cityPlan({
      asked: o.cityDevices ?? (o.quick ? 10_000 : 100_000),
      nofile,
      reportMs: o.quick ? 20_000 : 60_000,
    })
    o.log(...cityPlanLines(plan))
    const ours = await runCityOurs(plan, { ...common, db: o.freshDb('city_ours') }).catch((err: Error) => {
      skipped.push(`city ours: ${err.message.split('\n')[0]}`)
      o.log(`[city ours] failed: ${err.message}`)
      return undefined
    })
    if (ours) o.log(...citySideLines(ours))
    const bare = await runCityBare(plan, { ...common, db: o.freshDb('city_bare') }).catch((err: Error) => {
      skipped.push(`city bare: ${err.message.split('\n')[0]}`)
      o.log(`[city bare] failed: ${err.message}`)
      return undefined
    })
    if (bare) o.log(...citySideLines(bare))
    if (ours) o.log(...cityGoalLines(plan, ours, bare))
  }
  if (o.phases.has('storm')) {
    const devices = Math.min(o.quick ? 5_000 : 20_000, nofile - 1_000)
    try {
      const r = await runStorm({
        ...common,
        db: o.freshDb('storm'),
        devices,
        nofile,
        roundTimeoutMs: o.quick ? 90_000 : 150_000,
      })
      o.log(...stormLines(r))
    } catch (err) {
      skipped.push(`storm: ${(err as Error).message.split('\n')[0]}`)
      o.log(`[storm] failed: ${(err as Error).message}`)
    }
  }
  if (o.phases.has('mosquitto')) {
    if (!mosquittoExists()) {
      skipped.push('mosquitto: /usr/sbin/mosquitto is not installed (apt-get install mosquitto)')
    } else {
      // as a typical user leaves it, then with the queue unbounded, as one who saw the loss would set it
      for (const v of [
        { label: 'mosquitto pipeline', maxQueued: undefined },
        { label: 'mosquitto pipeline, max_queued_messages 0', maxQueued: 0 },
      ]) {
        const r = await runMosquitto(o, nofile, v.label, v.maxQueued)
        o.log(...throughputLines(v.label, r), ...mosquittoLines(v.label, r, o))
      }
    }
  }
  return skipped
}

async function runMosquitto(
  o: Issue12Options,
  nofile: number,
  label: string,
  maxQueued: number | undefined,
): Promise<ThroughputResult> {
  const db = o.freshDb('mosquitto')
  const t = await startMosquittoPipeline({
    influxUrl: o.influxUrl,
    db,
    dir: join(o.work, `mosquitto-${db}`),
    nofile,
    maxQueued,
  })
  try {
    // anonymous, like the bare pipeline: the Telegraf-style stack as users run it on one box
    const creds = benchDeviceIds(o.devices).map((id) => ({ id, secret: 'anonymous' }))
    return await runThroughput({
      mqttUrl: t.mqttUrl,
      influxUrl: o.influxUrl,
      db,
      creds,
      workDir: o.work,
      ...o.closedLoop,
      connectTimeoutMs: o.connectTimeoutMs,
      cpu: [
        { name: 'mosquitto', pid: t.pid },
        { name: 'subscriber', pid: t.subscriberPid },
        { name: 'influxd', pid: o.influxdPid },
      ],
    })
  } catch (err) {
    throw new Error(`${label}: ${(err as Error).message}`)
  } finally {
    await t.stop()
  }
}

function mosquittoLines(label: string, r: ThroughputResult, o: Issue12Options): string[] {
  const lines: string[] = []
  if (o.ours) {
    const vsM = o.ours.endToEndRate / r.endToEndRate
    const vsB = o.bare ? o.ours.endToEndRate / o.bare.endToEndRate : Number.NaN
    lines.push(
      `[${label}] ours / it end-to-end: ${fix(vsM * 100)} % (${Math.round(o.ours.endToEndRate)} / ${Math.round(r.endToEndRate)} msg/s), beside ours / aedes bare ${fix(vsB * 100)} %; lost: ours ${o.ours.lost}, it ${r.lost}${o.bare ? `, bare ${o.bare.lost}` : ''}`,
      // the same from CPU per message: less at the mercy of other load on shared cores
      `[${label}] ours / it from CPU per message (estimate): ${fix((cpuBoundRate(o.ours) / cpuBoundRate(r)) * 100)} %${o.bare ? `, ours / bare ${fix((cpuBoundRate(o.ours) / cpuBoundRate(o.bare)) * 100)} %` : ''}`,
    )
  }
  lines.push(
    `[${label}] measured beside ours in the same run, with zero loss: ${yes(r.lost === 0 && o.ours !== undefined)}${r.lost > 0 ? ' (mosquitto drops QoS 1 messages past max_queued_messages for a subscriber that falls behind, measurements.md; its end-to-end rate counts only what was stored)' : ''}`,
  )
  return lines
}
