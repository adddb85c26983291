// Fan-out (phase `fanout`): ours with N socket.io clients watching sites, each client subscribed to one
// site, versus the same service without them. Per side, in one fresh service: the closed loop at max rate
// (run-throughput.ts), then the open loop at the figure's rate timing reading `ts` → `reading` arrival in
// the clients (bench/live-clients.ts, in child processes of their own).
//
// The clients authenticate with API tokens (viewer, the bench tenant): the signed-in console sessions reach
// the same live-feed path (api/live-feed.ts) once the handshake has a principal.
import type { ChildProcess } from 'node:child_process'
import type { ReadingDelivery } from '../domain/live-events.ts'
import { forkBenchChild, request, waitExit } from './children.ts'
import { waitEngine } from './engine-progress.ts'
import { deliveryOf, type FanoutDelivery, type FanoutLatency, mergedLatency } from './fanout-stats.ts'
import type { DeviceCredential, LiveClientSpec, LiveClientsReply, LiveClientsStats, RunReply } from './ipc.ts'
import { startLoadGen } from './load-gen-client.ts'
import { type CpuProbe, startCpuMeter } from './process-cpu.ts'
import { benchSiteIds, post } from './provision.ts'
import { runThroughput, type ThroughputResult } from './run-throughput.ts'
import type { OursTarget } from './targets.ts'

export interface FanoutOpenLoop {
  ratePerS: number
  achievedRate: number
  maxLagMs: number
  acked: number
  /** CPU per acked message over the run and the clients' drain, per process (µs) */
  cpuUsPerMsg: { name: string; us: number }[]
  latency?: FanoutLatency
  delivery?: FanoutDelivery
  /** how long after the last PUBACK the clients stopped receiving */
  clientDrainMs?: number
}

export interface FanoutSide {
  clients: number
  clientsFailed: number
  firstClientError?: string
  clientDisconnects: number
  clientChildren: number
  throughput: ThroughputResult
  /** `reading` events the clients received during the closed loop (it keeps no acked count per device) */
  throughputReceived?: number
  /** how long after the store had caught up the alert engine had too (NaN: it did not within its bound) */
  engineCatchUpMs: number
  open: FanoutOpenLoop
}

const BENCH_TENANT = 'bench-tenant'
const HISTOGRAM_MAX_MS = 60_000

interface ClientChild {
  child: ChildProcess
  specs: LiveClientSpec[]
}

async function startClients(
  httpUrl: string,
  specs: LiveClientSpec[],
  children: number,
  readings: ReadingDelivery,
) {
  const per = Math.ceil(specs.length / children)
  const started: ClientChild[] = []
  const ready: Extract<LiveClientsReply, { type: 'ready' }>[] = []
  try {
    for (let i = 0; i < specs.length; i += per) {
      const part = specs.slice(i, i + per)
      const child = forkBenchChild('./live-clients.ts')
      started.push({ child, specs: part })
    }
    ready.push(
      ...(await Promise.all(
        started.map((c) =>
          request<Extract<LiveClientsReply, { type: 'ready' }>>(
            c.child,
            { type: 'init', httpUrl, clients: c.specs, readings, maxMs: HISTOGRAM_MAX_MS },
            'ready',
            120_000,
          ),
        ),
      )),
    )
  } catch (err) {
    await closeClients(started)
    throw err
  }
  return {
    children: started,
    connected: ready.reduce((n, r) => n + r.connected, 0),
    failed: ready.reduce((n, r) => n + r.failed, 0),
    firstError: ready.find((r) => r.firstError)?.firstError,
  }
}

async function closeClients(children: readonly ClientChild[]) {
  await Promise.all(
    children.map(async ({ child }) => {
      if (child.connected) child.send({ type: 'close' })
      await waitExit(child, 10_000)
    }),
  )
}

const statsOf = (children: readonly ClientChild[]) =>
  Promise.all(children.map((c) => request<LiveClientsStats>(c.child, { type: 'stats' }, 'stats', 30_000)))

/** Waits until the clients have every expected reading or have received nothing new for 2 s; returns when they stopped. */
async function clientsDrained(children: readonly ClientChild[], expected: number): Promise<number> {
  let last = -1
  let lastGrowth = Date.now()
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const received = (await statsOf(children)).reduce((n, s) => n + s.received, 0)
    if (received !== last) {
      last = received
      lastGrowth = Date.now()
    }
    if (received >= expected || Date.now() - lastGrowth > 2_000) break
    await new Promise((r) => setTimeout(r, 250))
  }
  return lastGrowth
}

function delivery(
  stats: readonly LiveClientsStats[],
  children: readonly ClientChild[],
  siteOf: ReadonlyMap<string, string>,
  acked: Record<string, number>,
): FanoutDelivery {
  return deliveryOf({
    watching: children.flatMap((c) => c.specs.map((s) => s.siteId)),
    received: stats.flatMap((s) => s.byClient),
    siteOf,
    acked,
  })
}

/** Device i is at site i mod `sites` (bench/provision.ts). */
export function siteOfDevices(creds: readonly DeviceCredential[], sites: number): Map<string, string> {
  const ids = benchSiteIds(sites)
  return new Map(creds.map((c, i) => [c.id, ids[i % sites]!]))
}

