// What every Courtyard dashboard shares: a stable uid from the config's prefix and a slug (provisioning
// matches dashboards by uid, so it must never change), the tags, a link menu to its siblings, the time
// range and refresh a duty desk expects.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard'
import type { DashboardConfig } from './config.ts'

export interface FrameOptions {
  slug: string
  title: string
  description: string
  /** default time range, e.g. `now-24h` */
  from?: string
  refresh?: string
}

export function dashboardFrame(cfg: DashboardConfig, o: FrameOptions): dashboard.DashboardBuilder {
  return (
    new dashboard.DashboardBuilder(o.title)
      .uid(`${cfg.uidPrefix}-${o.slug}`)
      .description(o.description)
      .tags(cfg.tags)
      // the estate's clock for every viewer: a per-day bar is a local day wherever the browser is
      .timezone(cfg.timezone)
      .time({ from: o.from ?? 'now-24h', to: 'now' })
      .refresh(o.refresh ?? '1m')
      .tooltip(dashboard.DashboardCursorSync.Crosshair)
      .link(
        new dashboard.DashboardLinkBuilder('Courtyard')
          .type(dashboard.DashboardLinkType.Dashboards)
          .tags(cfg.tags)
          .asDropdown(true)
          .includeVars(true)
          .keepTime(true),
      )
  )
}
