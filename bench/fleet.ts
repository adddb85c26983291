// A fleet too large for one load generator: its devices split over several load-gen children (each one
// process, so the generator's CPU spreads over the cores and each child stays under its open-file
// limit), connecting from several loopback source addresses. Same calls as one LoadGen, summed.
import type { ConnectedReply, DeviceCredential, FieldStats, RunReply, RunSpec } from './ipc.ts'
import { type LoadGen, startLoadGen } from './load-gen-client.ts'

export interface Fleet {
  pids: number[]
  connected: ConnectedReply
  run(spec: Omit<RunSpec, 'type'>): Promise<RunReply>
  field(spec: { reportIntervalMs: number; jitterMs: number; retryMs: number }): Promise<void>
  fieldConfigure(o: { jitterMs: number; retryMs: number }): Promise<void>
  fieldMark(): Promise<void>
  fieldStats(): Promise<FieldStats>
  close(): Promise<void>
}

/** `n` loopback source addresses from 127.0.0.2 up (127.0.0.1 stays the services' own address). */
export function loopbackAddresses(n: number): string[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + 2
    return `127.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
  })
}

export async function startFleet(opts: {
  mqttUrl: string
  creds: readonly DeviceCredential[]
  workDir: string
  children: number
  /** devices connecting from one source address at most */
  devicesPerAddress: number
  /** CONNECTs in flight per child */
  connectBatch: number
  connectTimeoutMs: number
  nofile: number
  keepaliveS?: number
}): Promise<Fleet> {
  const k = Math.max(1, Math.min(opts.children, opts.creds.length))
  const addresses = loopbackAddresses(Math.max(1, Math.ceil(opts.creds.length / opts.devicesPerAddress)))
  // device i goes to child i mod k and address i mod |addresses|: each child gets every k-th address
  const slices = Array.from({ length: k }, (_, c) => opts.creds.filter((_, i) => i % k === c))
  // fewer addresses than children: every child uses them all; otherwise each its own share
  const addressesOf = (c: number) =>
    addresses.length < k ? addresses : addresses.filter((_, a) => a % k === c)
  const settled = await Promise.allSettled(
    slices.map((creds, c) =>
      startLoadGen({
        mqttUrl: opts.mqttUrl,
        creds,
        workDir: opts.workDir,
        connectBatch: opts.connectBatch,
        connectTimeoutMs: opts.connectTimeoutMs,
        keepaliveS: opts.keepaliveS ?? 60,
        client: 'raw',
        sourceAddresses: addressesOf(c),
        nofile: opts.nofile,
      }),
    ),
  )
  const gens = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
  const failure = settled.find((s) => s.status === 'rejected')
  if (failure) {
    await Promise.allSettled(gens.map((g) => g.close()))
    throw (failure as PromiseRejectedResult).reason
  }
  const all = <T>(f: (g: LoadGen) => Promise<T>) => Promise.all(gens.map(f))
  const connected: ConnectedReply = {
    type: 'connected',
    connected: gens.reduce((n, g) => n + g.connected.connected, 0),
    failed: gens.reduce((n, g) => n + g.connected.failed, 0),
    firstError: gens.find((g) => g.connected.firstError)?.connected.firstError,
    elapsedMs: Math.max(...gens.map((g) => g.connected.elapsedMs)),
  }
  return {
    pids: gens.map((g) => g.pid),
    connected,
    async run(spec) {
      // an open loop's rate is shared in proportion to each child's devices
      const total = connected.connected || 1
      const replies = await all((g) =>
        g.run({
          ...spec,
          ratePerS: spec.ratePerS === undefined ? undefined : (spec.ratePerS * g.connected.connected) / total,
          globalWindow: Math.max(1, Math.round((spec.globalWindow * g.connected.connected) / total)),
        }),
      )
      return mergeRuns(replies)
    },
    field: async (spec) => void (await all((g) => g.field(spec))),
    fieldConfigure: async (o) => void (await all((g) => g.fieldConfigure(o))),
    fieldMark: async () => void (await all((g) => g.fieldMark())),
    fieldStats: async () => mergeField(await all((g) => g.fieldStats())),
    close: async () => void (await Promise.allSettled(gens.map((g) => g.close()))),
  }
}

function mergeRuns(rs: RunReply[]): RunReply {
  const sum = (f: (r: RunReply) => number) => rs.reduce((n, r) => n + f(r), 0)
  return {
    type: 'run-done',
    sent: sum((r) => r.sent),
    acked: sum((r) => r.acked),
    failed: sum((r) => r.failed),
    unacked: sum((r) => r.unacked),
    ackedByDevice: Object.assign({}, ...rs.map((r) => r.ackedByDevice)),
    firstPublishMs: Math.min(...rs.map((r) => r.firstPublishMs)),
    lastPublishMs: Math.max(...rs.map((r) => r.lastPublishMs)),
    lastAckMs: Math.max(...rs.map((r) => r.lastAckMs)),
    maxLagMs: Math.max(...rs.map((r) => r.maxLagMs)),
    disconnects: sum((r) => r.disconnects),
  }
}

function mergeField(fs: FieldStats[]): FieldStats {
  const sum = (f: (s: FieldStats) => number) => fs.reduce((n, s) => n + f(s), 0)
  const refused: Record<string, number> = {}
  const hist = new Map<number, number>()
  const backAt = new Map<number, number>()
  const firsts = fs.map((s) => s.firstReconnectMs).filter((ms) => ms > 0)
  for (const s of fs) {
    for (const [rc, n] of Object.entries(s.refused)) refused[rc] = (refused[rc] ?? 0) + n
    for (const [ms, n] of s.histogram) hist.set(ms, (hist.get(ms) ?? 0) + n)
    for (const [ms, n] of s.backAt) backAt.set(ms, (backAt.get(ms) ?? 0) + n)
  }
  return {
    type: 'field-stats',
    devices: sum((s) => s.devices),
    connected: sum((s) => s.connected),
    reconnected: sum((s) => s.reconnected),
    devicesBack: sum((s) => s.devicesBack),
    devicesWithReading: sum((s) => s.devicesWithReading),
    readingsAcked: sum((s) => s.readingsAcked),
    firstReconnectMs: firsts.length ? Math.min(...firsts) : 0,
    lastReconnectMs: Math.max(...fs.map((s) => s.lastReconnectMs)),
    lastReadingAckMs: Math.max(...fs.map((s) => s.lastReadingAckMs)),
    backAt: [...backAt],
    refused,
    failedAttempts: sum((s) => s.failedAttempts),
    lastFailure: fs.map((s) => s.lastFailure).find((f) => f) ?? '',
    publishes: sum((s) => s.publishes),
    acked: sum((s) => s.acked),
    failedPublishes: sum((s) => s.failedPublishes),
    histogram: [...hist],
  }
}

/** Nearest-rank percentile of a [value, count][] histogram. */
export function histPercentile(hist: readonly [number, number][], p: number): number {
  const sorted = [...hist].sort((a, b) => a[0] - b[0])
  const total = sorted.reduce((n, [, c]) => n + c, 0)
  if (total === 0) return Number.NaN
  const rank = Math.max(1, Math.ceil(p * total))
  let acc = 0
  for (const [v, c] of sorted) {
    acc += c
    if (acc >= rank) return v
  }
  return Number.NaN
}
