// socket.io live updates fed by the broker (in this process, or over the service MQTT client: live-source.ts).
// Status and events are subscribed for every
// device (`devices/+/status`, `devices/+/events`); telemetry only for devices someone watches,
// ref-counted, so an idle dashboard costs the broker nothing per reading. A socket that asked for batched
// readings in its handshake joins the rooms of its own kind (`batched:site:x`) and gets each site's readings
// as one `readings` array per tick (reading-batcher.ts); every other event goes to both kinds of room.
import type { Socket as NetSocket } from 'node:net'
import type { Logger } from 'pino'
import type { Server, Socket } from 'socket.io'
import { decodeMessage } from '../domain/decode-message.ts'
import type {
  ClientToServerEvents,
  LiveAlert,
  LiveReading,
  ReadingDelivery,
  ServerToClientEvents,
  SubscribeAck,
  SubscribeTarget,
} from '../domain/live-events.ts'
import { liveRoom, READING_DELIVERIES } from '../domain/live-events.ts'
import { parseDeviceTopic, topics } from '../domain/topics.ts'
import { createLookupCache, isValidId, type Registry } from '../registry/index.ts'
import type { Authenticator, Principal } from './auth.ts'
import { handshakePrincipal } from './live-auth.ts'
import { startLiveBacklogGuard } from './live-backlog.ts'
import type { LiveSource } from './live-source.ts'
import type { ApiMetrics } from './metrics.ts'
import { createReadingBatcher } from './reading-batcher.ts'

export interface SocketData {
  principal: Principal
  /** subscription key (`site:x` / `device:y`) → device ids whose telemetry it holds */
  watches: Map<string, string[]>
  readings: ReadingDelivery
}

export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>

export interface LiveFeed {
  /** Resolves once the status and event feed subscriptions are acknowledged by the broker. */
  ready: Promise<void>
  /** A device joined a site: clients watching the site now get its readings too. */
  deviceAdded(device: { id: string; siteId: string }): Promise<void>
  /** Sends an alert (on every change of state) to its device's and site's rooms. */
  emitAlert(alert: LiveAlert): void
  close(): Promise<void>
}

/** The room a `batched` socket joins instead of `room`: batched and per-reading sockets never share one. */
const batchedRoom = (room: string) => `batched:${room}`

/** The handshake's `auth.readings`: absent means `each`, as before v1.2. */
function deliveryOf(auth: unknown): ReadingDelivery | undefined {
  const raw = (auth as { readings?: unknown } | undefined)?.readings
  if (raw === undefined) return 'each'
  return READING_DELIVERIES.find((d) => d === raw)
}

const notFound = (what: string): SubscribeAck => ({
  ok: false,
  error: 'NOT_FOUND',
  message: `${what} does not exist`,
})

function targetOf(raw: unknown): SubscribeTarget | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined
  const { siteId, deviceId } = raw as Record<string, unknown>
  if (typeof siteId === 'string' && deviceId === undefined && isValidId(siteId)) return { siteId }
  if (typeof deviceId === 'string' && siteId === undefined && isValidId(deviceId)) return { deviceId }
  return undefined
}

