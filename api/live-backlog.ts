// A bound on what the service holds for one slow socket.io client. engine.io queues every packet for a
// client whose connection stops taking data (a frozen tab, a stalled proxy) until its heartbeat times out —
// at the feed's rate that is tens of MB in the ~45 s the heartbeat takes. Every second, a client with more
// than `maxPackets` queued is disconnected; it reconnects and subscribes again once it reads.
import type { Logger } from 'pino'

/** The part of a socket.io server this needs: its sockets and their engine.io connections. */
interface Sockets {
  sockets: {
    sockets: Map<string, { id: string; conn: unknown; disconnect(close?: boolean): unknown }>
  }
}

export const LIVE_MAX_QUEUED_PACKETS = 2_000

export function startLiveBacklogGuard(deps: {
  io: Sockets
  log: Logger
  maxPackets?: number
  intervalMs?: number
  onDisconnect?: () => void
}): { stop(): void } {
  const max = deps.maxPackets ?? LIVE_MAX_QUEUED_PACKETS
  const timer = setInterval(() => {
    for (const socket of deps.io.sockets.sockets.values()) {
      // engine.io keeps the queue in a private field; no public API tells how much is waiting
      const queued = (socket.conn as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0
      if (queued <= max) continue
      deps.log.warn(
        { socketId: socket.id, queued, max },
        'live client does not read its updates: disconnected',
      )
      deps.onDisconnect?.()
      socket.disconnect(true)
    }
  }, deps.intervalMs ?? 1000)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
