// Open-loop latency against one target: the fleet sends at a fixed total rate (token bucket) while the
// bench polls InfluxDB for the probe devices' points; see bench/latency-tracker.ts for the method.
import { countAll, PROBE_PREFIX, probeBuckets } from './influx-query.ts'
import type { DeviceCredential, RunReply } from './ipc.ts'
import { createLatencyTracker, type LatencyStats } from './latency-tracker.ts'
import { startLoadGen } from './load-gen-client.ts'

export interface LatencyResult {
  ratePerS: number
  achievedRate: number
  acked: number
  probeAcked: number
  probeStored: number
  upper: LatencyStats
  lower: LatencyStats
  /** the generator's worst lag behind its schedule (counted in the latency, not hidden) */
  maxLagMs: number
  /** mean duration of one poll query: part of the method's resolution */
  meanPollMs: number
  pollErrors: string
  stored: number
}

const BUCKET_MS = 10
const POLL_EVERY_MS = 100
/** buckets older than this are no longer re-counted during the run (the final sweep still counts them) */
const WINDOW_MS = 10_000

export async function runLatency(opts: {
  mqttUrl: string
  influxUrl: string
  db: string
  creds: readonly DeviceCredential[]
  workDir: string
  ratePerS: number
  durationMs: number
  connectTimeoutMs: number
}): Promise<LatencyResult> {
  const gen = await startLoadGen({
    mqttUrl: opts.mqttUrl,
    creds: opts.creds,
    workDir: opts.workDir,
    connectBatch: 200,
    connectTimeoutMs: opts.connectTimeoutMs,
  })
  try {
    return await measureLatency({
      influxUrl: opts.influxUrl,
      db: opts.db,
      ratePerS: opts.ratePerS,
      run: () =>
        gen.run({
          mode: 'open',
          ratePerS: opts.ratePerS,
          durationMs: opts.durationMs,
          // 16 at 10 msg/s per device: a device stalls only past ~1.6 s of latency, and a stall shows up as
          // latency because `ts` is the scheduled time
          deviceWindow: 16,
          globalWindow: 50_000,
          drainTimeoutMs: 15_000,
        }),
    })
  } finally {
    await gen.close()
  }
}

/** Polls the probes' stored points while `run` (an open loop of connected devices) sends. */
export async function measureLatency(opts: {
  influxUrl: string
  db: string
  ratePerS: number
  run: () => Promise<RunReply>
}): Promise<LatencyResult> {
  const startMs = Date.now()
  const tracker = createLatencyTracker({ bucketMs: BUCKET_MS, startMs })
  let polls = 0
  let pollMsTotal = 0
  const poll = async (fromMs: number) => {
    const q = Date.now()
    const buckets = await probeBuckets(opts.influxUrl, opts.db, fromMs, q + 60_000, BUCKET_MS)
    const r = Date.now()
    tracker.observe(buckets, q, r)
    polls++
    pollMsTotal += r - q
  }
  let pollErrors = 0
  let lastPollError = ''
  let running = true
  const poller = (async () => {
    while (running) {
      const t = Date.now()
      try {
        await poll(Math.max(startMs - BUCKET_MS, t - WINDOW_MS))
      } catch (err) {
        // a slow or failed poll only widens the next interval's bounds; it loses no points
        pollErrors++
        lastPollError = (err as Error).message
      }
      await new Promise((res) => setTimeout(res, Math.max(0, POLL_EVERY_MS - (Date.now() - t))))
    }
  })()
  let run: RunReply
  try {
    run = await opts.run()
    const probeAcked = Object.entries(run.ackedByDevice)
      .filter(([id]) => id.startsWith(PROBE_PREFIX))
      .reduce((n, [, c]) => n + c, 0)
    const deadline = Date.now() + 60_000
    let lastSeen = -1
    let lastGrowth = Date.now()
    while (tracker.seen() < probeAcked && Date.now() < deadline && Date.now() - lastGrowth < 5_000) {
      await new Promise((res) => setTimeout(res, POLL_EVERY_MS))
      if (tracker.seen() !== lastSeen) {
        lastSeen = tracker.seen()
        lastGrowth = Date.now()
      }
    }
    running = false
    await poller
    // final sweep over the whole run: anything that was only stored after leaving the window
    await poll(startMs - BUCKET_MS)
    const seconds = (run.lastAckMs - run.firstPublishMs) / 1000
    return {
      ratePerS: opts.ratePerS,
      achievedRate: run.acked / seconds,
      acked: run.acked,
      probeAcked,
      probeStored: tracker.seen(),
      upper: tracker.upper(),
      lower: tracker.lower(),
      maxLagMs: run.maxLagMs,
      meanPollMs: pollMsTotal / polls,
      pollErrors: pollErrors ? `${pollErrors} (${lastPollError})` : '0',
      stored: await countAll(opts.influxUrl, opts.db),
    }
  } finally {
    running = false
    await poller.catch(() => {})
  }
}
