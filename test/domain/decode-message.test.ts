import { describe, expect, it } from 'vitest'
import { type DecodeResult, decodeMessage, EVENT_KINDS, MAX_JSON_DEPTH } from '../../domain/decode-message.ts'
import { type DeviceKind, EVENT_NAMES } from '../../domain/protocol.ts'

const NOW = 1_763_712_000_000
const pile = { kind: 'charging-pile' as DeviceKind }
const circuit = { kind: 'circuit-monitor' as DeviceKind }
const daycare = { kind: 'daycare-sensor' as DeviceKind }
const display = { kind: 'outdoor-display' as DeviceKind }
const DEVICE_BY_KIND = {
  'charging-pile': pile,
  'circuit-monitor': circuit,
  'daycare-sensor': daycare,
  'outdoor-display': display,
}

const TELEMETRY = {
  'charging-pile': {
    ts: NOW,
    seq: 881,
    kind: 'charging-pile',
    feeder: {
      voltageV: 229.6,
      currentA: 5.02,
      powerW: 1042.0,
      powerFactor: 0.91,
      energyKWh: 18342.7,
      leakageMA: 4.0,
    },
    ambientC: 24.5,
    smoke: false,
    ports: [
      { port: 1, state: 'charging', powerW: 183.2, currentA: 0.86, energyWh: 412, tempC: 38.1 },
      { port: 2, state: 'idle', powerW: 0, currentA: 0, energyWh: 0, tempC: 22.9 },
    ],
  },
  'circuit-monitor': {
    ts: NOW,
    seq: 17,
    kind: 'circuit-monitor',
    circuit: 'B3-stairwell',
    voltageV: 228.9,
    currentA: 1.12,
    powerW: 196.0,
    powerFactor: 0.62,
    currentThdPct: 78.0,
    energyKWh: 930.4,
  },
  'daycare-sensor': {
    ts: NOW,
    seq: 3012,
    kind: 'daycare-sensor',
    room: 'activity-room',
    tempC: 23.1,
    humidityPct: 41.0,
    co2Ppm: 812,
    pm25Ugm3: 18.0,
    occupancy: 14,
  },
  'outdoor-display': {
    ts: NOW,
    seq: 55,
    kind: 'outdoor-display',
    powerOn: true,
    screen: 'playing',
    brightnessPct: 80,
    cabinetTempC: 41.5,
    humidityPct: 55.0,
    supplyVoltageV: 4.98,
    fanOk: true,
    doorOpen: false,
    smoke: false,
    failedModules: 0,
    contentId: 'policy-2025-11',
  },
} as const

const EVENT_EXTRA: Record<string, Record<string, unknown>> = {
  port_fault: { port: 3, code: 'over_temperature', detail: 'port 3 at 78.5 C' },
  port_fault_cleared: { port: 3, code: 'over_temperature' },
  session_started: { port: 2 },
  session_ended: { port: 2, energyWh: 412, reason: 'full' },
  smoke_detected: {},
  smoke_cleared: {},
  emergency_call: { room: 'lounge' },
  fall_detected: { room: 'lounge', confidence: 0.92 },
  door_open_after_hours: { door: 'north' },
  door_opened: {},
  door_closed: {},
  module_failure: { modules: 2 },
  reboot: { reason: 'watchdog' },
}

const json = (v: unknown) => Buffer.from(JSON.stringify(v))
const decode = (topic: string, payload: unknown, device: { kind: DeviceKind } | undefined = pile) =>
  decodeMessage(topic, typeof payload === 'string' ? payload : json(payload), device, NOW)
const reasonOf = (r: DecodeResult) => (r.ok ? 'ok' : r.reason)

