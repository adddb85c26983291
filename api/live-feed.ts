// socket.io live updates fed by the broker (in this process, or over the service MQTT client: live-source.ts).
// Status and events are subscribed for every
// device (`devices/+/status`, `devices/+/events`); telemetry only for devices someone watches,
// ref-counted, so an idle dashboard costs the broker nothing per reading. What goes out, in which order and
// to which rooms (per-reading or batched sockets): live-outbox.ts.
import type { Logger } from 'pino'
import type { Server, Socket } from 'socket.io'
import { decodeMessage } from '../domain/decode-message.ts'
import type {
  ClientToServerEvents,
  LiveAlert,
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
import { batchedRoom, createLiveOutbox } from './live-outbox.ts'
import type { LiveSource } from './live-source.ts'
import type { ApiMetrics } from './metrics.ts'

export interface SocketData {
  principal: Principal
  /** subscription key (`site:x` / `device:y` / `alerts:…`) → device ids whose telemetry it holds */
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
  /** Sends an alert (on every change of state) to its device's, site's and tenant's alert rooms. */
  emitAlert(alert: LiveAlert): void
  close(): Promise<void>
}

/** The handshake's `auth.readings`: absent means `each`, as before v1.2. */
function deliveryOf(auth: unknown): ReadingDelivery | undefined {
  const raw = (auth as { readings?: unknown } | undefined)?.readings
  if (raw === undefined) return 'each'
  return READING_DELIVERIES.find((d) => d === raw)
}

const BAD_TARGET = "{ siteId }, { deviceId } or { alerts: 'all' }"

const notFound = (what: string): SubscribeAck => ({
  ok: false,
  error: 'NOT_FOUND',
  message: `${what} does not exist`,
})

function targetOf(raw: unknown): SubscribeTarget | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined
  const { siteId, deviceId, alerts } = raw as Record<string, unknown>
  // as before the alerts target: one of siteId and deviceId (other keys are not looked at); alerts alone
  const one = (a: unknown, b: unknown) => a === undefined && b === undefined
  if (typeof siteId === 'string' && one(deviceId, alerts) && isValidId(siteId)) return { siteId }
  if (typeof deviceId === 'string' && one(siteId, alerts) && isValidId(deviceId)) return { deviceId }
  if (alerts === 'all' && one(siteId, deviceId)) return { alerts }
  return undefined
}

/**
 * A (un)subscribe's target and ack. socket.io passes the ack as the last argument, so one sent without a
 * target arrives as the first: it gets its BAD_REQUEST instead of waiting for an answer that never came.
 */
function targetAndAck(args: unknown[]): [unknown, ((res: SubscribeAck) => void) | undefined] {
  const last = args.at(-1)
  const ack = typeof last === 'function' ? (last as (res: SubscribeAck) => void) : undefined
  return [ack !== undefined && args.length === 1 ? undefined : args[0], ack]
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

  const outbox = createLiveOutbox({ io, log, batchIntervalMs: deps.batchIntervalMs })
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
    if (!target) return { ok: false, error: 'BAD_REQUEST', message: `subscribe to ${BAD_TARGET}` }
    const { tenantId } = socket.data.principal
    if ('alerts' in target) {
      // alerts only, no readings: nothing to watch on the broker, and no batched twin of the room
      const room = liveRoom.alerts(tenantId)
      if (!socket.data.watches.has(room)) {
        socket.data.watches.set(room, [])
        socket.join(room)
      }
      return { ok: true }
    }
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
    if (!target) return { ok: false, error: 'BAD_REQUEST', message: `unsubscribe from ${BAD_TARGET}` }
    const room =
      'alerts' in target
        ? liveRoom.alerts(socket.data.principal.tenantId)
        : 'siteId' in target
          ? liveRoom.site(target.siteId)
          : liveRoom.device(target.deviceId)
    const ids = socket.data.watches.get(room)
    if (ids) {
      socket.data.watches.delete(room)
      unwatch(ids)
      socket.leave(socket.data.readings === 'batched' && !('alerts' in target) ? batchedRoom(room) : room)
    }
    return { ok: true }
  }

  io.on('connection', (socket) => {
    metrics.liveClients.inc()
    outbox.corkFlushes(socket.conn)
    socket.on('subscribe', (...args) => {
      const [target, ack] = targetAndAck(args)
      // the ack comes after the broker's SUBACK, so a client that got `ok` misses no reading
      subscribe(socket, target).then(
        (res) => ack?.(res),
        (err) => {
          log.error({ err }, 'live subscribe failed')
          ack?.({ ok: false, error: 'INTERNAL', message: 'subscribing failed; try again' })
        },
      )
    })
    socket.on('unsubscribe', (...args) => {
      const [target, ack] = targetAndAck(args)
      ack?.(unsubscribe(socket, target))
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
  const onMessage = (topic: string, payload: Buffer) => {
    // no socket at all (every socket sits in a room of its own id): no lookup, no decode
    if (rooms.size === 0) return
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
    const to = { deviceId: device.id, siteId: device.siteId }
    switch (m.type) {
      case 'telemetry':
        outbox.reading({ deviceId: device.id, siteId: device.siteId, kind: m.kind, reading: m.reading })
        metrics.liveMessages.inc({ type: 'reading' })
        return
      case 'status':
        outbox.send(to, 'device-status', { deviceId: device.id, online: m.online, at: deps.now() })
        metrics.liveMessages.inc({ type: 'device-status' })
        return
      case 'event':
        outbox.send(to, 'event', {
          deviceId: device.id,
          siteId: device.siteId,
          kind: m.kind,
          event: m.event,
        })
        metrics.liveMessages.inc({ type: 'event' })
        return
      case 'command_ack':
        // the command service's, not the live feed's
        return
      default:
        m satisfies never
    }
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
      // and to whoever watches the alerts of the site's tenant, or of every tenant (one indexed lookup per
      // change of an alert, which is rare next to readings)
      const tenantId = registry.getSite(alert.siteId)?.tenantId
      const alertRooms = [liveRoom.alerts(null)]
      if (tenantId !== undefined) alertRooms.push(liveRoom.alerts(tenantId))
      // through the same queue, so clients get the live events in the order the service produced them
      outbox.send({ deviceId: alert.deviceId, siteId: alert.siteId, rooms: alertRooms }, 'alert', alert)
      metrics.liveMessages.inc({ type: 'alert' })
    },
    async close() {
      outbox.close()
      backlogGuard.stop()
      if (!source) return
      stopMessages?.()
      const watched = [...telemetryRefs.keys()].map((id) => topics.telemetry(id))
      telemetryRefs.clear()
      await source.close([...FEED_TOPICS, ...watched])
    },
  }
}
