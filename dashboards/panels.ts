// Panel helpers shared by the dashboards: every panel gets the provisioned data source, its InfluxQL
// targets (refIds A, B, …), a title, a size and optional thresholds in one call.
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge'
import type * as cog from '@grafana/grafana-foundation-sdk/cog'
import * as common from '@grafana/grafana-foundation-sdk/common'
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard'
import * as stat from '@grafana/grafana-foundation-sdk/stat'
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline'
import * as table from '@grafana/grafana-foundation-sdk/table'
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries'
import { type DashboardConfig, gapMs, PER_DAY_PANEL_DAYS } from './config.ts'
import type { InfluxQueryBuilder } from './influx-target.ts'

export interface PanelOptions {
  title: string
  description?: string
  queries: InfluxQueryBuilder[]
  /** Grafana unit id: `watt`, `celsius`, `percent`, `ppm`, `conμgm3`, `kwatth`, `short`, `percentunit` */
  unit?: string
  /** width in grid columns (24 = full width) */
  span?: number
  height?: number
  thresholds?: cog.Builder<dashboard.ThresholdsConfig>
  min?: number
  max?: number
  decimals?: number
  /** value → text and colour (states, booleans) */
  mappings?: dashboard.ValueMapping[]
}

// the methods every SDK panel builder has
interface PanelLike<P> {
  title(title: string): P
  description(description: string): P
  datasource(datasource: common.DataSourceRef): P
  withTarget(target: cog.Builder<cog.Dataquery>): P
  unit(unit: string): P
  span(span: number): P
  height(height: number): P
  thresholds(thresholds: cog.Builder<dashboard.ThresholdsConfig>): P
  min(min: number): P
  max(max: number): P
  decimals(decimals: number): P
  mappings(mappings: dashboard.ValueMapping[]): P
}

function fill<P extends PanelLike<P>>(panel: P, cfg: DashboardConfig, o: PanelOptions): P {
  let p = panel
    .title(o.title)
    .datasource(cfg.datasource)
    .span(o.span ?? 12)
    .height(o.height ?? 8)
  if (o.description !== undefined) p = p.description(o.description)
  if (o.unit !== undefined) p = p.unit(o.unit)
  if (o.thresholds !== undefined) p = p.thresholds(o.thresholds)
  if (o.min !== undefined) p = p.min(o.min)
  if (o.max !== undefined) p = p.max(o.max)
  if (o.decimals !== undefined) p = p.decimals(o.decimals)
  if (o.mappings !== undefined) p = p.mappings(o.mappings)
  o.queries.forEach((q, i) => {
    p = p.withTarget(q.refId(String.fromCharCode(65 + i)).datasource(cfg.datasource))
  })
  return p
}

/**
 * The smallest number above `v`. Grafana colours a value with the last step it reaches (value ≥ step,
 * getActiveThreshold in @grafana/data), so a step at `v` colours `v` itself: where a limit still allows
 * `v` ("CO2 ≤ 1000 ppm", "inside 4.5–5.5 V"), the next colour starts at `above(v)`.
 */
export function above(v: number): number {
  if (!Number.isFinite(v)) throw new Error(`above(${v}): a threshold is a finite number`)
  if (v === 0) return Number.MIN_VALUE
  const bits = new BigInt64Array(new Float64Array([v]).buffer)
  // the next double away from zero for a positive number, towards zero for a negative one
  bits[0] = (bits[0] ?? 0n) + (v > 0 ? 1n : -1n)
  return new Float64Array(bits.buffer)[0] ?? v
}

/** Absolute thresholds: `base` below the first step, then each `[from, color]` (from that value on). */
export function thresholds(base: string, ...steps: [number, string][]): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps([{ value: null, color: base }, ...steps.map(([value, color]) => ({ value, color }))])
}

/** A comfort band [lo, hi], both ends inside: blue below, green inside, red above. */
export const band = (lo: number, hi: number): dashboard.ThresholdsConfigBuilder =>
  thresholds('blue', [lo, 'green'], [above(hi), 'red'])

