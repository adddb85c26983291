// Reports (docs/api.md v1.1 "Reports") from the real service in a child process, with the real InfluxDB
// and the real alert engine, fed over real MQTT (test/support/report-seed.ts): exact numbers per local day,
// port, community and month; tenant scoping; the range and cost bounds; CSV shape and escaping.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import {
  BUILDING_NAME,
  COMMUNITY,
  isoDay,
  type ReportEstate,
  SHED_NAME,
  seedReportEstate,
  untilReportsHold,
} from '../support/report-seed.ts'
import { createServiceProcess, type ServiceProcess } from '../support/service-process.ts'

let svc: ServiceProcess
let estate: ReportEstate
let range = ''

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers and assert on them
type Json = any

async function get(
  path: string,
  token?: string | null,
): Promise<{ status: number; body: Json; text: string; headers: Headers }> {
  const res = await fetch(`${svc.httpUrl}${path}`, {
    headers: token === null ? {} : { authorization: `Bearer ${token ?? svc.adminToken}` },
  })
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // CSV
  }
  const problems = (await svc.openApi())('GET', path, res.status, body, res.headers.get('content-type'))
  if (problems.length > 0) throw new Error(`not as the OpenAPI document says:\n${problems.join('\n')}`)
  return { status: res.status, body, text, headers: res.headers }
}

const energyRow = (date: string, meteredKWh: number | null, chargedKWh: number, sessions: number) => ({
  date,
  siteId: estate.shedId,
  siteName: SHED_NAME,
  community: COMMUNITY,
  meteredKWh,
  meterResets: [],
  chargedKWh,
  sessions,
})

beforeAll(async () => {
  svc = await createServiceProcess({
    influxUrl: inject('influxUrl'),
    // 10,000 stored points: a week of one pile at one reading a minute is more (the cost bound's test)
    extraEnv: { API_MAX_SCAN_POINTS: '10000' },
  })
  await svc.start()
  estate = await seedReportEstate(svc)
  const { d0, d2 } = estate.days
  range = `from=${isoDay(d0)}&to=${isoDay(d2)}`
  await untilReportsHold(svc, estate)
}, 120_000)
afterAll(async () => {
  await estate?.close()
  await svc?.kill('SIGTERM')
})

