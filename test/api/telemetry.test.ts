// Telemetry, events and device state read back from the real influxd, written here as line protocol.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createInfluxDeviceState } from '../../api/device-state.ts'
import type { DeviceKind } from '../../domain/protocol.ts'
import { pointTimestampNs } from '../../domain/storage.ts'
import { influxQuery } from '../support/influx-query.ts'
import { errorCode, type Harness, recordingInflux, seedTenants, startHarness } from './api-harness.ts'

let h: Harness
let tokens: ReturnType<typeof seedTenants>
const NOW = Date.now()
const MIN = 60_000
// whole minutes, so downsampling buckets are predictable
const T0 = Math.floor((NOW - 120 * MIN) / (10 * MIN)) * 10 * MIN
const tags = (device: string, extra = '') =>
  `tenant=acme,community=cm-1,site=acme-shed,device=${device}${extra}`

beforeAll(async () => {
  h = await startHarness({ influxUrl: inject('influxUrl') })
  tokens = seedTenants(h)
  for (const [id, kind] of [
    ['pile-01', 'charging-pile'],
    ['pile-02', 'charging-pile'],
    ['room-01', 'daycare-sensor'],
    ['quiet-01', 'circuit-monitor'],
  ] as const)
    await h.registry.provisionDevice({ id, kind, siteId: 'acme-shed' })

  const lines: string[] = []
  // pile-01: 60 readings, one per minute, feeder.powerW = 100 + i; port 3 tempC = 30 + i/10
  for (let i = 0; i < 60; i++) {
    const ns = pointTimestampNs(T0 + i * MIN, i)
    lines.push(
      `pile,${tags('pile-01')} feeder.powerW=${100 + i},feeder.voltageV=230,seq=${i}i,smoke=false ${ns}`,
    )
    lines.push(
      `pile_port,${tags('pile-01', ',port=3')} powerW=${150 + i},tempC=${30 + i / 10},state="charging" ${ns}`,
    )
    lines.push(`pile_port,${tags('pile-01', ',port=1')} powerW=0,tempC=22,state="idle" ${ns}`)
  }
  lines.push(`room,${tags('x')} bogus=1 ${pointTimestampNs(T0, 0)}`)
  lines.push(
    `daycare,${tags('room-01')} co2Ppm=812,tempC=23.1,room="activity-room",seq=7i ${pointTimestampNs(T0 + 5 * MIN, 7)}`,
  )
  lines.push(`device_status,${tags('pile-01')} online=false,source="will" ${pointTimestampNs(T0, 0)}`)
  lines.push(`device_status,${tags('pile-01')} online=true,source="device" ${pointTimestampNs(T0 + MIN, 0)}`)
  lines.push(
    `device_status,${tags('room-01')} online=false,source="will" ${pointTimestampNs(T0 + 9 * MIN, 0)}`,
  )
  // pile-02: only older than the 30-day window
  lines.push(`pile,${tags('pile-02')} feeder.powerW=5,seq=1i ${pointTimestampNs(NOW - 40 * 86_400_000, 1)}`)
  lines.push(
    `device_status,${tags('pile-02')} online=true,source="device" ${pointTimestampNs(NOW - 40 * 86_400_000, 1)}`,
  )
  // events: two in the same millisecond (distinct seq) and one with a port fault
  const ev = (ts: number, seq: number, event: string, extra: Record<string, unknown> = {}) => {
    const payload = JSON.stringify({ ts, seq, kind: 'charging-pile', event, ...extra })
    const fields = [`seq=${seq}i`, `payload=${JSON.stringify(payload)}`]
    if (extra.port !== undefined) fields.push(`port=${extra.port}i`)
    if (extra.code !== undefined) fields.push(`code="${extra.code}"`)
    lines.push(
      `device_event,${tags('pile-01')},kind=charging-pile,event=${event} ${fields.join(',')} ${pointTimestampNs(ts, seq)}`,
    )
  }
  ev(T0 + 10 * MIN, 100, 'session_started', { port: 3 })
  ev(T0 + 10 * MIN, 101, 'smoke_detected')
  ev(T0 + 20 * MIN, 102, 'port_fault', { port: 3, code: 'over_temperature', detail: 'port 3 at 78.5 C' })
  await h.influx.write(lines.join('\n'))
})
afterAll(() => h?.close())

const q = (path: string, token?: string) => h.call('GET', path, { token })