/** An upper limit: green below, then each step. */
export const limits = (...steps: [number, string][]): dashboard.ThresholdsConfigBuilder =>
  thresholds('green', ...steps)

/** Each value (a state name, `true`, `false`) shown as its text in its colour. */
export function stateMappings(
  states: Record<string, { text: string; color: string }>,
): dashboard.ValueMapping[] {
  return [
    {
      type: dashboard.MappingType.ValueToText,
      options: Object.fromEntries(
        Object.entries(states).map(([value, r], index) => [value, { ...r, index }]),
      ),
    },
  ]
}

export interface TimeSeriesOptions extends PanelOptions {
  /** draw bars (per-day counts and energies) instead of lines */
  bars?: boolean
  /**
   * one bar per local day (GROUP BY time(1d, offset)): the panel shows whole local days, the last
   * PER_DAY_PANEL_DAYS − 1 and today so far, instead of the dashboard range, whose first day is cut at
   * the clock time the range began
   */
  wholeDays?: boolean
  /** show the thresholds as lines and shaded bands */
  showThresholds?: boolean
  stacked?: boolean
}

export function timeSeriesPanel(cfg: DashboardConfig, o: TimeSeriesOptions): timeseries.PanelBuilder {
  let p = fill(new timeseries.PanelBuilder(), cfg, o)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending),
    )
  // lines: the queries fill(null) the intervals without a reading; a run of them shorter than the
  // device_offline rule (3 report intervals) is bridged, a longer one is drawn as the gap it is
  if (o.bars) p = p.drawStyle(common.GraphDrawStyle.Bars).fillOpacity(80).spanNulls(false)
  else p = p.drawStyle(common.GraphDrawStyle.Line).fillOpacity(10).spanNulls(gapMs(cfg))
  if (o.wholeDays) p = p.timeFrom(`now-${PER_DAY_PANEL_DAYS - 1}d/d`)
  if (o.stacked) p = p.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal))
  if (o.showThresholds)
    p = p.thresholdsStyle(
      new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.LineAndArea),
    )
  return p
}

export interface StatOptions extends PanelOptions {
  /** how each series is reduced to one number (Grafana reducer id), default `lastNotNull` */
  reduce?: 'lastNotNull' | 'max' | 'mean' | 'sum' | 'count'
}

export function statPanel(cfg: DashboardConfig, o: StatOptions): stat.PanelBuilder {
  return fill(new stat.PanelBuilder(), cfg, { span: 6, height: 5, ...o })
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs([o.reduce ?? 'lastNotNull']).values(false))
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.Area)
    .textMode(common.BigValueTextMode.ValueAndName)
}

export function barGaugePanel(cfg: DashboardConfig, o: StatOptions): bargauge.PanelBuilder {
  return fill(new bargauge.PanelBuilder(), cfg, o)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs([o.reduce ?? 'lastNotNull']).values(false))
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Gradient)
}

export interface TableOptions extends PanelOptions {
  /** Grafana transformations applied in order (e.g. `merge` to join the rows of several queries) */
  transformations?: dashboard.DataTransformerConfig[]
}

export function tablePanel(cfg: DashboardConfig, o: TableOptions): table.PanelBuilder {
  for (const q of o.queries) q.resultFormat('table')
  let p = fill(new table.PanelBuilder(), cfg, { span: 24, ...o })
  for (const t of o.transformations ?? []) p = p.withTransformation(t)
  return p
}

export function stateTimelinePanel(cfg: DashboardConfig, o: PanelOptions): statetimeline.PanelBuilder {
  // a state lasts until the next one; a null (no reading) ends it unless the gap is shorter than
  // device_offline's 3 report intervals
  return fill(new statetimeline.PanelBuilder(), cfg, o).fillOpacity(80).spanNulls(gapMs(cfg))
}

export const row = (title: string): dashboard.RowBuilder => new dashboard.RowBuilder(title)