describe('decodeMessage accepts every valid protocol message', () => {
  it.each(Object.entries(TELEMETRY))('decodes %s telemetry', (kind, payload) => {
    const r = decode(`devices/dev-1/telemetry`, payload, DEVICE_BY_KIND[kind as DeviceKind])
    expect(r).toEqual({ ok: true, value: { type: 'telemetry', deviceId: 'dev-1', kind, reading: payload } })
  })

  const eventCases = EVENT_NAMES.flatMap((name) =>
    EVENT_KINDS[name].map((kind) => [name, kind] as [string, DeviceKind]),
  )
  it.each(eventCases)('decodes the %s event from a %s', (event, kind) => {
    const payload = { ts: NOW - 1000, seq: 5, kind, event, ...EVENT_EXTRA[event] }
    const r = decode('devices/dev-1/events', payload, DEVICE_BY_KIND[kind])
    expect(r).toEqual({ ok: true, value: { type: 'event', deviceId: 'dev-1', kind, event: payload } })
  })

  it('covers every event of the protocol in the table above', () => {
    expect(Object.keys(EVENT_EXTRA).sort()).toEqual([...EVENT_NAMES].sort())
    expect(EVENT_KINDS.reboot).toHaveLength(4)
  })

  it.each([
    ['online', true],
    ['offline', false],
    ['online\n', true],
  ])('decodes the status %j', (text, online) => {
    expect(decode('devices/dev-1/status', text)).toEqual({
      ok: true,
      value: { type: 'status', deviceId: 'dev-1', online, source: 'device' },
    })
  })

  it.each([
    ['devices/dev-1/status/will', 'offline', false, 'will'],
    ['devices/dev-1/status/broker', 'offline', false, 'broker'],
    ['devices/dev-1/status/broker', 'online', true, 'broker'],
  ])('decodes the broker’s spool record %s as a status from %s', (topic, text, online, source) => {
    expect(decode(topic, text)).toEqual({
      ok: true,
      value: { type: 'status', deviceId: 'dev-1', online, source },
    })
  })

  it('decodes a command ack', () => {
    const ack = { id: 'c-1', ok: false, error: 'port busy' }
    expect(decode('devices/dev-1/commands/ack', ack)).toEqual({
      ok: true,
      value: { type: 'command_ack', deviceId: 'dev-1', ack },
    })
  })

  // protocol: every payload carries ts, seq and kind; "a field that a device does not have is omitted"
  it.each([
    ['circuit-monitor', { ts: NOW, seq: 1, kind: 'circuit-monitor', powerW: 40 }],
    ['circuit-monitor', { ts: NOW, seq: 1, kind: 'circuit-monitor', energyKWh: 930.4 }],
    ['circuit-monitor', { ts: NOW, seq: 1, kind: 'circuit-monitor' }],
    ['charging-pile', { ts: NOW, seq: 1, kind: 'charging-pile', ports: [{ port: 1, state: 'idle' }] }],
    [
      'charging-pile',
      { ts: NOW, seq: 1, kind: 'charging-pile', feeder: { powerW: 60 }, ports: [{ port: 2 }] },
    ],
    ['charging-pile', { ts: NOW, seq: 1, kind: 'charging-pile', smoke: false }],
    ['daycare-sensor', { ts: NOW, seq: 1, kind: 'daycare-sensor' }],
    ['outdoor-display', { ts: NOW, seq: 1, kind: 'outdoor-display', cabinetTempC: 41.5 }],
    ['outdoor-display', { ts: NOW, seq: 1, kind: 'outdoor-display', screen: 'playing' }],
  ])('accepts %s telemetry that omits what the device does not have: %j', (kind, payload) => {
    const r = decode('devices/dev-1/telemetry', payload, DEVICE_BY_KIND[kind as DeviceKind])
    expect(r).toEqual({ ok: true, value: { type: 'telemetry', deviceId: 'dev-1', kind, reading: payload } })
  })

  it.each([
    ['ts', { seq: 1, kind: 'circuit-monitor', powerW: 40 }],
    ['seq', { ts: NOW, kind: 'circuit-monitor', powerW: 40 }],
    ['a port number', { ts: NOW, seq: 1, kind: 'charging-pile', ports: [{ state: 'idle', powerW: 0 }] }],
    ['null for a value', { ts: NOW, seq: 1, kind: 'circuit-monitor', voltageV: null }],
  ])('still rejects telemetry without %s as schema', (_what, payload) => {
    const kind = payload.kind as DeviceKind
    expect(reasonOf(decode('devices/dev-1/telemetry', payload, DEVICE_BY_KIND[kind]))).toBe('schema')
  })

  it('accepts extension fields the protocol does not name', () => {
    const r = decode('devices/dev-1/telemetry', { ...TELEMETRY['circuit-monitor'], firmware: '2.1' }, circuit)
    expect(r.ok).toBe(true)
  })

  it('accepts a reading exactly at the edges of the ts window', () => {
    const c = TELEMETRY['circuit-monitor']
    expect(reasonOf(decode('devices/dev-1/telemetry', { ...c, ts: NOW + 5 * 60_000 }, circuit))).toBe('ok')
    expect(reasonOf(decode('devices/dev-1/telemetry', { ...c, ts: NOW - 30 * 86_400_000 }, circuit))).toBe(
      'ok',
    )
  })

  it('decodes a Uint8Array view without copying semantics getting in the way', () => {
    const buf = Buffer.from(`xx${JSON.stringify(TELEMETRY['daycare-sensor'])}yy`)
    const view = new Uint8Array(buf.buffer, buf.byteOffset + 2, buf.byteLength - 4)
    expect(decodeMessage('devices/dev-1/telemetry', view, daycare, NOW).ok).toBe(true)
  })
})