export async function runFanoutSide(opts: {
  target: OursTarget
  influxUrl: string
  influxdPid: number
  db: string
  creds: readonly DeviceCredential[]
  sites: number
  /** 0: the reference side, no live clients */
  clients: number
  clientChildren: number
  workDir: string
  throughputMs: number
  deviceWindow: number
  globalWindow: number
  ratePerS: number
  openMs: number
  connectTimeoutMs: number
  /** how the clients ask for readings (default batched, as the console) */
  readings?: ReadingDelivery
}): Promise<FanoutSide> {
  const { target: t } = opts
  const siteOf = siteOfDevices(opts.creds, opts.sites)
  const siteIds = benchSiteIds(opts.sites)
  const specs: LiveClientSpec[] = []
  for (let i = 0; i < opts.clients; i++) {
    // one viewer token per client, as each browser signs in on its own
    const tok = await post(`${t.httpUrl}/api/v1/tokens`, t.adminToken, {
      tenantId: BENCH_TENANT,
      role: 'viewer',
      name: `bench-viewer-${i}`,
    })
    specs.push({ token: String(tok.token), siteId: siteIds[i % siteIds.length]! })
  }
  const clients = opts.clients
    ? await startClients(t.httpUrl, specs, opts.clientChildren, opts.readings ?? 'batched')
    : { children: [], connected: 0, failed: 0, firstError: undefined }
  try {
    const clientProbes: CpuProbe[] = clients.children.map((c, i) => ({
      name: `live-clients-${i + 1}`,
      pid: c.child.pid!,
    }))
    const throughput = await runThroughput({
      mqttUrl: t.mqttUrl,
      influxUrl: opts.influxUrl,
      db: opts.db,
      creds: opts.creds,
      workDir: opts.workDir,
      durationMs: opts.throughputMs,
      deviceWindow: opts.deviceWindow,
      globalWindow: opts.globalWindow,
      connectTimeoutMs: opts.connectTimeoutMs,
      cpu: [{ name: t.name, pid: t.pid }, { name: 'influxd', pid: opts.influxdPid }, ...clientProbes],
    })
    // the alert engine (second spool consumer) may still be reading the closed loop's backlog: its catch-up
    // must not be billed to the open loop's CPU per message
    const engineCatchUpMs = (await waitEngine(t.httpUrl)).catchUpMs
    let throughputReceived: number | undefined
    if (clients.children.length) {
      // quiet for 2 s: nothing of the closed loop is still on its way when the counts are reset
      await clientsDrained(clients.children, Number.POSITIVE_INFINITY)
      throughputReceived = (await statsOf(clients.children)).reduce((n, s) => n + s.received, 0)
      await Promise.all(
        clients.children.map((c) => request(c.child, { type: 'reset' }, 'reset-done', 30_000)),
      )
    }

    const gen = await startLoadGen({
      mqttUrl: t.mqttUrl,
      creds: opts.creds,
      workDir: opts.workDir,
      connectBatch: 200,
      connectTimeoutMs: opts.connectTimeoutMs,
    })
    let open: FanoutOpenLoop
    try {
      const cpuSince = startCpuMeter([
        { name: t.name, pid: t.pid },
        { name: 'influxd', pid: opts.influxdPid },
        { name: 'load-gen', pid: gen.pid },
        ...clientProbes,
      ])
      const run: RunReply = await gen.run({
        mode: 'open',
        ratePerS: opts.ratePerS,
        durationMs: opts.openMs,
        // as run-latency.ts
        deviceWindow: 16,
        globalWindow: 50_000,
        drainTimeoutMs: 15_000,
      })
      let latency: FanoutLatency | undefined
      let del: FanoutDelivery | undefined
      let clientDrainMs: number | undefined
      if (clients.children.length) {
        const want = specs.reduce(
          (n, s) =>
            n +
            [...siteOf]
              .filter(([, site]) => site === s.siteId)
              .reduce((m, [d]) => m + (run.ackedByDevice[d] ?? 0), 0),
          0,
        )
        clientDrainMs = Math.max(0, (await clientsDrained(clients.children, want)) - run.lastAckMs)
        const stats = await statsOf(clients.children)
        latency = mergedLatency(stats.map((s) => s.histogram))
        del = delivery(stats, clients.children, siteOf, run.ackedByDevice)
      }
      const cpu = cpuSince()
      open = {
        ratePerS: opts.ratePerS,
        achievedRate: run.acked / ((run.lastAckMs - run.firstPublishMs) / 1000),
        maxLagMs: run.maxLagMs,
        acked: run.acked,
        cpuUsPerMsg: cpu.map((c) => ({ name: c.name, us: (c.cpuMs * 1000) / Math.max(1, run.acked) })),
        latency,
        delivery: del,
        clientDrainMs,
      }
    } finally {
      await gen.close()
    }
    const disconnects = clients.children.length
      ? (await statsOf(clients.children)).reduce((n, s) => n + s.disconnects, 0)
      : 0
    return {
      clients: clients.connected,
      clientsFailed: clients.failed,
      firstClientError: clients.firstError,
      clientDisconnects: disconnects,
      clientChildren: clients.children.length,
      throughput,
      throughputReceived,
      engineCatchUpMs,
      open,
    }
  } finally {
    await closeClients(clients.children)
  }
}
