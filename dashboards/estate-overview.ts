// The whole estate at a glance for a property manager: alerts raised, then one line of numbers per
// facility type (charging, circuits, day-care air, displays) and which devices are or went offline.
import * as common from '@grafana/grafana-foundation-sdk/common'
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard'
import { TAG } from '../domain/storage.ts'
import { alertAnnotation } from './alert-annotations.ts'
import type { DashboardConfig } from './config.ts'
import { dashboardFrame } from './dashboard-frame.ts'
import { GBT18883 } from './daycare-air-quality.ts'
import { influxQuery } from './influx-target.ts'
import { fromSubqueries, ident, M, RANGE } from './influxql.ts'
import {
  above,
  limits,
  row,
  stateMappings,
  stateTimelinePanel,
  statPanel,
  tablePanel,
  timeSeriesPanel,
} from './panels.ts'
import { severityCountOverrides } from './severity.ts'
import { levelsTo, scopeVariables, scopeWhere } from './variables.ts'

/** device_status.online as the words and colours a duty desk reads */
export const ONLINE_MAPPINGS = stateMappings({
  true: { text: '在线 online', color: 'green' },
  false: { text: '离线 offline', color: 'red' },
})

export function estateOverview(cfg: DashboardConfig): dashboard.DashboardBuilder {
  // down to the site: a device filter makes no sense across four kinds of device
  const levels = levelsTo('site')
  const { alert: a, pile, circuit, daycare, display, status } = M
  // lines: one per device, intervals without a reading left empty (a gap, not a line across an outage)
  const perDevice = { time: '$__interval', by: [TAG.site, TAG.device], fill: 'null' } as const
  const bySite = { time: '$__interval', by: [TAG.site], fill: 'none' } as const
  const online = ident('online')
  const statusWhere = scopeWhere(status, levels)

  return dashboardFrame(cfg, {
    slug: 'estate',
    title: '总览 · Estate overview',
    description: 'Alerts, charging, circuits, day-care air and displays across the estate',
  })
    .variables(scopeVariables(cfg, undefined, levels))
    .annotation(alertAnnotation(cfg, { name: '告警 Alerts raised', color: 'red', levels }))
    .withRow(row('告警 Alerts'))
    .withPanel(
      severityCountOverrides(
        statPanel(cfg, {
          title: '新告警 Alerts raised, by severity',
          description:
            'Alerts raised over the range, one number per severity, each in its colour (critical red).',
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
      ),
    )
    .withPanel(
      timeSeriesPanel(cfg, {
        title: '每小时新告警 Alerts raised per hour, by type',
        description: 'How many alerts were raised in each hour, stacked by alert type.',
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
        description:
          "Mean power on each charging pile's feeder (W): the ports plus anything else on the shed's supply. A gap: the pile sent nothing.",
        unit: 'watt',
        queries: [
          influxQuery(
            pile.select({
              select: [pile.agg('mean', 'feeder.powerW')],
              where: scopeWhere(pile, levels),
              ...perDevice,
            }),
          ).alias('$tag_site $tag_device'),
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel(cfg, {
        title: '充电中端口 Ports charging',
        description: 'Most ports charging at once on each pile, stacked: the top of the stack is the estate.',
        unit: 'short',
        stacked: true,
        queries: [
          influxQuery(
            pile.select({
              select: [pile.agg('max', 'portsCharging')],
              where: scopeWhere(pile, levels),
              ...perDevice,
            }),
          ).alias('$tag_site $tag_device'),
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel(cfg, {
        title: '楼栋回路功率 Building circuits',
        description:
          'Mean power on each monitored corridor, stairwell or basement circuit (W). A charger-sized step here is what the stray-wire detector looks for.',
        unit: 'watt',
        queries: [
          influxQuery(
            circuit.select({
              select: [circuit.agg('mean', 'powerW')],
              where: scopeWhere(circuit, levels),
              ...perDevice,
            }),
          ).alias('$tag_site $tag_device'),
        ],
      }),
    )
    .withPanel(
      statPanel(cfg, {
        title: '日间照料最高 CO2 Day-care worst CO2',
        description: `Highest CO2 reading per day-care centre over the range. GB/T 18883: ≤ ${GBT18883.co2Ppm} ppm; the air_quality alert turns major from 1500 ppm.`,
        unit: 'ppm',
        span: 6,
        height: 8,
        reduce: 'max',
        thresholds: limits([above(GBT18883.co2Ppm), 'orange'], [1500, 'red']),
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
        description:
          'Highest cabinet temperature per display location over the range. display_overheat: major at 60 °C, critical at 70 °C.',
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
      tablePanel(cfg, {
        title: '设备连接 Connection at the end of the range',
        description:
          "Every device's last status before the end of the range (its own online, its MQTT Will, or the broker after a dropped connection) and since when. Offline first. A device still connected but silent shows online: the device_offline alert catches that.",
        height: 8,
        queries: [
          influxQuery(
            status.select({
              select: [`${status.agg('last', 'online')} AS ${online}`],
              timeWhere: `time < ${RANGE.to}`,
              where: statusWhere,
              by: [TAG.site, TAG.device],
            }),
          ),
        ],
      })
        .overrideByName('online', [
          { id: 'mappings', value: ONLINE_MAPPINGS },
          { id: 'custom.cellOptions', value: { type: 'color-background' } },
        ])
        .overrideByName('Time', [{ id: 'displayName', value: '自 Since' }])
        .sortBy([new common.TableSortByFieldStateBuilder().displayName('online').desc(false)]),
    )
    .withPanel(
      stateTimelinePanel(cfg, {
        title: '在线 Online (device status)',
        description:
          "Each device's connection over the range, from its own online/offline messages, its MQTT Will and the broker. The state a device was in when the range began is carried in, so a device that stayed online, or offline, all along shows too.",
        span: 24,
        mappings: ONLINE_MAPPINGS,
        queries: [
          // a status is written only when it changes: the last one before the range, then the changes in it
          influxQuery(
            fromSubqueries({
              select: [online],
              subqueries: [
                status.select({
                  select: [`${status.agg('last', 'online')} AS ${online}`],
                  timeWhere: `time < ${RANGE.from}`,
                  where: statusWhere,
                  by: [TAG.site, TAG.device],
                }),
                status.select({
                  select: [status.field('online')],
                  where: statusWhere,
                  by: [TAG.site, TAG.device],
                }),
              ],
              by: [status.tag(TAG.site), status.tag(TAG.device)],
            }),
          ).alias('$tag_site $tag_device'),
        ],
      }),
    )
}
