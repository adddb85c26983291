// Every dashboard and provisioning file as (relative path, text). Deterministic: the same config gives the
// same bytes (stable uids, panel ids in layout order, no timestamps or versions), so the committed output
// can be diffed against a fresh build.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard'
import { alertHistory } from './alert-history.ts'
import { buildingCircuits } from './building-circuits.ts'
import { chargingOverview } from './charging-overview.ts'
import { type DashboardConfig, DEFAULT_DASHBOARD_CONFIG } from './config.ts'
import { daycareAirQuality } from './daycare-air-quality.ts'
import { displaysHealth } from './displays-health.ts'
import { estateOverview } from './estate-overview.ts'
import { dashboardProviderYaml, datasourceYaml, type ProvisioningOptions } from './provisioning.ts'

/** Each dashboard by file name. */
export const DASHBOARDS: Record<string, (cfg: DashboardConfig) => dashboard.DashboardBuilder> = {
  'estate-overview': estateOverview,
  'charging-overview': chargingOverview,
  'building-circuits': buildingCircuits,
  'daycare-air-quality': daycareAirQuality,
  'displays-health': displaysHealth,
  'alert-history': alertHistory,
}

export type BuildOptions = ProvisioningOptions

export interface BuiltFile {
  /** relative to the build directory, `/`-separated */
  path: string
  content: string
}

/** Grafana's dashboard folder inside the provisioning tree the README tells to copy. */
export const DASHBOARDS_SUBDIR = 'provisioning/dashboards/courtyard'

export const DEFAULT_BUILD_OPTIONS: BuildOptions = {
  config: DEFAULT_DASHBOARD_CONFIG,
  database: 'courtyard',
  // the provisioning tree is copied to Grafana's default provisioning directory
  dashboardsPath: `/etc/grafana/${DASHBOARDS_SUBDIR}`,
  folder: 'Courtyard',
}

export function buildDashboards(o: BuildOptions): BuiltFile[] {
  const files: BuiltFile[] = []
  for (const [name, fn] of Object.entries(DASHBOARDS)) {
    files.push({ path: `${DASHBOARDS_SUBDIR}/${name}.json`, content: toJson(dashboardModel(fn(o.config))) })
  }
  files.push({ path: 'provisioning/datasources/courtyard.yaml', content: datasourceYaml(o) })
  files.push({ path: 'provisioning/dashboards/courtyard.yaml', content: dashboardProviderYaml(o) })
  return files
}

/** The plain dashboard JSON model (what file provisioning loads), panels numbered in layout order. */
export function dashboardModel(builder: dashboard.DashboardBuilder): dashboard.Dashboard {
  const d = builder.build()
  let id = 0
  for (const p of d.panels ?? []) p.id = ++id
  return d
}

const toJson = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`
