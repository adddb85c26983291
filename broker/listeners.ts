// Network listeners feeding aedes: TCP, TLS (when a certificate is configured) and WebSocket on `/mqtt`.
import { readFileSync } from 'node:fs'
import { createServer as createHttpServer, type Server as HttpServer, type IncomingMessage } from 'node:http'
import { createServer as createNetServer, type Server, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { createServer as createTlsServer } from 'node:tls'
import type { Aedes } from 'aedes'
import type { Logger } from 'pino'
import { createWebSocketStream, WebSocketServer } from 'ws'
import { limitPacketSize } from './packet-size-limit.ts'
import type { BrokerConfig } from './types.ts'

export interface Listeners {
  ports: { mqtt: number; ws?: number; tls?: number }
  /** stops accepting and destroys every connection still open */
  close(): Promise<void>
}

/** Detects peers that vanished without a FIN when the client chose keep alive 0 (no MQTT pings). */
const TCP_KEEPALIVE_MS = 60_000

export async function startListeners(
  aedes: Aedes,
  config: BrokerConfig & { maxPacketBytes: number },
  log: Logger,
  onOversize: () => void,
): Promise<Listeners> {
  const sockets = new Set<Socket>()
  const servers: Array<Server | HttpServer> = []
  // one listener for every socket ('close' fires once): no closure and no once-wrapper per connection
  function untrack(this: Socket): void {
    sockets.delete(this)
  }

  function track(socket: Socket): void {
    sockets.add(socket)
    socket.on('close', untrack)
    // Nagle + delayed ACK put ~20 ms on a PUBACK round trip (measurements.md)
    socket.setNoDelay(true)
    socket.setKeepAlive(true, TCP_KEEPALIVE_MS)
  }

  function attach(stream: Duplex, req?: IncomingMessage): void {
    limitPacketSize(stream, config.maxPacketBytes, (announced) => {
      onOversize()
      log.warn({ announced, limit: config.maxPacketBytes }, 'oversize packet: connection dropped')
    })
    aedes.handle(stream, req)
  }

  const onSocket = (socket: Socket) => {
    track(socket)
    attach(socket)
  }

  const tcp = createNetServer(onSocket)
  servers.push(tcp)
  const ports: Listeners['ports'] = { mqtt: await listen(tcp, config.mqttPort, config.host) }

  if (config.tlsPort !== undefined && config.tlsCert !== undefined && config.tlsKey !== undefined) {
    const tls = createTlsServer({ cert: config.tlsCert, key: config.tlsKey }, onSocket)
    // sockets of failed handshakes never reach onSocket; track the raw ones to close them on shutdown
    tls.on('connection', (raw: Socket) => {
      sockets.add(raw)
      raw.on('close', untrack)
    })
    tls.on('tlsClientError', (err) => log.debug({ err }, 'tls handshake failed'))
    servers.push(tls)
    ports.tls = await listen(tls, config.tlsPort, config.host)
  }

  if (config.wsPort !== undefined) {
    const http = createHttpServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket: upgrade on /mqtt\n')
    })
    http.on('connection', track)
    // one WebSocket message normally carries one MQTT packet; the per-packet bound is the scanner's
    const wss = new WebSocketServer({ server: http, path: '/mqtt', maxPayload: config.maxPacketBytes * 4 })
    wss.on('connection', (ws, req) => {
      const stream = createWebSocketStream(ws)
      stream.on('error', (err) => log.debug({ err }, 'websocket stream error'))
      attach(stream, req)
    })
    servers.push(http)
    ports.ws = await listen(http, config.wsPort, config.host)
  }

  return {
    ports,
    async close() {
      const closing = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))
      for (const s of sockets) s.destroy()
      await Promise.all(closing)
    },
  }
}

// Node's default accept queue is 511. After a restart every device of the fleet connects at once and
// the event loop is still busy starting the service: past 511 the kernel drops the SYNs and each
// client retries only after 1, 3, 7 … s of TCP back-off, stretching the storm. The kernel caps this at
// net.core.somaxconn (4096 by default since Linux 5.4).
const LISTEN_BACKLOG = 65_535

/**
 * The warning for a node whose kernel caps the accept queue below the devices that reconnect at once
 * after a restart (those whose verified secrets it kept), or undefined. `somaxconn`: the kernel's cap,
 * undefined where unknown (not Linux). Measured (README "Performance"): 19,000 devices at once with the
 * cap at 4,096 lost 105,000–130,000 SYNs to a full queue, and their retries stretched the storm from
 * 13.2–22.8 s to 20.8–34.7 s; with 65,535, none was lost.
 */
export function acceptQueueWarning(somaxconn: number | undefined, devices: number): string | undefined {
  if (somaxconn === undefined || somaxconn >= Math.min(devices, LISTEN_BACKLOG)) return undefined
  return (
    `the kernel caps the MQTT accept queue at ${somaxconn} (net.core.somaxconn) while ${devices} devices ` +
    'may reconnect at once after a restart: past it their SYNs are dropped and retried after 1, 3, 7 … s; ' +
    `raise it: sysctl -w net.core.somaxconn=${LISTEN_BACKLOG}`
  )
}

/** The kernel's cap on a listener's accept queue, where /proc tells it. */
export function readSomaxconn(): number | undefined {
  try {
    const n = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'))
    return Number.isFinite(n) && n > 0 ? n : undefined
  } catch {
    return undefined
  }
}

function listen(server: Server | HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject)
      const addr = server.address()
      resolve(typeof addr === 'object' && addr !== null ? addr.port : port)
    })
  })
}
