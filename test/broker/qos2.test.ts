// QoS 2 against the real broker and real mqtt.js clients: a message reaches the spool once, however often
// the device sends it (broker/qos2-receipts.ts), and the receipts that ensure it are bounded.
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net'
import type mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createQos2Receipts } from '../../broker/qos2-receipts.ts'
import { type Harness, startHarness } from './helpers.ts'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
  for (const id of ['q2-clean', 'q2-session', 'q2-burst']) h.directory.addDevice(id, 'secret')
})
afterAll(async () => {
  await h?.close()
})

const device = (id: string, extra: mqtt.IClientOptions = {}): mqtt.IClientOptions => ({
  clientId: id,
  username: id,
  password: 'secret',
  ...extra,
})

/** Splits an MQTT byte stream into packets and hands each packet's first byte (type and flags) to `onPacket`. */
function packetSplitter(onPacket: (first: number) => void): (chunk: Buffer) => void {
  let buf = Buffer.alloc(0)
  return (chunk) => {
    buf = Buffer.concat([buf, chunk])
    for (;;) {
      let len = 0
      let mul = 1
      let i = 1
      for (; i < buf.length && i <= 4; i++) {
        len += (buf[i]! & 0x7f) * mul
        mul *= 128
        if ((buf[i]! & 0x80) === 0) break
      }
      if (i >= buf.length || buf.length < i + 1 + len) return
      onPacket(buf[0]!)
      buf = buf.subarray(i + 1 + len)
    }
  }
}

const PUBLISH_QOS2 = 0x34
const DUP = 0x08

/**
 * A TCP proxy to the broker whose FIRST connection loses everything the broker sends after the CONNACK:
 * the PUBREC of the first publish closes it. mqtt.js reconnects (through the proxy, now transparent) and
 * resends the PUBLISH. Records the first byte of every packet each connection carried upstream.
 */
