// Template variables community → site → device, each listing the tag values that match the ones chosen
// before it (InfluxQL SHOW TAG VALUES), and the WHERE conditions that apply them to a query.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard'
import { type Measurement, TAG, type Tag } from '../domain/storage.ts'
import type { DashboardConfig } from './config.ts'
import { ident, type Measure, variableRegex } from './influxql.ts'

export const SCOPE_LEVELS = ['community', 'site', 'device'] as const satisfies readonly Tag[]
export type ScopeLevel = (typeof SCOPE_LEVELS)[number]

const LABELS: Record<ScopeLevel, string> = {
  community: '小区 Community',
  site: '站点 Site',
  device: '设备 Device',
}

/** The levels down to `deepest`: `site` → community, site. */
export const levelsTo = (deepest: ScopeLevel): ScopeLevel[] =>
  SCOPE_LEVELS.slice(0, SCOPE_LEVELS.indexOf(deepest) + 1)

/** `"community" =~ /^$community$/ …` for each level: the conditions that scope a query to the selection. */
export function scopeWhere(m: Measure<Measurement>, levels: readonly ScopeLevel[]): string[] {
  return levels.map((l) => m.tagMatches(TAG[l], l))
}

/**
 * One multi-value variable per level (All by default), listed from `source`'s tag values, or from every
 * measurement when `source` is undefined (the estate overview spans all kinds).
 */
export function scopeVariables(
  cfg: DashboardConfig,
  source: Measure<Measurement> | undefined,
  levels: readonly ScopeLevel[],
): dashboard.QueryVariableBuilder[] {
  return levels.map((level, i) => {
    const before = levels.slice(0, i)
    const query =
      source === undefined
        ? showTagValuesAnywhere(level, before)
        : source.showTagValues(TAG[level], scopeWhere(source, before))
    return (
      new dashboard.QueryVariableBuilder(level)
        .label(LABELS[level])
        .datasource(cfg.datasource)
        .query(query)
        .definition(query)
        .refresh(dashboard.VariableRefresh.OnDashboardLoad)
        .sort(dashboard.VariableSort.AlphabeticalAsc)
        .multi(true)
        .includeAll(true)
        // an anchored regex of everything, so `=~ /^$site$/` matches all sites when All is chosen
        .allValue('.*')
        .current({ selected: true, text: 'All', value: '$__all' })
    )
  })
}

function showTagValuesAnywhere(key: ScopeLevel, before: readonly ScopeLevel[]): string {
  const where = before.map((l) => `${ident(TAG[l])} =~ ${variableRegex(l)}`)
  return `SHOW TAG VALUES WITH KEY = ${ident(TAG[key])}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`
}
