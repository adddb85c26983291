// A bound on what the service holds for one slow socket.io client. engine.io queues every packet for a
// client whose connection stops taking data (a frozen tab, a stalled proxy) until its heartbeat times out —
// at the feed's rate that is tens of MB in the ~45 s the heartbeat takes. Every second, a client with more
// than `maxPackets` or `maxBytes` queued is disconnected; it reconnects and subscribes again once it reads.
// Both bounds, because a batched client's packet (a tick of a site's readings) may be hundreds of readings.
import type { Logger } from 'pino'

/** The part of a socket.io server this needs: its sockets and their engine.io connections. */
interface Sockets {
  sockets: {
    sockets: Map<string, { id: string; conn: unknown; disconnect(close?: boolean): unknown }>
  }
}

export const LIVE_MAX_QUEUED_PACKETS = 2_000
/** about as much as 2,000 single readings; a frozen batched client on a busy site reaches it in seconds */
export const LIVE_MAX_QUEUED_BYTES = 1_000_000

/** engine.io's queued packets: the socket.io-encoded text, or binary attachments */
type Queued = { data?: unknown }

function queuedBytes(queue: readonly Queued[]): number {
  let n = 0
  for (const p of queue) {
    if (typeof p.data === 'string') n += p.data.length
    else if (p.data instanceof Uint8Array || p.data instanceof ArrayBuffer) n += p.data.byteLength
  }
  return n
}

export function startLiveBacklogGuard(deps: {
  io: Sockets
  log: Logger
  maxPackets?: number
  maxBytes?: number
  intervalMs?: number
  onDisconnect?: () => void
}): { stop(): void } {
  const max = deps.maxPackets ?? LIVE_MAX_QUEUED_PACKETS
  const maxBytes = deps.maxBytes ?? LIVE_MAX_QUEUED_BYTES
  const timer = setInterval(() => {
    for (const socket of deps.io.sockets.sockets.values()) {
      // engine.io keeps the queue in a private field; no public API tells how much is waiting
      const queue = (socket.conn as { writeBuffer?: Queued[] }).writeBuffer ?? []
      const queued = queue.length
      if (queued === 0) continue
      const bytes = queuedBytes(queue)
      if (queued <= max && bytes <= maxBytes) continue
      deps.log.warn(
        { socketId: socket.id, queued, bytes, max, maxBytes },
        'live client does not read its updates: disconnected',
      )
      deps.onDisconnect?.()
      socket.disconnect(true)
    }
  }, deps.intervalMs ?? 1000)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