async function startCuttingProxy(brokerPort: number) {
  const upstreamPackets: number[][] = []
  const sockets = new Set<Socket>()
  const server: Server = createServer((down) => {
    const n = upstreamPackets.length
    const seen: number[] = []
    upstreamPackets.push(seen)
    const up = netConnect(brokerPort, '127.0.0.1')
    for (const s of [down, up]) {
      sockets.add(s)
      s.on('error', () => undefined)
      s.on('close', () => {
        sockets.delete(s)
        down.destroy()
        up.destroy()
      })
    }
    const split = packetSplitter((first) => seen.push(first))
    down.on('data', (d: Buffer) => {
      split(d)
      up.write(d)
    })
    let fromBroker = 0
    up.on('data', (d: Buffer) => {
      if (n > 0) {
        down.write(d)
        return
      }
      const pass = d.subarray(0, Math.max(0, 4 - fromBroker)) // CONNACK: 4 bytes
      fromBroker += d.length
      if (pass.length > 0) down.write(pass)
      if (fromBroker > 4) down.destroy()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    url: `mqtt://127.0.0.1:${port}`,
    upstreamPackets,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

const spooledOf = async (topic: string) =>
  (await h.drain()).filter((e) => e.topic === topic).map((e) => e.payload.toString())

/** A raw QoS 2 PUBLISH (MQTT 3.1.1 §3.3), for what mqtt.js would not send on its own. */
function rawPublish(topic: string, messageId: number, payload: string, dup: boolean): Buffer {
  const t = Buffer.from(topic)
  const p = Buffer.from(payload)
  const body = Buffer.concat([
    Buffer.from([t.length >> 8, t.length & 0xff]),
    t,
    Buffer.from([messageId >> 8, messageId & 0xff]),
    p,
  ])
  if (body.length > 127) throw new Error('keep raw test packets short')
  return Buffer.concat([Buffer.from([PUBLISH_QOS2 | (dup ? DUP : 0), body.length]), body])
}

describe('QoS 2 publishes', () => {
  it.each([
    ['a clean session (mqtt.js default)', 'q2-clean', true],
    ['a persistent session', 'q2-session', false],
  ])(
    'spools a message once when its PUBREC is lost and mqtt.js resends it on reconnect: %s',
    async (_name, id, clean) => {
      await h.drain()
      const proxy = await startCuttingProxy(h.broker.ports.mqtt)
      const c = await h.connect(device(id, { clean, reconnectPeriod: 20 }), proxy.url)
      const topic = `devices/${id}/events`
      await c.publishAsync(topic, '{"event":"reboot","seq":1}', { qos: 2 })
      // the first connection carried the PUBLISH and died with its PUBREC; the second carried it again
      // (mqtt.js 5 resends with the DUP flag as first sent, clear: the receipts do not depend on it)
      expect(proxy.upstreamPackets.length).toBeGreaterThanOrEqual(2)
      const publishes = proxy.upstreamPackets.map((p) => p.filter((b) => (b & ~DUP) === PUBLISH_QOS2).length)
      expect(publishes.slice(0, 2)).toEqual([1, 1])
      expect(await spooledOf(topic)).toEqual(['{"event":"reboot","seq":1}'])
      // and the next message with a new packet id is spooled as usual
      await c.publishAsync(topic, '{"event":"reboot","seq":2}', { qos: 2 })
      expect(await spooledOf(topic)).toEqual(['{"event":"reboot","seq":2}'])
      expect(await h.metrics.getSingleMetricAsString('courtyard_broker_qos2_duplicates_total')).toMatch(
        / [1-9]\d*$/m,
      )
      await c.endAsync()
      await proxy.close()
    },
  )

  it('spools once two copies of a message that arrive in one TCP segment, while the first is still being appended', async () => {
    await h.drain()
    const c = await h.connect(device('q2-burst'))
    const topic = 'devices/q2-burst/events'
    const copy = (dup: boolean) => rawPublish(topic, 41_000, '{"seq":7}', dup)
    ;(c.stream as Socket).write(Buffer.concat([copy(false), copy(true)]))
    // appended after the first copy (log order = call order): once its PUBACK is here, both copies were handled
    await c.publishAsync(topic, '{"seq":8}', { qos: 1 })
    expect(await spooledOf(topic)).toEqual(['{"seq":7}', '{"seq":8}'])
    await c.endAsync()
  })
})

describe('QoS 2 receipts', () => {
  type Done = (err?: Error | null) => void
  /** an append whose completion the test decides */
  function manualAppend() {
    const pending: Done[] = []
    let appended = 0
    return {
      append: (done: Done) => {
        appended++
        pending.push(done)
      },
      finish: (err?: Error) => {
        for (const d of pending.splice(0)) d(err ?? null)
      },
      appended: () => appended,
    }
  }
  const outcomes = () => {
    const got: Array<{ err: string | null; duplicate: boolean }> = []
    return {
      got,
      done: (err: Error | null, duplicate: boolean) => got.push({ err: err?.message ?? null, duplicate }),
    }
  }
  const msg = (messageId: number, payload = 'x') => ({
    messageId,
    topic: 'devices/d/events',
    payload: Buffer.from(payload),
  })

  it('lets a copy that comes while the first is appended share its outcome, and keeps no receipt for a failed append', () => {
    const r = createQos2Receipts({ maxPerClient: 10 })
    const a = manualAppend()
    const o = outcomes()
    r.admit('d', msg(1), a.append, o.done)
    r.admit('d', msg(1), a.append, o.done)
    expect(a.appended()).toBe(1)
    a.finish(new Error('disk full'))
    expect(o.got).toEqual([
      { err: 'disk full', duplicate: false },
      { err: 'disk full', duplicate: true },
    ])
    // not stored: the resend must be appended
    r.admit('d', msg(1), a.append, o.done)
    expect(a.appended()).toBe(2)
  })

  it('treats the same packet id as a new message after PUBREL, or with other content', () => {
    const r = createQos2Receipts({ maxPerClient: 10 })
    const a = manualAppend()
    const o = outcomes()
    r.admit('d', msg(1), a.append, o.done)
    a.finish()
    r.admit('d', msg(1), a.append, o.done)
    expect(a.appended()).toBe(1)
    r.admit('d', msg(1, 'other'), a.append, o.done)
    a.finish()
    expect(a.appended()).toBe(2)
    r.release('d', 1)
    r.admit('d', msg(1, 'other'), a.append, o.done)
    expect(a.appended()).toBe(3)
    // another client's id 1 is its own
    r.admit('e', msg(1, 'other'), a.append, o.done)
    expect(a.appended()).toBe(4)
  })

  it('holds at most maxPerClient receipts: forgets the oldest spooled one, refuses when all are still being appended', () => {
    const r = createQos2Receipts({ maxPerClient: 3 })
    const a = manualAppend()
    const o = outcomes()
    for (let id = 1; id <= 5; id++) {
      r.admit('d', msg(id), a.append, o.done)
      a.finish()
    }
    expect(r.held('d')).toBe(3)
    r.admit('d', msg(5), a.append, o.done)
    expect(a.appended()).toBe(5) // the newest is still known
    for (let id = 6; id <= 8; id++) r.admit('d', msg(id), a.append, o.done)
    expect(r.held('d')).toBe(3)
    r.admit('d', msg(9), a.append, o.done)
    expect(o.got.at(-1)).toEqual({ err: 'more than 3 QoS 2 messages in flight', duplicate: false })
    expect(r.held('d')).toBe(3)
  })
})
