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
  /** raw client: device k connects from sourceAddresses[k mod n] (unset: the kernel picks 127.0.0.1) */
  sourceAddresses?: string[]
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

/** Field mode (bench/load-gen-field.ts): report every interval, reconnect after drops like firmware. */
export interface FieldSpec {
  type: 'field'
  reportIntervalMs: number
  /** after a drop, the first reconnect waits a random time in [0, jitterMs] */
  jitterMs: number
  /** between failed attempts */
  retryMs: number
}

export interface FieldStats {
  type: 'field-stats'
  devices: number
  /** connected now */
  connected: number
  /** successful reconnects since the mark, the devices among them, and those whose first reading was PUBACKed */
  reconnected: number
  devicesBack: number
  devicesWithReading: number
  readingsAcked: number
  /** 0 until the first reconnect since the mark */
  firstReconnectMs: number
  lastReconnectMs: number
  lastReadingAckMs: number
  /** [epoch ms rounded down to 100 ms, devices]: when each device was first back since the mark */
  backAt: [number, number][]
  /** CONNACK return code → attempts refused with it, since the mark */
  refused: Record<string, number>
  /** attempts that failed without a CONNACK (no listener while the service restarts, timeouts) */
  failedAttempts: number
  lastFailure: string
  publishes: number
  acked: number
  failedPublishes: number
  /** [ms, count]: send → PUBACK of every publish sent since the mark */
  histogram: [number, number][]
}

export type LoadGenRequest =
  | LoadGenInit
  | RunSpec
  | FieldSpec
  | { type: 'field-configure'; jitterMs: number; retryMs: number }
  | { type: 'field-mark' }
  | { type: 'field-stats' }
  | { type: 'close' }

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

export type LoadGenReply =
  | ConnectedReply
  | RunReply
  | FieldStats
  | { type: 'field-ok' }
  | { type: 'closed' }
  | { type: 'error'; message: string }

export interface BareInit {
  type: 'init'
  /** undefined: broker only (memory runs without a store) */
  influxUrl?: string
  db: string
  batchSize: number
  maxWritesInFlight: number
  flushIntervalMs: number
  /** subscribe to this broker instead of starting aedes (the mosquitto pipeline) */
  brokerUrl?: string
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
