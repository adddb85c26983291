// The first day of a range, on the energy report and on the charging dashboard's feeder-energy panel: a
// pile's feeder meter read at 23:50 the day before and at 00:10 and 00:20 of the day. The day counted
// from 23:50 to 00:20, its first rise from the day before's last reading: the report counts it so, and
// the panel (its query as Grafana sends it, run on the real InfluxDB) must too, though its range, and so
// its $timeFilter, begins at the day's midnight. Readings written through the project's write path.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { decodeMessage } from '../../domain/decode-message.ts'
import { topics } from '../../domain/topics.ts'
import { encodePoints, registryTagSet } from '../../ingest/index.ts'
import { findPanel, renderedDashboards, targetQuery } from '../dashboards/dashboard-queries.ts'
import { interpolate } from '../dashboards/grafana-query.ts'
import { lastLocalDays, localDay } from '../dashboards/seed-estate.ts'
import { influxQuery } from '../support/influx-query.ts'
import { type Harness, startHarness } from './api-harness.ts'

const MIN = 60_000
const DAY_MS = 86_400_000
// the day: yesterday in China time, whole; DAY0 the day before it
const { fromMs: FROM, toMs: TO } = lastLocalDays(1)
const DAY = localDay(FROM)
const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10)

const PILE = { id: 'pile-edge', siteId: 'shed-edge', community: 'garden', tenantId: 'acme' }
/** [when, kWh]: 1 kWh the day before (22:00 → 23:50), then 0.5 across midnight and 0.3 after it */
const READINGS: [number, number][] = [
  [FROM - 120 * MIN, 9],
  [FROM - 10 * MIN, 10],
  [FROM + 10 * MIN, 10.5],
  [FROM + 20 * MIN, 10.8],
]

let h: Harness

beforeAll(async () => {
  h = await startHarness({ influxUrl: inject('influxUrl') })
  h.registry.createTenant({ id: PILE.tenantId, name: 'Acme Property' })
  const site = h.registry.createSite({
    id: PILE.siteId,
    tenantId: PILE.tenantId,
    name: 'Edge shed',
    community: PILE.community,
    kind: 'charging-shed',
  })
  await h.registry.provisionDevice({
    id: PILE.id,
    kind: 'charging-pile',
    siteId: PILE.siteId,
    reportIntervalS: 60,
  })
  const tagSet = registryTagSet({
    tenant: PILE.tenantId,
    community: site.communityId,
    site: PILE.siteId,
    device: PILE.id,
  })
  const lines: string[] = []
  READINGS.forEach(([ts, energyKWh], seq) => {
    const body = {
      ts,
      seq,
      kind: 'charging-pile',
      feeder: { voltageV: 229, powerW: 3000, energyKWh },
      ports: [{ port: 1, state: 'charging', powerW: 2900 }],
    }
    const r = decodeMessage(topics.telemetry(PILE.id), JSON.stringify(body), { kind: 'charging-pile' }, ts)
    if (!r.ok) throw new Error(`reading rejected: ${r.reason} ${r.detail}`)
    encodePoints(r.value, tagSet, ts, lines)
  })
  await h.influx.write(lines.join('\n'))
}, 60_000)
afterAll(async () => {
  await h?.close()
})

async function reportKWh(from: number, to: number): Promise<Map<string, number | null>> {
  const res = await h.call('GET', `/api/v1/reports/energy?from=${isoDay(from)}&to=${isoDay(to)}`)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return new Map(
    (res.body.rows as { date: string; meteredKWh: number | null }[]).map((r) => [r.date, r.meteredKWh]),
  )
}

/** kWh per local day the feeder-energy panel shows over [fromMs, toMs), every variable at All. */
async function panelKWh(fromMs: number, toMs: number): Promise<Map<string, number>> {
  const { d, p } = findPanel(renderedDashboards(), 'charging-overview', /^每日馈线电量/)
  const q = interpolate(targetQuery(p), d.variables, {}, { fromMs, toMs, interval: '10m' })
  const out = new Map<string, number>()
  for (const s of await influxQuery(h.influxUrl, h.db, q))
    for (const [t, kWh] of s.values as [number, number][]) {
      const key = isoDay(localDay(t))
      out.set(key, (out.get(key) ?? 0) + kWh)
    }
  return out
}

describe('energy per day on the first day of a range (a reading at 23:50 the day before)', () => {
  it('the report counts the day from the day before last reading: 0.5 + 0.3 kWh', async () => {
    expect(await reportKWh(DAY, DAY)).toEqual(new Map([[isoDay(DAY), 0.8]]))
  })

  it("the panel's first bar counts the rise from 23:50 to 00:10 too, and shows no bar for the day before", async () => {
    const panel = await panelKWh(FROM, TO)
    expect([...panel.keys()]).toEqual([isoDay(DAY)])
    expect(panel.get(isoDay(DAY))).toBeCloseTo(0.8, 6)
  })

  it('over two days the panel and the report agree day by day (the day before: 22:00 → 23:50, 1 kWh)', async () => {
    const report = await reportKWh(DAY - 1, DAY)
    const panel = await panelKWh(FROM - DAY_MS, TO)
    // the day before has nothing before its first reading: 1 kWh from its two
    expect(report).toEqual(
      new Map([
        [isoDay(DAY - 1), 1],
        [isoDay(DAY), 0.8],
      ]),
    )
    expect([...panel.keys()]).toEqual([...report.keys()])
    for (const [date, kWh] of report) expect(panel.get(date), date).toBeCloseTo(kWh!, 6)
  })
})
