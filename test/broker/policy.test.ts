import { describe, expect, it } from 'vitest'
import { createAuthCache } from '../../broker/auth-cache.ts'
import { FrameScanner } from '../../broker/packet-size-limit.ts'
import { canPublish, canSubscribe, publishRefusal, validateConnect } from '../../broker/policy.ts'
import type { Identity } from '../../broker/types.ts'

const dev: Identity = { type: 'device', deviceId: 'pile-001' }
const svc: Identity = { type: 'service', name: 'api' }

describe('canPublish', () => {
  it.each([
    [dev, 'devices/pile-001/telemetry', true],
    [dev, 'devices/pile-001/events', true],
    [dev, 'devices/pile-001/status', true],
    [dev, 'devices/pile-001/commands/ack', true],
    [dev, 'devices/pile-001/x/extension', true],
    [dev, 'devices/pile-001/commands', false],
    [dev, 'devices/pile-001/', false],
    [dev, 'devices/pile-001', false],
    [dev, 'devices/pile-0011/telemetry', false],
    [dev, 'devices/pile-001xtelemetry', false],
    [dev, 'xdevices/pile-001/telemetry', false],
    [dev, 'devices/pile-002/telemetry', false],
    [dev, 'devices/pile-001/tele\u0000metry', false],
    [dev, 'devices/pile-001/telemetry\uFFFD', false],
    [dev, '$SYS/broker/x', false],
    [dev, '$courtyard/revoke', false],
    [dev, 'other/topic', false],
    [dev, '', false],
    [svc, 'devices/pile-001/commands', true],
    [svc, '$courtyard/revoke', true],
    [svc, 'devices/pile-001/telemetry', false],
    [svc, 'devices/+/commands', false],
    [svc, 'devices/x/commands', false],
    [svc, '$SYS/anything', false],
  ])('%o publishing to %j → %s', (identity, topic, expected) => {
    expect(canPublish(identity, topic)).toBe(expected)
  })

  it('names the reason of a refusal', () => {
    expect(publishRefusal(dev, 'devices/pile-002/telemetry')).toBe('outside-own-subtree')
    expect(publishRefusal(dev, '$SYS/x')).toBe('reserved')
    expect(publishRefusal(dev, 'devices/pile-001/a\u0000')).toBe('nul')
    // ill-formed UTF-8 as mqtt-packet decodes it, inside the device's own subtree or not
    expect(publishRefusal(dev, 'devices/pile-001/tele\uFFFDmetry')).toBe('malformed-utf8')
    expect(publishRefusal(dev, 'devices/pile-\uFFFD01/telemetry')).toBe('malformed-utf8')
  })
})

describe('canSubscribe', () => {
  it.each([
    [dev, 'devices/pile-001/commands', true],
    [dev, 'devices/pile-001/#', true],
    [dev, 'devices/pile-001/+', true],
    [dev, 'devices/#', false],
    [dev, 'devices/+/commands', false],
    [dev, 'devices/pile-002/commands', false],
    [dev, '#', false],
    [dev, '$SYS/#', false],
    [dev, 'devices/pile-001/', false],
    [dev, 'devices/pile-001/\u0000', false],
    [dev, 'devices/pile-001/\uFFFD', false],
    [svc, 'devices/#', true],
    [svc, 'devices/+/telemetry', true],
    [svc, '#', false],
    [svc, '$SYS/#', false],
    [svc, '$courtyard/dropped', false],
  ])('%o subscribing to %j → %s', (identity, filter, expected) => {
    expect(canSubscribe(identity, filter)).toBe(expected)
  })
})

