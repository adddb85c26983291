// PUBACK latency of connected devices while an attacker makes failed CONNECTs (README "Security").
// Each wrong password costs a scrypt on the libuv pool, which the spool's fdatasync needs before every
// PUBACK. Three runs, each with a fresh broker (real registry, real spool): no storm; a storm with the
// authentication limits lifted (about the broker before them: every attempt verified, no bound on
// checks); the same storm with the default limits. Prints p50/p99 PUBACK, CONNACK codes and broker CPU.
// Usage: node --import tsx bench/auth-storm.ts [--devices 100] [--rate 5] [--storm 1000] [--seconds 10]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { destination, pino } from 'pino'
import { Registry as Metrics } from 'prom-client'
import { type AuthLimits, createBroker, DEFAULT_AUTH_LIMITS } from '../broker/index.ts'
import { openRegistry } from '../registry/index.ts'
import { openSpoolWriter } from '../spool/index.ts'
import type { StormInit, StormReply } from './auth-storm-load.ts'
import { forkBenchChild, request, waitExit } from './children.ts'

export interface AuthStormRun {
  name: string
  pubacks: number
  lost: number
  p50Ms: number
  p99Ms: number
  stormSent: number
  connackCodes: Record<string, number>
  /** broker process CPU over the run, % of one core */
  brokerCpuPct: number
}

const UNLIMITED: AuthLimits = {
  attemptsPerS: 1e9,
  attemptsBurst: 1e9,
  usernameAttemptsPerMin: 1e9,
  addressFailuresPerMin: 1e9,
  usernameFailuresPerMin: 1e9,
  verifyConcurrency: 1e6,
  verifyQueue: 1e9,
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!
}

async function runOnce(
  name: string,
  auth: AuthLimits,
  o: { devices: number; ratePerDevice: number; stormPerS: number; durationMs: number },
): Promise<AuthStormRun> {
  const dir = mkdtempSync(join(tmpdir(), 'courtyard-auth-storm-'))
  const log = pino({ level: 'warn' }, destination({ dest: join(dir, 'broker.log'), sync: false }))
  const registry = openRegistry({ path: join(dir, 'registry.db'), log })
  const spool = await openSpoolWriter({ dir: join(dir, 'spool'), maxBytes: 4 * 1024 ** 3, log })
  const broker = await createBroker({
    directory: registry,
    spool,
    log,
    metrics: new Metrics(),
    // the devices connect from one address: only the attacker's address is to be limited here
    config: {
      host: '127.0.0.1',
      mqttPort: 0,
      auth: { ...auth, attemptsBurst: Math.max(auth.attemptsBurst, o.devices) },
    },
  })
  try {
    registry.createTenant({ id: 'bench', name: 'bench' })
    registry.createSite({ id: 'bench-site', tenantId: 'bench', name: 'b', community: 'b', kind: 'building' })
    const creds: Array<{ id: string; secret: string }> = []
    for (let i = 0; i < o.devices; i++) {
      const id = `storm-${String(i).padStart(4, '0')}`
      const { secret } = await registry.provisionDevice({ id, kind: 'circuit-monitor', siteId: 'bench-site' })
      creds.push({ id, secret })
    }
    const init: StormInit = {
      type: 'init',
      role: 'devices',
      port: broker.ports.mqtt,
      creds,
      ratePerDevice: o.ratePerDevice,
      stormPerS: o.stormPerS,
      victim: creds[0]!.id,
      durationMs: o.durationMs,
    }
    const roles = o.stormPerS > 0 ? (['devices', 'attacker'] as const) : (['devices'] as const)
    const children = roles.map(() => forkBenchChild('./auth-storm-load.ts'))
    // both connect (the devices to the broker) first; then both start at once
    await Promise.all(
      children.map((c, i) => request<{ type: 'ready' }>(c, { ...init, role: roles[i] }, 'ready', 120_000)),
    )
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    const replies = await Promise.all(
      children.map((c) => request<StormReply>(c, { type: 'start' }, 'done', o.durationMs + 120_000)),
    )
    const cpu = process.cpuUsage(cpu0)
    const wallMs = performance.now() - t0
    await Promise.all(children.map((c) => waitExit(c, 10_000)))
    const reply = replies[0]!
    const attack = replies[1]
    const sorted = reply.latenciesMs.sort((a, b) => a - b)
    return {
      name,
      pubacks: sorted.length,
      lost: reply.lost,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      stormSent: attack?.stormSent ?? 0,
      connackCodes: attack?.connackCodes ?? {},
      brokerCpuPct: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
    }
  } finally {
    await broker.close()
    await spool.close()
    registry.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function runAuthStorm(o: {
  devices: number
  ratePerDevice: number
  stormPerS: number
  durationMs: number
}): Promise<AuthStormRun[]> {
  return [
    await runOnce('no storm', DEFAULT_AUTH_LIMITS, { ...o, stormPerS: 0 }),
    await runOnce('storm, limits lifted', UNLIMITED, o),
    await runOnce('storm, default limits', DEFAULT_AUTH_LIMITS, o),
  ]
}

export function authStormLines(runs: AuthStormRun[], stormPerS: number): string[] {
  return runs.map(
    (r) =>
      `auth storm (${stormPerS} failed connects/s) ${r.name}: PUBACK p50 ${r.p50Ms.toFixed(1)} ms, ` +
      `p99 ${r.p99Ms.toFixed(1)} ms over ${r.pubacks} (${r.lost} lost); broker CPU ${r.brokerCpuPct.toFixed(0)} %; ` +
      `storm ${r.stormSent} sent, CONNACK ${JSON.stringify(r.connackCodes)}`,
  )
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      devices: { type: 'string', default: '100' },
      rate: { type: 'string', default: '5' },
      storm: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '10' },
    },
  })
  const o = {
    devices: Number(values.devices),
    ratePerDevice: Number(values.rate),
    stormPerS: Number(values.storm),
    durationMs: Number(values.seconds) * 1000,
  }
  for (const line of authStormLines(await runAuthStorm(o), o.stormPerS)) console.log(line)
}
