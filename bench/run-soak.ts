// Soak: `devices` connected devices each reporting every `reportIntervalS` for `durationMs`, open loop,
// while the service's RSS and V8 heap (after full GCs, through its inspector) are sampled every `sampleMs`.
// A leak shows as a positive slope: the least-squares line through the samples, in MB per hour.
import type { DeviceCredential } from './ipc.ts'
import { startLoadGen } from './load-gen-client.ts'
import { sampleAfterGc } from './process-memory.ts'

export interface SoakSample {
  atS: number
  rssKb: number
  heapUsedKb: number
}

export interface SoakResult {
  devices: number
  connectFailed: number
  minutes: number
  ratePerS: number
  sent: number
  acked: number
  unacked: number
  disconnects: number
  samples: SoakSample[]
  rssSlopeMbPerHour: number
  heapSlopeMbPerHour: number
  /** the same over the last 80 % of the samples, past the warm-up (connections, JIT, first batches) */
  rssSlopeSteadyMbPerHour: number
  heapSlopeSteadyMbPerHour: number
}

/** Least-squares slope of y over x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length
  if (n < 2) return Number.NaN
  const mx = xs.reduce((a, b) => a + b, 0) / n
  const my = ys.reduce((a, b) => a + b, 0) / n
  let num = 0
  let den = 0
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my)
    den += (xs[i]! - mx) ** 2
  }
  return den === 0 ? Number.NaN : num / den
}

export async function runSoak(opts: {
  pid: number
  inspectPort: number
  mqttUrl: string
  creds: readonly DeviceCredential[]
  workDir: string
  durationMs: number
  reportIntervalS: number
  sampleMs: number
  connectTimeoutMs: number
  onSample?: (s: SoakSample) => void
}): Promise<SoakResult> {
  const gen = await startLoadGen({
    mqttUrl: opts.mqttUrl,
    creds: opts.creds,
    workDir: opts.workDir,
    connectBatch: 200,
    connectTimeoutMs: opts.connectTimeoutMs,
    keepaliveS: 60,
  })
  try {
    const ratePerS = gen.connected.connected / opts.reportIntervalS
    const samples: SoakSample[] = []
    const start = Date.now()
    let sampling = Promise.resolve()
    const take = () => {
      sampling = sampling
        .then(() => sampleAfterGc(opts.pid, opts.inspectPort))
        .then((m) => {
          const s = { atS: (Date.now() - start) / 1000, rssKb: m.rssKb, heapUsedKb: m.heapUsedKb }
          samples.push(s)
          opts.onSample?.(s)
        })
    }
    take()
    const timer = setInterval(take, opts.sampleMs)
    let run: Awaited<ReturnType<typeof gen.run>>
    try {
      run = await gen.run({
        mode: 'open',
        durationMs: opts.durationMs,
        ratePerS,
        deviceWindow: 4,
        globalWindow: 2_000,
        drainTimeoutMs: 30_000,
      })
    } finally {
      clearInterval(timer)
    }
    take()
    await sampling
    const mb = (kb: number) => kb / 1024
    const slopeOf = (ss: SoakSample[], y: (s: SoakSample) => number) =>
      slope(
        ss.map((s) => s.atS / 3600),
        ss.map((s) => mb(y(s))),
      )
    const steady = samples.slice(Math.floor(samples.length * 0.2))
    return {
      devices: gen.connected.connected,
      connectFailed: gen.connected.failed,
      minutes: opts.durationMs / 60_000,
      ratePerS,
      sent: run.sent,
      acked: run.acked,
      unacked: run.unacked,
      disconnects: run.disconnects,
      samples,
      rssSlopeMbPerHour: slopeOf(samples, (s) => s.rssKb),
      heapSlopeMbPerHour: slopeOf(samples, (s) => s.heapUsedKb),
      rssSlopeSteadyMbPerHour: slopeOf(steady, (s) => s.rssKb),
      heapSlopeSteadyMbPerHour: slopeOf(steady, (s) => s.heapUsedKb),
    }
  } finally {
    await gen.close()
  }
}

export function soakLines(r: SoakResult): string[] {
  const first = r.samples[0]
  const last = r.samples.at(-1)
  const mb = (kb?: number) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(1)} MB`)
  return [
    `[ours] soak: ${r.devices} devices (${r.connectFailed} failed to connect), ${r.ratePerS.toFixed(0)} msg/s for ${r.minutes} min: sent ${r.sent}, acked ${r.acked}, unacked ${r.unacked}, disconnects ${r.disconnects}`,
    `[ours] soak: RSS ${mb(first?.rssKb)} → ${mb(last?.rssKb)}, slope ${r.rssSlopeMbPerHour.toFixed(1)} MB/hour; V8 heap used ${mb(first?.heapUsedKb)} → ${mb(last?.heapUsedKb)}, slope ${r.heapSlopeMbPerHour.toFixed(1)} MB/hour (${r.samples.length} samples after full GCs)`,
    `[ours] soak: past the first 20 % of samples: RSS slope ${r.rssSlopeSteadyMbPerHour.toFixed(1)} MB/hour, V8 heap slope ${r.heapSlopeSteadyMbPerHour.toFixed(1)} MB/hour`,
  ]
}
