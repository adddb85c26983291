// What the panels say, number by number, on a simulated estate in the real InfluxDB: each panel's query as
// Grafana sends it, checked against what is computed here independently from the seed (its plan of
// outages, and the raw points it wrote).
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard'
import { describe, expect, inject, it } from 'vitest'
import { quoteIdent } from '../../influx/index.ts'
import type { Series } from '../support/influx-query.ts'
import { findPanel, type RenderedDashboard, renderedDashboards, targetQuery } from './dashboard-queries.ts'
import { interpolate, panelRange, type QueryRange } from './grafana-query.ts'
import {
  ESTATE,
  ESTATE_UTC_OFFSET_MS,
  estateDatabase,
  lastLocalDays,
  localDay,
  METER_RESETS,
  type OfflinePeriod,
} from './seed-estate.ts'

const MIN = 60_000
const DAY = 86_400_000
const { fromMs: FROM, toMs: TO } = lastLocalDays(2)

const estate = estateDatabase(inject('influxUrl'), 'dashboards_values', FROM, TO)

const dashboards = renderedDashboards()
const run = estate.run

const panel = (name: string, title: RegExp) => findPanel(dashboards, name, title)

/** The panel's query for the whole estate (every variable at All) over `range`. */
async function runPanel(name: string, title: RegExp, range: QueryRange, i = 0): Promise<Series[]> {
  const { d, p } = panel(name, title)
  return run(interpolate(targetQuery(p, i), d.variables, {}, range))
}

const col = (s: Series, name: string) => s.columns.indexOf(name)

/** Whether the seed had `device` connected at `t` (it published offline at a period's start, online at its end). */
const onlineAt = (periods: readonly OfflinePeriod[], t: number): boolean =>
  !periods.some((w) => t >= w.startMs && t < w.endMs)

/** Every connection change the seed wrote for a device after `from` and before `to`: [time, online]. */
function changesBetween(periods: readonly OfflinePeriod[], from: number, to: number): [number, boolean][] {
  return periods
    .flatMap((w): [number, boolean][] => [
      [w.startMs, false],
      [w.endMs, true],
    ])
    .filter(([t]) => t >= from && t < to)
    .sort((a, b) => a[0] - b[0])
}

describe('connectivity (estate overview)', () => {
  it('the Online timeline shows every device, starting in the state it was in when the range began', async () => {
    // begin the range inside the first outage of the estate: that device starts offline, the others online
    const windows = [...estate.seeded().offline].flatMap(([device, ws]) => ws.map((w) => ({ device, w })))
    const first = windows.sort((a, b) => a.w.startMs - b.w.startMs)[0]!
    const range = { fromMs: first.w.startMs + 30_000, toMs: TO, interval: '10m' }
    const series = await runPanel('estate-overview', /^在线 Online/, range)

    const byDevice = new Map(series.map((s) => [s.tags?.device, s]))
    expect([...byDevice.keys()].sort()).toEqual(ESTATE.map((d) => d.id).sort())
    for (const d of ESTATE) {
      const periods = estate.seeded().offline.get(d.id) ?? []
      const s = byDevice.get(d.id)!
      const rows = s.values.map((v) => [v[col(s, 'time')], v[col(s, 'online')]] as [number, boolean])
      // the state carried in from before the range, then each change inside it
      expect(rows[0]![0], d.id).toBeLessThan(range.fromMs)
      expect(rows[0]![1], d.id).toBe(onlineAt(periods, range.fromMs))
      expect(rows.slice(1), d.id).toEqual(changesBetween(periods, range.fromMs, range.toMs))
    }
    expect(byDevice.get(first.device)!.values[0]![col(byDevice.get(first.device)!, 'online')]).toBe(false)
  })

  it('the connection table lists every device with its state at the end of the range and since when', async () => {
    // end the range inside the last outage of the estate: that device is offline since the outage began
    const windows = [...estate.seeded().offline].flatMap(([device, ws]) => ws.map((w) => ({ device, w })))
    const last = windows.sort((a, b) => b.w.startMs - a.w.startMs)[0]!
    const range = { fromMs: FROM + 6 * 3_600_000, toMs: last.w.startMs + 30_000, interval: '10m' }
    const series = await runPanel('estate-overview', /^设备连接/, range)

    const rows = series.map((s) => ({
      device: s.tags?.device,
      since: s.values[0]![col(s, 'time')],
      online: s.values[0]![col(s, 'online')],
    }))
    const expected = ESTATE.map((d) => {
      const periods = estate.seeded().offline.get(d.id) ?? []
      const changes: [number, boolean][] = [[FROM, true], ...changesBetween(periods, FROM, range.toMs)]
      const [since, online] = changes.at(-1)!
      return { device: d.id, since, online }
    })
    expect(rows.sort((a, b) => String(a.device).localeCompare(String(b.device)))).toEqual(
      expected.sort((a, b) => a.device.localeCompare(b.device)),
    )
    expect(rows.find((r) => r.device === last.device)?.online).toBe(false)
  })
})

