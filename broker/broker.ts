// The MQTT broker: aedes 1.x with our authentication, ACL, durable (spool-before-PUBACK) publishes,
// socket-level packet size limit, listeners and metrics.
import { Aedes, type Client } from 'aedes'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { topics } from '../domain/topics.ts'
import type { CredentialDirectory, DeviceDirectory } from '../registry/index.ts'
import type { SpoolWriter } from '../spool/index.ts'
import { createAedesHooks } from './aedes-hooks.ts'
import { createAuthCache } from './auth-cache.ts'
import { keepAuthCacheFile } from './auth-cache-file.ts'
import { createAuthGuard, DEFAULT_AUTH_LIMITS } from './auth-guard.ts'
import { createBrokerMetrics } from './broker-metrics.ts'
import { createBrokerPersistence } from './broker-persistence.ts'
import { duplexPair } from './internal-stream.ts'
import { acceptQueueWarning, readSomaxconn, startListeners } from './listeners.ts'
import { createLogSampler } from './log-sampler.ts'
import { createQos2Receipts, observeQos2Release } from './qos2-receipts.ts'
import type { BrokerConfig, BrokerHandle } from './types.ts'

export interface BrokerDeps {
  /** the registry: secrets, and credential versions to end connections that outlived a rotation */
  directory: DeviceDirectory & CredentialDirectory
  spool: SpoolWriter
  log: Logger
  metrics: Registry
  config: BrokerConfig
  /** clock of the rate limits (default Date.now) */
  now?: () => number
  /**
   * Open no listener until `listen()`: the node starts its other parts first, so devices reconnecting at
   * once after a restart are refused by the kernel (cheap) instead of waiting in the accept queue while
   * the main thread is still busy starting up. Default: listen at once.
   */
  deferListen?: boolean
}

type AedesClient = Client & { _disconnected?: boolean }
const OFFLINE = Buffer.from('offline')
/** how often the authentication limits forget buckets that are full again */
const AUTH_SWEEP_MS = 10_000

