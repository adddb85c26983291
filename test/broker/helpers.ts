import { connect as netConnect, type Socket } from 'node:net'
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import { type Logger, pino } from 'pino'
import { Registry } from 'prom-client'
import { createBroker } from '../../broker/index.ts'
import type { BrokerConfig, BrokerHandle } from '../../broker/types.ts'
import { openRegistry, type Registry as RealRegistry } from '../../registry/index.ts'
import type { DeviceIdentity } from '../../registry/types.ts'
import {
  openSpoolReader,
  openSpoolWriter,
  type SpoolEntry,
  type SpoolReader,
  type SpoolWriter,
} from '../../spool/index.ts'
import { tempDir } from '../spool/helpers.ts'

export const silentLog = pino({ level: 'silent' })

/** In-test stand-in for the registry's DeviceDirectory (the registry has its own tests). */
export class FakeDirectory {
  readonly devices = new Map<string, { secret: string; active: boolean; version: number }>()
  readonly services = new Map<string, string>()
  deviceChecks = 0
  /** while set, secret checks wait for it (a slow scrypt, under the test's control) */
  gate: Promise<void> | undefined

  addDevice(id: string, secret: string, version = 0): this {
    this.devices.set(id, { secret, active: true, version })
    return this
  }
  findDevice(id: string): DeviceIdentity | undefined {
    const d = this.devices.get(id)
    if (!d?.active) return undefined
    return { id, kind: 'charging-pile', tenantId: 't1', communityId: 'c1', siteId: 's1', reportIntervalS: 60 }
  }
  async verifyDeviceSecret(id: string, secret: string): Promise<boolean> {
    this.deviceChecks++
    await this.gate
    const d = this.devices.get(id)
    return d?.active === true && d.secret === secret
  }
  async verifyServiceSecret(name: string, secret: string): Promise<boolean> {
    return this.services.get(name) === secret
  }
  credentialVersion(id: string): number | undefined {
    const d = this.devices.get(id)
    return d?.active ? d.version : undefined
  }
  onCredentialChange(): () => void {
    return () => {}
  }
}

export interface Harness {
  broker: BrokerHandle
  spool: SpoolWriter
  reader: SpoolReader
  directory: FakeDirectory
  metrics: Registry
  url: string
  wsUrl: string
  clients: MqttClient[]
  connect(opts: IClientOptions, url?: string): Promise<MqttClient>
  /** everything in the spool so far (waits briefly for nothing else) */
  drain(): Promise<SpoolEntry[]>
  close(): Promise<void>
}

export async function startHarness(
  opts: { maxBytes?: number; segmentBytes?: number; config?: Partial<BrokerConfig>; log?: Logger } = {},
): Promise<Harness> {
  const tmp = tempDir('broker')
  const directory = new FakeDirectory()
  directory.services.set('api', 'api-secret')
  const spool = await openSpoolWriter({
    dir: tmp.dir,
    maxBytes: opts.maxBytes ?? 1 << 30,
    segmentBytes: opts.segmentBytes,
    log: silentLog,
    rescanMs: 20,
    retryMs: 10,
  })
  const reader = await openSpoolReader({ dir: tmp.dir, log: silentLog, pollMs: 5 })
  const metrics = new Registry()
  const broker = await createBroker({
    directory,
    spool,
    log: opts.log ?? silentLog,
    metrics,
    config: { host: '127.0.0.1', mqttPort: 0, wsPort: 0, ...opts.config },
  })
  const clients: MqttClient[] = []
  const h: Harness = {
    broker,
    spool,
    reader,
    directory,
    metrics,
    url: `mqtt://127.0.0.1:${broker.ports.mqtt}`,
    wsUrl: `ws://127.0.0.1:${broker.ports.ws}/mqtt`,
    clients,
    async connect(o, url = h.url) {
      const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...o })
      clients.push(c)
      await new Promise<void>((resolve, reject) => {
        c.once('connect', () => resolve())
        c.once('error', reject)
        c.once('close', () => reject(new Error('closed before CONNACK')))
      })
      return c
    },
    async drain() {
      const out: SpoolEntry[] = []
      for (;;) {
        const batch = await reader.next(1000, 0)
        if (batch.length === 0) return out
        out.push(...batch)
      }
    },
    async close() {
      for (const c of clients) c.end(true)
      await broker.close()
      await reader.close()
      await spool.close()
      tmp.remove()
    },
  }
  return h
}

/** `topic payload` of every retained message the broker holds under `pattern` (its real store). */
export async function retainedMessages(broker: BrokerHandle, pattern: string): Promise<string[]> {
  const { persistence } = broker.aedes as unknown as {
    persistence: { createRetainedStream(pattern: string): AsyncIterable<{ topic: string; payload: Buffer }> }
  }
  const out: string[] = []
  for await (const p of persistence.createRetainedStream(pattern)) out.push(`${p.topic} ${p.payload}`)
  return out.sort()
}

/** A connect that must fail; resolves with the CONNACK error code (or 'closed' without one). */
export function refusedConnect(url: string, opts: IClientOptions): Promise<number | string> {
  const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...opts })
  return new Promise((resolve, reject) => {
    c.once('connect', () => {
      c.end(true)
      reject(new Error('connect was accepted'))
    })
    c.once('error', (err: Error & { code?: number }) => {
      c.end(true)
      resolve(err.code ?? err.message)
    })
    c.once('close', () => {
      c.end(true)
      resolve('closed')
    })
  })
}