describe('gaps', () => {
  // every panel drawn as lines or states over GROUP BY time($__interval)
  const intervalPanels = dashboards.flatMap((d) =>
    (d.model.panels ?? [])
      .filter((p): p is dashboard.Panel => p.type === 'timeseries' || p.type === 'state-timeline')
      .filter(
        (p) => (p.fieldConfig?.defaults?.custom as { drawStyle?: string } | undefined)?.drawStyle !== 'bars',
      )
      .flatMap((p) =>
        (p.targets ?? [])
          .map((t) => (t as unknown as { query: string }).query)
          .filter((q) => q.includes('GROUP BY time($__interval)'))
          .map((q) => [`${d.name}: ${p.title}`, d, q] as const),
      ),
  )

  it('covers the line and state panels', () => {
    expect(intervalPanels.length).toBeGreaterThanOrEqual(20)
  })

  it.each(intervalPanels)(
    '%s: the minutes a device was disconnected come back as empty intervals, not as nothing',
    async (_, d, q) => {
      const series = await run(interpolate(q, d.variables, {}, { fromMs: FROM, toMs: TO, interval: '1m' }))
      let checked = 0
      for (const s of series) {
        const periods = estate.seeded().offline.get(s.tags?.device ?? '') ?? []
        const rows = new Map(s.values.map((v) => [v[0] as number, v.slice(1)]))
        for (const w of periods)
          for (let t = Math.ceil(w.startMs / MIN) * MIN; t < w.endMs; t += MIN) {
            // a row for the minute, every value in it null: Grafana draws the gap instead of a line across it
            expect(rows.get(t), `${s.tags?.device} ${new Date(t).toISOString()}`).toEqual(
              s.columns.slice(1).map(() => null),
            )
            checked++
          }
      }
      expect(checked).toBeGreaterThan(0)
    },
  )
})

/** A device's raw readings of a field in the seed's range, oldest first. */
async function rawReadings(
  measurement: 'pile' | 'circuit',
  field: string,
): Promise<Map<string, [number, number][]>> {
  const series = await run(
    `SELECT ${quoteIdent(field)} FROM ${quoteIdent(measurement)} WHERE time >= ${FROM}ms AND time < ${TO}ms GROUP BY "device"`,
  )
  return new Map(series.map((s) => [s.tags?.device ?? '', s.values as [number, number][]]))
}

/**
 * kWh per device and local day that an energy meter counted, from its raw readings: each rise from one
 * reading to the next, in the local day of the later one. A reading below the one before is a meter that
 * was reset or swapped and counts again from 0: that step adds nothing.
 */
async function meterDailyKWh(measurement: 'pile' | 'circuit', field: string): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  for (const [device, pts] of await rawReadings(measurement, field))
    for (let i = 1; i < pts.length; i++) {
      const key = `${device} ${localDay(pts[i]![0])}`
      const rise = pts[i]![1] - pts[i - 1]![1]
      out.set(key, (out.get(key) ?? 0) + Math.max(0, rise))
    }
  return out
}

