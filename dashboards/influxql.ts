// InfluxQL text built only from the names in domain/storage.ts. Field keys are typed per measurement
// (a renamed field is a type error here) and checked again when a query is built (a port field asked of
// `pile`, or a tag the measurement does not carry, throws and fails the build).
import {
  type AlertEventFieldPath,
  type EventFieldPath,
  FIELDS_BY_MEASUREMENT,
  type FieldPath,
  MEASUREMENT,
  type Measurement,
  type StatusFieldPath,
  TAG,
  TAGS_BY_MEASUREMENT,
  type Tag,
} from '../domain/storage.ts'

/** The field keys each measurement may be asked for. */
export interface FieldsOf {
  [MEASUREMENT.pile]: FieldPath<'charging-pile'>
  [MEASUREMENT.pilePort]: FieldPath<'charging-pile'>
  [MEASUREMENT.circuit]: FieldPath<'circuit-monitor'>
  [MEASUREMENT.daycare]: FieldPath<'daycare-sensor'>
  [MEASUREMENT.display]: FieldPath<'outdoor-display'>
  [MEASUREMENT.event]: EventFieldPath
  [MEASUREMENT.status]: StatusFieldPath
  [MEASUREMENT.alert]: AlertEventFieldPath
}

export type Aggregate = 'mean' | 'median' | 'max' | 'min' | 'last' | 'sum' | 'count' | 'spread'
export type Fill = 'none' | 'null' | '0' | 'previous'

