// What a dashboard needs to know about the Grafana it is loaded into. Plain data: the build (main.ts)
// decides the values, every dashboard function just receives them.
import type * as common from '@grafana/grafana-foundation-sdk/common'

export interface DashboardConfig {
  /** the provisioned InfluxDB data source; its uid is fixed so that dashboards and data source meet */
  datasource: common.DataSourceRef & { type: 'influxdb'; uid: string }
  /**
   * the estate's time zone (IANA name): the dashboards show its clock to every viewer, and "today" and
   * the per-day panels' whole days begin at its midnight
   */
  timezone: string
  /** minutes east of UTC in `timezone` (Asia/Shanghai = 480, no DST): per-day bars start at local midnight */
  utcOffsetMin: number
  /**
   * seconds between a device's readings (the registry's default report interval): the shortest
   * `$__interval` Grafana may pick, and, as in the device_offline rule, 3 × this without a reading is a gap
   * the panels show rather than draw a line across
   */
  reportIntervalS: number
  /** prefix of every dashboard uid, so that several estates can share one Grafana */
  uidPrefix: string
  /** tags put on every dashboard (Grafana's dashboard search) */
  tags: string[]
}

export const DEFAULT_DASHBOARD_CONFIG: DashboardConfig = {
  datasource: { type: 'influxdb', uid: 'courtyard-influxdb' },
  timezone: 'Asia/Shanghai',
  utcOffsetMin: 480,
  reportIntervalS: 60,
  uidPrefix: 'courtyard',
  tags: ['courtyard'],
}

/** The InfluxQL `GROUP BY time(1d, offset)` offset that puts day boundaries at local midnight. */
export function dayOffset(cfg: Pick<DashboardConfig, 'utcOffsetMin'>): string {
  // buckets start at 00:00 UTC + offset; local midnight is 00:00 UTC − utcOffset
  const min = ((-cfg.utcOffsetMin % 1440) + 1440) % 1440
  return `${min}m`
}

/** The local days a per-day panel shows, today so far included, whatever the dashboard's range. */
export const PER_DAY_PANEL_DAYS = 8

/** Milliseconds without a reading that the panels show as a gap: 3 report intervals (device_offline). */
export const gapMs = (cfg: Pick<DashboardConfig, 'reportIntervalS'>): number => 3 * cfg.reportIntervalS * 1000
