// The load generator, run as a child process (its own core) by bench/main.ts: N mqtt.js device clients
// sending QoS 1 circuit-monitor telemetry. Driven over IPC: init (connect) → run (closed or open loop)
// … → close. Every reply is one IPC message (bench/ipc.ts).
import { readFileSync } from 'node:fs'
import type { Socket } from 'node:net'
import mqtt from 'mqtt'
import { topics } from '../domain/topics.ts'
import { circuitPayload } from './circuit-payload.ts'
import type { DeviceCredential, LoadGenInit, LoadGenReply, LoadGenRequest, RunReply, RunSpec } from './ipc.ts'
import { createField } from './load-gen-field.ts'
import { connectRawDevice, type RawDevice } from './raw-mqtt-device.ts'

/** What the generator needs of a device connection; mqtt.js' MqttClient and RawDevice both fit. */
type DeviceClient = Pick<RawDevice, 'publish' | 'endAsync'>

interface Device {
  id: string
  topic: string
  client: DeviceClient
  seq: number
  inFlight: number
  acked: number
  /** in the closed loop's waiting queue */
  queued: boolean
}

const send = (m: LoadGenReply) => process.send?.(m)
const devices: Device[] = []
let disconnects = 0

let lastInit: LoadGenInit | undefined
const creds = new Map<string, { cred: DeviceCredential; localAddress?: string }>()

function rawConnection(init: LoadGenInit, cred: DeviceCredential, localAddress?: string) {
  const u = new URL(init.url)
  return connectRawDevice({
    host: u.hostname,
    port: Number(u.port || 1883),
    localAddress,
    clientId: cred.id,
    username: cred.id,
    password: cred.secret,
    keepaliveS: init.keepaliveS,
    connectTimeoutMs: init.connectTimeoutMs,
    // protocol.md: devices set a retained `offline` Will on their status topic
    will: { topic: topics.status(cred.id), payload: 'offline', qos: 1, retain: true },
  })
}

async function connectRaw(init: LoadGenInit, cred: DeviceCredential, localAddress?: string): Promise<Device> {
  const client = await rawConnection(init, cred, localAddress)
  client.on('close', () => disconnects++)
  return connected(cred, client)
}

/** protocol.md: a device publishes `online`, retained, right after connecting. */
function connected(cred: DeviceCredential, client: DeviceClient): Device {
  client.publish(topics.status(cred.id), 'online', { qos: 1, retain: true })
  return {
    id: cred.id,
    topic: topics.telemetry(cred.id),
    client,
    seq: 0,
    inFlight: 0,
    acked: 0,
    queued: false,
  }
}

function connectOne(init: LoadGenInit, cred: DeviceCredential, localAddress?: string): Promise<Device> {
  if (init.client === 'raw') return connectRaw(init, cred, localAddress)
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(init.url, {
      clientId: cred.id,
      username: cred.id,
      password: cred.secret,
      clean: true,
      keepalive: init.keepaliveS,
      // a bench device that drops out must show up as a failure, not silently come back
      reconnectPeriod: 0,
      connectTimeout: init.connectTimeoutMs,
      // protocol.md: devices set a retained `offline` Will on their status topic
      will: { topic: topics.status(cred.id), payload: Buffer.from('offline'), qos: 1, retain: true },
    })
    const fail = (err: Error) => {
      client.end(true)
      reject(err)
    }
    client.once('error', fail)
    client.once('close', () => fail(new Error('connection closed before CONNACK')))
    client.once('connect', () => {
      client.removeAllListeners('error')
      client.removeAllListeners('close')
      ;(client.stream as Socket).setNoDelay?.(true)
      client.on('error', () => {})
      client.on('close', () => disconnects++)
      resolve(connected(cred, client))
    })
  })
}

async function connectAll(init: LoadGenInit) {
  const all = JSON.parse(readFileSync(init.credentialsFile, 'utf8')) as DeviceCredential[]
  lastInit = init
  const addrs = init.sourceAddresses ?? []
  all.forEach((cred, k) => {
    creds.set(cred.id, { cred, localAddress: addrs.length ? addrs[k % addrs.length] : undefined })
  })
  const started = Date.now()
  let failed = 0
  let firstError: string | undefined
  for (let i = 0; i < all.length; i += init.connectBatch) {
    const batch = all.slice(i, i + init.connectBatch)
    const results = await Promise.allSettled(
      batch.map((c) => connectOne(init, c, creds.get(c.id)?.localAddress)),
    )
    for (const r of results) {
      if (r.status === 'fulfilled') devices.push(r.value)
      else {
        failed++
        firstError ??= (r.reason as Error).message
      }
    }
  }
  send({ type: 'connected', connected: devices.length, failed, firstError, elapsedMs: Date.now() - started })
}

