// The live feed's way out: each event to the sockets watching its device or site, in the order the service
// produced it, at as few TCP writes as the broker's thread (which this shares) can afford.
//
// Every socket.io packet to a websocket client used to be a TCP write of its own (one syscall, and on
// loopback the receiver's work as well): with 10 clients per site that was most of the service's main
// thread (bench phase `fanout`). So emits are queued and sent together once per event-loop turn, and each
// client's flush of the packets engine.io held back meanwhile is corked into one write. A socket that asked
// for batched readings sits in rooms of its own kind (`batched:site:x`) and gets each site's readings as one
// `readings` array per tick (reading-batcher.ts): one packet per client per tick instead of one per reading.
import type { Socket as NetSocket } from 'node:net'
import type { Logger } from 'pino'
import type { LiveReading, ServerToClientEvents } from '../domain/live-events.ts'
import { liveRoom } from '../domain/live-events.ts'
import type { LiveServer } from './live-feed.ts'
import { createReadingBatcher } from './reading-batcher.ts'

/** The room a `batched` socket joins instead of `room`: batched and per-reading sockets never share one. */
export const batchedRoom = (room: string) => `batched:${room}`

type OtherEvent = Exclude<keyof ServerToClientEvents, 'reading' | 'readings'>

export interface LiveOutbox {
  /** to the device's and site's watchers: one `reading` each, or in their site's next batch */
  reading(msg: LiveReading): void
  /**
   * to both kinds of room, after every reading held for a batch: every socket sees the service's order;
   * `rooms`: further rooms that get it too (sockets that watch alerts only), each socket once
   */
  send<E extends OtherEvent>(
    to: { deviceId: string; siteId: string; rooms?: readonly string[] },
    event: E,
    msg: Parameters<ServerToClientEvents[E]>[0],
  ): void
  /** makes each engine.io flush of this socket one TCP write */
  corkFlushes(conn: { on(ev: 'flush' | 'drain', f: () => void): unknown; transport: { name: string } }): void
  /** sends what is held and queued now */
  close(): void
}

export function createLiveOutbox(deps: {
  io: LiveServer
  log: Pick<Logger, 'error'>
  batchIntervalMs?: number
}): LiveOutbox {
  const { io, log } = deps
  const rooms = io.sockets.adapter.rooms
  const queue: (() => void)[] = []
  let scheduled = false
  const sendQueued = () => {
    scheduled = false
    for (const emit of queue.splice(0)) {
      // sent from a timer: a throw here (an encoder's stack overflow on a payload nobody foresaw) would end
      // the process; it costs this one message its watchers, and the rest of the queue goes out
      try {
        emit()
      } catch (err) {
        log.error({ err }, 'live message not sent')
      }
    }
  }
  const later = (emit: () => void) => {
    queue.push(emit)
    if (!scheduled) {
      scheduled = true
      setImmediate(sendQueued)
    }
  }

  const sendBatch = (siteId: string, readings: LiveReading[]) => {
    const siteRoom = batchedRoom(liveRoom.site(siteId))
    if (rooms.has(siteRoom)) io.to(siteRoom).emit('readings', readings)
    // a socket watching single devices (not their site) gets their part of the batch
    const parts = new Map<string, LiveReading[] | null>()
    for (const r of readings) {
      let part = parts.get(r.deviceId)
      if (part === undefined) {
        part = rooms.has(batchedRoom(liveRoom.device(r.deviceId))) ? [] : null
        parts.set(r.deviceId, part)
      }
      part?.push(r)
    }
    for (const [deviceId, part] of parts)
      if (part)
        io.to(batchedRoom(liveRoom.device(deviceId)))
          .except(siteRoom)
          .emit('readings', part)
  }
  const batcher = createReadingBatcher({
    intervalMs: deps.batchIntervalMs,
    send: (siteId, readings) => later(() => sendBatch(siteId, readings)),
  })

  return {
    reading(msg) {
      const deviceRoom = liveRoom.device(msg.deviceId)
      const siteRoom = liveRoom.site(msg.siteId)
      // socket.io would serialise a broadcast even for empty rooms
      if (rooms.has(deviceRoom) || rooms.has(siteRoom))
        later(() => io.to([deviceRoom, siteRoom]).emit('reading', msg))
      if (rooms.has(batchedRoom(deviceRoom)) || rooms.has(batchedRoom(siteRoom))) batcher.add(msg)
    },
    send(to, event, msg) {
      const deviceRoom = liveRoom.device(to.deviceId)
      const siteRoom = liveRoom.site(to.siteId)
      const all = [deviceRoom, siteRoom, batchedRoom(deviceRoom), batchedRoom(siteRoom), ...(to.rooms ?? [])]
      // nobody watches: nothing to order or send (socket.io would serialise it for empty rooms too; a
      // reconnect storm brings thousands of `online` statuses a second)
      if (!all.some((r) => rooms.has(r))) return
      batcher.flush()
      later(() => io.to(all).emit(event, ...([msg] as Parameters<ServerToClientEvents[typeof event]>)))
    },
    corkFlushes(conn) {
      // engine.io emits `flush` before it hands its buffered packets to the transport and `drain` right
      // after, in the same call: corking the TCP socket in between makes them one write
      let corked: NetSocket | undefined
      conn.on('flush', () => {
        if (corked) return
        corked = tcpSocketOf(conn.transport)
        corked?.cork()
      })
      conn.on('drain', () => {
        corked?.uncork()
        corked = undefined
      })
    },
    close() {
      batcher.flush()
      sendQueued()
      batcher.stop()
    },
  }
}

/** The TCP socket under a websocket transport (ws keeps it as `_socket`); undefined for long-polling. */
function tcpSocketOf(transport: { name: string }): NetSocket | undefined {
  if (transport.name !== 'websocket') return undefined
  return (transport as { socket?: { _socket?: NetSocket } }).socket?._socket
}