describe('GET /devices/{id}/telemetry', () => {
  it('returns raw points of a device field in time order', async () => {
    const res = await q(
      `/api/v1/devices/pile-01/telemetry?field=feeder.powerW&from=${T0}&to=${T0 + 59 * MIN}`,
    )
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      deviceId: 'pile-01',
      field: 'feeder.powerW',
      from: T0,
      to: T0 + 59 * MIN,
    })
    expect(res.body.points).toHaveLength(60)
    expect(res.body.points[0]).toEqual({ ts: T0, value: 100 })
    expect(res.body.points[59]).toEqual({ ts: T0 + 59 * MIN, value: 159 })
  })

  it('reads a per-port field with port=N and ISO 8601 bounds', async () => {
    const from = new Date(T0).toISOString()
    const to = new Date(T0 + 9 * MIN).toISOString()
    const res = await q(`/api/v1/devices/pile-01/telemetry?field=tempC&port=3&from=${from}&to=${to}`)
    expect(res.status).toBe(200)
    expect(res.body.port).toBe(3)
    expect(res.body.points.map((p: { value: number }) => p.value)).toEqual([
      30, 30.1, 30.2, 30.3, 30.4, 30.5, 30.6, 30.7, 30.8, 30.9,
    ])
  })

  it('downsamples by mean with every', async () => {
    const res = await q(
      `/api/v1/devices/pile-01/telemetry?field=feeder.powerW&from=${T0}&to=${T0 + 59 * MIN}&every=10m`,
    )
    expect(res.status).toBe(200)
    expect(res.body.every).toBe('10m')
    expect(res.body.points).toEqual(
      [0, 1, 2, 3, 4, 5].map((k) => ({ ts: T0 + k * 10 * MIN, value: 100 + k * 10 + 4.5 })),
    )
  })

  it('defaults to the last 24 hours', async () => {
    const res = await q('/api/v1/devices/pile-01/telemetry?field=feeder.powerW')
    expect(res.body.to - res.body.from).toBe(86_400_000)
    expect(res.body.points).toHaveLength(60)
  })

  it('refuses a hostile field with 400 and the database is still there', async () => {
    const hostile = encodeURIComponent(`powerW"; DROP DATABASE "${h.db}`)
    const res = await q(`/api/v1/devices/pile-01/telemetry?field=${hostile}`)
    expect(res.status).toBe(400)
    expect(errorCode(res.body)).toBe('BAD_REQUEST')
    const dbs = await influxQuery(h.influxUrl, h.db, 'SHOW DATABASES')
    expect(dbs[0]?.values.flat()).toContain(h.db)
    const still = await q(
      `/api/v1/devices/pile-01/telemetry?field=feeder.powerW&from=${T0}&to=${T0 + 59 * MIN}`,
    )
    expect(still.body.points).toHaveLength(60)
  })

  it('treats hostile from, to and every as bad requests, not as query text', async () => {
    for (const qs of [
      `from=${encodeURIComponent("1' OR 1=1; DROP DATABASE x")}`,
      `to=${encodeURIComponent('now() - 1h')}`,
      `every=${encodeURIComponent('1h) fill(0); DROP DATABASE x; --')}`,
    ]) {
      const res = await q(`/api/v1/devices/pile-01/telemetry?field=feeder.powerW&${qs}`)
      expect(res.status, qs).toBe(400)
      expect(errorCode(res.body)).toBe('BAD_REQUEST')
    }
  })

  it.each([
    ['a per-port field without port', 'field=tempC', /port=N/],
    ['a device field with port', 'field=feeder.powerW&port=2', /leave out port/],
    ['a string field', 'field=state&port=3', /not a numeric field/],
    ['a field of another kind', 'field=co2Ppm', /not a numeric field/],
    ['a missing field', 'every=5m', /field/],
    ['a port out of range', 'field=tempC&port=99', /port/],
    [
      'every too fine for the range',
      `field=feeder.powerW&every=1s&from=${NOW - 300 * 86_400_000}&to=${NOW}`,
      /coarser every/,
    ],
  ])('refuses %s with a message that says what to do', async (_n, qs, hint) => {
    const res = await q(`/api/v1/devices/pile-01/telemetry?${qs}`)
    expect(res.status).toBe(400)
    expect(errorCode(res.body)).toBe('BAD_REQUEST')
    expect(res.body.message).toMatch(hint)
  })

  it('refuses more than 10,000 raw points and tells the caller to use every', async () => {
    await h.registry.provisionDevice({ id: 'busy-01', kind: 'circuit-monitor', siteId: 'acme-shed' })
    const start = NOW - 3 * 3600_000
    const lines = Array.from(
      { length: 10_050 },
      (_, i) => `circuit,${tags('busy-01')} powerW=${i} ${pointTimestampNs(start + i * 1000, i)}`,
    )
    await h.influx.write(lines.join('\n'))
    const res = await q(`/api/v1/devices/busy-01/telemetry?field=powerW&from=${start}&to=${NOW}`)
    expect(res.status).toBe(400)
    expect(res.body.message).toMatch(/more than 10000 points.*every=/)
    const ok = await q(`/api/v1/devices/busy-01/telemetry?field=powerW&from=${start}&to=${NOW}&every=1m`)
    expect(ok.status).toBe(200)
    expect(ok.body.points.length).toBeGreaterThan(100)
  })
})

