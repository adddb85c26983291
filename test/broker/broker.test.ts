import { connect as netConnect } from 'node:net'
import type mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectMessages, type Harness, nextMessage, refusedConnect, startHarness } from './helpers.ts'

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
  h.directory.addDevice('life-dev-1', 'secret-l')
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
    const statuses = (await h.drain())
      .filter((e) => e.topic === 'devices/life-dev-1/status')
      .map((e) => e.payload.toString())
    expect(statuses).toEqual(['online', 'offline'])
    // a late subscriber sees the retained truth
    const late = await h.connect(service())
    const lateMsg = nextMessage(late, 'devices/life-dev-1/status')
    await late.subscribeAsync('devices/life-dev-1/status', { qos: 1 })
    expect(await lateMsg).toMatchObject({ payload: 'offline', retain: true })
  })
})

describe('broker session takeover', () => {
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
