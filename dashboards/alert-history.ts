// Alert history from alert_event (every change the alert engine made, written for Grafana): what was
// raised, by type, severity and site, and the change log itself. alerts.db stays the record; this is the
// analysis copy a property manager slices by community and month.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard'
import { ALERT_TYPES } from '../domain/alerts.ts'
import { TAG } from '../domain/storage.ts'
import { alertAnnotation } from './alert-annotations.ts'
import { type DashboardConfig, dayOffset } from './config.ts'
import { dashboardFrame } from './dashboard-frame.ts'
import { influxQuery } from './influx-target.ts'
import { M } from './influxql.ts'
import { barGaugePanel, limits, statPanel, tablePanel, timeSeriesPanel } from './panels.ts'
import { severityCountOverrides, severityMappings } from './severity.ts'
import { levelsTo, scopeVariables, scopeWhere } from './variables.ts'

export function alertHistory(cfg: DashboardConfig): dashboard.DashboardBuilder {
  const levels = levelsTo('device')
  const a = M.alert
  // the alert-only variables: type and severity, listed from what was actually written
  const filterVar = (name: 'type' | 'severity', label: string) => {
    const query = a.showTagValues(TAG[name])
    return new dashboard.QueryVariableBuilder(name)
      .label(label)
      .datasource(cfg.datasource)
      .query(query)
      .definition(query)
      .refresh(dashboard.VariableRefresh.OnDashboardLoad)
      .sort(dashboard.VariableSort.AlphabeticalAsc)
      .multi(true)
      .includeAll(true)
      .allValue('.*')
      .current({ selected: true, text: 'All', value: '$__all' })
  }
  const scope = [
    ...scopeWhere(a, levels),
    a.tagMatches(TAG.type, 'type'),
    a.tagMatches(TAG.severity, 'severity'),
  ]
  const raised = [a.fieldIs('kind', 'raised'), ...scope]

  return dashboardFrame(cfg, {
    slug: 'alerts',
    title: '告警历史 · Alert history',
    description: `Alerts raised and every later change (${ALERT_TYPES.length} types), from alert_event`,
    // whole local days: the first per-day bar is not cut at the clock time the range began
    from: 'now-30d/d',
    refresh: '5m',
  })
    .variables([
      ...scopeVariables(cfg, a, levels),
      filterVar('type', '类型 Type'),
      filterVar('severity', '级别 Severity'),
    ])
    .annotation(
      alertAnnotation(cfg, {
        name: '严重告警 Critical alerts',
        severities: ['critical'],
        color: 'red',
        levels,
      }),
    )
    .withPanel(
      severityCountOverrides(
        statPanel(cfg, {
          title: '新告警 Raised, by severity',
          description:
            'Alerts raised over the range, one number per severity, each in its colour (critical red).',
          unit: 'short',
          span: 8,
          height: 6,
          reduce: 'sum',
          thresholds: limits([1, 'orange']),
          queries: [
            influxQuery(
              a.select({ select: [a.agg('count', 'alertId')], where: raised, by: [TAG.severity] }),
            ).alias('$tag_severity'),
          ],
        }),
      ),
    )
    .withPanel(
      barGaugePanel(cfg, {
        title: '按类型 Raised, by type',
        description: 'Alerts raised over the range, per alert type.',
        unit: 'short',
        span: 8,
        height: 6,
        reduce: 'sum',
        queries: [
          influxQuery(a.select({ select: [a.agg('count', 'alertId')], where: raised, by: [TAG.type] })).alias(
            '$tag_type',
          ),
        ],
      }),
    )
    .withPanel(
      barGaugePanel(cfg, {
        title: '飞线充电 Stray-wire incidents, by site',
        description: 'stray_wire_charging alerts raised per site over the range (30 days by default).',
        unit: 'short',
        span: 8,
        height: 6,
        reduce: 'sum',
        thresholds: limits([1, 'red']),
        queries: [
          influxQuery(
            a.select({
              select: [a.agg('count', 'alertId')],
              where: [
                a.tagIs(TAG.type, 'stray_wire_charging'),
                a.fieldIs('kind', 'raised'),
                ...scopeWhere(a, levels),
              ],
              by: [TAG.site],
            }),
          ).alias('$tag_site'),
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel(cfg, {
        title: '每日新告警 Raised per day, by type',
        description:
          'Alerts raised per local day (00:00–24:00 China time), stacked by type. The default range starts at a midnight; a range chosen to start mid-day cuts its first bar short.',
        unit: 'short',
        bars: true,
        stacked: true,
        span: 24,
        queries: [
          influxQuery(
            a.select({
              select: [a.agg('count', 'alertId')],
              where: raised,
              time: `1d, ${dayOffset(cfg)}`,
              by: [TAG.type],
              fill: 'none',
            }),
          ).alias('$tag_type'),
        ],
      }),
    )
    .withPanel(
      tablePanel(cfg, {
        title: '告警变更 Alert changes',
        description: 'Every change, newest first: raised, repeated, severity changed, acknowledged, cleared.',
        height: 12,
        queries: [
          influxQuery(
            a.select({
              select: [
                a.field('kind'),
                a.tag(TAG.type),
                a.tag(TAG.severity),
                a.field('state'),
                a.field('message'),
                a.tag(TAG.community),
                a.tag(TAG.site),
                a.tag(TAG.device),
                a.field('port'),
                a.field('value'),
                a.field('count'),
                a.field('by'),
                a.field('alertId'),
              ],
              where: scope,
              desc: true,
              limit: 1000,
            }),
          ),
        ],
      }).overrideByName('severity', [{ id: 'mappings', value: severityMappings() }]),
    )
}
