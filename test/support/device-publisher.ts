// A fleet of real mqtt.js devices for end-to-end tests: each publishes circuit-monitor readings with
// `ts = t0 + seq * 1000` (so every (device, seq) is one distinct point), QoS 1, and records which seqs the
// broker acknowledged. Survives broker restarts (mqtt.js resends unacknowledged publishes on reconnect).
import mqtt, { type MqttClient } from 'mqtt'

export interface ProvisionedDevice {
  id: string
  secret: string
}

export interface PublisherFleet {
  /** per device: the seqs whose PUBACK arrived */
  acked: Map<string, Set<number>>
  ackedCount(): number
  sentCount(): number
  /** publish until stopped, keeping at most `window` unacknowledged messages per device */
  run(): void
  /** stop publishing and wait for outstanding acks (bounded by timeoutMs); throws if the readings reached now */
  stop(timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

/**
 * A real device session as firmware opens one: client id = username, clean session, quick reconnects so
 * a test that restarts the broker sees the device back soon; mqtt.js resends unacknowledged publishes.
 */
export function connectDevice(
  url: string,
  d: ProvisionedDevice,
  opts: { reconnectPeriod?: number; will?: boolean; connectTimeout?: number } = {},
): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    clientId: d.id,
    username: d.id,
    password: d.secret,
    clean: true,
    reconnectPeriod: opts.reconnectPeriod ?? 200,
    connectTimeout: opts.connectTimeout ?? 5000,
    keepalive: 30,
    ...(opts.will
      ? { will: { topic: `devices/${d.id}/status`, payload: Buffer.from('offline'), qos: 1, retain: true } }
      : {}),
  })
}

export const circuitReading = (seq: number, ts: number) => ({
  ts,
  seq,
  kind: 'circuit-monitor',
  circuit: 'B1-corridor',
  voltageV: 229 + (seq % 7) * 0.1,
  currentA: 0.2,
  powerW: 40 + (seq % 10),
  powerFactor: 0.95,
  currentThdPct: 8,
  energyKWh: 100 + seq / 1000,
})

const REACHED_NOW =
  'the fleet’s readings reached the present and it stopped publishing: give it an earlier t0'

export async function startPublisherFleet(opts: {
  url: string
  devices: ProvisionedDevice[]
  /** the first reading's time; one reading a second after it. Default: 20 days ago (the protocol takes 30) */
  t0?: number
  window?: number
  /** stop each device after this many messages */
  maxPerDevice?: number
}): Promise<PublisherFleet> {
  const window = opts.window ?? 20
  const t0 = opts.t0 ?? Date.now() - 20 * 86_400_000
  // a reading ahead of the clock is rejected by ingest (ts_future) after the broker acknowledged it, which
  // the exactly-once check would count as lost: the fleet stops short of that and says so in stop()
  let reachedNow = false
  const acked = new Map<string, Set<number>>()
  let sent = 0
  let running = false
  const clients: { id: string; client: MqttClient; next: number; inflight: number }[] = []
  for (const d of opts.devices) {
    const client = await connectDevice(opts.url, d, { will: true })
    acked.set(d.id, new Set())
    clients.push({ id: d.id, client, next: 0, inflight: 0 })
  }
  const pump = (c: (typeof clients)[number]) => {
    while (
      running &&
      c.inflight < window &&
      (opts.maxPerDevice === undefined || c.next < opts.maxPerDevice)
    ) {
      const ts = t0 + c.next * 1000
      if (ts > Date.now()) {
        // a test waiting for more acks would time out on a message that does not say why: say it here
        if (!reachedNow) console.error(REACHED_NOW)
        reachedNow = true
        return
      }
      const seq = c.next++
      c.inflight++
      sent++
      const payload = JSON.stringify(circuitReading(seq, ts))
      c.client.publish(`devices/${c.id}/telemetry`, payload, { qos: 1 }, (err) => {
        c.inflight--
        if (!err) acked.get(c.id)!.add(seq)
        setImmediate(() => pump(c))
      })
    }
  }
  const inflight = () => clients.reduce((n, c) => n + c.inflight, 0)
  return {
    acked,
    ackedCount: () => [...acked.values()].reduce((n, s) => n + s.size, 0),
    sentCount: () => sent,
    run() {
      running = true
      for (const c of clients) pump(c)
    },
    async stop(timeoutMs = 30_000) {
      running = false
      const deadline = Date.now() + timeoutMs
      while (inflight() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      if (reachedNow) throw new Error(REACHED_NOW)
    },
    async close() {
      running = false
      await Promise.all(clients.map((c) => c.client.endAsync(true).catch(() => undefined)))
    },
  }
}
