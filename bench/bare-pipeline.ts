// The reference pipeline, run as a child process by bench/main.ts: a plain aedes broker
// (`concurrency: 0`, setNoDelay), ONE mqtt.js subscriber (QoS 1, `devices/+/telemetry`) and batched
// hand-encoded line-protocol writes to InfluxDB. No auth, no validation, no durability: the ceiling
// that "ours" is compared against in the same run. With `brokerUrl` the child is only the subscriber
// and writer, against mosquitto (bench/mosquitto.ts): the Telegraf-style pipeline users assemble.
import { createServer, type Socket } from 'node:net'
import { Aedes } from 'aedes'
import mqtt from 'mqtt'
import { Pool } from 'undici'
import type { BareInit, BareReply, BareRequest } from './ipc.ts'
import { circuitLine } from './line-protocol.ts'

const send = (m: BareReply) => process.send?.(m)

/** the aedes broker of the reference, on a free loopback port */
async function startAedes(): Promise<number> {
  // measurements.md: with the default concurrency (100) mqemitter's queue shift() dominates under backlog
  const broker = await Aedes.createBroker({ concurrency: 0 })
  const server = createServer((socket: Socket) => {
    // Nagle + delayed ACK add ~20 ms to p99 at low rates (measurements.md)
    socket.setNoDelay(true)
    broker.handle(socket)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const addr = server.address()
  return typeof addr === 'object' && addr ? addr.port : 0
}

async function start(init: BareInit) {
  // with brokerUrl this child is only the subscriber and writer of the mosquitto pipeline
  const brokerUrl = init.brokerUrl ?? `mqtt://127.0.0.1:${await startAedes()}`
  const mqttPort = Number(new URL(brokerUrl).port)

  let received = 0
  let written = 0
  let writeErrors = 0
  let lines: string[] = []
  const queue: string[][] = []
  let inFlight = 0
  let timer: NodeJS.Timeout | undefined
  const pool = init.influxUrl ? new Pool(init.influxUrl, { connections: init.maxWritesInFlight }) : undefined
  const writePath = `/write?db=${encodeURIComponent(init.db)}&precision=ns`

  if (pool) {
    const res = await pool.request({
      method: 'POST',
      path: `/query?q=${encodeURIComponent(`CREATE DATABASE "${init.db}"`)}`,
    })
    await res.body.dump()
    if (res.statusCode !== 200) throw new Error(`CREATE DATABASE answered ${res.statusCode}`)
  }

  const pump = () => {
    while (pool && inFlight < init.maxWritesInFlight && queue.length > 0) {
      const batch = queue.shift()!
      inFlight++
      writeBatch(batch).finally(() => {
        inFlight--
        pump()
      })
    }
  }
  const writeBatch = async (batch: string[]) => {
    // a reference that lost points would flatter ours: retry until InfluxDB takes the batch
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await pool!.request({ method: 'POST', path: writePath, body: batch.join('\n') })
        const body = await res.body.text()
        if (res.statusCode === 204) {
          written += batch.length
          return
        }
        writeErrors++
        if (res.statusCode === 400) return // partial write: InfluxDB kept the good lines, retrying cannot help
        process.stderr.write(`bare: write answered ${res.statusCode}: ${body.slice(0, 200)}\n`)
      } catch (err) {
        writeErrors++
        process.stderr.write(`bare: write failed: ${(err as Error).message}\n`)
      }
      await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)))
    }
  }
  const flush = () => {
    if (timer) clearTimeout(timer)
    timer = undefined
    if (lines.length === 0) return
    queue.push(lines)
    lines = []
    pump()
  }

  if (pool) {
    const sub = mqtt.connect(brokerUrl, {
      clientId: 'bare-ingest',
      clean: true,
      reconnectPeriod: 1000,
    })
    sub.on('connect', () => (sub.stream as Socket).setNoDelay?.(true))
    await new Promise<void>((resolve, reject) => {
      sub.once('connect', () => resolve())
      sub.once('error', reject)
    })
    await sub.subscribeAsync('devices/+/telemetry', { qos: 1 })
    sub.on('message', (topic, payload) => {
      received++
      const slash = topic.indexOf('/', 8)
      let reading: Record<string, unknown>
      try {
        reading = JSON.parse(payload.toString('utf8'))
      } catch {
        return
      }
      const line = circuitLine(topic.slice(8, slash), reading)
      if (line === undefined) return
      lines.push(line)
      if (lines.length >= init.batchSize) flush()
      else if (!timer) timer = setTimeout(flush, init.flushIntervalMs)
    })
  }

  process.on('message', (m: BareRequest) => {
    if (m.type === 'stats')
      send({
        type: 'stats',
        received,
        written,
        writeErrors,
        pendingLines: lines.length + queue.reduce((n, b) => n + b.length, 0),
      })
    else if (m.type === 'close') {
      send({ type: 'closed' })
      process.exit(0)
    }
  })
  send({ type: 'ready', mqttPort, pid: process.pid })
}

// the parent owns our lifetime: when its IPC channel goes away, so do we
process.on('disconnect', () => process.exit(0))
process.once('message', (m: BareRequest) => {
  if (m.type !== 'init') return
  start(m).catch((err: Error) => {
    send({ type: 'error', message: err.message })
    process.exit(1)
  })
})
