// Charging sheds: what the feeder draws against what the ports meter (the gap is unmetered load, where
// stray-wire charging shows), port temperatures against the overheat thresholds, leakage, and the
// property manager's sessions and energy per day.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard'
import { TAG } from '../domain/storage.ts'
import { alertAnnotation } from './alert-annotations.ts'
import { type DashboardConfig, dayOffset } from './config.ts'
import { dashboardFrame } from './dashboard-frame.ts'
import { influxQuery } from './influx-target.ts'
import { M } from './influxql.ts'
import { above, limits, row, statPanel, timeSeriesPanel } from './panels.ts'
import { levelsTo, scopeVariables, scopeWhere } from './variables.ts'

/** W a shed's own electronics and lights may draw beyond its ports (docs/domain.md: unmetered shed load) */
const SHED_OWN_LOAD_W = 60

export function chargingOverview(cfg: DashboardConfig): dashboard.DashboardBuilder {
  const levels = levelsTo('device')
  const pile = M.pile
  const port = M.pilePort
  const ev = M.event
  const perDay = `1d, ${dayOffset(cfg)}`
  const interval = '$__interval'

  return dashboardFrame(cfg, {
    slug: 'charging',
    title: '充电棚 · Charging sheds',
    description: 'Feeder vs ports per shed, port temperatures, leakage, sessions and energy per day',
  })
    .variables(scopeVariables(cfg, pile, levels))
    .annotation(
      alertAnnotation(cfg, {
        name: '飞线充电 Stray-wire',
        types: ['stray_wire_charging'],
        color: 'red',
        levels,
      }),
    )
    .annotation(
      alertAnnotation(cfg, {
        name: '端口告警 Port alerts',
        types: ['port_overheat', 'port_fault', 'leakage', 'smoke'],
        color: 'orange',
        levels,
      }),
    )
    .withRow(row('功率 Power'))
    .withPanel(
      timeSeriesPanel(cfg, {
        title: '馈线与端口功率 Feeder vs Σ ports',
        description:
          'Per pile: what the feeder meter reads and the sum of its ports. A lasting gap is load the ports do not meter.',
        unit: 'watt',
        queries: [
          influxQuery(
            pile.select({
              select: [pile.agg('mean', 'feeder.powerW', 'feeder'), pile.agg('mean', 'portsPowerW', 'ports')],
              where: scopeWhere(pile, levels),
              time: interval,
              by: [TAG.site, TAG.device],
              fill: 'null',
            }),
          ).alias('$tag_site $tag_device $col'),
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel(cfg, {
        title: '未计量负载 Unmetered shed load',
        description: `Feeder − Σ ports. Above ${SHED_OWN_LOAD_W} W (the shed's own electronics and lights) something draws power off the ports: the stray-wire detector watches this.`,
        unit: 'watt',
        thresholds: limits([above(SHED_OWN_LOAD_W), 'orange']),
        showThresholds: true,
        queries: [
          influxQuery(
            pile.select({
              select: [pile.agg('mean', 'unmeteredW')],
              where: scopeWhere(pile, levels),
              time: interval,
              by: [TAG.site, TAG.device],
              fill: 'null',
            }),
          ).alias('$tag_site $tag_device'),
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel(cfg, {
        title: '端口功率 Port power',
        description:
          "Mean power per port (W), stacked: the top of a pile's stack is what its ports draw together.",
        unit: 'watt',
        stacked: true,
        queries: [
          influxQuery(
            port.select({
              select: [port.agg('mean', 'powerW')],
              where: scopeWhere(port, levels),
              time: interval,
              by: [TAG.device, TAG.port],
              fill: 'null',
            }),
          ).alias('$tag_device #$tag_port'),
        ],
      }),
    )
    .withPanel(
      statPanel(cfg, {
        title: '充电中端口 Ports charging',
        description: 'Ports charging on each pile in its latest reading.',
        unit: 'short',
        span: 12,
        height: 8,
        queries: [
          influxQuery(
            pile.select({
              select: [pile.agg('last', 'portsCharging')],
              where: scopeWhere(pile, levels),
              time: interval,
              by: [TAG.site, TAG.device],
              fill: 'none',
            }),
          ).alias('$tag_site $tag_device'),
        ],
      }),
    )
    .withRow(row('安全 Safety'))
    .withPanel(
      timeSeriesPanel(cfg, {
        title: '端口温度 Port temperatures',
        description:
          'Hottest reading per port. port_overheat: major at 65 °C, critical (port switched off) at 75 °C.',
        unit: 'celsius',
        thresholds: limits([65, 'orange'], [75, 'red']),
        showThresholds: true,
        queries: [
          influxQuery(
            port.select({
              select: [port.agg('max', 'tempC')],
              where: scopeWhere(port, levels),
              time: interval,
              by: [TAG.device, TAG.port],
              fill: 'null',
            }),
          ).alias('$tag_device #$tag_port'),
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel(cfg, {
        title: '漏电流 Feeder leakage',
        description: 'Residual current; the leakage alert is raised at 30 mA (GB/T 42236.1).',
        unit: 'mamp',
        thresholds: limits([15, 'orange'], [30, 'red']),
        showThresholds: true,
        queries: [
          influxQuery(
            pile.select({
              select: [pile.agg('max', 'feeder.leakageMA')],
              where: scopeWhere(pile, levels),
              time: interval,
              by: [TAG.site, TAG.device],
              fill: 'null',
            }),
          ).alias('$tag_site $tag_device'),
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel(cfg, {
        title: '棚内温度 Shed ambient temperature',
        description:
          'Mean air temperature inside each shed, read by its pile: what the port temperatures rise from.',
        unit: 'celsius',
        queries: [
          influxQuery(
            pile.select({
              select: [pile.agg('mean', 'ambientC')],
              where: scopeWhere(pile, levels),
              time: interval,
              by: [TAG.site, TAG.device],
              fill: 'null',
            }),
          ).alias('$tag_site $tag_device'),
        ],
      }),
    )
    .withRow(row('每日 Per day'))
    .withPanel(
      timeSeriesPanel(cfg, {
        title: '每日充电次数 Sessions per day',
        description: 'Charging sessions started per shed, per local day (00:00–24:00 China time).',
        unit: 'short',
        bars: true,
        wholeDays: true,
        span: 8,
        queries: [
          influxQuery(
            ev.select({
              select: [ev.agg('count', 'port')],
              where: [ev.tagIs(TAG.event, 'session_started'), ...scopeWhere(ev, levels)],
              time: perDay,
              by: [TAG.site],
              fill: 'none',
            }),
          ).alias('$tag_site'),
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel(cfg, {
        title: '每日端口电量 Energy to ports per day',
        description:
          "Energy the pile's ports delivered in each local day: their summed power over time. A session charging past midnight counts in both days, as on the feeder, so this stays below the feeder's day.",
        unit: 'watth',
        bars: true,
        wholeDays: true,
        span: 8,
        queries: [
          influxQuery(
            pile.select({
              // W over hours = Wh, per pile (an integral is only meaningful along one device's readings)
              select: [pile.integral('portsPowerW', '1h')],
              where: scopeWhere(pile, levels),
              time: perDay,
              by: [TAG.site, TAG.device],
              fill: 'none',
            }),
          ).alias('$tag_site $tag_device'),
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel(cfg, {
        title: '每日馈线电量 Feeder energy per day',
        description:
          "Growth of each pile's feeder energy meter per local day: the ports plus everything else on the shed's supply. Each rise between two readings counts in the day of the later one; a meter reset or swapped (counting again from 0) adds nothing for that step.",
        unit: 'kwatth',
        bars: true,
        wholeDays: true,
        span: 8,
        queries: [
          influxQuery(
            pile.meterRise('feeder.energyKWh', {
              where: scopeWhere(pile, levels),
              time: perDay,
              by: [TAG.site, TAG.device],
              fill: 'none',
            }),
          ).alias('$tag_site $tag_device'),
        ],
      }),
    )
}
