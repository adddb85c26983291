// The whole estate at a glance for a property manager: alerts raised, then one line of numbers per
// facility type (charging, circuits, day-care air, displays) and which devices went offline.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard'
import { TAG } from '../domain/storage.ts'
import { alertAnnotation } from './alert-annotations.ts'
import type { DashboardConfig } from './config.ts'
import { dashboardFrame } from './dashboard-frame.ts'
import { GBT18883 } from './daycare-air-quality.ts'
import { influxQuery } from './influx-target.ts'
import { M } from './influxql.ts'
import { limits, row, stateTimelinePanel, statPanel, timeSeriesPanel } from './panels.ts'
import { levelsTo, scopeVariables, scopeWhere } from './variables.ts'

export function estateOverview(cfg: DashboardConfig): dashboard.DashboardBuilder {
  // down to the site: a device filter makes no sense across four kinds of device
  const levels = levelsTo('site')
  const { alert: a, pile, circuit, daycare, display, status } = M
  const bySite = { time: '$__interval', by: [TAG.site], fill: 'none' } as const

  return dashboardFrame(cfg, {
    slug: 'estate',
    title: '总览 · Estate overview',
    description: 'Alerts, charging, circuits, day-care air and displays across the estate',
  })
    .variables(scopeVariables(cfg, undefined, levels))
    .annotation(alertAnnotation(cfg, { name: '告警 Alerts raised', color: 'red', levels }))
    .withRow(row('告警 Alerts'))
    .withPanel(
      statPanel(cfg, {
        title: '新告警 Alerts raised, by severity',
        unit: 'short',
        span: 8,
        reduce: 'sum',
        thresholds: limits([1, 'orange']),
        queries: [
          influxQuery(
            a.select({
              select: [a.agg('count', 'alertId')],
              where: [a.fieldIs('kind', 'raised'), ...scopeWhere(a, levels)],
              by: [TAG.severity],
            }),
          ).alias('$tag_severity'),
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel(cfg, {
        title: '每小时新告警 Alerts raised per hour, by type',
        unit: 'short',
        bars: true,
        stacked: true,
        span: 16,
        height: 5,
        queries: [
          influxQuery(
            a.select({
              select: [a.agg('count', 'alertId')],
              where: [a.fieldIs('kind', 'raised'), ...scopeWhere(a, levels)],
              time: '1h',
              by: [TAG.type],
              fill: 'none',
            }),
          ).alias('$tag_type'),
        ],
      }),
    )
    .withRow(row('设施 Facilities'))
    .withPanel(
      timeSeriesPanel(cfg, {
        title: '充电棚馈线功率 Charging shed feeders',
        unit: 'watt',
        queries: [
          influxQuery(
            pile.select({
              select: [pile.agg('mean', 'feeder.powerW')],
              where: scopeWhere(pile, levels),
              ...bySite,
              by: [TAG.site, TAG.device],
            }),
          ).alias('$tag_site $tag_device'),
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel(cfg, {
        title: '充电中端口 Ports charging',
        unit: 'short',
        stacked: true,
        queries: [
          influxQuery(
            pile.select({
              select: [pile.agg('max', 'portsCharging')],
              where: scopeWhere(pile, levels),
              ...bySite,
              by: [TAG.site, TAG.device],
            }),
          ).alias('$tag_site $tag_device'),
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel(cfg, {
        title: '楼栋回路功率 Building circuits',
        unit: 'watt',
        queries: [
          influxQuery(
            circuit.select({
              select: [circuit.agg('mean', 'powerW')],
              where: scopeWhere(circuit, levels),
              ...bySite,
              by: [TAG.site, TAG.device],
            }),
          ).alias('$tag_site $tag_device'),
        ],
      }),
    )
    .withPanel(
      statPanel(cfg, {
        title: '日间照料最高 CO2 Day-care worst CO2',
        unit: 'ppm',
        span: 6,
        height: 8,
        reduce: 'max',
        thresholds: limits([GBT18883.co2Ppm, 'orange'], [1500, 'red']),
        queries: [
          influxQuery(
            daycare.select({
              select: [daycare.agg('max', 'co2Ppm')],
              where: scopeWhere(daycare, levels),
              ...bySite,
            }),
          ).alias('$tag_site'),
        ],
      }),
    )
    .withPanel(
      statPanel(cfg, {
        title: '户外屏最高箱温 Hottest display cabinet',
        unit: 'celsius',
        span: 6,
        height: 8,
        reduce: 'max',
        thresholds: limits([60, 'orange'], [70, 'red']),
        queries: [
          influxQuery(
            display.select({
              select: [display.agg('max', 'cabinetTempC')],
              where: scopeWhere(display, levels),
              ...bySite,
            }),
          ).alias('$tag_site'),
        ],
      }),
    )
    .withRow(row('连接 Connectivity'))
    .withPanel(
      stateTimelinePanel(cfg, {
        title: '在线 Online (device status)',
        description: "From the devices' own online/offline status messages (MQTT Will included).",
        span: 24,
        queries: [
          influxQuery(
            status.select({
              select: [status.agg('last', 'online')],
              where: scopeWhere(status, levels),
              time: '$__interval',
              by: [TAG.site, TAG.device],
              fill: 'previous',
            }),
          ).alias('$tag_site $tag_device'),
        ],
      }),
    )
}
