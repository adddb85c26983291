// Day-care rooms against GB/T 18883 indoor air quality: CO2 ≤ 1000 ppm, PM2.5 ≤ 50 µg/m³ as a 24 h mean,
// 22–28 °C and RH 40–80 % in summer, 16–24 °C and RH 30–60 % in winter (docs/domain.md). The bands are
// the panels' thresholds; temperature and humidity get one panel per season because Grafana thresholds
// cannot follow the calendar.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard'
import type { EventName } from '../domain/protocol.ts'
import { TAG } from '../domain/storage.ts'
import { alertAnnotation } from './alert-annotations.ts'
import { type DashboardConfig, dayOffset } from './config.ts'
import { dashboardFrame } from './dashboard-frame.ts'
import { influxQuery } from './influx-target.ts'
import { type FieldsOf, literal, M } from './influxql.ts'
import {
  above,
  band,
  limits,
  row,
  statPanel,
  type TimeSeriesOptions,
  tablePanel,
  timeSeriesPanel,
} from './panels.ts'
import { levelsTo, scopeVariables, scopeWhere } from './variables.ts'

/** GB/T 18883 limits and seasonal bands */
export const GBT18883 = {
  co2Ppm: 1000,
  pm25Ugm3Mean24h: 50,
  summer: { tempC: [22, 28], humidityPct: [40, 80] },
  winter: { tempC: [16, 24], humidityPct: [30, 60] },
} as const

/** the air_quality alert's stricter marks: major from 1500 ppm CO2, raised on PM2.5 over 75 */
const CO2_MAJOR_PPM = 1500
const PM25_ALERT_UGM3 = 75

const DAYCARE_EVENTS = [
  'emergency_call',
  'fall_detected',
  'door_open_after_hours',
] as const satisfies EventName[]

