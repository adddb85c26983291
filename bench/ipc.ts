// Messages between bench/main.ts and its child processes (load generator, bare pipeline), over the
// Node IPC channel of `fork`. Each child answers every request with exactly one reply.
import type { ReadingDelivery } from '../domain/live-events.ts'

export interface DeviceCredential {
  id: string
  secret: string
}

export interface LoadGenInit {
  type: 'init'
  url: string
  /** JSON file holding DeviceCredential[] */
  credentialsFile: string
  /** how many CONNECTs are in flight at once (each may cost the broker one scrypt verify) */
  connectBatch: number
  keepaliveS: number
  connectTimeoutMs: number
  /** `raw`: bench/raw-mqtt-device.ts (a few µs per message); `mqttjs`: one mqtt.js client per device */
  client: 'raw' | 'mqttjs'
}

export interface RunSpec {
  type: 'run'
  /** closed: as fast as the windows allow; open: a token bucket at `ratePerS` */
  mode: 'closed' | 'open'
  durationMs: number
  ratePerS?: number
  /** unacknowledged QoS 1 publishes allowed per device (mqtt.js has no bound of its own) */
  deviceWindow: number
  /** unacknowledged QoS 1 publishes allowed across the fleet */
  globalWindow: number
  /** after `durationMs`, how long to wait for the outstanding PUBACKs */
  drainTimeoutMs: number
}

export type LoadGenRequest = LoadGenInit | RunSpec | { type: 'close' }

export interface ConnectedReply {
  type: 'connected'
  connected: number
  failed: number
  firstError?: string
  elapsedMs: number
}

export interface RunReply {
  type: 'run-done'
  sent: number
  acked: number
  /** publishes whose callback carried an error (never counted as acked) */
  failed: number
  /** publishes still unacknowledged when the drain timed out */
  unacked: number
  /** acked count per device id, for a per-device loss check */
  ackedByDevice: Record<string, number>
  firstPublishMs: number
  lastPublishMs: number
  lastAckMs: number
  /** open loop only: how far the generator fell behind its schedule at worst */
  maxLagMs: number
  disconnects: number
}

export type LoadGenReply = ConnectedReply | RunReply | { type: 'closed' } | { type: 'error'; message: string }

export interface BareInit {
  type: 'init'
  /** undefined: broker only (memory runs without a store) */
  influxUrl?: string
  db: string
  batchSize: number
  maxWritesInFlight: number
  flushIntervalMs: number
}

export type BareRequest = BareInit | { type: 'stats' } | { type: 'close' }

export interface BareStats {
  type: 'stats'
  received: number
  written: number
  writeErrors: number
  pendingLines: number
}

export type BareReply =
  | { type: 'ready'; mqttPort: number; pid: number }
  | BareStats
  | { type: 'closed' }
  | { type: 'error'; message: string }

/** One socket.io client of bench/live-clients.ts: its API token and the site it subscribes to. */
export interface LiveClientSpec {
  token: string
  siteId: string
}

export interface LiveClientsInit {
  type: 'init'
  httpUrl: string
  clients: LiveClientSpec[]
  /** how the clients ask for readings (handshake `readings`): batched as the console does, or one event each */
  readings: ReadingDelivery
  /** latency histogram range: 1 ms buckets up to this, anything slower counted in the last one */
  maxMs: number
}

export type LiveClientsRequest = LiveClientsInit | { type: 'reset' } | { type: 'stats' } | { type: 'close' }

export interface LiveClientsStats {
  type: 'stats'
  /** `reading` events received since the last reset */
  received: number
  /** readings per client (in init order) per device id, since the last reset */
  byClient: Record<string, number>[]
  /** [ms, count] for every non-empty 1 ms bucket of arrival wall clock − reading `ts` */
  histogram: [number, number][]
  /** sockets disconnected since init */
  disconnects: number
}

export type LiveClientsReply =
  | { type: 'ready'; connected: number; failed: number; firstError?: string; elapsedMs: number }
  | { type: 'reset-done' }
  | LiveClientsStats
  | { type: 'closed' }
  | { type: 'error'; message: string }
