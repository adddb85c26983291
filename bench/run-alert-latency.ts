// Alert latency (fault published → socket.io alert): while the fleet sends open loop at a fixed rate, one probe
// charging pile publishes a `port_fault` / `port_fault_cleared` pair per port, cycling ports 1–12, and a
// socket.io client subscribed to that pile times publish → `alert` (state `active`) in this process.
import { performance } from 'node:perf_hooks'
import { io, type Socket } from 'socket.io-client'
import type { ClientToServerEvents, ServerToClientEvents } from '../domain/live-events.ts'
import {
  type AlertLatencyStats,
  type AlertLatencyTracker,
  createAlertLatencyTracker,
  nearestRank,
} from './alert-latency-tracker.ts'
import type { DeviceCredential } from './ipc.ts'
import { startLoadGen } from './load-gen-client.ts'
import { post } from './provision.ts'
import { connectRawDevice, type RawDevice } from './raw-mqtt-device.ts'

export interface AlertLatencyResult {
  ratePerS: number
  achievedRate: number
  maxLagMs: number
  /** under load: the target's figure */
  loaded: AlertLatencyStats
  /** the same probe before the fleet starts: what the path costs without load */
  idle: AlertLatencyStats
  /** probe publish → PUBACK under load (p50, p99): how much of the latency is before the engine */
  pubackP50: number
  pubackP99: number
  probeErrors: number
  /** the slowest answers under load: seconds after the fleet started, and ms */
  worstAt: { atS: number; ms: number }[]
}

const PROBE_EVERY_MS = 100
const PORTS = 12
const MISS_AFTER_MS = 5_000
// provision.ts creates this tenant; an admin token must name the tenant of a new site
const BENCH_TENANT = 'bench-tenant'

/** One charging shed with one pile, through the API (api.md), in the tenant provision.ts made. */
export async function provisionProbePile(httpUrl: string, adminToken: string): Promise<DeviceCredential> {
  const site = await post(`${httpUrl}/api/v1/sites`, adminToken, {
    id: 'bench-shed',
    tenantId: BENCH_TENANT,
    name: 'Bench charging shed',
    community: 'bench-community',
    kind: 'charging-shed',
  })
  const dev = await post(`${httpUrl}/api/v1/devices`, adminToken, {
    id: 'bench-alert-pile',
    kind: 'charging-pile',
    siteId: String(site.id),
  })
  if (typeof dev.secret !== 'string') throw new Error('probe pile: 201 without a secret')
  return { id: String(dev.id), secret: dev.secret }
}

async function connectLive(
  httpUrl: string,
  adminToken: string,
  deviceId: string,
): Promise<Socket<ServerToClientEvents, ClientToServerEvents>> {
  const live: Socket<ServerToClientEvents, ClientToServerEvents> = io(httpUrl, {
    path: '/socket.io',
    auth: { token: adminToken },
    transports: ['websocket'],
    reconnection: false,
  })
  try {
    const ack = await live.timeout(10_000).emitWithAck('subscribe', { deviceId })
    if (!ack.ok) throw new Error(`socket.io subscribe refused: ${ack.error}: ${ack.message}`)
    return live
  } catch (err) {
    live.close()
    throw err
  }
}

/**
 * Publishes fault, clear, fault, clear … every PROBE_EVERY_MS until `stop()` resolves; each fault is a new
 * alert because its port's previous one was cleared 12 steps (2.4 s) earlier.
 */
function startProbe(pile: RawDevice, deviceId: string, tracker: AlertLatencyTracker, state: ProbeState) {
  let running = true
  const loop = (async () => {
    while (running) {
      const t = performance.now()
      const step = state.step++
      const port = (Math.floor(step / 2) % PORTS) + 1
      const fault = step % 2 === 0
      // strictly increasing event time per port and code (rules/events.ts drops an older event)
      const ts = Math.max(Date.now(), state.lastTs + 1)
      state.lastTs = ts
      const body = JSON.stringify({
        ts,
        seq: step,
        kind: 'charging-pile',
        event: fault ? 'port_fault' : 'port_fault_cleared',
        port,
        code: 'over_current',
      })
      const sentAt = performance.now()
      if (fault) tracker.sent(port, ts, sentAt)
      pile.publish(`devices/${deviceId}/events`, body, { qos: 1 }, (err) => {
        if (err) state.errors++
        else if (state.pubacks) state.pubacks.push(performance.now() - sentAt)
      })
      await new Promise((r) => setTimeout(r, Math.max(0, PROBE_EVERY_MS - (performance.now() - t))))
    }
  })()
  return async () => {
    running = false
    await loop
  }
}

