import { connect as netConnect } from 'node:net'
import type mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keptPayload } from '../../broker/kept-payload.ts'
import { until } from '../support/poll.ts'
import {
  collectMessages,
  type Harness,
  nextMessage,
  qos2Publish,
  rawDevice,
  refusedConnect,
  retainedMessages,
  startHarness,
} from './helpers.ts'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
  h.directory
    .addDevice('pile-001', 'secret-1')
    .addDevice('pile-002', 'secret-2')
    .addDevice('pile-003', 'secret-3')
  h.directory
    .addDevice('ws-dev-01', 'secret-ws')
    .addDevice('gone-dev-1', 'secret-g')
    .addDevice('quiet-01', 'secret-q')
  h.directory.addDevice('life-dev-1', 'secret-l').addDevice('keep-01', 'secret-k')
  h.directory.addDevice('metr-01', 'secret-m')
})
afterAll(async () => {
  await h?.close()
})

const device = (id: string, secret: string, extra: mqtt.IClientOptions = {}): mqtt.IClientOptions => ({
  clientId: id,
  username: id,
  password: secret,
  ...extra,
})
const service = (): mqtt.IClientOptions => ({
  clientId: `svc:api-${Math.random()}`,
  username: 'svc:api',
  password: 'api-secret',
})

describe('broker authentication', () => {
  it.each([
    ['a wrong secret', device('pile-001', 'nope'), 4],
    ['an unknown device', device('pile-999', 'secret-1'), 4],
    ['a client id other than the username', { ...device('pile-001', 'secret-1'), clientId: 'pile-002' }, 2],
    ['an empty client id', { ...device('pile-001', 'secret-1'), clientId: '', clean: true }, 2],
    ['no credentials', { clientId: 'pile-001' }, 4],
    // protocol (Connection limits): CONNACK 1 until the service speaks MQTT 5, whatever the secret
    ['an MQTT 5 client', device('pile-001', 'secret-1', { protocolVersion: 5 }), 1],
    ['a client id over 64 characters', { ...device('pile-001', 'secret-1'), clientId: 'p'.repeat(200) }, 2],
    ['a wrong service secret', { ...service(), password: 'x' }, 4],
    [
      'a Will on another device',
      device('pile-001', 'secret-1', {
        will: { topic: 'devices/pile-002/status', payload: Buffer.from('offline'), qos: 1, retain: true },
      }),
      5,
    ],
    [
      'a Will on $SYS',
      device('pile-001', 'secret-1', {
        will: { topic: '$SYS/x', payload: Buffer.from('x'), qos: 0, retain: false },
      }),
      5,
    ],
  ])('refuses %s', async (_name, opts, code) => {
    expect(await refusedConnect(h.url, opts)).toBe(code)
  })

  // protocol (Connection limits): any keep alive of MQTT 3.1.1; cellular devices use an hour and more
  it.each([0, 1800, 1801, 3600, 65535])('accepts a device with a keep alive of %i s', async (keepalive) => {
    const c = await h.connect(device('keep-01', 'secret-k', { keepalive }))
    await c.endAsync()
  })

  it('accepts a registered device and a service, and counts auth failures', async () => {
    await h.connect(device('pile-003', 'secret-3'))
    await h.connect(service())
    expect(h.broker.connectedDevices()).toBeGreaterThanOrEqual(1)
    const text = await h.metrics.metrics()
    expect(text).toMatch(/courtyard_broker_auth_failures_total\{reason="wrong secret"\} [1-9]/)
  })

  it('verifies a device secret once and then serves reconnects from the cache', async () => {
    const before = h.directory.deviceChecks
    const a = await h.connect(device('quiet-01', 'secret-q'))
    await a.endAsync()
    const b = await h.connect(device('quiet-01', 'secret-q'))
    await b.endAsync()
    expect(h.directory.deviceChecks - before).toBe(1)
  })
})

