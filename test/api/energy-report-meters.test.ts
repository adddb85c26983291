// The energy report's metered kWh on the dashboards' simulated estate (test/dashboards/seed-estate.ts),
// written into the API harness's own database through the project's write path: per shed and local day
// it is what the charging dashboard's feeder-energy panel shows for the shed's piles, to the Wh, the day
// a pile's feeder meter is reset (METER_RESETS: it reads 0 and counts again) included; and that day's
// row names the meter that went back, in JSON and in the CSV.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { findPanel, renderedDashboards, targetQuery } from '../dashboards/dashboard-queries.ts'
import { interpolate } from '../dashboards/grafana-query.ts'
import {
  ESTATE,
  lastLocalDays,
  localDay,
  METER_RESETS,
  type SeedResult,
  seedEstate,
} from '../dashboards/seed-estate.ts'
import { influxQuery } from '../support/influx-query.ts'
import { type Harness, startHarness } from './api-harness.ts'

const DAY_MS = 86_400_000
const { fromMs: FROM, toMs: TO } = lastLocalDays(2)
const DAY1 = localDay(FROM)
const DAY2 = DAY1 + 1
const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10)
const PILES = ESTATE.filter((d) => d.kind === 'charging-pile')

let h: Harness
let seeded: SeedResult

beforeAll(async () => {
  h = await startHarness({ influxUrl: inject('influxUrl') })
  for (const tenantId of new Set(PILES.map((d) => d.tenantId)))
    h.registry.createTenant({ id: tenantId, name: `Tenant ${tenantId}` })
  for (const d of PILES) {
    if (!h.registry.getSite(d.siteId))
      h.registry.createSite({
        id: d.siteId,
        tenantId: d.tenantId,
        name: `Shed ${d.siteId}`,
        community: d.communityId,
        kind: 'charging-shed',
      })
    await h.registry.provisionDevice({
      id: d.id,
      kind: d.kind,
      siteId: d.siteId,
      reportIntervalS: d.reportIntervalS,
    })
  }
  seeded = await seedEstate(h.influx, FROM, TO)
}, 180_000)
afterAll(async () => {
  await h?.close()
})

interface Row {
  date: string
  siteId: string
  meteredKWh: number | null
  meterResets: string[]
}

async function report(from: number, to: number): Promise<Row[]> {
  const res = await h.call('GET', `/api/v1/reports/energy?from=${isoDay(from)}&to=${isoDay(to)}`)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body.rows
}

/** kWh per `site date` that the feeder-energy panel shows over [FROM, TO), summed over the site's piles. */
async function panelKWhBySiteDay(): Promise<Map<string, number>> {
  const { d, p } = findPanel(renderedDashboards(), 'charging-overview', /^每日馈线电量/)
  const q = interpolate(targetQuery(p), d.variables, {}, { fromMs: FROM, toMs: TO, interval: '10m' })
  const out = new Map<string, number>()
  for (const s of await influxQuery(h.influxUrl, h.db, q))
    for (const [t, kWh] of s.values as [number, number][]) {
      const key = `${s.tags?.site} ${isoDay(localDay(t))}`
      out.set(key, (out.get(key) ?? 0) + kWh)
    }
  return out
}

const WH = 0.0005

describe('GET /api/v1/reports/energy across a feeder meter reset', () => {
  it('the seed resets a pile feeder meter on its second local day', () => {
    const pileResets = seeded.meterResets.filter((r) => PILES.some((d) => d.id === r.deviceId))
    expect(pileResets.map((r) => r.deviceId)).toEqual(
      METER_RESETS.filter((r) => PILES.some((d) => d.id === r.deviceId)).map((r) => r.deviceId),
    )
    expect(pileResets.map((r) => localDay(r.atMs))).toEqual([DAY2])
  })

  it("counts each shed's day as the dashboard's feeder-energy panel does, to the Wh, the reset day too", async () => {
    const panel = await panelKWhBySiteDay()
    const rows = await report(DAY1, DAY2)
    const sheds = [...new Set(PILES.map((d) => d.siteId))].sort()
    expect(rows.map((r) => `${r.siteId} ${r.date}`).sort()).toEqual(
      sheds.flatMap((s) => [`${s} ${isoDay(DAY1)}`, `${s} ${isoDay(DAY2)}`]).sort(),
    )
    expect([...panel.keys()].sort()).toEqual(rows.map((r) => `${r.siteId} ${r.date}`).sort())
    for (const r of rows) {
      const key = `${r.siteId} ${r.date}`
      expect(r.meteredKWh, key).not.toBeNull()
      expect(
        Math.abs(r.meteredKWh! - panel.get(key)!),
        `${key}: ${r.meteredKWh} vs ${panel.get(key)}`,
      ).toBeLessThanOrEqual(WH)
    }
    // one day alone reads back to the day before's last reading: the same as in the longer range
    const reset = seeded.meterResets.find((x) => PILES.some((d) => d.id === x.deviceId))!
    const resetSite = PILES.find((d) => d.id === reset.deviceId)!.siteId
    const alone = await report(DAY2, DAY2)
    for (const r of alone) {
      const key = `${r.siteId} ${r.date}`
      expect(Math.abs(r.meteredKWh! - panel.get(key)!), key).toBeLessThanOrEqual(WH)
    }
    expect(alone.find((r) => r.siteId === resetSite)!.meteredKWh).toBeGreaterThan(0)
  })

  it('says which meter went back on the day it did, and on no other day', async () => {
    const reset = seeded.meterResets.find((x) => PILES.some((d) => d.id === x.deviceId))!
    const resetSite = PILES.find((d) => d.id === reset.deviceId)!.siteId
    const rows = await report(DAY1, DAY2)
    for (const r of rows)
      expect(r.meterResets, `${r.siteId} ${r.date}`).toEqual(
        r.siteId === resetSite && r.date === isoDay(DAY2) ? [reset.deviceId] : [],
      )
    const csv = await h.call(
      'GET',
      `/api/v1/reports/energy?from=${isoDay(DAY1)}&to=${isoDay(DAY2)}&format=csv`,
    )
    const lines = String(csv.body)
      .replace(/^\uFEFF/, '')
      .split('\r\n')
    expect(lines[0]).toBe('date,community,site id,site,metered kWh,charged kWh,sessions ended,meter reset')
    const resetLine = lines.find((l) => l.startsWith(`${isoDay(DAY2)},`) && l.includes(`,${resetSite},`))
    expect(resetLine?.endsWith(`,${reset.deviceId}`), resetLine).toBe(true)
    expect(lines.filter((l) => l.endsWith(`,${reset.deviceId}`))).toHaveLength(1)
  })
})
