// A minimal MQTT 3.1.1 device for the load generator: CONNECT (credentials, Will), QoS 1 PUBLISH with a
// PUBACK callback, PINGREQ, DISCONNECT. mqtt.js costs ~35 µs of CPU per message at 1,000 devices on this
// machine — as much as the service under test — so on shared cores it would measure the generator, not
// the pipeline. This client sends byte-identical protocol (same topics, payloads, QoS, Will) for a few µs.
import { connect, type Socket } from 'node:net'

export interface RawDeviceOptions {
  host: string
  port: number
  /** source address (127.0.0.2 …): one address has only ~28,000 ephemeral ports towards one port */
  localAddress?: string
  clientId: string
  username: string
  password: string
  keepaliveS: number
  connectTimeoutMs: number
  will?: { topic: string; payload: string; qos: 0 | 1; retain: boolean }
}

export interface RawDevice {
  /** QoS 1 publish; `cb` runs on the PUBACK, or with an error when the connection closes first */
  publish(
    topic: string,
    payload: string,
    opts: { qos: 1; retain?: boolean },
    cb?: (err?: Error) => void,
  ): void
  endAsync(force?: boolean): Promise<void>
  on(event: 'close', fn: () => void): void
  on(event: 'error', fn: (err: Error) => void): void
}

const str = (s: string): Buffer => {
  const b = Buffer.from(s, 'utf8')
  const out = Buffer.allocUnsafe(2 + b.length)
  out.writeUInt16BE(b.length, 0)
  b.copy(out, 2)
  return out
}

function remainingLength(n: number): Buffer {
  const bytes: number[] = []
  do {
    let d = n % 128
    n = Math.floor(n / 128)
    if (n > 0) d |= 0x80
    bytes.push(d)
  } while (n > 0)
  return Buffer.from(bytes)
}

export function connectPacket(o: RawDeviceOptions): Buffer {
  let flags = 0x02 | 0x80 | 0x40 // clean session, username, password
  const payload = [str(o.clientId)]
  if (o.will) {
    flags |= 0x04 | (o.will.qos << 3) | (o.will.retain ? 0x20 : 0)
    payload.push(str(o.will.topic), str(o.will.payload))
  }
  payload.push(str(o.username), str(o.password))
  const variable = Buffer.from([
    0,
    4,
    0x4d,
    0x51,
    0x54,
    0x54,
    4,
    flags,
    o.keepaliveS >> 8,
    o.keepaliveS & 0xff,
  ])
  const body = Buffer.concat([variable, ...payload])
  return Buffer.concat([Buffer.from([0x10]), remainingLength(body.length), body])
}

export function connectRawDevice(o: RawDeviceOptions): Promise<RawDevice> {
  return new Promise((resolve, reject) => {
    const sock: Socket = connect({ host: o.host, port: o.port, noDelay: true, localAddress: o.localAddress })
    const pending = new Map<number, ((err?: Error) => void) | undefined>()
    const closeFns: (() => void)[] = []
    let nextId = 1
    let connected = false
    let buf: Buffer = Buffer.alloc(0)
    let ping: NodeJS.Timeout | undefined
    const timer = setTimeout(() => {
      sock.destroy()
      reject(new Error(`no CONNACK within ${o.connectTimeoutMs} ms`))
    }, o.connectTimeoutMs)

    const device: RawDevice = {
      publish(topic, payload, opts, cb) {
        const id = nextId
        nextId = nextId === 65535 ? 1 : nextId + 1
        const t = Buffer.byteLength(topic)
        const p = Buffer.byteLength(payload)
        const rem = 2 + t + 2 + p
        const rl = remainingLength(rem)
        const out = Buffer.allocUnsafe(1 + rl.length + rem)
        out[0] = 0x32 | (opts.retain ? 1 : 0)
        rl.copy(out, 1)
        let off = 1 + rl.length
        out.writeUInt16BE(t, off)
        off += 2 + out.write(topic, off + 2, 'utf8')
        out.writeUInt16BE(id, off)
        out.write(payload, off + 2, 'utf8')
        pending.set(id, cb)
        sock.write(out)
      },
      endAsync(force) {
        return new Promise((res) => {
          if (sock.destroyed) return res()
          sock.once('close', () => res())
          if (force) sock.destroy()
          else sock.end(Buffer.from([0xe0, 0]))
        })
      },
      on(event: 'close' | 'error', fn: (err: Error) => void) {
        if (event === 'close') closeFns.push(fn as () => void)
        else sock.on('error', fn)
      },
    }

    sock.on('connect', () => sock.write(connectPacket(o)))
    sock.on('data', (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk])
      let off = 0
      while (buf.length - off >= 2) {
        // every packet the broker sends a device here is short: remaining length fits one byte
        const type = buf[off]! >> 4
        const len = buf[off + 1]!
        if (len & 0x80 || buf.length - off < 2 + len) break
        if (type === 2) {
          clearTimeout(timer)
          if (buf[off + 3] !== 0) {
            sock.destroy()
            reject(new Error(`CONNACK return code ${buf[off + 3]}`))
            return
          }
          connected = true
          if (o.keepaliveS > 0) {
            ping = setInterval(() => sock.write(Buffer.from([0xc0, 0])), (o.keepaliveS * 1000) / 2)
            ping.unref()
          }
          resolve(device)
        } else if (type === 4) {
          const id = buf.readUInt16BE(off + 2)
          const cb = pending.get(id)
          pending.delete(id)
          cb?.()
        }
        off += 2 + len
      }
      buf = off === buf.length ? Buffer.alloc(0) : buf.subarray(off)
    })
    sock.on('error', () => {})
    sock.on('close', () => {
      clearTimeout(timer)
      clearInterval(ping)
      if (!connected) reject(new Error('connection closed before CONNACK'))
      const err = new Error('connection closed')
      for (const cb of pending.values()) cb?.(err)
      pending.clear()
      for (const fn of closeFns) fn()
    })
  })
}