describe('broker metrics', () => {
  const counter = (text: string, name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1])

  it('counts the spool group commits and the records they made durable', async () => {
    const before = await h.metrics.metrics()
    const d = await h.connect(device('metr-01', 'secret-m'))
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        d.publishAsync('devices/metr-01/telemetry', `{"n":${i}}`, { qos: 1 }),
      ),
    )
    await d.endAsync()
    const after = await h.metrics.metrics()
    const records =
      counter(after, 'courtyard_spool_committed_records_total') -
      counter(before, 'courtyard_spool_committed_records_total')
    const commits =
      counter(after, 'courtyard_spool_commits_total') - counter(before, 'courtyard_spool_commits_total')
    // every acknowledged publish was made durable by some commit; one commit may carry many
    expect(records).toBeGreaterThanOrEqual(20)
    expect(commits).toBeGreaterThanOrEqual(1)
    expect(commits).toBeLessThanOrEqual(records)
  })
})

describe('broker authorization', () => {
  it('lets nothing through that a device publishes outside its own subtree', async () => {
    await h.drain()
    const watcher = await h.connect(service())
    await watcher.subscribeAsync('devices/#', { qos: 1 })
    const seen = collectMessages(watcher)
    const d = await h.connect(device('pile-001', 'secret-1'))
    // refused publishes are acknowledged and dropped (MQTT-3.3.5-2): the device keeps its session
    await d.publishAsync('devices/pile-002/telemetry', '{"forged":1}', { qos: 1 })
    await d.publishAsync('$SYS/broker/fake', 'x', { qos: 1 })
    await d.publishAsync('devices/pile-001/commands', '{"id":"1","name":"ping","args":{}}', { qos: 1 })
    await d.publishAsync('devices/pile-001/tele\u0000metry', 'x', { qos: 1 })
    await d.publishAsync('devices/pile-002/status', 'offline', { qos: 0, retain: true })
    const sentinel = nextMessage(watcher, 'devices/pile-001/telemetry')
    await d.publishAsync('devices/pile-001/telemetry', '{"ok":1}', { qos: 1 })
    await sentinel
    // other tests' devices may report status meanwhile; only pile-00x topics are in play here
    const inPlay = (topic: string) => /^devices\/pile-00[12]\//.test(topic) || !topic.startsWith('devices/')
    expect(seen.filter((m) => inPlay(m.topic))).toEqual([
      { topic: 'devices/pile-001/telemetry', payload: '{"ok":1}' },
    ])
    const spooled = (await h.drain()).map((e) => e.topic).filter(inPlay)
    expect(spooled).toEqual(['devices/pile-001/telemetry'])
    expect(d.connected).toBe(true)
    const text = await h.metrics.metrics()
    expect(text).toMatch(/courtyard_broker_refused_publishes_total\{reason="outside-own-subtree"\} 2/)
    await d.endAsync()
  })

  it('refuses subscriptions to devices/# and to another device, granting only the own subtree', async () => {
    const d = await h.connect(device('pile-002', 'secret-2'))
    // mqtt.js rejects a SUBACK carrying 0x80 (failure)
    await expect(d.subscribeAsync('devices/#', { qos: 1 })).rejects.toThrow(/Subscribe error/)
    await expect(d.subscribeAsync('devices/pile-001/commands', { qos: 1 })).rejects.toThrow(/Subscribe error/)
    const granted = await d.subscribeAsync('devices/pile-002/commands', { qos: 1 })
    expect(granted.map((g) => g.qos)).toEqual([1])
    expect(d.connected).toBe(true)
    const seen = collectMessages(d)
    const api = await h.connect(service())
    // commands go out at QoS 0 (a QoS 1 one is dropped: no session queue may keep it, broker/policy.ts)
    await api.publishAsync('devices/pile-001/commands', '{"id":"a","name":"ping","args":{}}', { qos: 0 })
    const own = nextMessage(d, 'devices/pile-002/commands')
    await api.publishAsync('devices/pile-002/commands', '{"id":"b","name":"ping","args":{}}', { qos: 0 })
    await own
    expect(seen.map((m) => m.topic)).toEqual(['devices/pile-002/commands'])
    await d.endAsync()
  })
})

