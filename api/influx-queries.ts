// InfluxQL for the API. User input reaches InfluxDB only as bound parameters; measurement and field
// names come only from the storage whitelist (domain/storage.ts), never from the request.
import { CourtyardError } from '../domain/errors.ts'
import type { DeviceKind } from '../domain/protocol.ts'
import { findNumericField, MEASUREMENT, MEASUREMENT_BY_KIND } from '../domain/storage.ts'
import type { QueryParam } from '../influx/index.ts'
import { type Every, MAX_POINTS, type TimeRange, toRfc3339 } from './time-range.ts'

export interface Query {
  q: string
  params: Record<string, QueryParam>
}

/** Identifier quoting for whitelisted names (they contain dots, e.g. `feeder.powerW`). */
export const ident = (name: string) => `"${name.replace(/["\\]/g, '\\$&')}"`

const timeWhere = '"device" = $device AND time >= $from AND time < $until'

// `to` is inclusive to the millisecond, but points carry `seq` in their sub-ms nanoseconds
// (domain/storage.ts): the bound is the start of the next millisecond, exclusive.
const rangeParams = (deviceId: string, range: TimeRange): Record<string, QueryParam> => ({
  device: deviceId,
  from: toRfc3339(range.fromMs),
  until: toRfc3339(range.toMs + 1),
})

/**
 * A device's numeric field over a range: raw points (at most MAX_POINTS + 1, so an overflow is
 * detectable) or, with `every`, the mean per bucket.
 */
export function telemetryQuery(spec: {
  deviceId: string
  kind: DeviceKind
  field: string
  port?: number
  range: TimeRange
  every?: Every
}): Query {
  const perPort = spec.port !== undefined
  const f = findNumericField(spec.kind, spec.field, perPort)
  if (!f) {
    const other = findNumericField(spec.kind, spec.field, !perPort)
    const hint = other
      ? perPort
        ? `${spec.field} is not a per-port field: leave out port`
        : `${spec.field} is a per-port field: add port=N`
      : `${spec.field} is not a numeric field of a ${spec.kind}`
    throw new CourtyardError('BAD_REQUEST', `field: ${hint}`)
  }
  const measurement = perPort ? MEASUREMENT.pilePort : MEASUREMENT_BY_KIND[spec.kind]
  const params = rangeParams(spec.deviceId, spec.range)
  let where = timeWhere
  if (perPort) {
    where += ' AND "port" = $port'
    // tags are strings in InfluxDB
    params.port = String(spec.port)
  }
  const q = spec.every
    ? `SELECT mean(${ident(f.path)}) AS "value" FROM ${ident(measurement)} WHERE ${where} GROUP BY time(${spec.every.literal}) fill(none)`
    : `SELECT ${ident(f.path)} AS "value" FROM ${ident(measurement)} WHERE ${where} ORDER BY time ASC LIMIT ${MAX_POINTS + 1}`
  return { q, params }
}

/** A device's events, newest first. */
export function eventsQuery(spec: {
  deviceId: string
  range: TimeRange
  limit: number
  offset: number
}): Query {
  const limit = Math.trunc(spec.limit)
  const offset = Math.trunc(spec.offset)
  return {
    q: `SELECT * FROM ${ident(MEASUREMENT.event)} WHERE ${timeWhere} ORDER BY time DESC LIMIT ${limit} OFFSET ${offset}`,
    params: rangeParams(spec.deviceId, spec.range),
  }
}

const REGEX_META_RE = /[\\^$.|?*+()[\]{}]/g

/**
 * `"device" =~ $devices`, the ids bound as one anchored alternation. InfluxDB matches it against the
 * index's device values once; an OR of one equality per id made it plan and merge a condition per id
 * (6.6x the influxd CPU for a page of 1,000 devices: bench/device-state.ts).
 */
export function deviceFilter(ids: readonly string[], params: Record<string, QueryParam>): string {
  return tagFilter('device', ids, params, 'devices')
}

/** `"<tag>" =~ $<param>`: any tag matching one of the values, bound as deviceFilter binds device ids. */
export function tagFilter(
  tag: string,
  values: readonly string[],
  params: Record<string, QueryParam>,
  param: string,
): string {
  params[param] = { regex: `^(?:${values.map((v) => v.replace(REGEX_META_RE, '\\$&')).join('|')})$` }
  return `${ident(tag)} =~ $${param}`
}
