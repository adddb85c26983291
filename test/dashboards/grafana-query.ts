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