describe('broker durability', () => {
  it('sends the QoS 1 PUBACK only once the record is in the spool', async () => {
    await h.drain()
    const d = await h.connect(device('pile-003', 'secret-3'))
    await d.publishAsync('devices/pile-003/telemetry', '{"seq":1}', { qos: 1 })
    // no waiting: the record must already be on disk when the PUBACK arrived
    const got = (await h.reader.next(10, 0)).filter((e) => e.topic === 'devices/pile-003/telemetry')
    expect(got.map((e) => [e.topic, e.payload.toString()])).toEqual([
      ['devices/pile-003/telemetry', '{"seq":1}'],
    ])
    await d.endAsync()
  })
})

describe('broker limits', () => {
  it('drops a connection whose CONNECT announces a 200 MB packet before buffering it', async () => {
    const sock = netConnect(h.broker.ports.mqtt, '127.0.0.1')
    await new Promise<void>((resolve) => sock.once('connect', () => resolve()))
    const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()))
    sock.on('error', () => {})
    // CONNECT, remaining length 200,000,000 (varint 0x80 0x84 0xaf 0x5f), then the first bytes of a body
    sock.write(Buffer.from([0x10, 0x80, 0x84, 0xaf, 0x5f, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54]))
    await closed
    expect(await h.metrics.metrics()).toMatch(/courtyard_broker_oversize_packets_total [1-9]/)
  })

  it('drops an authenticated device that sends a publish over 64 KiB', async () => {
    await h.drain()
    const d = await h.connect(device('pile-003', 'secret-3'))
    const closed = new Promise<void>((resolve) => d.once('close', () => resolve()))
    d.publish('devices/pile-003/telemetry', Buffer.alloc(70_000, 0x61), { qos: 1 })
    await closed
    const spooled = await h.drain()
    expect(spooled.filter((e) => e.topic === 'devices/pile-003/telemetry')).toEqual([])
  })
})

describe('broker transports', () => {
  it('accepts a device over WebSocket on /mqtt and spools its publish', async () => {
    await h.drain()
    const d = await h.connect(device('ws-dev-01', 'secret-ws'), h.wsUrl)
    await d.publishAsync('devices/ws-dev-01/telemetry', '{"seq":7}', { qos: 1 })
    const got = (await h.reader.next(10, 0)).filter((e) => e.topic.startsWith('devices/ws-dev-01/'))
    expect(got.map((e) => e.payload.toString())).toEqual(['{"seq":7}'])
    await d.endAsync()
  })
})

describe('broker device lifecycle', () => {
  it('disconnects a device on $courtyard/revoke and refuses its old secret afterwards', async () => {
    const d = await h.connect(device('gone-dev-1', 'secret-g'))
    const closed = new Promise<void>((resolve) => d.once('close', () => resolve()))
    // what the registry does on rotate-secret: the old secret stops verifying (the device stays active)
    h.directory.devices.get('gone-dev-1')!.secret = 'rotated'
    const api = await h.connect(service())
    await api.publishAsync('$courtyard/revoke', JSON.stringify({ deviceId: 'gone-dev-1' }), { qos: 1 })
    await closed
    // the cached verification was dropped, so the old secret goes back to the directory and fails
    expect(await refusedConnect(h.url, device('gone-dev-1', 'secret-g'))).toBe(4)
    await (await h.connect(device('gone-dev-1', 'rotated'))).endAsync()
  })

  it('publishes and spools a retained offline status after a clean DISCONNECT', async () => {
    await h.drain()
    const d = await h.connect(
      device('life-dev-1', 'secret-l', {
        will: { topic: 'devices/life-dev-1/status', payload: Buffer.from('offline'), qos: 1, retain: true },
      }),
    )
    await d.publishAsync('devices/life-dev-1/status', 'online', { qos: 1, retain: true })
    const watcher = await h.connect(service())
    const retained = nextMessage(watcher, 'devices/life-dev-1/status')
    await watcher.subscribeAsync('devices/life-dev-1/status', { qos: 1 })
    expect((await retained).payload).toBe('online')
    const offline = nextMessage(watcher, 'devices/life-dev-1/status')
    await d.endAsync() // clean DISCONNECT: aedes fires no Will
    expect((await offline).payload).toBe('offline')
    // the spool tells who said it: the device itself, then the broker (domain/topics.ts)
    const statuses = (await h.drain())
      .filter((e) => e.topic.startsWith('devices/life-dev-1/status'))
      .map((e) => `${e.topic} ${e.payload}`)
    expect(statuses).toEqual(['devices/life-dev-1/status online', 'devices/life-dev-1/status/broker offline'])
    // a late subscriber sees the retained truth
    const late = await h.connect(service())
    const lateMsg = nextMessage(late, 'devices/life-dev-1/status')
    await late.subscribeAsync('devices/life-dev-1/status', { qos: 1 })
    expect(await lateMsg).toMatchObject({ payload: 'offline', retain: true })
  })
})

