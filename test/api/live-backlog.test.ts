// The live feed's bound on what waits for a client that stopped reading, against a real socket.io server
// and a real websocket client whose TCP socket is paused: a few big packets (a batched client's ticks) are
// enough to be dropped, well before the packet bound.
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { Socket as NetSocket } from 'node:net'
import pino from 'pino'
import { Server } from 'socket.io'
import { afterAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startLiveBacklogGuard } from '../../api/live-backlog.ts'
import { pollUntil } from '../support/poll.ts'

const http = createServer()
const io = new Server(http, { path: '/socket.io' })
const cleanups: (() => void)[] = []

afterAll(async () => {
  for (const c of cleanups) c()
  io.disconnectSockets(true)
  io.engine.close()
  await new Promise<void>((r) => http.close(() => r()))
})

/** A socket.io client over a raw websocket that connects, then never reads again. */
async function frozenClient(url: string): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`)
  const frames: string[] = []
  ws.on('message', (m) => frames.push(m.toString()))
  ws.on('error', () => undefined)
  cleanups.push(() => ws.terminate())
  await pollUntil(() => frames.some((f) => f.startsWith('0{')), { what: 'engine.io open' })
  ws.send('40')
  await pollUntil(() => frames.some((f) => f.startsWith('40{')), { what: 'socket.io connect' })
  ;(ws as unknown as { _socket: NetSocket })._socket.pause()
  return ws
}

describe('live backlog guard', () => {
  it('disconnects a client that stopped reading once its queued bytes pass the bound, though its packets are few', async () => {
    http.listen(0, '127.0.0.1')
    await once(http, 'listening')
    const addr = http.address()
    const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`
    let dropped = 0
    const guard = startLiveBacklogGuard({
      io,
      log: pino({ level: 'silent' }),
      // the packet bound out of reach: only the bytes can trip it
      maxPackets: 1_000_000,
      maxBytes: 1_000_000,
      intervalMs: 50,
      onDisconnect: () => dropped++,
    })
    cleanups.push(() => guard.stop())
    const connected = once(io, 'connection')
    await frozenClient(url)
    const [socket] = (await connected) as [{ connected: boolean; emit(ev: string, d: unknown): void }]
    // 64 KB "batches" until the kernel's and the process's buffers are full and engine.io queues them
    const batch = 'r'.repeat(64 * 1024)
    let sent = 0
    await pollUntil(
      () => {
        for (let i = 0; i < 16 && socket.connected; i++, sent++) socket.emit('readings', batch)
        return !socket.connected
      },
      { intervalMs: 20, timeoutMs: 60_000, what: 'the frozen client dropped' },
    )
    expect(dropped).toBe(1)
    // far fewer packets than the packet bound: the bytes decided
    expect(sent).toBeLessThan(2_000)
  })
})
