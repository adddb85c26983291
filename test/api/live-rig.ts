// The live feed's test rig: a real aedes broker on TCP, the API's service MQTT client, a device client that
// publishes as any device (the broker here has no policy), the API harness with two tenants, and
// socket.io clients that are closed with the rig.
import { once } from 'node:events'
import { createServer, type Server as NetServer } from 'node:net'
import { Aedes } from 'aedes'
import mqtt, { type MqttClient } from 'mqtt'
import { io as ioClient, type Socket } from 'socket.io-client'
import type {
  ClientToServerEvents,
  LiveHandshakeAuth,
  ServerToClientEvents,
  SubscribeAck,
  SubscribeTarget,
} from '../../domain/live-events.ts'
import { type Harness, seedTenants, startHarness } from './api-harness.ts'

export type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>

export interface LiveRig {
  mqttUrl: string
  /** the API's own MQTT client */
  service: MqttClient
  /** publishes as any device */
  device: MqttClient
  h: Harness
  tokens: ReturnType<typeof seedTenants>
  /** a client that is not yet connected; `auth` as the handshake's (token left out when undefined) */
  connect(token?: string, auth?: Record<string, unknown>): LiveClient
  /** a connected client */
  connected(token: string, auth?: Omit<LiveHandshakeAuth, 'token'>): Promise<LiveClient>
  close(): Promise<void>
}

export async function startLiveRig(influxUrl: string): Promise<LiveRig> {
  const broker = await Aedes.createBroker()
  const tcp: NetServer = createServer(broker.handle)
  tcp.listen(0, '127.0.0.1')
  await once(tcp, 'listening')
  const addr = tcp.address()
  const mqttUrl = `mqtt://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`
  const service = await mqtt.connectAsync(mqttUrl, { clientId: 'svc-api-test', reconnectPeriod: 0 })
  const device = await mqtt.connectAsync(mqttUrl, { clientId: 'pile-01', reconnectPeriod: 0 })
  const h = await startHarness({ influxUrl, mqtt: service })
  const tokens = seedTenants(h)
  await h.registry.provisionDevice({ id: 'pile-01', kind: 'charging-pile', siteId: 'acme-shed' })
  await h.registry.provisionDevice({ id: 'pile-02', kind: 'charging-pile', siteId: 'acme-shed' })
  await h.registry.provisionDevice({ id: 'bravo-pile', kind: 'charging-pile', siteId: 'bravo-shed' })
  await h.api.live.ready
  const sockets: LiveClient[] = []

  const connect: LiveRig['connect'] = (token, auth = {}) => {
    const s: LiveClient = ioClient(h.base, {
      path: '/socket.io',
      auth: token === undefined ? auth : { ...auth, token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    })
    sockets.push(s)
    return s
  }

  return {
    mqttUrl,
    service,
    device,
    h,
    tokens,
    connect,
    async connected(token, auth) {
      const s = connect(token, auth)
      await new Promise<void>((resolve, reject) => {
        s.once('connect', resolve)
        s.once('connect_error', reject)
      })
      return s
    },
    async close() {
      for (const s of sockets) s.disconnect()
      await h.close()
      await device.endAsync(true)
      await service.endAsync(true)
      await new Promise<void>((r) => broker.close(() => r()))
      await new Promise<void>((r) => tcp.close(() => r()))
    },
  }
}

/** The next `name` event's payload. */
export function nextLive<E extends keyof ServerToClientEvents>(
  s: LiveClient,
  name: E,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve) => {
    s.once(name, ((msg: Parameters<ServerToClientEvents[E]>[0]) => resolve(msg)) as never)
  })
}

export const subscribeLive = (s: LiveClient, target: SubscribeTarget) =>
  s.timeout(10_000).emitWithAck('subscribe', target) as Promise<SubscribeAck>

/** A charging-pile reading with this `seq`, stamped now. */
export const pileReading = (seq: number) =>
  JSON.stringify({
    ts: Date.now(),
    seq,
    kind: 'charging-pile',
    feeder: { voltageV: 229.6, currentA: 5.02, powerW: 1042 },
    ports: [{ port: 1, state: 'charging', powerW: 183.2 }],
  })