describe('GET /devices/{id}/events', () => {
  it('returns the stored events newest first, two in one millisecond both kept', async () => {
    const res = await q(`/api/v1/devices/pile-01/events?from=${T0}`, tokens.acmeViewer)
    expect(res.status).toBe(200)
    expect(res.body.items.map((e: { event: string }) => e.event)).toEqual([
      'port_fault',
      expect.any(String),
      expect.any(String),
    ])
    expect(
      res.body.items
        .slice(1)
        .map((e: { seq: number }) => e.seq)
        .sort(),
    ).toEqual([100, 101])
    expect(res.body.items[0]).toMatchObject({
      ts: T0 + 20 * MIN,
      kind: 'charging-pile',
      port: 3,
      code: 'over_temperature',
      detail: 'port 3 at 78.5 C',
    })
  })

  it('pages with limit and cursor without losing or repeating events', async () => {
    const first = await q(`/api/v1/devices/pile-01/events?from=${T0}&limit=2`)
    expect(first.body.items).toHaveLength(2)
    const second = await q(`/api/v1/devices/pile-01/events?limit=2&cursor=${first.body.next}`)
    expect(second.body.next).toBeUndefined()
    const seqs = [...first.body.items, ...second.body.items].map((e: { seq: number }) => e.seq).sort()
    expect(seqs).toEqual([100, 101, 102])
  })

  it("refuses another device's cursor with 400 BAD_CURSOR instead of listing a page of this one", async () => {
    const first = await q(`/api/v1/devices/pile-01/events?from=${T0}&limit=2`)
    const other = await q(`/api/v1/devices/room-01/events?limit=2&cursor=${first.body.next}`)
    expect(other.status).toBe(400)
    expect(errorCode(other.body)).toBe('BAD_CURSOR')
  })

  it('honours the time range', async () => {
    const res = await q(`/api/v1/devices/pile-01/events?from=${T0 + 15 * MIN}&to=${T0 + 25 * MIN}`)
    expect(res.body.items.map((e: { event: string }) => e.event)).toEqual(['port_fault'])
  })
})

describe('GET /devices/{id}/events pages through the window of its first page', () => {
  const HOUR = 60 * MIN
  // the API's clock, moved by the test between pages
  let clock = NOW
  let hc: Harness
  beforeAll(async () => {
    hc = await startHarness({ influxUrl: inject('influxUrl'), now: () => clock })
    seedTenants(hc)
    await hc.registry.provisionDevice({ id: 'pile-pages', kind: 'charging-pile', siteId: 'acme-shed' })
    // seq n at n hours before the first page (the default window is the 24 h before it), and beyond it
    const lines = [1, 2, 3, 23, 25, 27, 30].map((hoursAgo) => {
      const ts = NOW - hoursAgo * HOUR
      const payload = JSON.stringify({ ts, seq: hoursAgo, kind: 'charging-pile', event: 'session_started' })
      return `device_event,${tags('pile-pages')},kind=charging-pile,event=session_started seq=${hoursAgo}i,payload=${JSON.stringify(payload)} ${pointTimestampNs(ts, hoursAgo)}`
    })
    await hc.influx.write(lines.join('\n'))
  })
  afterAll(() => hc?.close())

  /** Follows `next` from `first` with only the cursor, the clock moved on by an hour before each page. */
  const walk = async (first: string): Promise<number[]> => {
    const seqs: number[] = []
    let path: string | undefined = first
    for (let page = 0; path && page < 10; page++) {
      const res = await hc.call('GET', path)
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      seqs.push(...res.body.items.map((e: { seq: number }) => e.seq))
      path = res.body.next ? `/api/v1/devices/pile-pages/events?limit=2&cursor=${res.body.next}` : undefined
      clock += HOUR
    }
    return seqs
  }

  it.each([
    ['no from or to (the last 24 h)', '', [1, 2, 3, 23]],
    ['only to (the 24 h before it)', `&to=${NOW - 2 * HOUR}`, [2, 3, 23, 25]],
    ['only from', `&from=${NOW - 24 * HOUR}`, [1, 2, 3, 23]],
  ])(
    'with %s: every event of that window once, none from outside it, however late the next page',
    async (_n, range, want) => {
      clock = NOW
      const all = await hc.call('GET', `/api/v1/devices/pile-pages/events?limit=1000${range}`)
      expect(all.body.items.map((e: { seq: number }) => e.seq)).toEqual(want)
      // an event arriving after the first page, newer than its window, is not slipped into a later page
      const late = NOW + 30 * MIN
      const payload = JSON.stringify({ ts: late, seq: 99, kind: 'charging-pile', event: 'session_ended' })
      await hc.influx.write(
        `device_event,${tags('pile-pages')},kind=charging-pile,event=session_ended seq=99i,payload=${JSON.stringify(payload)} ${pointTimestampNs(late, 99)}`,
      )
      expect(await walk(`/api/v1/devices/pile-pages/events?limit=2${range}`)).toEqual(want)
    },
  )
})

