import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { type DecodedMessage, decodeMessage } from '../../domain/decode-message.ts'
import type { DeviceKind } from '../../domain/protocol.ts'
import { createInfluxClient, type InfluxClient, quoteIdent, stringField } from '../../influx/index.ts'
import { encodePoints, registryTagSet } from '../../ingest/encode-points.ts'

const NOW = 1_763_712_000_000
const TAGS = registryTagSet({ tenant: 't1', community: 'c1', site: 's1', device: 'dev-1' })

function decoded(channel: string, payload: unknown, kind: DeviceKind): DecodedMessage {
  const r = decodeMessage(
    `devices/dev-1/${channel}`,
    typeof payload === 'string' ? payload : JSON.stringify(payload),
    { kind },
    NOW,
  )
  if (!r.ok) throw new Error(`${r.reason}: ${r.detail}`)
  return r.value
}

function encode(msg: DecodedMessage, tagSet = TAGS, arrivalMs = NOW + 5): string[] {
  const out: string[] = []
  const n = encodePoints(msg, tagSet, arrivalMs, out)
  expect(n).toBe(out.length)
  return out
}

const pile = {
  ts: NOW,
  seq: 881,
  kind: 'charging-pile',
  feeder: {
    voltageV: 229.6,
    currentA: 5.02,
    powerW: 1042,
    powerFactor: 0.91,
    energyKWh: 18342.7,
    leakageMA: 4,
  },
  ambientC: 24.5,
  smoke: false,
  ports: [
    { port: 1, state: 'charging', powerW: 183.2, currentA: 0.86, energyWh: 412, tempC: 38.1 },
    { port: 2, state: 'idle', powerW: 0, currentA: 0, energyWh: 0, tempC: 22.9 },
  ],
}

describe('encodePoints', () => {
  it('writes a pile reading, its derived fields and one pile_port point per port', () => {
    const lines = encode(decoded('telemetry', pile, 'charging-pile'))
    const ts = '1763712000000000881'
    expect(lines).toEqual([
      `pile_port,community=c1,device=dev-1,site=s1,tenant=t1,port=1 state="charging",powerW=183.2,currentA=0.86,energyWh=412,tempC=38.1 ${ts}`,
      `pile_port,community=c1,device=dev-1,site=s1,tenant=t1,port=2 state="idle",powerW=0,currentA=0,energyWh=0,tempC=22.9 ${ts}`,
      `pile,community=c1,device=dev-1,site=s1,tenant=t1 seq=881i,feeder.voltageV=229.6,feeder.currentA=5.02,feeder.powerW=1042,feeder.powerFactor=0.91,feeder.energyKWh=18342.7,feeder.leakageMA=4,ambientC=24.5,smoke=false,portsPowerW=183.2,portsCharging=1i,unmeteredW=858.8 ${ts}`,
    ])
  })

  it('writes whole-number floats without the integer suffix and omits absent fields', () => {
    const msg = decoded(
      'telemetry',
      { ts: NOW, seq: 1, kind: 'circuit-monitor', voltageV: 230, currentA: 1, powerW: 200 },
      'circuit-monitor',
    )
    expect(encode(msg)).toEqual([
      'circuit,community=c1,device=dev-1,site=s1,tenant=t1 seq=1i,voltageV=230,currentA=1,powerW=200 1763712000000000001',
    ])
  })

  it('writes a circuit reading without voltage and current', () => {
    const msg = decoded(
      'telemetry',
      { ts: NOW, seq: 3, kind: 'circuit-monitor', powerW: 40 },
      'circuit-monitor',
    )
    expect(encode(msg)).toEqual([
      'circuit,community=c1,device=dev-1,site=s1,tenant=t1 seq=3i,powerW=40 1763712000000000003',
    ])
  })

  it('derives pile fields only from complete inputs: no sum over a port without a meter', () => {
    const partial = {
      ts: NOW,
      seq: 4,
      kind: 'charging-pile',
      feeder: { powerW: 300 },
      ports: [{ port: 1, state: 'charging', powerW: 180 }, { port: 2, state: 'idle' }, { port: 3 }],
    }
    const ts = '1763712000000000004'
    expect(encode(decoded('telemetry', partial, 'charging-pile'))).toEqual([
      `pile_port,community=c1,device=dev-1,site=s1,tenant=t1,port=1 state="charging",powerW=180 ${ts}`,
      `pile_port,community=c1,device=dev-1,site=s1,tenant=t1,port=2 state="idle" ${ts}`,
      `pile,community=c1,device=dev-1,site=s1,tenant=t1 seq=4i,feeder.powerW=300 ${ts}`,
    ])
    const metered = { ...partial, ports: [{ port: 1, powerW: 180 }] }
    expect(encode(decoded('telemetry', metered, 'charging-pile'))).toEqual([
      `pile_port,community=c1,device=dev-1,site=s1,tenant=t1,port=1 powerW=180 ${ts}`,
      `pile,community=c1,device=dev-1,site=s1,tenant=t1 seq=4i,feeder.powerW=300,portsPowerW=180,unmeteredW=120 ${ts}`,
    ])
    const bare = { ts: NOW, seq: 4, kind: 'charging-pile', smoke: true }
    expect(encode(decoded('telemetry', bare, 'charging-pile'))).toEqual([
      `pile,community=c1,device=dev-1,site=s1,tenant=t1 seq=4i,smoke=true ${ts}`,
    ])
  })

  it('keeps free device text in string fields, never in tags', () => {
    const msg = decoded(
      'telemetry',
      { ts: NOW, seq: 2, kind: 'daycare-sensor', room: 'a,b=c d\nx,room=y f=1', tempC: 21, occupancy: 3 },
      'daycare-sensor',
    )
    expect(encode(msg)).toEqual([
      'daycare,community=c1,device=dev-1,site=s1,tenant=t1 seq=2i,room="a,b=c d x,room=y f=1",tempC=21,occupancy=3i 1763712000000000002',
    ])
  })

  it('writes an event with kind and event tags and the whole payload as JSON', () => {
    const payload = {
      ts: NOW,
      seq: 882,
      kind: 'charging-pile',
      event: 'port_fault',
      port: 3,
      code: 'leakage',
      detail: 'say "hi"\n',
    }
    const lines = encode(decoded('events', payload, 'charging-pile'))
    expect(lines).toEqual([
      `device_event,community=c1,device=dev-1,site=s1,tenant=t1,event=port_fault,kind=charging-pile seq=882i,port=3i,code="leakage",detail="say \\"hi\\" ",payload=${stringField(JSON.stringify(payload))} 1763712000000000882`,
    ])
  })

  it('timestamps a status with its arrival time', () => {
    expect(encode(decoded('status', 'offline', 'outdoor-display'), TAGS, NOW + 7)).toEqual([
      'device_status,community=c1,device=dev-1,site=s1,tenant=t1 online=false,source="device" 1763712000007000000',
    ])
  })

  it.each([
    ['status', 'device'],
    ['status/will', 'will'],
    ['status/broker', 'broker'],
  ])('records who said a status: the spool record %s is source %s', (channel, source) => {
    expect(encode(decoded(channel, 'offline', 'outdoor-display'), TAGS, NOW + 7)).toEqual([
      `device_status,community=c1,device=dev-1,site=s1,tenant=t1 online=false,source="${source}" 1763712000007000000`,
    ])
  })

  it('stores nothing for a command ack', () => {
    expect(encode(decoded('commands/ack', { id: 'c1', ok: true }, 'charging-pile'))).toEqual([])
  })

  it('escapes hostile registry values into one tag each', () => {
    const tags = registryTagSet({ tenant: 'a b', community: 'c,d', site: 'e=f', device: 'g\nh' })
    expect(tags).toBe(',community=c\\,d,device=g\\ h,site=e\\=f,tenant=a\\ b')
  })
})

