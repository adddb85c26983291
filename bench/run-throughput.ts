// Closed-loop throughput against one target: the fleet publishes as fast as its in-flight windows allow
// for `durationMs`, waits for its PUBACKs, then the bench waits until InfluxDB holds every acked message
// (or stops growing) and checks loss device by device.
import { countAll, countByDevice } from './influx-query.ts'
import type { DeviceCredential } from './ipc.ts'
import { startLoadGen } from './load-gen-client.ts'
import { type CpuProbe, type CpuUse, startCpuMeter, startThreadMeter } from './process-cpu.ts'

export interface ThroughputResult {
  devices: number
  connectFailed: number
  sent: number
  acked: number
  failed: number
  unacked: number
  stored: number
  /** Σ over devices of acked − stored where positive: acknowledged but never stored */
  lost: number
  /** Σ over devices of stored − acked where positive: stored but unacknowledged (in flight at the end) */
  extra: number
  disconnects: number
  publishSeconds: number
  /** acked / publishing time */
  ackRate: number
  /** stored / (all stored − first publish): what the whole pipeline sustained, backlog drain included */
  endToEndRate: number
  /** time from the last PUBACK until InfluxDB held everything */
  drainMs: number
  /** CPU per stored message, per process (µs), over publishing and draining */
  cpuUsPerMsg: { name: string; us: number }[]
  /** the system under test's CPU per stored message by thread (µs), when `threadsOf` was given */
  threadUsPerMsg?: { main: number; busiestOther: number; rest: number; restEach: number[] }
}

export async function runThroughput(opts: {
  mqttUrl: string
  influxUrl: string
  db: string
  creds: readonly DeviceCredential[]
  workDir: string
  durationMs: number
  deviceWindow: number
  globalWindow: number
  connectTimeoutMs: number
  /** the target's and influxd's processes; the load generator is added here */
  cpu: readonly CpuProbe[]
  /** a process of `cpu` whose CPU is also split by thread */
  threadsOf?: number
}): Promise<ThroughputResult> {
  const gen = await startLoadGen({
    mqttUrl: opts.mqttUrl,
    creds: opts.creds,
    workDir: opts.workDir,
    connectBatch: 200,
    connectTimeoutMs: opts.connectTimeoutMs,
  })
  try {
    const cpuSince = startCpuMeter([...opts.cpu, { name: 'load-gen', pid: gen.pid }])
    const threadsSince = opts.threadsOf === undefined ? undefined : startThreadMeter(opts.threadsOf)
    const r = await gen.run({
      mode: 'closed',
      durationMs: opts.durationMs,
      deviceWindow: opts.deviceWindow,
      globalWindow: opts.globalWindow,
      drainTimeoutMs: 15_000,
    })
    // wait for the store to catch up: done when it holds every acked message, or has not grown for 5 s
    const deadline = Date.now() + 180_000
    let stored = -1
    let storedAt = Date.now()
    let lastGrowth = Date.now()
    while (Date.now() < deadline) {
      const n = await countAll(opts.influxUrl, opts.db)
      const now = Date.now()
      if (n !== stored) {
        stored = n
        storedAt = now
        lastGrowth = now
      }
      if (stored >= r.acked || now - lastGrowth > 5_000) break
      await new Promise((res) => setTimeout(res, 250))
    }
    const cpu: CpuUse[] = cpuSince()
    const threads = threadsSince?.()
    const byDevice = await countByDevice(opts.influxUrl, opts.db)
    let lost = 0
    let extra = 0
    for (const [id, acked] of Object.entries(r.ackedByDevice)) {
      const s = byDevice.get(id) ?? 0
      if (s < acked) lost += acked - s
      else extra += s - acked
    }
    const publishSeconds = (r.lastAckMs - r.firstPublishMs) / 1000
    return {
      devices: gen.connected.connected,
      connectFailed: gen.connected.failed,
      sent: r.sent,
      acked: r.acked,
      failed: r.failed,
      unacked: r.unacked,
      stored,
      lost,
      extra,
      disconnects: r.disconnects,
      publishSeconds,
      ackRate: r.acked / publishSeconds,
      endToEndRate: stored / ((storedAt - r.firstPublishMs) / 1000),
      drainMs: Math.max(0, storedAt - r.lastAckMs),
      cpuUsPerMsg: cpu.map((c) => ({ name: c.name, us: (c.cpuMs * 1000) / Math.max(1, stored) })),
      ...(threads === undefined
        ? {}
        : {
            threadUsPerMsg: {
              main: (threads.mainMs * 1000) / Math.max(1, stored),
              busiestOther: (threads.busiestOtherMs * 1000) / Math.max(1, stored),
              rest: (threads.restMs * 1000) / Math.max(1, stored),
              restEach: threads.restEachMs.map((ms) => (ms * 1000) / Math.max(1, stored)),
            },
          }),
    }
  } finally {
    await gen.close()
  }
}
