// Child processes of bench/auth-storm.ts, one per role: the connected devices (QoS 1 telemetry, PUBACK
// latency per message) or the attacker (fresh TCP connections with a wrong password, from 127.0.0.2, so
// that the devices' own address is not the one being limited). Each in its own process: in the broker's
// its CPU would count as the broker's, and beside the devices its work would delay their PUBACK handling.
import { connect } from 'node:net'
import { connectPacket, connectRawDevice, type RawDevice } from './raw-mqtt-device.ts'

export interface StormInit {
  type: 'init'
  role: 'devices' | 'attacker'
  port: number
  creds: Array<{ id: string; secret: string }>
  /** messages per second per device */
  ratePerDevice: number
  /** failed CONNECTs per second; 0 for none */
  stormPerS: number
  victim: string
  durationMs: number
}

export interface StormReply {
  type: 'done'
  latenciesMs: number[]
  lost: number
  stormSent: number
  connackCodes: Record<string, number>
}

const ATTACKER_ADDRESS = '127.0.0.2'
/** open attacker sockets at most: the broker may hold some waiting for a secret check */
const MAX_OPEN = 4000

async function runDevices(init: StormInit): Promise<StormReply> {
  const devices: RawDevice[] = []
  for (const c of init.creds) {
    devices.push(
      await connectRawDevice({
        host: '127.0.0.1',
        port: init.port,
        clientId: c.id,
        username: c.id,
        password: c.secret,
        keepaliveS: 60,
        connectTimeoutMs: 30_000,
      }),
    )
  }
  process.send?.({ type: 'ready' })
  await new Promise<void>((resolve) => process.once('message', () => resolve()))
  const latenciesMs: number[] = []
  let lost = 0
  let seq = 0
  let pending = 0
  const payload = (id: string) =>
    JSON.stringify({
      ts: Date.now(),
      seq: seq++,
      kind: 'circuit-monitor',
      circuit: id,
      powerW: 42.5,
      powerFactor: 0.9,
    })
  const tick = 1000 / init.ratePerDevice
  const timers: NodeJS.Timeout[] = []
  devices.forEach((d, i) => {
    const id = init.creds[i]!.id
    const send = () => {
      const t0 = performance.now()
      pending++
      d.publish(`devices/${id}/telemetry`, payload(id), { qos: 1 }, (err) => {
        pending--
        if (err) lost++
        else latenciesMs.push(performance.now() - t0)
      })
    }
    // spread the devices over one tick so the load is even
    timers.push(setTimeout(() => timers.push(setInterval(send, tick)), (i * tick) / devices.length))
  })
  await new Promise((r) => setTimeout(r, init.durationMs))
  for (const t of timers) clearTimeout(t)
  // the messages still in flight are part of the run: wait for their PUBACKs (a while at most)
  const deadline = Date.now() + 30_000
  while (pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  lost += pending
  await Promise.all(devices.map((d) => d.endAsync(true)))
  return { type: 'done', latenciesMs, lost, stormSent: 0, connackCodes: {} }
}

async function runAttacker(init: StormInit): Promise<StormReply> {
  process.send?.({ type: 'ready' })
  await new Promise<void>((resolve) => process.once('message', () => resolve()))
  const codes: Record<string, number> = {}
  let stormSent = 0
  let open = 0
  const bad = connectPacket({
    host: '',
    port: 0,
    clientId: init.victim,
    username: init.victim,
    password: 'not-the-secret',
    keepaliveS: 60,
    connectTimeoutMs: 0,
  })
  let attempted = 0
  const attack = () => {
    attempted++
    if (open >= MAX_OPEN) {
      codes.skipped = (codes.skipped ?? 0) + 1
      return
    }
    stormSent++
    open++
    const s = connect({ host: '127.0.0.1', port: init.port, localAddress: ATTACKER_ADDRESS })
    let answered = false
    s.on('connect', () => s.write(bad))
    // a socket the broker holds without an answer is given up after a while, like a real client's
    s.setTimeout(5000, () => s.destroy())
    s.on('data', (d: Buffer) => {
      if (!answered && d[0] === 0x20) {
        answered = true
        const code = String(d[3])
        codes[code] = (codes[code] ?? 0) + 1
      }
      s.destroy()
    })
    s.on('error', () => {})
    s.on('close', () => {
      open--
      if (!answered) codes.unanswered = (codes.unanswered ?? 0) + 1
    })
  }
  // paced against the clock, not the timer: a late tick sends what it owes
  const started = performance.now()
  const storm = setInterval(() => {
    const owed = Math.floor(((performance.now() - started) / 1000) * init.stormPerS) - attempted
    for (let i = 0; i < owed; i++) attack()
  }, 10)
  await new Promise((r) => setTimeout(r, init.durationMs))
  clearInterval(storm)
  return { type: 'done', latenciesMs: [], lost: 0, stormSent, connackCodes: codes }
}

const run = (init: StormInit) => (init.role === 'devices' ? runDevices(init) : runAttacker(init))

process.once('message', (m: StormInit) => {
  run(m).then(
    (reply) => {
      process.send?.(reply)
      process.exit(0)
    },
    (err: Error) => {
      process.send?.({ type: 'error', message: err.message })
      process.exit(1)
    },
  )
})
process.on('disconnect', () => process.exit(0))