describe('broker memory bounds', () => {
  it('retains only a device’s status, and only a short one; everything else flows unretained', async () => {
    h.directory.addDevice('ret-01', 'secret-r')
    const d = await h.connect(device('ret-01', 'secret-r'))
    const watcher = await h.connect(service())
    await watcher.subscribeAsync('devices/ret-01/#', { qos: 1 })
    const seen = collectMessages(watcher)
    await d.publishAsync('devices/ret-01/telemetry', '{"seq":1}', { qos: 1, retain: true })
    await d.publishAsync('devices/ret-01/events', '{"seq":2}', { qos: 1, retain: true })
    for (let i = 0; i < 20; i++)
      await d.publishAsync(`devices/ret-01/x/${i}`, 'junk', { qos: 0, retain: true })
    await d.publishAsync('devices/ret-01/status', 'x'.repeat(65), { qos: 1, retain: true })
    await d.publishAsync('devices/ret-01/status', 'online', { qos: 1, retain: true })
    // a retained command would run again at every reconnect of the device: it is dropped altogether
    const api = await h.connect(service())
    await api.publishAsync('devices/ret-01/commands', '{"id":"c1"}', { qos: 1, retain: true })
    await until(() => seen.length === 24)
    expect(await retainedMessages(h.broker, 'devices/ret-01/#')).toEqual(['devices/ret-01/status online'])
    expect(await h.metrics.metrics()).toMatch(/courtyard_broker_unretained_publishes_total 23/)
    expect(seen.map((m) => m.topic)).not.toContain('devices/ret-01/commands')
    d.end(true)
  })

  it('keeps a device’s Will and retained status as shared copies, and not its secret, for the connection’s life', async () => {
    h.directory.addDevice('kept-01', 'secret-k1').addDevice('kept-02', 'secret-k2')
    const wills = { 'kept-01': 'offline', 'kept-02': 'gone' }
    for (const [id, payload] of Object.entries(wills)) {
      const d = await h.connect(
        device(id, id === 'kept-01' ? 'secret-k1' : 'secret-k2', {
          will: { topic: `devices/${id}/status`, payload: Buffer.from(payload), qos: 1, retain: true },
        }),
      )
      await d.publishAsync(`devices/${id}/status`, 'online', { qos: 1, retain: true })
    }
    const { clients, persistence } = h.broker.aedes as unknown as {
      clients: Record<string, { will: { payload: Buffer }; _parser: { settings: { password?: Buffer } } }>
      persistence: {
        createRetainedStream(pattern: string): AsyncIterable<{ topic: string; payload: Buffer }>
      }
    }
    const retained: Buffer[] = []
    for await (const p of persistence.createRetainedStream('devices/+/status'))
      if (p.topic.startsWith('devices/kept-')) retained.push(p.payload)
    // both devices' `online` is one buffer, and so is the protocol's `offline` Will
    expect(retained.map(String)).toEqual(['online', 'online'])
    expect(retained[0]).toBe(retained[1])
    expect(retained[0]).toBe(keptPayload(Buffer.from('online')))
    expect(clients['kept-01']!.will.payload).toBe(keptPayload(Buffer.from('offline')))
    // any other Will is a copy of its own: a buffer exactly its size, not a view of a larger read
    const other = clients['kept-02']!.will.payload
    expect(String(other)).toBe('gone')
    expect(other.buffer.byteLength === other.length || other.buffer.byteLength === Buffer.poolSize).toBe(true)
    // the parser keeps each connection's CONNECT: not with the device's secret in it
    expect(clients['kept-01']!._parser.settings).toMatchObject({ clientId: 'kept-01' })
    expect(clients['kept-01']!._parser.settings.password).toBeUndefined()
  })

  it('closes a connection that withholds PUBREL for more QoS 2 messages than the bound', async () => {
    const small = await startHarness({ config: { qos2InflightMax: 5 } })
    try {
      small.directory.addDevice('qos2-01', 'secret-2')
      const raw = await rawDevice(small.broker.ports.mqtt, {
        clientId: 'qos2-01',
        password: 'secret-2',
        keepaliveS: 0,
      })
      expect(raw.returnCode).toBe(0)
      // five PUBRECs come back; the sixth message finds the window full
      for (let id = 1; id <= 5; id++)
        raw.socket.write(qos2Publish('devices/qos2-01/telemetry', `{"seq":${id}}`, id))
      // PUBREC is 0x50 0x02 <id>; no other byte sent to this connection is 0x50
      await until(() => Buffer.concat(raw.received).filter((b) => b === 0x50).length >= 5)
      expect(raw.socket.destroyed).toBe(false)
      raw.socket.write(qos2Publish('devices/qos2-01/telemetry', '{"seq":6}', 6))
      await raw.closed
    } finally {
      await small.close()
    }
  })
})