/** A double-quoted identifier (InfluxQL escapes `"` and `\` with a backslash). */
export const ident = (name: string): string => `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
/** A single-quoted string literal. */
export const literal = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
/** A Grafana template variable as an anchored regex (Grafana expands multi-values and All into it). */
export const variableRegex = (variable: string): string => `/^$${variable}$/`

/** The dashboard range as Grafana substitutes it: `$timeFilter`, and its two ends in epoch ms. */
export const RANGE = {
  filter: '$timeFilter',
  from: `\${__from}ms`,
  to: `\${__to}ms`,
} as const

/**
 * `SELECT … FROM (sub), (sub) …`: InfluxQL merges the subqueries' rows series by series (same tags), e.g.
 * the last state before the range followed by the changes inside it.
 */
export function fromSubqueries(spec: {
  select: readonly string[]
  subqueries: readonly string[]
  where?: readonly string[]
  /** GROUP BY time(…), before the `by` columns */
  time?: string
  by?: readonly string[]
  fill?: Fill
}): string {
  let q = `SELECT ${spec.select.join(', ')} FROM ${spec.subqueries.map((s) => `(${s})`).join(', ')}`
  if (spec.where !== undefined && spec.where.length > 0) q += ` WHERE ${spec.where.join(' AND ')}`
  const by = [...(spec.time === undefined ? [] : [`time(${spec.time})`]), ...(spec.by ?? [])]
  if (by.length > 0) q += ` GROUP BY ${by.join(', ')}`
  if (spec.fill !== undefined) q += ` fill(${spec.fill})`
  return q
}

export interface SelectSpec {
  select: readonly string[]
  /** the time condition: the dashboard range (`$timeFilter`) unless told otherwise, e.g. `time < ${__from}ms` */
  timeWhere?: string
  /** extra conditions, joined with AND, after the time condition */
  where?: readonly string[]
  /** GROUP BY time(…): `$__interval`, `1d`, `1d, 960m` */
  time?: string
  /** GROUP BY tags */
  by?: readonly Tag[]
  fill?: Fill
  /** newest first */
  desc?: boolean
  limit?: number
}

export interface MeterRiseSpec {
  /** conditions on tags, joined with AND after the dashboard range */
  where?: readonly string[]
  /** GROUP BY time(…): `1d, 960m` */
  time: string
  by: readonly Tag[]
  fill?: Fill
}

/** the column a meter's rises are carried in, from the inner query of `meterRise` to the outer */
const RISE = 'rise'

export interface Measure<M extends Measurement> {
  readonly name: M
  /** a field key of this measurement, quoted */
  field(path: FieldsOf[M]): string
  /** `fn("field")`, with ` AS "alias"` when given */
  agg(fn: Aggregate, path: FieldsOf[M], alias?: string): string
  /**
   * `integral("field", unit)`: the area under the readings (trapezoids between consecutive points), e.g.
   * watts over `1h` is watt-hours. Over one series only: group by device.
   */
  integral(path: FieldsOf[M], unit: string): string
  /** a tag key of this measurement, quoted */
  tag(tag: Tag): string
  /** `"tag" = 'value'` */
  tagIs(tag: Tag, value: string): string
  /** `"field" = 'value'` for a string field */
  fieldIs(path: FieldsOf[M], value: string): string
  /** `"tag" =~ /^$variable$/` */
  tagMatches(tag: Tag, variable: string): string
  select(spec: SelectSpec): string
  /**
   * How much a cumulative meter (an `energyKWh`) rose per `time` bucket: the sum of its rises between
   * one device's consecutive readings, each counted in the bucket of the later reading. A meter that
   * goes back (reset by a firmware update, or swapped for a new one that starts from 0) adds nothing
   * for that step and counts on from its new reading; max − min of the bucket (`spread`) made that
   * bucket the old meter's whole reading. `by` must hold the device tag: rises are along one meter.
   */
  meterRise(path: FieldsOf[M], spec: MeterRiseSpec): string
  /** `SHOW TAG VALUES FROM … WITH KEY = … [WHERE …]` for a template variable */
  showTagValues(key: Tag, where?: string[]): string
}

export function measure<M extends Measurement>(name: M): Measure<M> {
  const fields = new Set(FIELDS_BY_MEASUREMENT[name].map((s) => s.path))
  const tags = new Set<string>(TAGS_BY_MEASUREMENT[name])
  const field = (path: string): string => {
    if (!fields.has(path)) throw new Error(`${name} has no field ${JSON.stringify(path)} (domain/storage.ts)`)
    return ident(path)
  }
  const tag = (t: string): string => {
    if (!tags.has(t)) throw new Error(`${name} has no tag ${JSON.stringify(t)} (domain/storage.ts)`)
    return ident(t)
  }
  const from = ident(name)
  return {
    name,
    field,
    agg: (fn, path, alias) => `${fn}(${field(path)})${alias === undefined ? '' : ` AS ${ident(alias)}`}`,
    integral: (path, unit) => `integral(${field(path)}, ${unit})`,
    tag,
    tagIs: (t, value) => `${tag(t)} = ${literal(value)}`,
    fieldIs: (path, value) => `${field(path)} = ${literal(value)}`,
    tagMatches: (t, variable) => `${tag(t)} =~ ${variableRegex(variable)}`,
    select(spec) {
      const where = [spec.timeWhere ?? RANGE.filter, ...(spec.where ?? [])]
      let q = `SELECT ${spec.select.join(', ')} FROM ${from} WHERE ${where.join(' AND ')}`
      const by = [...(spec.time === undefined ? [] : [`time(${spec.time})`]), ...(spec.by ?? []).map(tag)]
      if (by.length > 0) q += ` GROUP BY ${by.join(', ')}`
      if (spec.fill !== undefined) q += ` fill(${spec.fill})`
      if (spec.desc) q += ' ORDER BY time DESC'
      if (spec.limit !== undefined) q += ` LIMIT ${spec.limit}`
      return q
    },
    meterRise(path, spec) {
      if (!spec.by.includes(TAG.device)) throw new Error(`meterRise(${path}) must group by ${TAG.device}`)
      const rises = this.select({
        select: [`non_negative_difference(${field(path)}) AS ${ident(RISE)}`],
        where: spec.where,
        by: spec.by,
      })
      return fromSubqueries({
        select: [`sum(${ident(RISE)})`],
        subqueries: [rises],
        where: [RANGE.filter],
        time: spec.time,
        by: spec.by.map(tag),
        fill: spec.fill,
      })
    },
    showTagValues(key, where = []) {
      const w = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''
      return `SHOW TAG VALUES FROM ${from} WITH KEY = ${tag(key)}${w}`
    },
  }
}

/** The measurements, each with its own typed field keys. */
export const M = {
  pile: measure(MEASUREMENT.pile),
  pilePort: measure(MEASUREMENT.pilePort),
  circuit: measure(MEASUREMENT.circuit),
  daycare: measure(MEASUREMENT.daycare),
  display: measure(MEASUREMENT.display),
  event: measure(MEASUREMENT.event),
  status: measure(MEASUREMENT.status),
  alert: measure(MEASUREMENT.alert),
} as const