interface ProbeState {
  step: number
  lastTs: number
  errors: number
  pubacks?: number[]
}

async function settle(tracker: AlertLatencyTracker): Promise<void> {
  // every fault is answered or past the miss limit: bounded by MISS_AFTER_MS after the last publish
  const deadline = performance.now() + MISS_AFTER_MS + 500
  while (tracker.waiting(performance.now()) > 0 && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 50))
}

export async function runAlertLatency(opts: {
  mqttUrl: string
  httpUrl: string
  adminToken: string
  creds: readonly DeviceCredential[]
  probe: DeviceCredential
  workDir: string
  ratePerS: number
  durationMs: number
  idleMs: number
  connectTimeoutMs: number
}): Promise<AlertLatencyResult> {
  const url = new URL(opts.mqttUrl)
  const pile = await connectRawDevice({
    host: url.hostname,
    port: Number(url.port),
    clientId: opts.probe.id,
    username: opts.probe.id,
    password: opts.probe.secret,
    keepaliveS: 60,
    connectTimeoutMs: 30_000,
  })
  const live = await connectLive(opts.httpUrl, opts.adminToken, opts.probe.id).catch(async (err) => {
    await pile.endAsync(true)
    throw err
  })
  const idle = createAlertLatencyTracker({ missAfterMs: MISS_AFTER_MS })
  const loaded = createAlertLatencyTracker({ missAfterMs: MISS_AFTER_MS })
  let current = idle
  live.on('alert', (a) => {
    if (a.deviceId === opts.probe.id && a.type === 'port_fault') current.received(a, performance.now())
  })
  const state: ProbeState = { step: 0, lastTs: 0, errors: 0 }
  try {
    // without load first: the floor the loaded figure is compared against
    let stop = startProbe(pile, opts.probe.id, idle, state)
    await new Promise((r) => setTimeout(r, opts.idleMs))
    await stop()
    await settle(idle)
    // the step counter carries on: a fault left open by the idle part is cleared by the loaded part's first step

    const gen = await startLoadGen({
      mqttUrl: opts.mqttUrl,
      creds: opts.creds,
      workDir: opts.workDir,
      connectBatch: 200,
      connectTimeoutMs: opts.connectTimeoutMs,
    })
    try {
      current = loaded
      state.pubacks = []
      const running = gen.run({
        mode: 'open',
        ratePerS: opts.ratePerS,
        durationMs: opts.durationMs,
        // as run-latency.ts
        deviceWindow: 16,
        globalWindow: 50_000,
        drainTimeoutMs: 15_000,
      })
      const loadStart = performance.now()
      stop = startProbe(pile, opts.probe.id, loaded, state)
      let run: Awaited<typeof running>
      try {
        run = await running
      } finally {
        await stop()
      }
      await settle(loaded)
      const pubacks = state.pubacks.sort((a, b) => a - b)
      const stats = loaded.stats()
      return {
        ratePerS: opts.ratePerS,
        achievedRate: run.acked / ((run.lastAckMs - run.firstPublishMs) / 1000),
        maxLagMs: run.maxLagMs,
        loaded: stats,
        idle: idle.stats(),
        pubackP50: nearestRank(pubacks, 0.5),
        pubackP99: nearestRank(pubacks, 0.99),
        probeErrors: state.errors,
        worstAt: stats.worst.map((w) => ({ atS: (w.sentAt - loadStart) / 1000, ms: w.ms })),
      }
    } finally {
      await gen.close()
    }
  } finally {
    live.close()
    await pile.endAsync(true)
  }
}
