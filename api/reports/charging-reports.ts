// Energy per shed per local day and sessions per port, from what ingest stored in InfluxDB: the feeder
// meter (`pile`, feeder.energyKWh, cumulative) and the piles' session events (`device_event`).
import { CourtyardError } from '../../domain/errors.ts'
import type { InfluxClient, SeriesResult } from '../../influx/index.ts'
import type { Registry } from '../../registry/index.ts'
import { describeSpan, type QueryBounds } from '../query-bounds.ts'
import { type DayRange, daysOf, formatDay, instantRange, localDay } from './local-days.ts'
import { MAX_REPORT_EVENTS, meterRisesQuery, sessionEventsQuery } from './report-queries.ts'
import { byOffset, type ReportSite } from './report-scope.ts'

export interface EnergyRow {
  date: string
  siteId: string
  siteName: string
  community: string
  /**
   * what the shed's feeder meters counted that day (every port and socket in the shed): the sum of each
   * meter's rises between consecutive readings, each in the day of the later one, as the dashboards count
   * it; a step down adds nothing. null: no readings
   */
  meteredKWh: number | null
  /** the piles whose feeder meter went backwards that day (reset or swapped), by id; empty on most days */
  meterResets: string[]
  /** Σ energy of the sessions that ended that day, as the piles reported it */
  chargedKWh: number
  /** sessions that ended that day */
  sessions: number
}

export interface SessionsRow {
  siteId: string
  siteName: string
  community: string
  deviceId: string
  port: number
  /** sessions started in the range */
  started: number
  /** sessions ended in the range */
  ended: number
  /** Σ energy of the sessions ended in the range */
  chargedKWh: number
}

export interface ChargingDeps {
  influx: InfluxClient
  registry: Registry
  bounds: QueryBounds
  tenantId: string | null
}

interface SessionEvent {
  ts: number
  siteId: string
  deviceId: string
  port: number
  ended: boolean
  energyWh: number
}

const kwh = (wh: number) => Math.round(wh) / 1000
const round3 = (x: number) => Math.round(x * 1000) / 1000
const sheds = (sites: readonly ReportSite[]) => sites.filter((s) => s.kind === 'charging-shed')

function rowsOf(series: SeriesResult) {
  const at = (c: string) => series.columns.indexOf(c)
  return { at, values: series.values }
}

async function sessionEvents(
  deps: ChargingDeps,
  sites: readonly ReportSite[],
  range: DayRange,
): Promise<SessionEvent[]> {
  const out: SessionEvent[] = []
  for (const [offset, group] of byOffset(sites)) {
    const { q, params } = sessionEventsQuery({
      tenantId: deps.tenantId,
      siteIds: group.map((s) => s.id),
      range: instantRange(range, offset),
    })
    for (const s of await deps.influx.query(q, params)) {
      const { at, values } = rowsOf(s)
      if (out.length + values.length > MAX_REPORT_EVENTS)
        throw new CourtyardError(
          'BAD_REQUEST',
          `more than ${MAX_REPORT_EVENTS.toLocaleString('en-US')} charging sessions in this range: ask for a shorter range or one site (siteId)`,
        )
      const [time, port, energy, event, site, device] = [
        'time',
        'port',
        'energyWh',
        'event',
        'site',
        'device',
      ].map(at) as [number, number, number, number, number, number]
      for (const row of values) {
        // a session event without a port cannot be counted to one (the protocol requires it)
        if (typeof row[port] !== 'number') continue
        out.push({
          ts: row[time] as number,
          siteId: String(row[site]),
          deviceId: String(row[device]),
          port: row[port] as number,
          ended: row[event] === 'session_ended',
          energyWh: typeof row[energy] === 'number' ? (row[energy] as number) : 0,
        })
      }
    }
  }
  return out
}

/**
 * Refuses a range whose meter readings would cost InfluxDB more than one telemetry request may (the
 * API's maxScanPoints), estimated from the piles' report intervals before any query runs.
 */
function checkMeterCost(deps: ChargingDeps, sites: readonly ReportSite[], range: DayRange): void {
  const spanMs = (range.toDay - range.fromDay + 2) * 86_400_000
  let stored = 0
  let piles = 0
  for (const site of sites)
    for (const d of deps.registry.listDevices({
      siteId: site.id,
      tenantId: deps.tenantId,
      includeDecommissioned: true,
      limit: 10_000,
    })) {
      if (d.kind !== 'charging-pile') continue
      piles++
      stored += Math.ceil(spanMs / (d.reportIntervalS * 1000))
    }
  if (stored > deps.bounds.maxScanPoints)
    throw new CourtyardError(
      'BAD_REQUEST',
      `${describeSpan(spanMs)} of meter readings of ${piles} piles is about ${stored.toLocaleString('en-US')} stored points, more than the ${deps.bounds.maxScanPoints.toLocaleString('en-US')} one request may read: ask for a shorter range or one site (siteId)`,
    )
}

