// Outdoor LED displays: is the screen playing, is the cabinet too hot, are the fans, modules and supply
// rails healthy, has someone opened the door.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard'
import { TAG } from '../domain/storage.ts'
import { alertAnnotation } from './alert-annotations.ts'
import type { DashboardConfig } from './config.ts'
import { dashboardFrame } from './dashboard-frame.ts'
import { influxQuery } from './influx-target.ts'
import { type FieldsOf, M } from './influxql.ts'
import {
  limits,
  stateTimelinePanel,
  type TimeSeriesOptions,
  tablePanel,
  thresholds,
  timeSeriesPanel,
} from './panels.ts'
import { levelsTo, scopeVariables, scopeWhere } from './variables.ts'

/** display_hardware: a 5 V module supply outside 4.5–5.5 V */
const SUPPLY_V = [4.5, 5.5] as const

export function displaysHealth(cfg: DashboardConfig): dashboard.DashboardBuilder {
  const levels = levelsTo('device')
  const d = M.display
  const perDisplay = (
    field: FieldsOf['display'],
    fn: 'mean' | 'max' | 'min' | 'last',
    o: Omit<TimeSeriesOptions, 'queries'>,
  ) =>
    timeSeriesPanel(cfg, {
      showThresholds: o.thresholds !== undefined,
      ...o,
      queries: [
        influxQuery(
          d.select({
            select: [d.agg(fn, field)],
            where: scopeWhere(d, levels),
            time: '$__interval',
            by: [TAG.site, TAG.device],
            fill: 'none',
          }),
        ).alias('$tag_site $tag_device'),
      ],
    })

  return dashboardFrame(cfg, {
    slug: 'displays',
    title: '户外屏 · Displays health',
    description: 'Screen state, cabinet temperature, supply, fans, modules and door per outdoor display',
  })
    .variables(scopeVariables(cfg, d, levels))
    .annotation(
      alertAnnotation(cfg, {
        name: '屏幕告警 Display alerts',
        types: ['display_blank', 'display_overheat', 'display_hardware', 'display_tamper'],
        color: 'orange',
        levels,
      }),
    )
    .withPanel(
      tablePanel(cfg, {
        title: '屏幕 Displays',
        height: 7,
        queries: [
          influxQuery(
            d.select({
              select: [
                d.agg('last', 'screen', 'screen'),
                d.agg('last', 'powerOn', 'powerOn'),
                d.agg('last', 'cabinetTempC', 'cabinetTempC'),
                d.agg('last', 'supplyVoltageV', 'supplyVoltageV'),
                d.agg('last', 'fanOk', 'fanOk'),
                d.agg('last', 'failedModules', 'failedModules'),
                d.agg('last', 'doorOpen', 'doorOpen'),
                d.agg('last', 'contentId', 'contentId'),
              ],
              where: scopeWhere(d, levels),
              by: [TAG.site, TAG.device],
            }),
          ),
        ],
      }),
    )
    .withPanel(
      stateTimelinePanel(cfg, {
        title: '画面 Screen',
        description: 'playing / black / frozen: display_blank is raised on black or frozen while powered.',
        span: 24,
        queries: [
          influxQuery(
            d.select({
              select: [d.agg('last', 'screen')],
              where: scopeWhere(d, levels),
              time: '$__interval',
              by: [TAG.site, TAG.device],
              fill: 'previous',
            }),
          ).alias('$tag_site $tag_device'),
        ],
      }),
    )
    .withPanel(
      perDisplay('cabinetTempC', 'max', {
        title: '箱体温度 Cabinet temperature',
        description: 'display_overheat: major at 60 °C, critical at 70 °C.',
        unit: 'celsius',
        thresholds: limits([60, 'orange'], [70, 'red']),
      }),
    )
    .withPanel(
      perDisplay('supplyVoltageV', 'min', {
        title: '供电电压 Supply voltage',
        description: `Lowest module supply; display_hardware outside ${SUPPLY_V[0]}–${SUPPLY_V[1]} V.`,
        unit: 'volt',
        thresholds: thresholds('red', [SUPPLY_V[0], 'green'], [SUPPLY_V[1], 'red']),
      }),
    )
    .withPanel(
      perDisplay('failedModules', 'max', {
        title: '故障模组 Failed modules',
        unit: 'short',
        thresholds: limits([1, 'orange']),
      }),
    )
    .withPanel(
      perDisplay('brightnessPct', 'mean', { title: '亮度 Brightness', unit: 'percent', min: 0, max: 100 }),
    )
    .withPanel(perDisplay('humidityPct', 'mean', { title: '箱内湿度 Cabinet humidity', unit: 'humidity' }))
}
