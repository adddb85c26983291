// The MQTT broker: aedes 1.x with our authentication, ACL, durable (spool-before-PUBACK) publishes,
// socket-level packet size limit, listeners and metrics.
import { Aedes, type Client } from 'aedes'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { topics } from '../domain/topics.ts'
import type { DeviceDirectory } from '../registry/index.ts'
import type { SpoolWriter } from '../spool/index.ts'
import { createAedesHooks } from './aedes-hooks.ts'
import { createAuthCache } from './auth-cache.ts'
import { createBrokerMetrics } from './broker-metrics.ts'
import { startListeners } from './listeners.ts'
import { createQos2Receipts, observeQos2Release } from './qos2-receipts.ts'
import type { BrokerConfig, BrokerHandle } from './types.ts'

export interface BrokerDeps {
  directory: DeviceDirectory
  spool: SpoolWriter
  log: Logger
  metrics: Registry
  config: BrokerConfig
}

type AedesClient = Client & { _disconnected?: boolean }
const OFFLINE = Buffer.from('offline')

export async function createBroker(deps: BrokerDeps): Promise<BrokerHandle> {
  const log = deps.log.child({ component: 'broker' })
  const config = {
    ...deps.config,
    host: deps.config.host || '127.0.0.1',
    maxPacketBytes: deps.config.maxPacketBytes ?? 65_536,
  }
  const cache = createAuthCache(config.authCacheMax)
  // the bound of QoS 2 messages awaiting PUBREL, per client id across its connections
  const qos2 = createQos2Receipts({ maxPerClient: config.qos2InflightMax ?? 100 })
  let devices = 0
  const metrics = createBrokerMetrics(deps.metrics, { spool: deps.spool, connectedDevices: () => devices })
  let aedes: Aedes | undefined
  const hooks = createAedesHooks({
    qos2,
    directory: deps.directory,
    spool: deps.spool,
    log,
    metrics,
    cache,
    keepaliveLimitS: config.keepaliveLimitS ?? 1800,
    onRevoke: (deviceId) => {
      const client = (aedes as unknown as { clients: Record<string, Client> } | undefined)?.clients[deviceId]
      // an unclean close: the device's Will (status offline) is published and spooled
      client?.close()
    },
  })

  aedes = await Aedes.createBroker({
    // mqemitter's default concurrency (100) makes its queue shift() dominate under backlog (measurements.md)
    concurrency: 0,
    // aedes' default of 23 (an MQTT 3.1 limit) would refuse valid 64-character device ids
    maxClientsIdLength: 128,
    maxTopicLevels: config.maxTopicLevels ?? 8,
    connectTimeout: config.connectTimeoutMs ?? 10_000,
    drainTimeout: config.drainTimeoutMs ?? 30_000,
    // enforced in validateConnect instead: aedes' own check also refuses keep alive 0
    keepaliveLimit: 0,
    preConnect: hooks.preConnect,
    authenticate: hooks.authenticate,
    authorizePublish: hooks.authorizePublish,
    authorizeSubscribe: hooks.authorizeSubscribe,
  })
  const broker = aedes
  observeQos2Release(broker, qos2)

  broker.on('client', (client) => {
    const identity = hooks.identityOf(client)
    if (identity?.type === 'device') devices++
    metrics.connects.inc({ type: identity?.type ?? 'unknown' })
  })
  broker.on('clientDisconnect', (client) => {
    const identity = hooks.identityOf(client)
    metrics.disconnects.inc({ type: identity?.type ?? 'unknown' })
    if (identity?.type !== 'device') return
    devices--
    // A Will covers an unclean end. After a clean DISCONNECT (or without a Will) nobody tells the
    // status topic: say `offline` ourselves, durably first, like any device publish.
    if (!(client as AedesClient)._disconnected && hooks.hadWill(client)) return
    if (hooks.isTakenOver(client, identity.deviceId)) return
    publishOffline(identity.deviceId)
  })
  broker.on('connectionError', (_client, err) => log.debug({ err }, 'connection error before CONNECT'))
  broker.on('clientError', (client, err) =>
    log.debug({ clientId: client.id, err: err.message }, 'client error'),
  )

  function publishOffline(deviceId: string): void {
    const topic = topics.status(deviceId)
    deps.spool.append(topic, OFFLINE, (err) => {
      if (err) {
        metrics.spoolErrors.inc()
        log.error({ err, deviceId }, 'offline status not spooled')
        return
      }
      // reconnected meanwhile: its own `online` follows in the spool; do not overwrite the retained one
      const current = (broker as unknown as { clients: Record<string, Client> }).clients[deviceId]
      if (current !== undefined || broker.closed) return
      broker.publish(
        { cmd: 'publish', topic, payload: OFFLINE, qos: 1, retain: true, dup: false },
        (pubErr) => {
          if (pubErr) log.warn({ err: pubErr, deviceId }, 'offline status not published')
        },
      )
    })
  }

  const listeners = await startListeners(broker, config, log, () => metrics.oversizePackets.inc())
  log.info({ ports: listeners.ports }, 'broker listening')

  return {
    ports: listeners.ports,
    aedes: broker,
    connectedDevices: () => devices,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      await listeners.close()
    },
  }
}