describe('validateConnect', () => {
  const base = { clientId: 'pile-001', username: 'pile-001', hasPassword: true }
  it.each([
    ['a device with matching client id', base, { ok: true, identity: dev }],
    [
      'a device whose Will is its own status',
      { ...base, willTopic: 'devices/pile-001/status' },
      { ok: true, identity: dev },
    ],
    ['a service', { ...base, clientId: 'svc:api-1', username: 'svc:api' }, { ok: true, identity: svc }],
    ['an empty client id (MQTT-3.1.3-8)', { ...base, clientId: '' }, { ok: false, returnCode: 2 }],
    ['a client id other than the username', { ...base, clientId: 'pile-002' }, { ok: false, returnCode: 2 }],
    ['no username', { ...base, username: undefined }, { ok: false, returnCode: 4 }],
    ['no password', { ...base, hasPassword: false }, { ok: false, returnCode: 4 }],
    [
      'a username that is no device id',
      { ...base, clientId: 'a/b', username: 'a/b' },
      { ok: false, returnCode: 4 },
    ],
    [
      'a service with a device-like client id',
      { ...base, username: 'svc:api' },
      { ok: false, returnCode: 2 },
    ],
    ['a foreign Will topic', { ...base, willTopic: 'devices/pile-002/status' }, { ok: false, returnCode: 5 }],
    ['a Will on $SYS', { ...base, willTopic: '$SYS/x' }, { ok: false, returnCode: 5 }],
  ])('%s', (_name, req, expected) => {
    expect(validateConnect(req)).toMatchObject(expected)
  })
})

describe('FrameScanner', () => {
  const varint = (n: number) => {
    const out: number[] = []
    do {
      let b = n % 128
      n = Math.floor(n / 128)
      if (n > 0) b |= 0x80
      out.push(b)
    } while (n > 0)
    return out
  }
  const packet = (remaining: number) =>
    Buffer.from([0x30, ...varint(remaining), ...new Array(remaining).fill(0)])

  it('accepts packets up to the limit, even split byte by byte', () => {
    const s = new FrameScanner(1024)
    const stream = Buffer.concat([packet(0), packet(100), packet(1021), packet(5)])
    for (const b of stream) expect(s.feed(Buffer.from([b]))).toBe(true)
  })

  it.each([
    ['a CONNECT announcing 200 MB', Buffer.from([0x10, ...varint(200_000_000)]), 200_000_000 + 5],
    ['a packet one byte over the limit', Buffer.from([0x30, ...varint(1022)]), 1025],
    ['a length field of five bytes', Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]), -1],
  ])('rejects %s as soon as its header is read', (_name, header, announced) => {
    const s = new FrameScanner(1024)
    expect(s.feed(Buffer.concat([packet(3), header]))).toBe(false)
    expect(s.announced).toBe(announced)
  })
})

describe('auth cache', () => {
  it('remembers a verified secret and forgets it on revoke', () => {
    const c = createAuthCache()
    c.remember('pile-001', 's3cret', 0, c.generation('pile-001'))
    expect(c.has('pile-001', 's3cret', 0)).toBe(true)
    expect(c.has('pile-001', 'other', 0)).toBe(false)
    c.revoke('pile-001')
    expect(c.has('pile-001', 's3cret', 0)).toBe(false)
  })

  it('does not match a secret verified against an older credential version', () => {
    const c = createAuthCache()
    c.remember('pile-001', 's3cret', 4, c.generation('pile-001'))
    expect(c.has('pile-001', 's3cret', 5)).toBe(false)
  })

  it('does not re-insert a secret whose verification started before a revoke', () => {
    const c = createAuthCache()
    const gen = c.generation('pile-001')
    c.revoke('pile-001')
    c.remember('pile-001', 'old', 0, gen)
    expect(c.has('pile-001', 'old', 0)).toBe(false)
  })

  it('evicts the oldest entry beyond its capacity', () => {
    const c = createAuthCache(2)
    for (const id of ['a01', 'b02', 'c03']) c.remember(id, 'x', 0, 0)
    expect([c.has('a01', 'x', 0), c.has('b02', 'x', 0), c.has('c03', 'x', 0)]).toEqual([false, true, true])
  })
})