export async function energyReport(
  deps: ChargingDeps,
  sites: readonly ReportSite[],
  range: DayRange,
): Promise<EnergyRow[]> {
  const shedSites = sheds(sites)
  if (!shedSites.length) return []
  checkMeterCost(deps, shedSites, range)
  // per site and local day: Σ over the site's piles of what each meter counted that day, and which went back
  const metered = new Map<string, { kWh: number; resets: string[] }>()
  for (const [offset, group] of byOffset(shedSites)) {
    // from the day before: a day's first rise is from the previous day's last reading
    const { q, params } = meterRisesQuery({
      tenantId: deps.tenantId,
      siteIds: group.map((s) => s.id),
      range: instantRange({ fromDay: range.fromDay - 1, toDay: range.toDay }, offset),
      utcOffsetMin: offset,
    })
    for (const s of await deps.influx.query(q, params)) {
      const siteId = s.tags?.site
      if (!siteId) continue
      const { at, values } = rowsOf(s)
      const [time, rise, lowest, readings] = [at('time'), at('rise'), at('lowest'), at('readings')]
      for (const row of values) {
        // a day without readings has no energy figure (null), not 0
        if (typeof row[readings] !== 'number' || row[readings] === 0) continue
        const day = localDay(row[time] as number, offset)
        if (day < range.fromDay) continue
        const key = `${siteId}|${day}`
        const m = metered.get(key) ?? { kWh: 0, resets: [] }
        // no rise: the day's only reading (nothing before it to rise from), or only steps down
        if (typeof row[rise] === 'number') m.kWh += row[rise] as number
        const device = s.tags?.device
        if (device && typeof row[lowest] === 'number' && (row[lowest] as number) < 0) m.resets.push(device)
        metered.set(key, m)
      }
    }
  }
  const charged = new Map<string, { wh: number; n: number }>()
  const offsetOf = new Map(shedSites.map((s) => [s.id, s.utcOffsetMin]))
  for (const e of await sessionEvents(deps, shedSites, range)) {
    if (!e.ended) continue
    const key = `${e.siteId}|${localDay(e.ts, offsetOf.get(e.siteId) ?? 0)}`
    const c = charged.get(key) ?? { wh: 0, n: 0 }
    c.wh += e.energyWh
    c.n++
    charged.set(key, c)
  }
  const rows: EnergyRow[] = []
  for (const site of [...shedSites].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)))
    for (const day of daysOf(range)) {
      const key = `${site.id}|${day}`
      const m = metered.get(key)
      const c = charged.get(key)
      rows.push({
        date: formatDay(day),
        siteId: site.id,
        siteName: site.name,
        community: site.community,
        meteredKWh: m === undefined ? null : round3(m.kWh),
        meterResets: m === undefined ? [] : [...m.resets].sort(),
        chargedKWh: kwh(c?.wh ?? 0),
        sessions: c?.n ?? 0,
      })
    }
  return rows
}

export async function sessionsReport(
  deps: ChargingDeps,
  sites: readonly ReportSite[],
  range: DayRange,
): Promise<SessionsRow[]> {
  const shedSites = sheds(sites)
  if (!shedSites.length) return []
  const siteOf = new Map(shedSites.map((s) => [s.id, s]))
  const ports = new Map<string, SessionsRow & { wh: number }>()
  for (const e of await sessionEvents(deps, shedSites, range)) {
    const site = siteOf.get(e.siteId)
    if (!site) continue
    const key = `${e.deviceId}|${e.port}`
    let r = ports.get(key)
    if (!r) {
      r = {
        siteId: site.id,
        siteName: site.name,
        community: site.community,
        deviceId: e.deviceId,
        port: e.port,
        started: 0,
        ended: 0,
        chargedKWh: 0,
        wh: 0,
      }
      ports.set(key, r)
    }
    if (e.ended) {
      r.ended++
      r.wh += e.energyWh
    } else r.started++
  }
  return [...ports.values()]
    .sort(
      (a, b) =>
        a.siteName.localeCompare(b.siteName) ||
        a.siteId.localeCompare(b.siteId) ||
        a.deviceId.localeCompare(b.deviceId) ||
        a.port - b.port,
    )
    .map(({ wh, ...r }) => ({ ...r, chargedKWh: kwh(wh) }))
}
