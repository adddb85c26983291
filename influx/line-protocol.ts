// InfluxDB line protocol encoding (1.x: https://docs.influxdata.com/influxdb/v1.6/write_protocols/line_protocol_reference/).
//
// Safety first: nothing a device sends may create a point, a series or a parse error by accident.
// - Control characters (U+0000–U+001F, U+007F) are replaced by a space everywhere: a newline in a tag
//   value INJECTS A POINT (InfluxDB answers 204), and a newline in a string field is just as dangerous
//   to downstream CSV/line consumers.
// - A backslash in an identifier (measurement, tag key/value, field key) is replaced by `/`: InfluxDB 1.x
//   has no working escape for it (measured on 1.6.7: `t=a\\ f=1` is rejected as "invalid tag format",
//   and `\\` elsewhere is stored doubled), so the only faithful-or-safe choice is to sanitise.
// Performance: escaping is done only when a regex finds a character that needs it (≈ 0.5 µs per point).
import { CourtyardError } from '../domain/errors.ts'

const CONTROL_RE = /[\x00-\x1f\x7f]/g

// measurement: comma and space are escaped (protocol); `=` is legal there.
const MEASUREMENT_NEEDS = /[\x00-\x1f\x7f, \\]/
const MEASUREMENT_ESC = /[, ]/g
// tag keys, tag values, field keys: comma, equals and space are escaped.
const KEY_NEEDS = /[\x00-\x1f\x7f,= \\]/
const KEY_ESC = /[,= ]/g
// string field values: `"` and `\` are escaped.
const STRING_NEEDS = /[\x00-\x1f\x7f"\\]/
const STRING_ESC = /["\\]/g

const BACKSLASH_RE = /\\/g

function sanitiseIdentifier(s: string): string {
  return s.replace(CONTROL_RE, ' ').replace(BACKSLASH_RE, '/')
}

/** Escapes a measurement name. Throws on an empty name (InfluxDB rejects the whole line). */
export function escapeMeasurement(name: string): string {
  if (name.length === 0) throw new CourtyardError('PAYLOAD_INVALID', 'empty measurement name')
  if (!MEASUREMENT_NEEDS.test(name)) return name
  return sanitiseIdentifier(name).replace(MEASUREMENT_ESC, '\\$&')
}

/** Escapes a tag key or tag value (same rules). An empty result must be omitted by the caller. */
export function escapeTag(s: string): string {
  if (!KEY_NEEDS.test(s)) return s
  return sanitiseIdentifier(s).replace(KEY_ESC, '\\$&')
}

/** Escapes a field key (same rules as tag keys). */
export function escapeFieldKey(s: string): string {
  if (!KEY_NEEDS.test(s)) return s
  return sanitiseIdentifier(s).replace(KEY_ESC, '\\$&')
}

/** A string field value, quoted: `"` and `\` escaped, control characters (incl. \n, \r) → space. */
export function stringField(s: string): string {
  if (!STRING_NEEDS.test(s)) return `"${s}"`
  return `"${s.replace(CONTROL_RE, ' ').replace(STRING_ESC, '\\$&')}"`
}

/**
 * A float field value. Never carries the `i` suffix, so `42` stays a float and the field's type never
 * flips (InfluxDB rejects a later write of another type: "field type conflict"). NaN/±Inf are refused
 * because InfluxDB rejects them too.
 */
export function floatField(n: number): string {
  if (!Number.isFinite(n)) throw new CourtyardError('PAYLOAD_INVALID', `non-finite float ${n}`)
  return String(n)
}

/** An integer field value (`i` suffix). Refuses non-integers and values beyond ±2^53. */
export function intField(n: number): string {
  if (!Number.isSafeInteger(n)) throw new CourtyardError('PAYLOAD_INVALID', `not a safe integer: ${n}`)
  return `${n}i`
}

export function boolField(b: boolean): string {
  return b ? 'true' : 'false'
}

/**
 * Tag set prefix `measurement,k=v,k=v` from pairs. Tags are sorted by key as InfluxDB recommends
 * (it sorts them anyway; pre-sorted input is cheaper). Empty values are omitted: InfluxDB 1.x rejects
 * `k=` ("missing tag value").
 */
export function seriesKey(measurement: string, tags: Record<string, string | undefined>): string {
  let out = escapeMeasurement(measurement)
  for (const k of Object.keys(tags).sort()) {
    const v = tags[k]
    if (v === undefined || v.length === 0) continue
    const ek = escapeTag(k)
    if (ek.length === 0) continue
    out += `,${ek}=${escapeTag(v)}`
  }
  return out
}
