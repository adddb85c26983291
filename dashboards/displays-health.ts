// Outdoor LED displays: is the screen playing, is the cabinet too hot, are the fans, modules and supply
// rails healthy, has someone opened the door.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard'
import type { SCREEN_STATES } from '../domain/protocol.ts'
import { TAG } from '../domain/storage.ts'
import { alertAnnotation } from './alert-annotations.ts'
import type { DashboardConfig } from './config.ts'
import { dashboardFrame } from './dashboard-frame.ts'
import { influxQuery } from './influx-target.ts'
import { type FieldsOf, M } from './influxql.ts'
import {
  above,
  limits,
  stateMappings,
  stateTimelinePanel,
  type TimeSeriesOptions,
  tablePanel,
  thresholds,
  timeSeriesPanel,
} from './panels.ts'
import { levelsTo, scopeVariables, scopeWhere } from './variables.ts'

/** display_hardware: a 5 V module supply outside 4.5–5.5 V */
const SUPPLY_V = [4.5, 5.5] as const

/** each screen state (domain/protocol.ts) in the colour a duty desk reads: black and frozen are display_blank */
export const SCREEN_MAPPINGS = stateMappings({
  playing: { text: '播放 playing', color: 'green' },
  black: { text: '黑屏 black', color: 'red' },
  frozen: { text: '卡屏 frozen', color: 'orange' },
  off: { text: '关闭 off', color: 'text' },
} satisfies Record<(typeof SCREEN_STATES)[number], { text: string; color: string }>)

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
            fill: 'null',
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
        description:
          "Each display's latest screen state, power, cabinet temperature, supply, fans, modules, door and content.",
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
        description:
          'What each screen showed: playing, black or frozen (display_blank is raised on these while powered), or off. Empty: the display sent nothing.',
        span: 24,
        mappings: SCREEN_MAPPINGS,
        queries: [
          influxQuery(
            d.select({
              select: [d.agg('last', 'screen')],
              where: scopeWhere(d, levels),
              time: '$__interval',
              by: [TAG.site, TAG.device],
              fill: 'null',
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
        thresholds: thresholds('red', [SUPPLY_V[0], 'green'], [above(SUPPLY_V[1]), 'red']),
      }),
    )
    .withPanel(
      perDisplay('failedModules', 'max', {
        title: '故障模组 Failed modules',
        description: 'LED modules reported failed; any is a display_hardware warning.',
        unit: 'short',
        thresholds: limits([1, 'orange']),
      }),
    )
    .withPanel(
      perDisplay('brightnessPct', 'mean', {
        title: '亮度 Brightness',
        description: 'Mean screen brightness (%).',
        unit: 'percent',
        min: 0,
        max: 100,
      }),
    )
    .withPanel(
      perDisplay('humidityPct', 'mean', {
        title: '箱内湿度 Cabinet humidity',
        description: 'Mean relative humidity inside each cabinet: condensation risk for the electronics.',
        unit: 'humidity',
      }),
    )
}
