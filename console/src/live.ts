// One socket.io connection per tab with the typed events of domain/live-events.ts. Pages say what they
// watch (sites, devices); the connection re-subscribes everything after every reconnect, including the
// reconnect after the service restarted (which ends sockets with "io server disconnect", a reason
// socket.io-client does not retry by itself). Readings come batched (handshake `readings: 'batched'`: one
// `readings` array per site and tick, far fewer packets for the service and this tab to handle) and are
// handed to the pages' `reading` handlers one by one, in order.
import { type Signal, signal } from '@preact/signals'
import { io, type Socket } from 'socket.io-client'
import type {
  ClientToServerEvents,
  LiveHandshakeAuth,
  LiveReading,
  ServerToClientEvents,
  SubscribeTarget,
} from '../../domain/live-events.ts'

export type LiveState = 'connecting' | 'live' | 'offline'
type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>
type Handlers = { [E in Exclude<keyof ServerToClientEvents, 'readings'>]?: ServerToClientEvents[E] }

export interface Live {
  state: Signal<LiveState>
  /** counts successful (re)connections: the first is 1 */
  connections: Signal<number>
  /** watch targets and receive their events until the returned function is called */
  attach(targets: SubscribeTarget[], handlers: Handlers, onConnect?: () => void): () => void
  /**
   * disconnect, keeping what the pages watch (the session ended: nothing is tried until `resume`, then
   * each page's onConnect catches up on what it missed, as after any reconnect)
   */
  pause(): void
  resume(): void
  close(): void
}

const keyOf = (t: SubscribeTarget) =>
  'siteId' in t ? `site:${t.siteId}` : 'deviceId' in t ? `device:${t.deviceId}` : `alerts:${t.alerts}`
const RETRY_AFTER_SERVER_DISCONNECT_MS = 1000

export function createLive(opts: { token?: string; onUnauthorized: () => void }): Live {
  const state = signal<LiveState>('connecting')
  const connections = signal(0)
  const auth: LiveHandshakeAuth = { readings: 'batched' }
  if (opts.token) auth.token = opts.token
  const socket: LiveSocket = io({
    path: '/socket.io',
    auth,
    withCredentials: true,
    reconnectionDelayMax: 5000,
  })
  // target key → number of attachments that want it
  const wanted = new Map<string, { target: SubscribeTarget; refs: number }>()
  const onConnects = new Set<() => void>()
  const onReadings = new Set<(m: LiveReading) => void>()
  let paused = false
  const reconnectSoon = () =>
    setTimeout(() => {
      if (!paused) socket.connect()
    }, RETRY_AFTER_SERVER_DISCONNECT_MS)
  socket.on('readings', (batch) => {
    for (const m of batch) for (const h of onReadings) h(m)
  })
  // a service from before batches answers with single readings: the same handlers take them
  socket.on('reading', (m) => {
    for (const h of onReadings) h(m)
  })

  const subscribe = (t: SubscribeTarget) => {
    socket.emit('subscribe', t, (res) => {
      if (!res.ok) console.warn('live subscribe refused', t, res.message)
    })
  }

  socket.on('connect', () => {
    state.value = 'live'
    connections.value++
    for (const { target } of wanted.values()) subscribe(target)
    for (const f of onConnects) f()
  })
  socket.on('disconnect', (reason) => {
    state.value = 'offline'
    if (reason === 'io server disconnect') reconnectSoon()
  })
  socket.on('connect_error', (err) => {
    state.value = 'offline'
    const data = (err as Error & { data?: { error?: string } }).data
    if (data?.error === 'UNAUTHORIZED') opts.onUnauthorized()
    // refused handshakes are not retried by socket.io-client; anything else is
    else if (!socket.active) reconnectSoon()
  })

  return {
    state,
    connections,
    attach(targets, handlers, onConnect) {
      for (const t of targets) {
        const k = keyOf(t)
        const w = wanted.get(k)
        if (w) w.refs++
        else {
          wanted.set(k, { target: t, refs: 1 })
          if (socket.connected) subscribe(t)
        }
      }
      const { reading, ...others } = handlers
      const entries = Object.entries(others) as [keyof ServerToClientEvents, (...a: unknown[]) => void][]
      for (const [ev, h] of entries) socket.on(ev, h as never)
      if (reading) onReadings.add(reading)
      if (onConnect) onConnects.add(onConnect)
      return () => {
        for (const [ev, h] of entries) socket.off(ev, h as never)
        if (reading) onReadings.delete(reading)
        if (onConnect) onConnects.delete(onConnect)
        for (const t of targets) {
          const k = keyOf(t)
          const w = wanted.get(k)
          if (!w || --w.refs > 0) continue
          wanted.delete(k)
          if (socket.connected) socket.emit('unsubscribe', t)
        }
      }
    },
    pause() {
      paused = true
      socket.disconnect()
    },
    resume() {
      paused = false
      if (!socket.connected) socket.connect()
    },
    close() {
      paused = true
      socket.disconnect()
    },
  }
}