describe('broker status sources', () => {
  const will = (id: string) => ({
    will: { topic: `devices/${id}/status`, payload: Buffer.from('offline'), qos: 1 as const, retain: true },
  })
  const statusRecords = async (id: string) =>
    (await h.drain())
      .filter((e) => e.topic.startsWith(`devices/${id}/status`))
      .map((e) => `${e.topic} ${e.payload}`)

  it('spools a Will published after a dropped connection as the Will, not as the device', async () => {
    h.directory.addDevice('src-will', 'secret-w')
    await h.drain()
    const d = await h.connect(device('src-will', 'secret-w', will('src-will')))
    await d.publishAsync('devices/src-will/status', 'online', { qos: 1, retain: true })
    const watcher = await h.connect(service())
    const retained = nextMessage(watcher, 'devices/src-will/status')
    await watcher.subscribeAsync('devices/src-will/status', { qos: 1 })
    expect((await retained).payload).toBe('online')
    const offline = nextMessage(watcher, 'devices/src-will/status')
    // a network loss: no DISCONNECT, so the broker publishes the Will
    ;(d.stream as unknown as { destroy(): void }).destroy()
    expect((await offline).payload).toBe('offline')
    const records: string[] = []
    await until(async () => {
      records.push(...(await statusRecords('src-will')))
      return records.length >= 2
    })
    expect(records).toEqual(['devices/src-will/status online', 'devices/src-will/status/will offline'])
  })

  it('spools the Will of a connection the broker ended for its silence as the broker’s word', async () => {
    h.directory.addDevice('src-quiet', 'secret-s')
    await h.drain()
    // keep alive 1 s and never a PINGREQ: aedes closes it after 1.5 s (MQTT-3.1.2-24)
    const raw = await rawDevice(h.broker.ports.mqtt, {
      clientId: 'src-quiet',
      password: 'secret-s',
      keepaliveS: 1,
      will: { topic: 'devices/src-quiet/status', payload: 'offline' },
    })
    expect(raw.returnCode).toBe(0)
    await raw.closed
    const records: string[] = []
    await until(async () => {
      records.push(...(await statusRecords('src-quiet')))
      return records.length >= 1
    })
    expect(records).toEqual(['devices/src-quiet/status/broker offline'])
  })

  it('spools the Wills aedes publishes as the service stops as the broker’s word', async () => {
    // its own broker: this one is stopped
    const own = await startHarness()
    try {
      own.directory.addDevice('src-stop', 'secret-t')
      const d = await own.connect(device('src-stop', 'secret-t', will('src-stop')))
      await d.publishAsync('devices/src-stop/status', 'online', { qos: 1, retain: true })
      await own.broker.close()
      const records: string[] = []
      await until(async () => {
        for (const e of await own.drain())
          if (e.topic.startsWith('devices/src-stop/status')) records.push(`${e.topic} ${e.payload}`)
        return records.length >= 2
      })
      // the device did not go away: the service did (source `broker`, not `will`)
      expect(records).toEqual(['devices/src-stop/status online', 'devices/src-stop/status/broker offline'])
    } finally {
      await own.close().catch(() => undefined)
    }
  })

  it('refuses a device publishing to the broker’s own status records', async () => {
    h.directory.addDevice('src-forge', 'secret-f')
    await h.drain()
    const d = await h.connect(device('src-forge', 'secret-f'))
    await d.publishAsync('devices/src-forge/status/broker', 'offline', { qos: 1 })
    await d.publishAsync('devices/src-forge/status/will', 'offline', { qos: 1 })
    await d.publishAsync('devices/src-forge/status', 'online', { qos: 1 })
    expect(await statusRecords('src-forge')).toEqual(['devices/src-forge/status online'])
    d.end(true)
  })
})

