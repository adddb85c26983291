// InfluxQL for the charging reports, over the storage whitelist (domain/storage.ts): the feeder meter per
// pile per local day, and the piles' session events. Site ids and the tenant reach InfluxDB only as bound
// parameters; the GROUP BY offset is computed from an integer.
import { type EventFieldPath, type FieldPath, MEASUREMENT, TAG } from '../../domain/storage.ts'
import type { QueryParam } from '../../influx/index.ts'
import { ident, type Query, tagFilter } from '../influx-queries.ts'
import { type TimeRange, toRfc3339 } from '../time-range.ts'

/** Session events one report may read; far beyond a year of a dozen busy sheds, and about 10 MB of answer. */
export const MAX_REPORT_EVENTS = 100_000

// typed by the storage schema: a renamed field is a type error here
const FEEDER_ENERGY: FieldPath<'charging-pile'> = 'feeder.energyKWh'
const EVENT_COLUMNS: EventFieldPath[] = ['port', 'energyWh']

function scopeWhere(
  spec: { tenantId: string | null; siteIds: readonly string[]; range: TimeRange },
  params: Record<string, QueryParam>,
): string {
  const where = [tagFilter(TAG.site, spec.siteIds, params, 'sites')]
  if (spec.tenantId !== null) {
    where.push(`${ident(TAG.tenant)} = $tenant`)
    params.tenant = spec.tenantId
  }
  // `to` is inclusive to the millisecond; points carry `seq` in their sub-ms nanoseconds (storage.ts)
  params.from = toRfc3339(spec.range.fromMs)
  params.until = toRfc3339(spec.range.toMs + 1)
  where.push('time >= $from AND time < $until')
  return where.join(' AND ')
}

/**
 * What each pile's feeder meter counted per local day, counted as the dashboards count a meter
 * (dashboards/influxql.ts `meterRise`): the sum of its rises between consecutive readings
 * (`non_negative_difference`), each in the day of the later reading. A step down (the meter reset by a
 * firmware update, or swapped for one that starts again from 0) adds nothing and the count goes on from
 * the new reading. Per pile and day: `rise` (null when no step that day rose), `lowest` (the smallest
 * step: below 0 when the meter went back that day) and `readings`, for every day of `range`: give it
 * the day before the days wanted, so that the first one's first step starts at the last reading before
 * it (InfluxDB narrows the subqueries to the outer query's time range, so the outer one must reach back
 * too; the day before comes back as a row of its own). GROUP BY time(1d, offset) starts each bucket at
 * local midnight: for UTC+8 that is 16:00 UTC, an offset of 960 minutes from the epoch.
 */
export function meterRisesQuery(spec: {
  tenantId: string | null
  siteIds: readonly string[]
  range: TimeRange
  utcOffsetMin: number
}): Query {
  const params: Record<string, QueryParam> = {}
  const where = scopeWhere(spec, params)
  const offsetMin = ((-spec.utcOffsetMin % 1440) + 1440) % 1440
  const f = ident(FEEDER_ENERGY)
  const by = `${ident(TAG.site)}, ${ident(TAG.device)}`
  const steps = `SELECT non_negative_difference(${f}) AS "rise", difference(${f}) AS "step" FROM ${ident(MEASUREMENT.pile)} WHERE ${where} GROUP BY ${by}`
  const readings = `SELECT ${f} AS "reading" FROM ${ident(MEASUREMENT.pile)} WHERE ${where} GROUP BY ${by}`
  return {
    q: `SELECT sum("rise") AS "rise", min("step") AS "lowest", count("reading") AS "readings" FROM (${steps}), (${readings}) WHERE time >= $from AND time < $until GROUP BY time(1d, ${offsetMin}m), ${by} fill(none)`,
    params,
  }
}

/** `session_started` and `session_ended` events with their port and energy, oldest first. */
export function sessionEventsQuery(spec: {
  tenantId: string | null
  siteIds: readonly string[]
  range: TimeRange
}): Query {
  const params: Record<string, QueryParam> = {}
  const where = scopeWhere(spec, params)
  const cols = [...EVENT_COLUMNS, TAG.event, TAG.site, TAG.device].map(ident).join(', ')
  return {
    q: `SELECT ${cols} FROM ${ident(MEASUREMENT.event)} WHERE ${where} AND (${ident(TAG.event)} = 'session_started' OR ${ident(TAG.event)} = 'session_ended') ORDER BY time ASC LIMIT ${MAX_REPORT_EVENTS + 1}`,
    params,
  }
}