describe('device state in GET /devices', () => {
  it('reports online, lastSeen and the latest reading with ports, from the last 30 days only', async () => {
    const res = await q('/api/v1/devices?siteId=acme-shed')
    const byId = Object.fromEntries(res.body.items.map((d: { id: string }) => [d.id, d]))
    expect(byId['pile-01']).toMatchObject({ online: true, lastSeen: T0 + 59 * MIN })
    expect(byId['pile-01'].reading).toMatchObject({
      ts: T0 + 59 * MIN,
      kind: 'charging-pile',
      seq: 59,
      smoke: false,
      feeder: { powerW: 159, voltageV: 230 },
      ports: [
        { port: 1, powerW: 0, state: 'idle', tempC: 22 },
        { port: 3, powerW: 209, state: 'charging', tempC: 35.9 },
      ],
    })
    expect(byId['room-01']).toMatchObject({ online: false, lastSeen: T0 + 5 * MIN })
    expect(byId['room-01'].reading).toEqual({
      ts: T0 + 5 * MIN,
      kind: 'daycare-sensor',
      seq: 7,
      co2Ppm: 812,
      tempC: 23.1,
      room: 'activity-room',
    })
    expect(byId['pile-02'].online).toBe(false)
    expect(byId['pile-02']).not.toHaveProperty('lastSeen')
    expect(byId['quiet-01']).toEqual(expect.objectContaining({ online: false }))
    expect(byId['quiet-01']).not.toHaveProperty('reading')
  })

  it('answers a full page of 1000 devices of mixed kinds in one go', async () => {
    // the real client, its statements recorded on the way through
    const statements: string[] = []
    const influx = recordingInflux(h, statements)
    const state = createInfluxDeviceState({ influx, now: Date.now })
    const page: { id: string; kind: DeviceKind }[] = Array.from({ length: 998 }, (_, i) => ({
      id: `filler-${i}`,
      kind: 'circuit-monitor',
    }))
    page.push({ id: 'pile-01', kind: 'charging-pile' }, { id: 'room-01', kind: 'daycare-sensor' })
    const out = await state.forDevices(page)
    expect(out.size).toBe(1000)
    expect(out.get('pile-01')).toMatchObject({ online: true, lastSeen: T0 + 59 * MIN })
    expect(out.get('room-01')?.lastSeen).toBe(T0 + 5 * MIN)
    expect(out.get('filler-7')).toEqual({ online: false })
    // the ids travel as one bound parameter: the statements are the same for a page of 1000 as for 2
    const forThousand = [...statements].sort()
    statements.length = 0
    await state.forDevices([page[0]!, page[998]!, page[999]!])
    expect([...statements].sort()).toEqual(forThousand)
    expect(Math.max(...forThousand.map((t) => t.length))).toBeLessThan(300)
  })

  it('gives the same state for a single device', async () => {
    const res = await q('/api/v1/devices/pile-01', tokens.acmeViewer)
    expect(res.body).toMatchObject({ online: true, lastSeen: T0 + 59 * MIN })
  })
})