function run(spec: RunSpec): Promise<RunReply> {
  return new Promise((resolve) => {
    const start = Date.now()
    const endAt = start + spec.durationMs
    let sent = 0
    let acked = 0
    let failed = 0
    let inFlight = 0
    let lastPublishMs = 0
    let lastAckMs = 0
    let maxLagMs = 0
    let stopped = false
    let finished = false
    for (const d of devices) {
      d.acked = 0
      d.queued = false
    }
    // devices with window room that are waiting for room in the global window (closed loop)
    const waiting: Device[] = []
    const n = devices.length

    const publish = (d: Device, ts: number) => {
      const seq = d.seq++
      d.inFlight++
      inFlight++
      sent++
      lastPublishMs = Date.now()
      d.client.publish(d.topic, circuitPayload(ts, seq), { qos: 1 }, (err) => {
        d.inFlight--
        inFlight--
        if (err) failed++
        else {
          acked++
          d.acked++
          lastAckMs = Date.now()
        }
        onAck(d)
      })
    }

    const finish = () => {
      if (finished) return
      finished = true
      clearInterval(ticker)
      clearTimeout(drainTimer)
      const ackedByDevice: Record<string, number> = {}
      for (const d of devices) ackedByDevice[d.id] = d.acked
      resolve({
        type: 'run-done',
        sent,
        acked,
        failed,
        unacked: inFlight,
        ackedByDevice,
        firstPublishMs: start,
        lastPublishMs,
        lastAckMs,
        maxLagMs,
        disconnects,
      })
    }

    const closedFill = (d: Device) => {
      while (!stopped && d.inFlight < spec.deviceWindow) {
        if (inFlight >= spec.globalWindow) {
          if (!d.queued) waiting.push(d)
          d.queued = true
          return
        }
        publish(d, Date.now())
      }
    }

    const onAck = (d: Device) => {
      if (stopped) {
        if (inFlight === 0) finish()
        return
      }
      if (spec.mode === 'closed') {
        // the freed global slot goes to the longest-waiting device first, so no device starves
        const next = waiting.shift()
        if (next) {
          next.queued = false
          closedFill(next)
        }
        if (d !== next) closedFill(d)
      }
    }

    // Open loop: message i is due at start + i / rate. Its `ts` is that scheduled time, not the time the
    // generator got round to it, so a generator or window stall counts as latency (no coordinated omission).
    let due = 0
    let rr = 0
    const openTick = () => {
      const now = Date.now()
      const rate = spec.ratePerS ?? 1000
      const target = Math.floor(((Math.min(now, endAt) - start) * rate) / 1000)
      let scanned = 0
      while (due < target && inFlight < spec.globalWindow && scanned < n) {
        const d = devices[rr]!
        rr = (rr + 1) % n
        if (d.inFlight >= spec.deviceWindow) {
          scanned++
          continue
        }
        scanned = 0
        const scheduled = start + Math.floor((due * 1000) / rate)
        maxLagMs = Math.max(maxLagMs, now - scheduled)
        publish(d, scheduled)
        due++
      }
    }

    const ticker = setInterval(() => {
      if (spec.mode === 'open') openTick()
      if (Date.now() >= endAt && !stopped) {
        stopped = true
        if (inFlight === 0) finish()
      }
    }, 2)
    const drainTimer = setTimeout(finish, spec.durationMs + spec.drainTimeoutMs)
    if (spec.mode === 'closed') for (const d of devices) closedFill(d)
  })
}

async function closeAll() {
  await Promise.allSettled(devices.map((d) => d.client.endAsync(true)))
  send({ type: 'closed' })
  process.exit(0)
}

let field: ReturnType<typeof createField> | undefined
function fieldMode(): NonNullable<typeof field> {
  const init = lastInit
  if (init?.client !== 'raw') throw new Error('field mode needs the raw device client')
  field ??= createField({
    devices: devices.map((d) => ({ id: d.id, client: d.client as RawDevice, seq: d.seq })),
    connect: (d) => {
      const c = creds.get(d.id)!
      return rawConnection({ ...init, connectTimeoutMs: 30_000 }, c.cred, c.localAddress)
    },
  })
  return field
}

function handle(m: LoadGenRequest): unknown {
  switch (m.type) {
    case 'init':
      return connectAll(m)
    case 'run':
      return run(m).then(send)
    case 'field':
      fieldMode().start(m)
      return send({ type: 'field-ok' })
    case 'field-configure':
      fieldMode().configure(m)
      return send({ type: 'field-ok' })
    case 'field-mark':
      fieldMode().mark()
      return send({ type: 'field-ok' })
    case 'field-stats':
      return send(fieldMode().stats())
    case 'close':
      field?.stop()
      return closeAll()
  }
}

// the parent owns our lifetime: when its IPC channel goes away, so do we
process.on('disconnect', () => process.exit(0))
process.on('message', (m: LoadGenRequest) => {
  try {
    Promise.resolve(handle(m)).catch((err: Error) => send({ type: 'error', message: err.message }))
  } catch (err) {
    send({ type: 'error', message: (err as Error).message })
  }
})