describe('decodeMessage rejects with a stable reason', () => {
  const c = TELEMETRY['circuit-monitor']
  const p = TELEMETRY['charging-pile']
  it.each([
    ['a topic outside devices/', 'sensors/dev-1/telemetry', c, circuit, 'unknown_topic', /sensors/],
    ['a bad device id in the topic', 'devices/a b/telemetry', c, circuit, 'unknown_topic', /devices/],
    ['an unknown channel', 'devices/dev-1/logs', c, circuit, 'unknown_topic', /channel logs/],
    [
      'the service-to-device commands channel',
      'devices/dev-1/commands',
      c,
      circuit,
      'unknown_topic',
      /commands/,
    ],
    ['an unprovisioned device', 'devices/dev-1/telemetry', c, undefined, 'unknown_device', /dev-1/],
    [
      'a payload over 16 KiB',
      'devices/dev-1/telemetry',
      { ...c, pad: 'x'.repeat(16 * 1024) },
      circuit,
      'payload_too_large',
      /bytes/,
    ],
    ['broken JSON', 'devices/dev-1/telemetry', '{"ts":1,', circuit, 'invalid_json', /JSON|Unexpected|end/i],
    ['a JSON array', 'devices/dev-1/telemetry', '[1,2]', circuit, 'invalid_json', /not a JSON object/],
    ['JSON null', 'devices/dev-1/telemetry', 'null', circuit, 'invalid_json', /not a JSON object/],
    [
      'a string where a number belongs',
      'devices/dev-1/telemetry',
      { ...c, powerW: '196' },
      circuit,
      'schema',
      /^\/powerW/,
    ],
    [
      'a null field',
      'devices/dev-1/telemetry',
      { ...c, powerFactor: null },
      circuit,
      'schema',
      /^\/powerFactor/,
    ],
    [
      'a missing required field',
      'devices/dev-1/telemetry',
      { ...c, seq: undefined },
      circuit,
      'schema',
      /missing seq/,
    ],
    ['a negative seq', 'devices/dev-1/telemetry', { ...c, seq: -1 }, circuit, 'schema', /^\/seq/],
    ['a fractional ts', 'devices/dev-1/telemetry', { ...c, ts: NOW + 0.5 }, circuit, 'schema', /^\/ts/],
    ['an absurd value', 'devices/dev-1/telemetry', { ...c, powerW: 1e300 }, circuit, 'schema', /^\/powerW/],
    [
      'an overflowing number (1e400 parses as Infinity)',
      'devices/dev-1/telemetry',
      JSON.stringify(c).replace('196', '1e400'),
      circuit,
      'schema',
      /^\/powerW/,
    ],
    [
      'a bad port state',
      'devices/dev-1/telemetry',
      { ...p, ports: [{ port: 1, state: 'burning', powerW: 1 }] },
      pile,
      'schema',
      /^\/ports\/0\/state/,
    ],
    [
      'a port number 0',
      'devices/dev-1/telemetry',
      { ...p, ports: [{ port: 0, state: 'idle', powerW: 1 }] },
      pile,
      'schema',
      /^\/ports\/0\/port/,
    ],
    [
      'telemetry of another kind',
      'devices/dev-1/telemetry',
      c,
      pile,
      'kind_mismatch',
      /circuit-monitor.*charging-pile/,
    ],
    ['an unknown kind', 'devices/dev-1/telemetry', { ...c, kind: 'toaster' }, circuit, 'schema', /^\/kind/],
    [
      'a reading from the future',
      'devices/dev-1/telemetry',
      { ...c, ts: NOW + 5 * 60_000 + 1 },
      circuit,
      'ts_future',
      /ahead/,
    ],
    [
      'a reading older than 30 days',
      'devices/dev-1/telemetry',
      { ...c, ts: NOW - 30 * 86_400_000 - 1 },
      circuit,
      'ts_too_old',
      /old/,
    ],
    [
      'an unknown event',
      'devices/dev-1/events',
      { ts: NOW, seq: 1, kind: 'charging-pile', event: 'explode' },
      pile,
      'schema',
      /^\/event/,
    ],
    [
      'an event without a name',
      'devices/dev-1/events',
      { ts: NOW, seq: 1, kind: 'charging-pile' },
      pile,
      'schema',
      /^\/event/,
    ],
    [
      'an event of another kind',
      'devices/dev-1/events',
      { ts: NOW, seq: 1, kind: 'daycare-sensor', event: 'fall_detected' },
      pile,
      'kind_mismatch',
      /daycare-sensor/,
    ],
    [
      'an event the provisioned kind never sends',
      'devices/dev-1/events',
      { ts: NOW, seq: 1, kind: 'daycare-sensor', event: 'port_fault', port: 1, code: 'leakage' },
      daycare,
      'kind_mismatch',
      /port_fault/,
    ],
    [
      'a port fault with an unknown code',
      'devices/dev-1/events',
      { ts: NOW, seq: 1, kind: 'charging-pile', event: 'port_fault', port: 1, code: 'gremlins' },
      pile,
      'schema',
      /^\/code/,
    ],
    [
      'a fall with confidence above 1',
      'devices/dev-1/events',
      { ts: NOW, seq: 1, kind: 'daycare-sensor', event: 'fall_detected', confidence: 1.5 },
      daycare,
      'schema',
      /^\/confidence/,
    ],
    [
      'an event from the future',
      'devices/dev-1/events',
      { ts: NOW + 3_600_000, seq: 1, kind: 'charging-pile', event: 'smoke_detected' },
      pile,
      'ts_future',
      /ahead/,
    ],
    [
      'an event older than 30 days',
      'devices/dev-1/events',
      { ts: 1, seq: 1, kind: 'charging-pile', event: 'smoke_detected' },
      pile,
      'ts_too_old',
      /old/,
    ],
    [
      'a status that is neither online nor offline',
      'devices/dev-1/status',
      'maybe',
      pile,
      'invalid_status',
      /maybe/,
    ],
    ['a JSON status', 'devices/dev-1/status', '{"online":true}', pile, 'invalid_status', /online/],
    ['an ack without an id', 'devices/dev-1/commands/ack', { ok: true }, pile, 'schema', /missing id/],
    ['an ack that is not JSON', 'devices/dev-1/commands/ack', 'ok', pile, 'invalid_json', /./],
  ])('rejects %s', (_name, topic, payload, device, reason, detail) => {
    const r = decodeMessage(topic, typeof payload === 'string' ? payload : json(payload), device, NOW)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.reason).toBe(reason)
    expect(r.detail).toMatch(detail)
  })

  it('names the device in a rejection whenever the topic did', () => {
    const r = decode('devices/dev-9/telemetry', 'nope', circuit)
    expect(r).toMatchObject({ ok: false, reason: 'invalid_json', deviceId: 'dev-9' })
  })

  it('rejects nesting deeper than MAX_JSON_DEPTH wherever it is, and takes it at the limit', () => {
    const nest = (n: number) => `${'['.repeat(n)}0${']'.repeat(n)}`
    const reboot = (extra: string) =>
      `{"ts":${NOW},"seq":2,"kind":"circuit-monitor","event":"reboot","reason":"watchdog","x":${extra}}`
    // the field's own level counts: the payload's object is the first
    const deep = decode('devices/dev-1/events', reboot(nest(MAX_JSON_DEPTH)), circuit)
    expect(deep).toMatchObject({
      ok: false,
      reason: 'too_deep',
      detail: `nested deeper than ${MAX_JSON_DEPTH} levels`,
    })
    expect(reasonOf(decode('devices/dev-1/events', reboot(nest(MAX_JSON_DEPTH - 1)), circuit))).toBe('ok')
    // 5,000 levels (~10 KB, within the size limit) overflowed JSON.stringify further on
    const telemetry = `{"ts":${NOW},"seq":3,"kind":"circuit-monitor","powerW":40,"x":${nest(5000)}}`
    expect(reasonOf(decode('devices/dev-1/telemetry', telemetry, circuit))).toBe('too_deep')
    // brackets inside strings are text, escaped quotes included
    const inText = JSON.stringify({ ...c, note: `\\"${'['.repeat(3000)}` })
    expect(reasonOf(decode('devices/dev-1/telemetry', inText, circuit))).toBe('ok')
    // an ack and a status are judged by the same rule
    expect(
      reasonOf(decode('devices/dev-1/commands/ack', `{"id":"c-1","ok":true,"x":${nest(1200)}}`, pile)),
    ).toBe('too_deep')
  })

  it('rejects bytes that are no UTF-8 instead of storing U+FFFD for them', () => {
    const good = Buffer.from(JSON.stringify({ ...c, circuit: 'B3-楼梯' }))
    expect(decodeMessage('devices/dev-1/telemetry', good, circuit, NOW).ok).toBe(true)
    const bad = Buffer.from(JSON.stringify({ ...c, circuit: '__' }))
    const at = bad.indexOf('__')
    bad[at] = 0xff
    bad[at + 1] = 0xfe
    expect(decodeMessage('devices/dev-1/telemetry', bad, circuit, NOW)).toMatchObject({
      ok: false,
      reason: 'invalid_utf8',
      deviceId: 'dev-1',
    })
    const status = Buffer.from([0x6f, 0x6e, 0xff])
    expect(reasonOf(decodeMessage('devices/dev-1/status', status, circuit, NOW))).toBe('invalid_status')
  })

  it('rejects a pile reading that lists a port twice (stored once, summed twice)', () => {
    const twice = { ...p, ports: [p.ports[0], p.ports[1], { ...p.ports[0], powerW: 7 }] }
    const r = decode('devices/dev-1/telemetry', twice, pile)
    expect(r).toMatchObject({ ok: false, reason: 'schema', detail: '/ports/2/port: port 1 is listed twice' })
  })

  it('checks the size in bytes, not characters', () => {
    const text = JSON.stringify({ ...c, note: '温'.repeat(6000) }) // 6000 chars, 18000 bytes
    const r = decodeMessage('devices/dev-1/telemetry', text, circuit, NOW)
    expect(reasonOf(r)).toBe('payload_too_large')
  })
})