describe('encodePoints against a real InfluxDB', () => {
  const db = `encode_${process.pid}_${Date.now()}`
  let client: InfluxClient
  beforeAll(async () => {
    client = createInfluxClient({ url: inject('influxUrl'), db })
    await client.ensureDatabase()
  })
  afterAll(async () => {
    await client.query(`DROP DATABASE ${quoteIdent(db)}`).catch(() => {})
    await client.close()
  })

  it('creates no extra measurement, series or point from hostile strings', async () => {
    const hostile = [
      'x\nevil,device=y v=1 1',
      'a,b',
      'q"uote',
      'back\\',
      'e=q',
      'sp ace',
      '温度 \u{1F525}',
      '\r\n\t',
    ]
    const tags = registryTagSet({ tenant: 'ten\nant', community: 'c,1', site: 's 1', device: 'dev\\1' })
    const out: string[] = []
    hostile.forEach((s, i) => {
      const circuitMsg = decoded(
        'telemetry',
        {
          ts: NOW + i,
          seq: i,
          kind: 'circuit-monitor',
          circuit: s,
          voltageV: 230,
          currentA: 1,
          powerW: 100 + i,
        },
        'circuit-monitor',
      )
      encodePoints(circuitMsg, tags, NOW, out)
      const roomMsg = decoded(
        'events',
        { ts: NOW + i, seq: i, kind: 'daycare-sensor', event: 'emergency_call', room: s, detail: s },
        'daycare-sensor',
      )
      encodePoints(roomMsg, tags, NOW, out)
    })
    await client.write(out.join('\n'))
    const measurements = await client.query('SHOW MEASUREMENTS')
    expect(measurements[0]?.values).toEqual([['circuit'], ['device_event']])
    const series = await client.query('SHOW SERIES')
    expect(series[0]?.values).toHaveLength(2)
    const tagValues = await client.query(
      'SHOW TAG VALUES FROM circuit WITH KEY IN ("tenant", "community", "site", "device")',
    )
    expect(tagValues[0]?.values).toEqual([
      ['community', 'c,1'],
      ['device', 'dev/1'],
      ['site', 's 1'],
      ['tenant', 'ten ant'],
    ])
    const circuits = await client.query('SELECT circuit, powerW FROM circuit')
    expect(circuits[0]?.values.map((r) => r[1])).toEqual(hostile.map((s) => s.replace(/[\x00-\x1f]/g, ' ')))
    const events = await client.query('SELECT payload FROM device_event')
    expect(events[0]?.values.map((r) => JSON.parse(r[1] as string).room)).toEqual(hostile)
  })

  it('keeps field types stable: a whole-number reading after a fractional one is still a float', async () => {
    const a = decoded(
      'telemetry',
      { ts: NOW, seq: 1, kind: 'circuit-monitor', voltageV: 229.5, currentA: 1.5, powerW: 344.25 },
      'circuit-monitor',
    )
    const b = decoded(
      'telemetry',
      { ts: NOW + 1, seq: 2, kind: 'circuit-monitor', voltageV: 230, currentA: 2, powerW: 460 },
      'circuit-monitor',
    )
    const out: string[] = []
    encodePoints(a, TAGS, NOW, out)
    encodePoints(b, TAGS, NOW, out)
    await client.write(out.join('\n'))
    const keys = await client.query('SHOW FIELD KEYS FROM circuit')
    const types = Object.fromEntries(keys[0]!.values as [string, string][])
    expect(types).toMatchObject({ voltageV: 'float', currentA: 'float', powerW: 'float', seq: 'integer' })
  })
})
