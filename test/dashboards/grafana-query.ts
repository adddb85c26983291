// A dashboard query as Grafana sends it to InfluxDB: its macros ($timeFilter, $__interval, ${__from},
// ${__to}) and template variables substituted the way Grafana does for InfluxQL. Shared by the tests that
// run the dashboards' queries against the real InfluxDB.
import type { DashboardVariable } from './dashboard-queries.ts'

/** A variable at All (its allValue), as opposed to one chosen value. */
export const ALL = Symbol('All')
export type Selection = Record<string, string | typeof ALL>

/** The dashboard's time range and the GROUP BY interval Grafana picked for the panel. */
export interface QueryRange {
  fromMs: number
  toMs: number
  /** `$__interval`, e.g. `10m` */
  interval: string
}

const escapeRegex = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')

export function interpolate(
  q: string,
  variables: readonly DashboardVariable[],
  sel: Selection,
  range: QueryRange,
): string {
  let out = q
    .replaceAll('$__timeFilter', '$timeFilter')
    .replaceAll('$timeFilter', `time >= ${range.fromMs}ms AND time < ${range.toMs}ms`)
    .replaceAll('$__interval', range.interval)
    .replaceAll('$interval', range.interval)
    // Grafana's global variables: the range's ends in epoch milliseconds
    .replace(/\$\{__from\}|\$__from(?![A-Za-z0-9_])/g, String(range.fromMs))
    .replace(/\$\{__to\}|\$__to(?![A-Za-z0-9_])/g, String(range.toMs))
  for (const v of variables) {
    const value = sel[v.name] ?? ALL
    // every variable sits inside an anchored regex: Grafana regex-escapes the value there
    const text = value === ALL ? (v.allValue ?? '.*') : escapeRegex(value)
    out = out.replace(new RegExp(`\\$\\{?${v.name}\\}?(?![A-Za-z0-9_])`, 'g'), () => text)
  }
  const left = out.match(/\$\{?\w+/g)
  if (left) throw new Error(`not substituted: ${left.join(', ')} in ${out}`)
  return out
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 }

/**
 * A relative time as Grafana's date math reads it at `nowMs`: `now`, `now-6h`, `now-7d/d` (`/d`: back to
 * the start of that day in the dashboard's time zone, `utcOffsetMs` east of UTC). Only these forms.
 */
export function relativeTime(expr: string, nowMs: number, utcOffsetMs: number): number {
  const m = /^now(?:-(\d+)([mhd]))?(\/d)?$/.exec(expr)
  if (!m) throw new Error(`relative time ${expr} not understood here`)
  let t = nowMs - (m[1] === undefined ? 0 : Number(m[1]) * UNIT_MS[m[2]!]!)
  if (m[3]) t = Math.floor((t + utcOffsetMs) / UNIT_MS.d!) * UNIT_MS.d! - utcOffsetMs
  return t
}

/**
 * The range Grafana queries a panel over at `nowMs`: the panel's own relative time (`timeFrom`) when it
 * has one, else the dashboard's (a relative dashboard range, as the dashboards default to).
 */
export function panelRange(
  o: { dashboardFrom: string; panelTimeFrom?: string | undefined; utcOffsetMs: number; interval: string },
  nowMs: number,
): QueryRange {
  const from = o.panelTimeFrom ?? o.dashboardFrom
  return { fromMs: relativeTime(from, nowMs, o.utcOffsetMs), toMs: nowMs, interval: o.interval }
}
