// Child process of the fan-out phase (bench/run-fanout.ts): socket.io clients that each subscribe to one
// site's live feed (readings batched as the console asks for them, or one event each) and time every
// reading: arrival wall clock − the reading's `ts`, which the load
// generator set to the message's scheduled send time (same machine, same clock). Run apart from the bench
// so the clients' CPU is not the bench's; driven over IPC: init → reset / stats … → close.
import { io, type Socket } from 'socket.io-client'
import type { ClientToServerEvents, LiveReading, ServerToClientEvents } from '../domain/live-events.ts'
import type { LiveClientsInit, LiveClientsReply, LiveClientsRequest } from './ipc.ts'

type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>

const send = (m: LiveClientsReply) => process.send?.(m)
const sockets: LiveClient[] = []
let byClient: Record<string, number>[] = []
let histogram = new Uint32Array(1)
let received = 0
let disconnects = 0

function reset() {
  received = 0
  histogram.fill(0)
  for (let i = 0; i < byClient.length; i++) byClient[i] = {}
}

async function connectOne(init: LiveClientsInit, index: number): Promise<LiveClient> {
  const { token, siteId } = init.clients[index]!
  const s: LiveClient = io(init.httpUrl, {
    path: '/socket.io',
    auth: { token, readings: init.readings },
    transports: ['websocket'],
    reconnection: false,
    // one connection per client, as 200 browsers would have: no multiplexing over a shared Manager
    forceNew: true,
  })
  const last = histogram.length - 1
  const counts = () => byClient[index]!
  const one = (msg: LiveReading, now: number) => {
    const ms = Math.max(0, now - msg.reading.ts)
    histogram[Math.min(last, Math.round(ms))]!++
    received++
    const c = counts()
    c[msg.deviceId] = (c[msg.deviceId] ?? 0) + 1
  }
  s.on('reading', (msg) => one(msg, Date.now()))
  s.on('readings', (batch) => {
    const now = Date.now()
    for (const msg of batch) one(msg, now)
  })
  s.on('disconnect', () => disconnects++)
  try {
    const ack = await s.timeout(30_000).emitWithAck('subscribe', { siteId })
    if (!ack.ok) throw new Error(`subscribe ${siteId} refused: ${ack.error}: ${ack.message}`)
    return s
  } catch (err) {
    s.close()
    throw err
  }
}

async function init(m: LiveClientsInit) {
  const started = Date.now()
  histogram = new Uint32Array(m.maxMs + 1)
  byClient = m.clients.map(() => ({}))
  let failed = 0
  let firstError: string | undefined
  // 20 handshakes at a time: each costs the service a token lookup and a subscribe round trip to its broker
  for (let i = 0; i < m.clients.length; i += 20) {
    const batch = m.clients.slice(i, i + 20).map((_, j) => connectOne(m, i + j))
    for (const r of await Promise.allSettled(batch)) {
      if (r.status === 'fulfilled') sockets.push(r.value)
      else {
        failed++
        firstError ??= (r.reason as Error).message
      }
    }
  }
  send({ type: 'ready', connected: sockets.length, failed, firstError, elapsedMs: Date.now() - started })
}

function stats(): LiveClientsReply {
  const buckets: [number, number][] = []
  for (let ms = 0; ms < histogram.length; ms++) if (histogram[ms]) buckets.push([ms, histogram[ms]!])
  return { type: 'stats', received, byClient, histogram: buckets, disconnects }
}

// the parent owns our lifetime: when its IPC channel goes away, so do we
process.on('disconnect', () => process.exit(0))
process.on('message', (m: LiveClientsRequest) => {
  switch (m.type) {
    case 'init':
      init(m).catch((err: Error) => send({ type: 'error', message: err.message }))
      return
    case 'reset':
      reset()
      send({ type: 'reset-done' })
      return
    case 'stats':
      send(stats())
      return
    case 'close':
      for (const s of sockets) s.close()
      send({ type: 'closed' })
      process.exit(0)
  }
})
