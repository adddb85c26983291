// Alerts by type per community and stray-wire incidents per building per month, counted in the alert
// store (alerts.db) over alerts raised in the range, each site's days in its local time.
import type { AlertStore } from '../../alerts/index.ts'
import type { AlertType } from '../../domain/alerts.ts'
import { type DayRange, instantRange, monthSlices } from './local-days.ts'
import { byOffset, type ReportSite } from './report-scope.ts'

export interface AlertsRow {
  communityId: string
  community: string
  type: AlertType
  /** alerts raised in the range */
  raised: number
  /** of those, still open (active or acknowledged) now */
  open: number
}

export interface StrayWireRow {
  month: string
  siteId: string
  siteName: string
  community: string
  siteKind: string
  /** stray_wire_charging alerts raised that month (inside the range) */
  incidents: number
  /** of those, still open now */
  open: number
}

export interface AlertReportDeps {
  store: AlertStore
  tenantId: string | null
}

function counts(deps: AlertReportDeps, sites: readonly ReportSite[], range: DayRange, type?: AlertType) {
  const out: { siteId: string; type: AlertType; raised: number; open: number }[] = []
  for (const [offset, group] of byOffset(sites)) {
    const r = instantRange(range, offset)
    out.push(
      ...deps.store.countRaised({
        tenantId: deps.tenantId,
        siteIds: group.map((s) => s.id),
        type,
        from: r.fromMs,
        to: r.toMs + 1,
      }),
    )
  }
  return out
}

export function alertsReport(
  deps: AlertReportDeps,
  sites: readonly ReportSite[],
  range: DayRange,
): AlertsRow[] {
  const siteOf = new Map(sites.map((s) => [s.id, s]))
  const rows = new Map<string, AlertsRow>()
  for (const c of counts(deps, sites, range)) {
    const site = siteOf.get(c.siteId)
    if (!site) continue
    const key = `${site.communityId}|${c.type}`
    const r = rows.get(key) ?? {
      communityId: site.communityId,
      community: site.community,
      type: c.type,
      raised: 0,
      open: 0,
    }
    r.raised += c.raised
    r.open += c.open
    rows.set(key, r)
  }
  return [...rows.values()].sort(
    (a, b) => a.community.localeCompare(b.community) || b.raised - a.raised || a.type.localeCompare(b.type),
  )
}

/** Every building gets a row per month (a month without incidents is worth reporting); other sites, such
 * as sheds with unmetered load, only for months they had incidents in. */
export function strayWireReport(
  deps: AlertReportDeps,
  sites: readonly ReportSite[],
  range: DayRange,
): StrayWireRow[] {
  const rows: StrayWireRow[] = []
  for (const { month, range: slice } of monthSlices(range)) {
    const found = new Map(counts(deps, sites, slice, 'stray_wire_charging').map((c) => [c.siteId, c]))
    for (const site of sites) {
      const c = found.get(site.id)
      if (!c && site.kind !== 'building') continue
      rows.push({
        month,
        siteId: site.id,
        siteName: site.name,
        community: site.community,
        siteKind: site.kind,
        incidents: c?.raised ?? 0,
        open: c?.open ?? 0,
      })
    }
  }
  return rows.sort(
    (a, b) =>
      a.month.localeCompare(b.month) ||
      a.community.localeCompare(b.community) ||
      a.siteName.localeCompare(b.siteName) ||
      a.siteId.localeCompare(b.siteId),
  )
}