export function createLiveFeed(deps: {
  io: LiveServer
  registry: Registry
  auth: Authenticator
  /** origins besides this server's own whose pages may connect with the session cookie */
  allowedOrigins?: readonly string[]
  /** where device messages come from; none: alerts only */
  source?: LiveSource
  log: Logger
  metrics: ApiMetrics
  now: () => number
  /** how long a batched socket's readings wait to be sent together (reading-batcher.ts) */
  batchIntervalMs?: number
}): LiveFeed {
  const { io, registry, source, log, metrics } = deps
  const rooms = io.sockets.adapter.rooms

  // Every socket.io packet to a websocket client used to be a TCP write of its own (one syscall, and on
  // loopback the receiver's work as well): with 10 clients per site that was most of the service's main
  // thread, which the broker shares (bench phase `fanout`). So emits are queued and sent together once per
  // event-loop turn, and each client's flush of the packets engine.io held back meanwhile is corked into
  // one write. The events, their payloads and their order on the wire are unchanged.
  const queue: (() => void)[] = []
  let scheduled = false
  const sendQueued = () => {
    scheduled = false
    for (const emit of queue.splice(0)) emit()
  }
  const later = (emit: () => void) => {
    queue.push(emit)
    if (!scheduled) {
      scheduled = true
      setImmediate(sendQueued)
    }
  }
  // device id → sockets' references and the pending/complete MQTT subscription
  const telemetryRefs = new Map<string, { count: number; subscribed: Promise<void> }>()

  // a failed subscribe leaves the feed quiet for that topic, it does not fail the client's request
  const sourceSubscribe = (topics: string[], qos: 0 | 1): Promise<void> =>
    source ? source.subscribe(topics, qos) : Promise.resolve()

  /** Resolves once the broker has acknowledged every needed telemetry subscription. */
  const watch = (ids: readonly string[]): Promise<unknown> => {
    const pending = ids.map((id) => {
      const ref = telemetryRefs.get(id)
      if (ref) {
        ref.count++
        return ref.subscribed
      }
      const subscribed = sourceSubscribe([topics.telemetry(id)], 0)
      telemetryRefs.set(id, { count: 1, subscribed })
      return subscribed
    })
    metrics.liveTelemetrySubscriptions.set(telemetryRefs.size)
    return Promise.all(pending)
  }
  const unwatch = (ids: readonly string[]) => {
    for (const id of ids) {
      const ref = telemetryRefs.get(id)
      if (!ref) continue
      if (--ref.count > 0) continue
      telemetryRefs.delete(id)
      source?.unsubscribe([topics.telemetry(id)])
    }
    metrics.liveTelemetrySubscriptions.set(telemetryRefs.size)
  }

  io.use((socket, next) => {
    const who = handshakePrincipal(deps.auth, socket.handshake, deps.allowedOrigins ?? [])
    if ('refusal' in who) {
      const err = new Error('unauthorized') as Error & { data?: unknown }
      err.data = { error: 'UNAUTHORIZED', message: who.refusal }
      return next(err)
    }
    const readings = deliveryOf(socket.handshake.auth)
    if (!readings) {
      const err = new Error('bad request') as Error & { data?: unknown }
      err.data = {
        error: 'BAD_REQUEST',
        message: `auth.readings must be one of ${READING_DELIVERIES.join(', ')}`,
      }
      return next(err)
    }
    socket.data.principal = who.principal
    socket.data.watches = new Map()
    socket.data.readings = readings
    next()
  })

  const subscribe = async (socket: LiveSocket, raw: unknown): Promise<SubscribeAck> => {
    const target = targetOf(raw)
    if (!target)
      return { ok: false, error: 'BAD_REQUEST', message: 'subscribe to { siteId } or { deviceId }' }
    const { tenantId } = socket.data.principal
    let room: string
    let ids: string[]
    if ('siteId' in target) {
      if (!registry.getSite(target.siteId, { tenantId })) return notFound(`site ${target.siteId}`)
      room = liveRoom.site(target.siteId)
      ids = registry.deviceIdsOfSite(target.siteId)
    } else {
      if (!registry.getDevice(target.deviceId, { tenantId })) return notFound(`device ${target.deviceId}`)
      room = liveRoom.device(target.deviceId)
      ids = [target.deviceId]
    }
    if (!socket.data.watches.has(room)) {
      socket.data.watches.set(room, ids)
      socket.join(socket.data.readings === 'batched' ? batchedRoom(room) : room)
      await watch(ids)
    }
    return { ok: true }
  }

  const unsubscribe = (socket: LiveSocket, raw: unknown): SubscribeAck => {
    const target = targetOf(raw)
    if (!target)
      return { ok: false, error: 'BAD_REQUEST', message: 'unsubscribe from { siteId } or { deviceId }' }
    const room = 'siteId' in target ? liveRoom.site(target.siteId) : liveRoom.device(target.deviceId)
    const ids = socket.data.watches.get(room)
    if (ids) {
      socket.data.watches.delete(room)
      unwatch(ids)
      socket.leave(socket.data.readings === 'batched' ? batchedRoom(room) : room)
    }
    return { ok: true }
  }

  io.on('connection', (socket) => {
    metrics.liveClients.inc()
    // engine.io emits `flush` before it hands its buffered packets to the transport and `drain` right
    // after, in the same call: corking the TCP socket in between makes them one write
    let corked: NetSocket | undefined
    socket.conn.on('flush', () => {
      if (corked) return
      corked = tcpSocketOf(socket.conn.transport)
      corked?.cork()
    })
    socket.conn.on('drain', () => {
      corked?.uncork()
      corked = undefined
    })
    socket.on('subscribe', (target, ack) => {
      // the ack comes after the broker's SUBACK, so a client that got `ok` misses no reading
      subscribe(socket, target).then(
        (res) => typeof ack === 'function' && ack(res),
        (err) => {
          log.error({ err }, 'live subscribe failed')
          if (typeof ack === 'function')
            ack({ ok: false, error: 'INTERNAL', message: 'subscribing failed; try again' })
        },
      )
    })
    socket.on('unsubscribe', (target, ack) => {
      const res = unsubscribe(socket, target)
      if (typeof ack === 'function') ack(res)
    })
    socket.on('disconnect', () => {
      metrics.liveClients.dec()
      for (const ids of socket.data.watches.values()) unwatch(ids)
      socket.data.watches.clear()
    })
  })

  // one SQLite lookup per device per 2 s, not one per live message; a device provisioned now is forgotten
  // at once (deviceAdded), one decommissioned is disconnected by the broker
  const devices = createLookupCache({ lookup: (id) => registry.findDevice(id), ttlMs: 2000, now: Date.now })
  const batcher = createReadingBatcher({
    intervalMs: deps.batchIntervalMs,
    send: (siteId, readings) => later(() => sendBatch(siteId, readings)),
  })
  const sendBatch = (siteId: string, readings: LiveReading[]) => {
    const siteRoom = batchedRoom(liveRoom.site(siteId))
    if (rooms.has(siteRoom)) io.to(siteRoom).emit('readings', readings)
    // a socket watching single devices (not their site) gets their part of the batch
    let parts: Map<string, LiveReading[] | null> | undefined
    for (const r of readings) {
      parts ??= new Map()
      let part = parts.get(r.deviceId)
      if (part === undefined) {
        part = rooms.has(batchedRoom(liveRoom.device(r.deviceId))) ? [] : null
        parts.set(r.deviceId, part)
      }
      part?.push(r)
    }
    for (const [deviceId, part] of parts ?? [])
      if (part)
        io.to(batchedRoom(liveRoom.device(deviceId)))
          .except(siteRoom)
          .emit('readings', part)
  }

  const onMessage = (topic: string, payload: Buffer) => {
    const t = parseDeviceTopic(topic)
    if (!t) return
    const device = devices.get(t.deviceId)
    if (!device) return
    const decoded = decodeMessage(topic, payload, device, deps.now())
    if (!decoded.ok) {
      log.debug({ deviceId: t.deviceId, reason: decoded.reason }, 'live message skipped')
      return
    }
    const m = decoded.value
    const deviceRoom = liveRoom.device(device.id)
    const siteRoom = liveRoom.site(device.siteId)
    switch (m.type) {
      case 'telemetry': {
        const msg = { deviceId: device.id, siteId: device.siteId, kind: m.kind, reading: m.reading }
        // socket.io would serialise a broadcast even for empty rooms
        if (rooms.has(deviceRoom) || rooms.has(siteRoom))
          later(() => io.to([deviceRoom, siteRoom]).emit('reading', msg))
        if (rooms.has(batchedRoom(deviceRoom)) || rooms.has(batchedRoom(siteRoom))) batcher.add(msg)
        metrics.liveMessages.inc({ type: 'reading' })
        return
      }
      case 'status': {
        const msg = { deviceId: device.id, online: m.online, at: deps.now() }
        const all = everyRoom(deviceRoom, siteRoom)
        later(() => io.to(all).emit('device-status', msg))
        metrics.liveMessages.inc({ type: 'device-status' })
        return
      }
      case 'event': {
        const msg = { deviceId: device.id, siteId: device.siteId, kind: m.kind, event: m.event }
        const all = everyRoom(deviceRoom, siteRoom)
        later(() => io.to(all).emit('event', msg))
        metrics.liveMessages.inc({ type: 'event' })
        return
      }
      case 'command_ack':
        // the command service's, not the live feed's
        return
      default:
        m satisfies never
    }
  }
  /** Both kinds of room; the readings held for batches go out first, so every socket sees the service's order. */
  const everyRoom = (deviceRoom: string, siteRoom: string) => {
    batcher.flush()
    return [deviceRoom, siteRoom, batchedRoom(deviceRoom), batchedRoom(siteRoom)]
  }

  const backlogGuard = startLiveBacklogGuard({ io, log })

  const FEED_TOPICS = ['devices/+/status', 'devices/+/events']
  const stopMessages = source?.onMessage(onMessage)
  if (!source) log.warn({}, 'no broker to feed from: live updates carry alerts only')
  const ready = sourceSubscribe(FEED_TOPICS, 1)

  return {
    ready,
    async deviceAdded(device) {
      devices.forget(device.id)
      const room = liveRoom.site(device.siteId)
      const pending: Promise<unknown>[] = []
      for (const socketId of [...(rooms.get(room) ?? []), ...(rooms.get(batchedRoom(room)) ?? [])]) {
        const ids = io.sockets.sockets.get(socketId)?.data.watches.get(room)
        if (!ids || ids.includes(device.id)) continue
        ids.push(device.id)
        pending.push(watch([device.id]))
      }
      await Promise.all(pending)
    },
    emitAlert(alert) {
      // through the same queue, so clients get the live events in the order the service produced them
      const all = everyRoom(liveRoom.device(alert.deviceId), liveRoom.site(alert.siteId))
      later(() => io.to(all).emit('alert', alert))
      metrics.liveMessages.inc({ type: 'alert' })
    },
    async close() {
      batcher.flush()
      sendQueued()
      batcher.stop()
      backlogGuard.stop()
      if (!source) return
      stopMessages?.()
      const watched = [...telemetryRefs.keys()].map((id) => topics.telemetry(id))
      telemetryRefs.clear()
      await source.close([...FEED_TOPICS, ...watched])
    },
  }
}

/** The TCP socket under a websocket transport (ws keeps it as `_socket`); undefined for long-polling. */
function tcpSocketOf(transport: { name: string }): NetSocket | undefined {
  if (transport.name !== 'websocket') return undefined
  return (transport as { socket?: { _socket?: NetSocket } }).socket?._socket
}