export async function createBroker(deps: BrokerDeps): Promise<BrokerHandle> {
  const log = deps.log.child({ component: 'broker' })
  const config = {
    ...deps.config,
    host: deps.config.host || '127.0.0.1',
    maxPacketBytes: deps.config.maxPacketBytes ?? 65_536,
  }
  const cache = createAuthCache(config.authCacheMax)
  // after a restart the fleet reconnects at once: verified secrets from the last run spare it the scrypt
  const cacheFile =
    config.authCacheFile === undefined
      ? undefined
      : keepAuthCacheFile({
          path: config.authCacheFile,
          cache,
          log,
          intervalMs: config.authCacheSaveMs ?? 60_000,
        })
  if (cacheFile) log.info({ entries: cacheFile.loaded }, 'verified device secrets restored')
  // the bound of QoS 2 messages awaiting PUBREL, per client id across its connections
  const qos2 = createQos2Receipts({ maxPerClient: config.qos2InflightMax ?? 100 })
  const guard = createAuthGuard({ ...DEFAULT_AUTH_LIMITS, ...config.auth }, deps.now ?? Date.now)
  // every device leaves an attempt bucket behind at CONNECT; full again within seconds, it is forgotten
  const sweeper = setInterval(() => guard.sweep(), AUTH_SWEEP_MS)
  sweeper.unref()
  const refusals = createLogSampler({
    firstN: config.authLogFirst ?? 20,
    intervalMs: config.authLogIntervalMs ?? 60_000,
    summary: (suppressed, byReason) =>
      log.warn({ suppressed, byReason }, 'connect refusals not logged one by one (sampled)'),
  })
  let devices = 0
  const metrics = createBrokerMetrics(deps.metrics, { spool: deps.spool, connectedDevices: () => devices })
  let aedes: Aedes | undefined
  /** the broker's end of each in-process connection, and the service account it speaks as */
  const internal = new WeakMap<object, string>()
  // clientId = device id (validateConnect); hasOwn, since a device may be called e.g. `constructor`
  const isConnected = (deviceId: string): boolean => hooks.connected(deviceId)
  const hooks = createAedesHooks({
    qos2,
    directory: deps.directory,
    spool: deps.spool,
    log,
    metrics,
    cache,
    guard,
    refusals,
    retainMaxBytes: config.retainMaxBytes ?? 64,
    internalName: (client) => internal.get((client as { conn?: object }).conn ?? {}),
    onRevoke: (deviceId) => {
      const client = (aedes as unknown as { clients: Record<string, Client> } | undefined)?.clients[deviceId]
      if (client === undefined) return
      // an unclean close: the device's Will (status offline) is published, spooled as the broker's word
      hooks.endedByBroker(client)
      client.close()
    },
    isConnected,
  })

  aedes = await Aedes.createBroker({
    // mqemitter's default concurrency (100) makes its queue shift() dominate under backlog (measurements.md)
    concurrency: 0,
    // aedes' memory persistence without the offline-subscription lookup per publish while there are none
    persistence: createBrokerPersistence(),
    // aedes' default of 23 (an MQTT 3.1 limit) would refuse valid 64-character device ids
    maxClientsIdLength: 128,
    maxTopicLevels: config.maxTopicLevels ?? 8,
    connectTimeout: config.connectTimeoutMs ?? 10_000,
    drainTimeout: config.drainTimeoutMs ?? 30_000,
    // per connection: QoS 2 messages held until their PUBREL; aedes' default (1000) × 64 KiB packets is
    // 64 MB that one connection withholding PUBRELs could pin. MQTT 3.1.1 has no code for it: aedes closes.
    maxInflightInbound: config.qos2InflightMax ?? 100,
    // protocol: every keep alive of MQTT 3.1.1 (0–65535 s) is accepted; aedes closes a connection silent
    // for 1.5 × its keep alive (MQTT-3.1.2-24). aedes' own limit would refuse 0 and answer code 6,
    // which MQTT 3.1.1 does not have.
    keepaliveLimit: 0,
    preConnect: hooks.preConnect,
    authenticate: hooks.authenticate,
    authorizePublish: hooks.authorizePublish,
    authorizeSubscribe: hooks.authorizeSubscribe,
  })
  const broker = aedes
  observeQos2Release(broker, qos2)

  broker.on('client', (client) => {
    hooks.registered(client)
    const identity = hooks.identityOf(client)
    if (identity?.type === 'device') devices++
    metrics.connects.inc({ type: identity?.type ?? 'unknown' })
    // registered only now: a rotation or decommission that landed since authentication (even one whose
    // revoke found nothing to close because the connection was mid-handshake) ends it here
    if (hooks.credentialStale(client)) {
      log.info({ deviceId: client.id }, 'connection closed: credential changed during the handshake')
      hooks.endedByBroker(client)
      client.close()
    }
  })
  // in-process rotations and decommissions reach the broker at once, before the API's $courtyard/revoke
  const unwatch = deps.directory.onCredentialChange((deviceId) => {
    cache.revoke(deviceId)
    const client = (broker as unknown as { clients: Record<string, Client> }).clients[deviceId]
    if (client === undefined || !hooks.credentialStale(client)) return
    log.info({ deviceId }, 'connection closed: credential rotated or device decommissioned')
    hooks.endedByBroker(client)
    client.close()
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
  // MQTT-3.1.2-24: silent for 1.5 × keep alive; aedes then closes it uncleanly and publishes the Will
  broker.on('keepaliveTimeout', (client) => hooks.endedByBroker(client))
  broker.on('connectionError', (_client, err) => log.debug({ err }, 'connection error before CONNECT'))
  broker.on('clientError', (client, err) =>
    log.debug({ clientId: client.id, err: err.message }, 'client error'),
  )

  function publishOffline(deviceId: string): void {
    const topic = topics.status(deviceId)
    deps.spool.append(topics.statusRecord(deviceId, 'broker'), OFFLINE, (err) => {
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

  let listeners: Awaited<ReturnType<typeof startListeners>> | undefined
  let listening: Promise<BrokerHandle['ports']> | undefined
  const listen = () => {
    listening ??= startListeners(broker, config, log, () => metrics.oversizePackets.inc()).then((l) => {
      listeners = l
      log.info({ ports: l.ports }, 'broker listening')
      const warning = acceptQueueWarning(readSomaxconn(), cache.size())
      if (warning) log.warn({ devices: cache.size() }, warning)
      return l.ports
    })
    return listening
  }
  if (!deps.deferListen) await listen()

  return {
    get ports() {
      if (!listeners) throw new Error('the broker is not listening yet: call listen() first')
      return listeners.ports
    },
    listen,
    listening: () => listeners !== undefined,
    aedes: broker,
    connectedDevices: () => devices,
    isConnected,
    connectInternal(name) {
      const [brokerEnd, clientEnd] = duplexPair()
      internal.set(brokerEnd, name)
      broker.handle(brokerEnd)
      return clientEnd
    },
    async close() {
      unwatch()
      clearInterval(sweeper)
      refusals.close()
      // aedes publishes every connection's Will as it closes them: the broker's word, not the devices'
      for (const client of Object.values((broker as unknown as { clients: Record<string, Client> }).clients))
        hooks.endedByBroker(client)
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      // a listen that failed (port in use) leaves nothing to close
      await listening?.catch(() => undefined)
      await listeners?.close()
      cacheFile?.close()
    },
  }
}
