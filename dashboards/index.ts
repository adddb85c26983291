// dashboards/: Grafana dashboards as code. Each dashboard is a function of the config returning a builder;
// `buildDashboards` renders them, with the provisioning files, to the files a Grafana loads.
export { alertHistory } from './alert-history.ts'
export { buildingCircuits } from './building-circuits.ts'
export { chargingOverview } from './charging-overview.ts'
export { type DashboardConfig, DEFAULT_DASHBOARD_CONFIG } from './config.ts'
export { daycareAirQuality, GBT18883 } from './daycare-air-quality.ts'
export { displaysHealth } from './displays-health.ts'
export { estateOverview } from './estate-overview.ts'
export { type InfluxQuery, InfluxQueryBuilder, influxQuery } from './influx-target.ts'
export {
  type BuildOptions,
  type BuiltFile,
  buildDashboards,
  DASHBOARDS,
  DEFAULT_BUILD_OPTIONS,
  dashboardModel,
} from './render.ts'
export { writeBuild } from './write-build.ts'