describe("energy per day from the meters (sheds' feeders, building circuits)", () => {
  const meterPanels = [
    ['charging-overview', /^每日馈线电量/, 'pile', 'feeder.energyKWh'],
    ['building-circuits', /^每日电量/, 'circuit', 'energyKWh'],
  ] as const

  it('the seed resets a pile feeder meter and a circuit meter to 0 on its second day', async () => {
    const resets = estate.seeded().meterResets
    expect(resets.map((r) => r.deviceId).sort()).toEqual(METER_RESETS.map((r) => r.deviceId).sort())
    for (const r of resets) {
      const d = ESTATE.find((x) => x.id === r.deviceId)!
      const field = d.kind === 'charging-pile' ? 'feeder.energyKWh' : 'energyKWh'
      const pts = (await rawReadings(d.kind === 'charging-pile' ? 'pile' : 'circuit', field)).get(r.deviceId)!
      const i = pts.findIndex(([t]) => t === r.atMs)
      expect(localDay(r.atMs), r.deviceId).toBe(localDay(FROM) + 1)
      expect(pts[i]![1], r.deviceId).toBe(0)
      expect(pts[i - 1]![1], r.deviceId).toBeGreaterThan(10)
    }
  })

  it.each(meterPanels)(
    '%s %s: each day is what the meter counted in that local day, a reset adding nothing',
    async (name, title, measurement, field) => {
      const series = await runPanel(name, title, { fromMs: FROM, toMs: TO, interval: '10m' })
      const panelKWh = new Map<string, number>()
      for (const s of series)
        for (const v of s.values)
          panelKWh.set(`${s.tags?.device} ${localDay(v[0] as number)}`, v[1] as number)
      const expected = await meterDailyKWh(measurement, field)
      const kind = measurement === 'pile' ? 'charging-pile' : 'circuit-monitor'
      expect(expected.size).toBe(2 * ESTATE.filter((d) => d.kind === kind).length)
      expect([...panelKWh.keys()].sort()).toEqual([...expected.keys()].sort())
      for (const [key, kWh] of expected) expect(panelKWh.get(key)!, key).toBeCloseTo(kWh, 6)

      // on the reset's day: what the old meter counted until its last reading, plus what the new one
      // counted from 0 until the day's end (not max − min: nearly the old meter's whole reading)
      for (const r of estate.seeded().meterResets) {
        const pts = (await rawReadings(measurement, field)).get(r.deviceId)
        if (pts === undefined) continue
        const day = localDay(r.atMs)
        const lastOf = (d: number) => pts.filter(([t]) => localDay(t) === d).at(-1)![1]
        const before = pts.filter(([t]) => t < r.atMs).at(-1)![1]
        const counted = before - lastOf(day - 1) + lastOf(day)
        expect(panelKWh.get(`${r.deviceId} ${day}`)!, r.deviceId).toBeCloseTo(counted, 6)
      }
    },
  )
})