export function nextMessage(
  c: MqttClient,
  topic?: string,
): Promise<{ topic: string; payload: string; retain: boolean }> {
  return new Promise((resolve) => {
    const on = (t: string, p: Buffer, packet: { retain: boolean }) => {
      if (topic !== undefined && t !== topic) return
      c.off('message', on)
      resolve({ topic: t, payload: p.toString(), retain: packet.retain })
    }
    c.on('message', on)
  })
}

export function collectMessages(c: MqttClient): Array<{ topic: string; payload: string }> {
  const out: Array<{ topic: string; payload: string }> = []
  c.on('message', (t, p) => out.push({ topic: t, payload: p.toString() }))
  return out
}

const mqttString = (s: string | Buffer): Buffer => {
  const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s
  const out = Buffer.alloc(2 + b.length)
  out.writeUInt16BE(b.length, 0)
  b.copy(out, 2)
  return out
}

/** One MQTT 3.1.1 packet: fixed header (type and flags, remaining length varint) and body. */
export function mqttPacket(typeAndFlags: number, body: Buffer): Buffer {
  const len: number[] = []
  let n = body.length
  do {
    let b = n % 128
    n = Math.floor(n / 128)
    if (n > 0) b |= 0x80
    len.push(b)
  } while (n > 0)
  return Buffer.concat([Buffer.from([typeAndFlags, ...len]), body])
}

/**
 * A device speaking raw MQTT 3.1.1 over TCP: it sends only what the test writes (no PINGREQ, no PUBREL),
 * which mqtt.js cannot be made to do. Resolves once the CONNACK arrived, with its return code.
 */
export async function rawDevice(
  port: number,
  o: {
    clientId: string
    password: string
    keepaliveS: number
    will?: { topic: string | Buffer; payload: string }
  },
): Promise<{ socket: Socket; returnCode: number; closed: Promise<void>; received: Buffer[] }> {
  const socket = netConnect(port, '127.0.0.1')
  socket.on('error', () => {})
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  const received: Buffer[] = []
  // clean session, user name, password; Will flag, Will QoS 1 and Will retain when a Will is given
  const flags = 0x02 | 0x80 | 0x40 | (o.will ? 0x04 | 0x08 | 0x20 : 0)
  const keepalive = Buffer.from([o.keepaliveS >> 8, o.keepaliveS & 0xff])
  const body = Buffer.concat([
    mqttString('MQTT'),
    Buffer.from([4, flags]),
    keepalive,
    mqttString(o.clientId),
    ...(o.will ? [mqttString(o.will.topic), mqttString(o.will.payload)] : []),
    mqttString(o.clientId),
    mqttString(o.password),
  ])
  const connack = new Promise<number>((resolve, reject) => {
    socket.once('data', (d: Buffer) => {
      received.push(d)
      socket.on('data', (more: Buffer) => received.push(more))
      if (d[0] === 0x20) resolve(d[3]!)
      else reject(new Error(`expected a CONNACK, got type ${d[0]}`))
    })
    socket.once('close', () => reject(new Error('closed before CONNACK')))
  })
  socket.write(mqttPacket(0x10, body))
  return { socket, returnCode: await connack, closed, received }
}

/** A QoS 1 PUBLISH (DUP 0, retain 0) with message id `id`; the topic as given, bytes and all. */
export function qos1Publish(topic: string | Buffer, payload: string, id: number): Buffer {
  return mqttPacket(
    0x32,
    Buffer.concat([mqttString(topic), Buffer.from([id >> 8, id & 0xff]), Buffer.from(payload)]),
  )
}

/** A SUBSCRIBE of one filter at QoS 1 with message id `id`. */
export function subscribePacket(filter: string | Buffer, id: number): Buffer {
  return mqttPacket(
    0x82,
    Buffer.concat([Buffer.from([id >> 8, id & 0xff]), mqttString(filter), Buffer.from([1])]),
  )
}

/** A QoS 2 PUBLISH (DUP 0, retain 0) with message id `id`. */
export function qos2Publish(topic: string, payload: string, id: number): Buffer {
  return mqttPacket(
    0x34,
    Buffer.concat([mqttString(topic), Buffer.from([id >> 8, id & 0xff]), Buffer.from(payload)]),
  )
}

export interface RegistryBroker {
  registry: RealRegistry
  broker: BrokerHandle
  url: string
  close(): Promise<void>
}

/**
 * The real registry (SQLite, a cheap scrypt) with tenant `acme` and site `shed-1`, a spool and a broker
 * on it; `directory` may wrap the registry (to count its lookups), the broker is given what it returns.
 */
export async function startRegistryBroker(
  name: string,
  directory: (r: RealRegistry) => Parameters<typeof createBroker>[0]['directory'] = (r) => r,
): Promise<RegistryBroker> {
  const tmp = tempDir(name)
  const registry = openRegistry({
    path: `${tmp.dir}/registry.db`,
    log: silentLog,
    scrypt: { N: 1024, r: 8, p: 1 },
  })
  registry.createTenant({ id: 'acme', name: 'Acme' })
  registry.createSite({
    id: 'shed-1',
    tenantId: 'acme',
    name: 'Shed',
    community: 'Court',
    kind: 'charging-shed',
  })
  const spool = await openSpoolWriter({ dir: `${tmp.dir}/spool`, maxBytes: 1 << 30, log: silentLog })
  const broker = await createBroker({
    directory: directory(registry),
    spool,
    log: silentLog,
    metrics: new Registry(),
    config: { host: '127.0.0.1', mqttPort: 0 },
  })
  return {
    registry,
    broker,
    url: `mqtt://127.0.0.1:${broker.ports.mqtt}`,
    async close() {
      await broker.close()
      await spool.close()
      registry.close()
      tmp.remove()
    },
  }
}