export function daycareAirQuality(cfg: DashboardConfig): dashboard.DashboardBuilder {
  const levels = levelsTo('device')
  const d = M.daycare
  const ev = M.event
  const perRoom = (field: FieldsOf['daycare'], o: Omit<TimeSeriesOptions, 'queries'>) =>
    timeSeriesPanel(cfg, {
      showThresholds: o.thresholds !== undefined,
      ...o,
      queries: [
        influxQuery(
          d.select({
            select: [d.agg('mean', field)],
            where: scopeWhere(d, levels),
            time: '$__interval',
            by: [TAG.site, TAG.device],
            fill: 'null',
          }),
        ).alias('$tag_site $tag_device'),
      ],
    })
  const { summer, winter } = GBT18883

  return dashboardFrame(cfg, {
    slug: 'daycare',
    title: '日间照料 · Day-care air quality',
    description: 'Rooms against GB/T 18883: CO2, PM2.5, temperature and humidity bands; occupancy',
  })
    .variables(scopeVariables(cfg, d, levels))
    .annotation(
      alertAnnotation(cfg, { name: '空气质量 Air quality', types: ['air_quality'], color: 'orange', levels }),
    )
    .annotation(
      alertAnnotation(cfg, {
        name: '紧急 Emergency',
        types: ['emergency_call', 'fall_detected', 'wandering'],
        color: 'red',
        levels,
      }),
    )
    .withPanel(
      tablePanel(cfg, {
        title: '房间 Rooms',
        description: "Each room's latest CO2, PM2.5, temperature, humidity and headcount in the range.",
        height: 7,
        queries: [
          influxQuery(
            d.select({
              select: [
                d.agg('last', 'room', 'room'),
                d.agg('last', 'co2Ppm', 'co2Ppm'),
                d.agg('last', 'pm25Ugm3', 'pm25Ugm3'),
                d.agg('last', 'tempC', 'tempC'),
                d.agg('last', 'humidityPct', 'humidityPct'),
                d.agg('last', 'occupancy', 'occupancy'),
              ],
              where: scopeWhere(d, levels),
              by: [TAG.site, TAG.device],
            }),
          ),
        ],
      }),
    )
    .withPanel(
      perRoom('co2Ppm', {
        title: '二氧化碳 CO2',
        description: `GB/T 18883: ≤ ${GBT18883.co2Ppm} ppm; the air_quality alert turns major from ${CO2_MAJOR_PPM} ppm.`,
        unit: 'ppm',
        // ≤ 1000 ppm meets GB/T 18883 (and the alert is raised above it); major from 1500 itself
        thresholds: limits([above(GBT18883.co2Ppm), 'orange'], [CO2_MAJOR_PPM, 'red']),
      }),
    )
    .withPanel(
      perRoom('pm25Ugm3', {
        title: 'PM2.5',
        description: `GB/T 18883: 24 h mean ≤ ${GBT18883.pm25Ugm3Mean24h} µg/m³; the alert is raised above ${PM25_ALERT_UGM3}.`,
        unit: 'conμgm3',
        thresholds: limits([above(GBT18883.pm25Ugm3Mean24h), 'orange'], [above(PM25_ALERT_UGM3), 'red']),
      }),
    )
    .withPanel(
      statPanel(cfg, {
        title: 'PM2.5 时段均值 Mean over the range',
        description: `Compare with the 24 h limit (${GBT18883.pm25Ugm3Mean24h} µg/m³) over a 24 h range.`,
        unit: 'conμgm3',
        span: 12,
        thresholds: limits([above(GBT18883.pm25Ugm3Mean24h), 'red']),
        queries: [
          influxQuery(
            d.select({
              select: [d.agg('mean', 'pm25Ugm3')],
              where: scopeWhere(d, levels),
              by: [TAG.site, TAG.device],
            }),
          ).alias('$tag_site $tag_device'),
        ],
      }),
    )
    .withPanel(
      perRoom('occupancy', {
        title: '在室人数 Occupancy',
        description: 'People in each room (mean over each interval): crowded rooms are where CO2 climbs.',
        unit: 'short',
      }),
    )
    .withRow(row('夏季 Summer (GB/T 18883)'))
    .withPanel(
      perRoom('tempC', {
        title: `温度 Temperature · 夏 ${summer.tempC[0]}–${summer.tempC[1]} °C`,
        description: `Mean room temperature against the summer band: blue below ${summer.tempC[0]} °C, red above ${summer.tempC[1]} °C.`,
        unit: 'celsius',
        thresholds: band(...summer.tempC),
      }),
    )
    .withPanel(
      perRoom('humidityPct', {
        title: `湿度 Humidity · 夏 ${summer.humidityPct[0]}–${summer.humidityPct[1]} %`,
        description: `Mean relative humidity against the summer band: blue below ${summer.humidityPct[0]} %, red above ${summer.humidityPct[1]} %.`,
        unit: 'humidity',
        thresholds: band(...summer.humidityPct),
      }),
    )
    .withRow(row('冬季 Winter (GB/T 18883)'))
    .withPanel(
      perRoom('tempC', {
        title: `温度 Temperature · 冬 ${winter.tempC[0]}–${winter.tempC[1]} °C`,
        description: `Mean room temperature against the winter band: blue below ${winter.tempC[0]} °C, red above ${winter.tempC[1]} °C.`,
        unit: 'celsius',
        thresholds: band(...winter.tempC),
      }),
    )
    .withPanel(
      perRoom('humidityPct', {
        title: `湿度 Humidity · 冬 ${winter.humidityPct[0]}–${winter.humidityPct[1]} %`,
        description: `Mean relative humidity against the winter band: blue below ${winter.humidityPct[0]} %, red above ${winter.humidityPct[1]} %.`,
        unit: 'humidity',
        thresholds: band(...winter.humidityPct),
      }),
    )
    .withRow(row('事件 Events'))
    .withPanel(
      timeSeriesPanel(cfg, {
        title: '每日事件 Calls, falls and doors per day',
        description:
          'Emergency calls, falls the sensor reported (at any confidence; the alert needs 0.7) and doors opened after hours, per local day.',
        unit: 'short',
        bars: true,
        wholeDays: true,
        span: 24,
        queries: [
          influxQuery(
            ev.select({
              select: [ev.agg('count', 'seq')],
              where: [
                `(${DAYCARE_EVENTS.map((e) => `${ev.tag(TAG.event)} = ${literal(e)}`).join(' OR ')})`,
                ...scopeWhere(ev, levels),
              ],
              time: `1d, ${dayOffset(cfg)}`,
              by: [TAG.event],
              fill: 'none',
            }),
          ).alias('$tag_event'),
        ],
      }),
    )
}
