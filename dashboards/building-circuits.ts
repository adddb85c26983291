// Building circuits (corridor, stairwell and basement breakers with a circuit monitor): power, power
// factor and current THD per circuit, the three numbers that tell a charger from a lamp or a heater.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard'
import { TAG } from '../domain/storage.ts'
import { alertAnnotation } from './alert-annotations.ts'
import { type DashboardConfig, dayOffset } from './config.ts'
import { dashboardFrame } from './dashboard-frame.ts'
import { influxQuery } from './influx-target.ts'
import { type FieldsOf, M } from './influxql.ts'
import { type TimeSeriesOptions, tablePanel, timeSeriesPanel } from './panels.ts'
import { levelsTo, scopeVariables, scopeWhere } from './variables.ts'

type CircuitField = FieldsOf['circuit']

export function buildingCircuits(cfg: DashboardConfig): dashboard.DashboardBuilder {
  const levels = levelsTo('device')
  const c = M.circuit
  // the circuit's breaker label is a string field (free device text never becomes a tag), so series are
  // named by device; the table below maps devices to labels
  const perCircuit = (
    field: CircuitField,
    o: Omit<TimeSeriesOptions, 'queries'>,
    fn: 'mean' | 'max' = 'mean',
  ) =>
    timeSeriesPanel(cfg, {
      ...o,
      queries: [
        influxQuery(
          c.select({
            select: [c.agg(fn, field)],
            where: scopeWhere(c, levels),
            time: '$__interval',
            by: [TAG.site, TAG.device],
            fill: 'null',
          }),
        ).alias('$tag_site $tag_device'),
      ],
    })

  return dashboardFrame(cfg, {
    slug: 'circuits',
    title: '楼栋回路 · Building circuits',
    description: 'Power, power factor and current THD per monitored circuit',
  })
    .variables(scopeVariables(cfg, c, levels))
    .annotation(
      alertAnnotation(cfg, {
        name: '飞线充电 Stray-wire',
        types: ['stray_wire_charging'],
        color: 'red',
        levels,
      }),
    )
    .withPanel(
      tablePanel(cfg, {
        title: '回路 Circuits',
        description:
          "Each circuit's breaker label and latest power, power factor, current THD and voltage in the range.",
        height: 7,
        queries: [
          influxQuery(
            c.select({
              select: [
                c.agg('last', 'circuit', 'circuit'),
                c.agg('last', 'powerW', 'powerW'),
                c.agg('last', 'powerFactor', 'powerFactor'),
                c.agg('last', 'currentThdPct', 'currentThdPct'),
                c.agg('last', 'voltageV', 'voltageV'),
              ],
              where: scopeWhere(c, levels),
              by: [TAG.site, TAG.device],
            }),
          ),
        ],
      }),
    )
    .withPanel(
      perCircuit('powerW', {
        title: '功率 Power',
        description: 'Mean power per circuit (W). A gap: the monitor sent nothing.',
        unit: 'watt',
        span: 24,
      }),
    )
    .withPanel(
      perCircuit('powerFactor', {
        title: '功率因数 Power factor',
        description: 'Chargers without PFC run at 0.5–0.75; lamps with good drivers and heaters near 1.',
        unit: 'none',
        decimals: 2,
        min: 0,
        max: 1,
      }),
    )
    .withPanel(
      perCircuit('currentThdPct', {
        title: '电流谐波 Current THD',
        description: 'Cheap chargers: 60–120 %; PFC chargers 5–15 %; heaters near 0.',
        unit: 'percent',
      }),
    )
    .withPanel(
      perCircuit(
        'currentA',
        { title: '电流 Current', description: 'Highest current per circuit (A).', unit: 'amp' },
        'max',
      ),
    )
    .withPanel(
      perCircuit('voltageV', {
        title: '电压 Voltage',
        description: 'Mean supply voltage per circuit (V); 230 V nominal.',
        unit: 'volt',
      }),
    )
    .withPanel(
      timeSeriesPanel(cfg, {
        title: '每日电量 Energy per day',
        description:
          "Growth of each circuit's energy meter per local day (kWh, 00:00–24:00 China time). Each rise between two readings counts in the day of the later one; a meter reset or swapped (counting again from 0) adds nothing for that step.",
        unit: 'kwatth',
        bars: true,
        wholeDays: true,
        span: 24,
        queries: [
          influxQuery(
            c.meterRise('energyKWh', {
              where: scopeWhere(c, levels),
              time: `1d, ${dayOffset(cfg)}`,
              by: [TAG.site, TAG.device],
              fill: 'none',
            }),
          ).alias('$tag_site $tag_device'),
        ],
      }),
    )
}