describe('broker session takeover', () => {
  // protocol (Connection limits), MQTT-3.1.4-2: the device stays online, its old connection's Will is not sent
  it('does not publish the old connection’s Will when the same device connects again', async () => {
    h.directory.addDevice('take-02', 'secret-t')
    const opts = device('take-02', 'secret-t', {
      will: { topic: 'devices/take-02/status', payload: Buffer.from('offline'), qos: 1, retain: true },
    })
    await h.drain()
    const watcher = await h.connect(service())
    await watcher.subscribeAsync('devices/take-02/status', { qos: 1 })
    const seen = collectMessages(watcher)
    const first = await h.connect(opts)
    await first.publishAsync('devices/take-02/status', 'online', { qos: 1, retain: true })
    const firstClosed = new Promise<void>((resolve) => first.once('close', () => resolve()))
    const second = await h.connect(opts)
    await firstClosed
    await second.publishAsync('devices/take-02/status', 'online', { qos: 1, retain: true })
    await second.publishAsync('devices/take-02/telemetry', '{"seq":1}', { qos: 1 })
    const spooled = (await h.drain()).filter((e) => e.topic.startsWith('devices/take-02/'))
    expect(spooled.map((e) => `${e.topic} ${e.payload}`)).toEqual([
      'devices/take-02/status online',
      'devices/take-02/status online',
      'devices/take-02/telemetry {"seq":1}',
    ])
    expect(seen.map((m) => m.payload)).toEqual(['online', 'online'])
    const late = await h.connect(service())
    const retained = nextMessage(late, 'devices/take-02/status')
    await late.subscribeAsync('devices/take-02/status', { qos: 1 })
    expect(await retained).toMatchObject({ payload: 'online', retain: true })
    expect(await h.metrics.metrics()).toMatch(/courtyard_broker_suppressed_wills_total 1/)
    second.end(true)
  })

  it('does not report offline when a second connection of the same device takes over', async () => {
    h.directory.addDevice('take-01', 'secret-t')
    await h.drain()
    const first = await h.connect(device('take-01', 'secret-t'))
    const firstClosed = new Promise<void>((resolve) => first.once('close', () => resolve()))
    const second = await h.connect(device('take-01', 'secret-t'))
    await firstClosed
    await second.publishAsync('devices/take-01/telemetry', '{"seq":1}', { qos: 1 })
    const topics = (await h.drain()).filter((e) => e.topic.startsWith('devices/take-01/')).map((e) => e.topic)
    expect(topics).toEqual(['devices/take-01/telemetry'])
    second.end(true)
  })
})