describe('energy per day (charging sheds)', () => {
  /**
   * Wh per pile and local day, integrated here from the raw readings: power taken as straight between
   * two readings, and a stretch that spans midnight split there.
   */
  async function rawDailyWh(field: string, toMs = TO): Promise<Map<string, number>> {
    const series = await run(
      `SELECT ${quoteIdent(field)} FROM "pile" WHERE time >= ${FROM}ms AND time < ${toMs}ms GROUP BY "device"`,
    )
    const out = new Map<string, number>()
    const add = (device: string, t0: number, p0: number, t1: number, p1: number) => {
      const key = `${device} ${localDay(t0)}`
      out.set(key, (out.get(key) ?? 0) + ((p0 + p1) / 2) * ((t1 - t0) / 3_600_000))
    }
    for (const s of series) {
      const device = s.tags?.device ?? ''
      const pts = s.values.map((v) => [v[0] as number, v[1] as number] as const)
      for (let i = 1; i < pts.length; i++) {
        const [t0, p0] = pts[i - 1]!
        const [t1, p1] = pts[i]!
        if (localDay(t0) === localDay(t1)) add(device, t0, p0, t1, p1)
        else {
          const midnight = localDay(t1) * DAY - ESTATE_UTC_OFFSET_MS
          const pm = p0 + ((p1 - p0) * (midnight - t0)) / (t1 - t0)
          add(device, t0, p0, midnight, pm)
          add(device, midnight, pm, t1, p1)
        }
      }
    }
    return out
  }

  /** Wh per pile and local day from the feeder's own energy meter (a reset included, see meterDailyKWh). */
  async function feederMeterWh(): Promise<Map<string, number>> {
    const kWh = await meterDailyKWh('pile', 'feeder.energyKWh')
    return new Map([...kWh].map(([key, v]) => [key, v * 1000]))
  }

  /** The range Grafana gives a panel when its dashboard is opened at `nowMs` with its default range. */
  const rangeOf = (d: RenderedDashboard, p: dashboard.Panel, nowMs: number): QueryRange =>
    panelRange(
      {
        dashboardFrom: d.model.time?.from ?? 'now-6h',
        panelTimeFrom: p.timeFrom,
        utcOffsetMs: ESTATE_UTC_OFFSET_MS,
        interval: '10m',
      },
      nowMs,
    )
  const runOpenedAt = (name: string, title: RegExp, nowMs: number): Promise<Series[]> => {
    const { d, p } = panel(name, title)
    return runPanel(name, title, rangeOf(d, p, nowMs))
  }

  // opened at 22:00 on the seed's second day: its first day is whole, its second runs until now
  const NOW = TO - 2 * 3_600_000

  it('every per-day panel, as its dashboard opens, starts at a local midnight: no bar is cut short', () => {
    const perDay = dashboards.flatMap((d) =>
      (d.model.panels ?? [])
        .filter((p): p is dashboard.Panel => p.type !== 'row')
        .filter((p) => (p.targets ?? []).some((_, i) => targetQuery(p, i).includes('GROUP BY time(1d')))
        .map((p) => [d, p] as const),
    )
    expect(perDay.length).toBeGreaterThanOrEqual(6)
    for (const [d, p] of perDay)
      expect((rangeOf(d, p, NOW).fromMs + ESTATE_UTC_OFFSET_MS) % DAY, `${d.name}: ${p.title}`).toBe(0)
  })

  it('sessions and energy per day count whole local days (today: until now)', async () => {
    const sessions = await runOpenedAt('charging-overview', /^每日充电次数/, NOW)
    const panelSessions = new Map<string, number>()
    for (const s of sessions)
      for (const v of s.values)
        panelSessions.set(`${s.tags?.site} ${localDay(v[0] as number)}`, v[1] as number)
    // counted here from the raw session_started events of each local day until now
    const raw = await run(
      `SELECT "port" FROM "device_event" WHERE "event" = 'session_started' AND time >= ${FROM}ms AND time < ${NOW}ms GROUP BY "site"`,
    )
    const expected = new Map<string, number>()
    for (const s of raw)
      for (const v of s.values) {
        const key = `${s.tags?.site} ${localDay(v[0] as number)}`
        expected.set(key, (expected.get(key) ?? 0) + 1)
      }
    expect(expected.size).toBe(4)
    expect(panelSessions).toEqual(expected)

    const energy = await runOpenedAt('charging-overview', /^每日端口电量/, NOW)
    const panelWh = new Map<string, number>()
    for (const s of energy)
      for (const v of s.values) panelWh.set(`${s.tags?.device} ${localDay(v[0] as number)}`, v[1] as number)
    const ports = await rawDailyWh('portsPowerW', NOW)
    expect([...panelWh.keys()].sort()).toEqual([...ports.keys()].sort())
    for (const [key, wh] of ports) expect(Math.abs(panelWh.get(key)! - wh) / wh, key).toBeLessThan(0.001)
  })

  it('energy to ports per day is what the ports drew in that local day, and never more than the feeder', async () => {
    const series = await runPanel('charging-overview', /^每日端口电量/, {
      fromMs: FROM,
      toMs: TO,
      interval: '10m',
    })
    const panelWh = new Map<string, number>()
    for (const s of series)
      for (const v of s.values) panelWh.set(`${s.tags?.device} ${localDay(v[0] as number)}`, v[1] as number)
    const ports = await rawDailyWh('portsPowerW')
    const feeder = await feederMeterWh()
    expect([...panelWh.keys()].sort()).toEqual([...ports.keys()].sort())
    expect(panelWh.size).toBe(2 * ESTATE.filter((d) => d.kind === 'charging-pile').length)
    for (const [key, wh] of ports) {
      expect(panelWh.get(key)!, key).toBeGreaterThan(1000)
      expect(Math.abs(panelWh.get(key)! - wh) / wh, key).toBeLessThan(0.001)
      expect(panelWh.get(key)!, key).toBeLessThan(feeder.get(key)!)
    }
  })
})