describe('GET /api/v1/reports/*', () => {
  it('energy: the feeder meter and the ended sessions per shed per local day (UTC+8)', async () => {
    const { d0, d1, d2 } = estate.days
    const res = await get(`/api/v1/reports/energy?${range}`, estate.tokens.viewer)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      report: 'energy',
      from: isoDay(d0),
      to: isoDay(d2),
      rows: [
        // D0 has one reading and no day before it in the range's reach: it advanced 0
        energyRow(isoDay(d0), 0, 0, 0),
        energyRow(isoDay(d1), 5.5, 1.2, 1),
        energyRow(isoDay(d2), 5.75, 0.8, 1),
      ],
    })
    // one day: its base is the day before's last reading, read from outside the range
    const one = await get(`/api/v1/reports/energy?from=${isoDay(d2)}&to=${isoDay(d2)}`, estate.tokens.viewer)
    expect(one.body.rows).toEqual([energyRow(isoDay(d2), 5.75, 0.8, 1)])
  })

  it('sessions: started, ended and energy per port', async () => {
    const res = await get(`/api/v1/reports/sessions?${range}`, estate.tokens.viewer)
    expect(res.status).toBe(200)
    const base = { siteId: estate.shedId, siteName: SHED_NAME, community: COMMUNITY, deviceId: 'pile-r1' }
    expect(res.body.rows).toEqual([
      { ...base, port: 1, started: 2, ended: 1, chargedKWh: 1.2 },
      { ...base, port: 2, started: 1, ended: 1, chargedKWh: 0.8 },
    ])
    // the port-2 session ended at 02:00 local on D2: a range of D1 alone has its start but not its end
    const d1 = isoDay(estate.days.d1)
    const only = await get(`/api/v1/reports/sessions?from=${d1}&to=${d1}`, estate.tokens.viewer)
    expect(only.body.rows).toEqual([
      { ...base, port: 1, started: 1, ended: 1, chargedKWh: 1.2 },
      { ...base, port: 2, started: 1, ended: 0, chargedKWh: 0 },
    ])
  })

  it('alerts by type per community, and stray-wire incidents per building per month', async () => {
    const alerts = await get(`/api/v1/reports/alerts?${range}`, estate.tokens.viewer)
    expect(alerts.status).toBe(200)
    const byType = Object.fromEntries(alerts.body.rows.map((r: { type: string }) => [r.type, r])) as Record<
      string,
      unknown
    >
    expect(byType.port_fault).toEqual({
      communityId: estate.communityId,
      community: COMMUNITY,
      type: 'port_fault',
      raised: 2,
      open: 2,
    })
    expect(byType.stray_wire_charging).toEqual({
      communityId: estate.communityId,
      community: COMMUNITY,
      type: 'stray_wire_charging',
      raised: 1,
      open: 1,
    })
    expect(new Set(alerts.body.rows.map((r: { community: string }) => r.community))).toEqual(
      new Set([COMMUNITY]),
    )

    const sw = await get(`/api/v1/reports/stray-wire?${range}`, estate.tokens.viewer)
    expect(sw.status).toBe(200)
    const month = (day: number) => isoDay(day).slice(0, 7)
    const { d0, d1, d2 } = estate.days
    const months = [...new Set([month(d0), month(d1), month(d2)])]
    expect(sw.body.rows).toEqual(
      months.map((m) => ({
        month: m,
        siteId: estate.buildingId,
        siteName: BUILDING_NAME,
        community: COMMUNITY,
        siteKind: 'building',
        incidents: m === month(d1) ? 1 : 0,
        open: m === month(d1) ? 1 : 0,
      })),
    )
    // a range before the incident: the building's row is there, with none
    const before = await get(
      `/api/v1/reports/stray-wire?from=${isoDay(d0)}&to=${isoDay(d0)}`,
      estate.tokens.viewer,
    )
    expect(before.body.rows).toEqual([expect.objectContaining({ siteId: estate.buildingId, incidents: 0 })])
  })

  it('shows each tenant only its own sites', async () => {
    const sessions = await get(`/api/v1/reports/sessions?${range}`, estate.tokens.bravo)
    expect(sessions.body.rows).toEqual([
      expect.objectContaining({
        siteId: estate.bravoShedId,
        deviceId: 'pile-b1',
        port: 1,
        started: 1,
        ended: 1,
        chargedKWh: 0.5,
      }),
    ])
    const energy = await get(`/api/v1/reports/energy?${range}`, estate.tokens.bravo)
    expect(new Set(energy.body.rows.map((r: { siteId: string }) => r.siteId))).toEqual(
      new Set([estate.bravoShedId]),
    )
    const alerts = await get(`/api/v1/reports/alerts?${range}`, estate.tokens.bravo)
    expect(alerts.body.rows).toEqual([
      expect.objectContaining({ community: 'River Row', type: 'port_fault', raised: 1 }),
    ])
    expect((await get(`/api/v1/reports/stray-wire?${range}`, estate.tokens.bravo)).body.rows).toEqual([])
    // another tenant's site is unknown, and the default tenant's reports hold nothing of bravo's
    const foreign = await get(`/api/v1/reports/energy?${range}&siteId=${estate.shedId}`, estate.tokens.bravo)
    expect(foreign.status).toBe(404)
    const mine = await get(`/api/v1/reports/sessions?${range}`, estate.tokens.viewer)
    expect(mine.body.rows.map((r: { deviceId: string }) => r.deviceId)).not.toContain('pile-b1')
    // siteId and communityId narrow the report
    const building = await get(
      `/api/v1/reports/energy?${range}&siteId=${estate.buildingId}`,
      estate.tokens.viewer,
    )
    expect(building.body.rows).toEqual([])
    const other = await get(`/api/v1/reports/alerts?${range}&communityId=nowhere`, estate.tokens.viewer)
    expect(other.body.rows).toEqual([])
    expect((await get(`/api/v1/reports/energy?${range}`, null)).status).toBe(401)
  })

  it('answers a bad range with a clear 400', async () => {
    const cases: [string, RegExp][] = [
      ['', /from and to are required/],
      [`from=${isoDay(estate.days.d0)}`, /from and to are required/],
      ['from=2026-02-30&to=2026-03-02', /from must be a calendar date YYYY-MM-DD/],
      ['from=1763712000000&to=2026-03-02', /from must be a calendar date/],
      ['from=2026-03-02&to=2026-03-01', /from must not be later than to/],
      ['from=2025-01-01&to=2026-03-01', /exceeds the longest allowed, 400 days/],
      // a week of the pile's minute readings is more than this service's API_MAX_SCAN_POINTS (10,000)
      [
        'from=2026-03-01&to=2026-03-07',
        /more than the 10,000 one request may read: ask for a shorter range or one site/,
      ],
      [`${range}&format=xml`, /format/],
    ]
    for (const [qs, message] of cases) {
      const res = await get(`/api/v1/reports/energy?${qs}`, estate.tokens.viewer)
      expect(res.status, qs).toBe(400)
      expect(res.body.error, qs).toBe('BAD_REQUEST')
      expect(res.body.message, qs).toMatch(message)
    }
    // the cost bound is the meter's: the session report reads only events, and a week of them is fine
    expect(
      (await get('/api/v1/reports/sessions?from=2026-03-01&to=2026-03-07', estate.tokens.viewer)).status,
    ).toBe(200)
  })

  it('downloads CSV: BOM, header row, CRLF, RFC 4180 quoting, no formula injection, a file name', async () => {
    const { d0, d1, d2 } = estate.days
    const res = await get(`/api/v1/reports/energy?${range}&format=csv`, estate.tokens.viewer)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="courtyard-energy-${isoDay(d0)}_${isoDay(d2)}.csv"`,
    )
    // fetch's text() drops a leading BOM: read the bytes
    const bytes = new Uint8Array(
      await (
        await fetch(`${svc.httpUrl}/api/v1/reports/energy?${range}&format=csv`, {
          headers: { authorization: `Bearer ${estate.tokens.viewer}` },
        })
      ).arrayBuffer(),
    )
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)
    expect(text.startsWith('\uFEFF')).toBe(true)
    // the shed's name starts with + and holds a comma and quotes: apostrophe first, quoted, quotes doubled
    const name = `"'+1号 ""东""棚, 北门"`
    expect(text.slice(1).split('\r\n')).toEqual([
      'date,community,site id,site,metered kWh,charged kWh,sessions ended,meter reset',
      `${isoDay(d0)},${COMMUNITY},${estate.shedId},${name},0,0,0,`,
      `${isoDay(d1)},${COMMUNITY},${estate.shedId},${name},5.5,1.2,1,`,
      `${isoDay(d2)},${COMMUNITY},${estate.shedId},${name},5.75,0.8,1,`,
      '',
    ])
    const zh = await get(`/api/v1/reports/sessions?${range}&format=csv&lang=zh-CN`, estate.tokens.viewer)
    expect(
      zh.text
        .replace(/^\uFEFF/, '')
        .split('\r\n')
        .slice(0, 2),
    ).toEqual([
      '小区,站点编号,站点,设备,端口,开始充电次数,完成充电次数,充电电量 (kWh)',
      `${COMMUNITY},${estate.shedId},${name},pile-r1,1,2,1,1.2`,
    ])
    const sw = await get(`/api/v1/reports/stray-wire?${range}&format=csv`, estate.tokens.viewer)
    expect(sw.headers.get('content-disposition')).toMatch(/filename="courtyard-stray-wire-/)
    expect(sw.text).toContain(`,${BUILDING_NAME},building,1,1\r\n`)
  })
})

describe('a site in another time zone', () => {
  it("counts the shed's days in its own local time once its alert settings say UTC", async () => {
    const { d0, d1, d2 } = estate.days
    const put = (override: object) =>
      fetch(`${svc.httpUrl}/api/v1/sites/${estate.shedId}/alert-settings`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${svc.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(override),
      })
    expect((await put({ utcOffsetMin: 0 })).status).toBe(200)
    try {
      const res = await get(`/api/v1/reports/energy?${range}`, estate.tokens.viewer)
      // in UTC days the 00:30 reading (104.8) and the 02:00 session end (0.8 kWh) belong to D1
      expect(res.body.rows).toEqual([
        energyRow(isoDay(d0), 0, 0, 0),
        energyRow(isoDay(d1), 5.8, 2, 2),
        energyRow(isoDay(d2), 5.45, 0, 0),
      ])
    } finally {
      expect((await put({})).status).toBe(200)
    }
  })
})
