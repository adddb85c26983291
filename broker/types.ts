// Public face of the broker part.
import type { Duplex } from 'node:stream'
import type { Aedes } from 'aedes'
import type { AuthLimits } from './auth-guard.ts'

/** Who a connection is, decided at CONNECT. Devices: clientId = username = device id. */
export type Identity = { type: 'device'; deviceId: string } | { type: 'service'; name: string }

export interface BrokerConfig {
  /** bind address of every listener (default 127.0.0.1) */
  host: string
  /** MQTT over TCP; 0 picks a free port */
  mqttPort: number
  /** MQTT over WebSocket on path `/mqtt`, when set */
  wsPort?: number
  /** MQTT over TLS, when set together with tlsCert and tlsKey (PEM) */
  tlsPort?: number
  tlsCert?: string | Buffer
  tlsKey?: string | Buffer
  /** whole MQTT packet, checked at the socket before aedes buffers it (default 65536) */
  maxPacketBytes?: number
  /** topic levels per PUBLISH/SUBSCRIBE (default 8: `devices/{id}/commands/ack` has 4) */
  maxTopicLevels?: number
  /** time a connection gets to send CONNECT (default 10000) */
  connectTimeoutMs?: number
  /** a subscriber whose socket does not drain within this is disconnected (default 30000) */
  drainTimeoutMs?: number
  /** largest payload kept as a retained message; only a device's status is retained (default 64) */
  retainMaxBytes?: number
  /** QoS 2 PUBLISHes a connection may have awaiting PUBREL; one more closes it (default 100) */
  qos2InflightMax?: number
  /** rate limits of CONNECT attempts and failures, bound on concurrent secret checks (auth-guard.ts) */
  auth?: Partial<AuthLimits>
  /** 'connect refused' lines logged per interval before the rest are only counted (default 20 per 60 s) */
  authLogFirst?: number
  authLogIntervalMs?: number
  /** devices whose verified secret hash is kept in memory (default 100000) */
  authCacheMax?: number
  /** where the verified secrets are kept across restarts (auth-cache-file.ts); unset: memory only */
  authCacheFile?: string
  /** how often a changed cache is written to authCacheFile besides at close (default 60000) */
  authCacheSaveMs?: number
}

export interface BrokerHandle {
  /** ports actually bound (once listening) */
  readonly ports: { mqtt: number; ws?: number; tls?: number }
  /** opens the listeners (at once unless created with `deferListen`); resolves with their ports */
  listen(): Promise<{ mqtt: number; ws?: number; tls?: number }>
  listening(): boolean
  /** the aedes instance: tests, and the live feed's in-process subscription (service/aedes-live-source.ts) */
  aedes: Aedes
  /** devices with an established session */
  connectedDevices(): number
  /** this device has an established connection to this broker now */
  isConnected(deviceId: string): boolean
  /**
   * A connection from inside this process, as service account `name`: the stream an MQTT client speaks
   * over. Trusted by how it was made (no secret, no authentication limits), so a reconnect storm that
   * fills the secret checks' queue cannot refuse the node its own client.
   */
  connectInternal(name: string): Duplex
  close(): Promise<void>
}
