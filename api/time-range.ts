// Query time parameters: instants as epoch ms or ISO 8601, and `every` durations for GROUP BY time().
import { CourtyardError } from '../domain/errors.ts'

export const DEFAULT_RANGE_MS = 24 * 3600_000
/** Most points one telemetry answer may hold; beyond it the caller must downsample with `every`. */
export const MAX_POINTS = 10_000

const ISO_RE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/
const EPOCH_RE = /^-?\d{1,16}$/
const EVERY_RE = /^([1-9]\d{0,5})(s|m|h|d)$/
const UNIT_MS = { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 } as const

/** Whether `YYYY-MM-DD` at the start of an ISO string is a day of the calendar (not 2026-02-30). */
function realDay(iso: string): boolean {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number) as [number, number, number]
  const day = new Date(Date.UTC(y, m - 1, d))
  return day.getUTCMonth() === m - 1 && day.getUTCDate() === d
}

/** Parses `from`/`to`; `name` is used in the error message. */
export function parseInstant(value: string, name: string): number {
  const v = value.trim()
  let ms = Number.NaN
  if (EPOCH_RE.test(v)) ms = Number(v)
  // Date.parse rolls a day past the month's end over into the next month (2026-11-31 is 1 December)
  else if (ISO_RE.test(v) && realDay(v)) ms = Date.parse(v)
  // InfluxDB's time range: years 1677–2262
  if (!Number.isFinite(ms) || ms < -9_223_372_036_854 || ms > 9_223_372_036_854)
    throw new CourtyardError(
      'BAD_REQUEST',
      `${name} must be epoch milliseconds (1763712000000) or ISO 8601 (2025-11-21T08:00:00Z), got ${JSON.stringify(value.slice(0, 40))}`,
    )
  return ms
}

export interface TimeRange {
  fromMs: number
  toMs: number
}

/** `to` defaults to now, `from` to 24 h before `to`. */
export function resolveRange(q: { from?: string; to?: string }, nowMs: number): TimeRange {
  const toMs = q.to !== undefined ? parseInstant(q.to, 'to') : nowMs
  const fromMs = q.from !== undefined ? parseInstant(q.from, 'from') : toMs - DEFAULT_RANGE_MS
  if (fromMs > toMs) throw new CourtyardError('BAD_REQUEST', 'from must not be later than to')
  return { fromMs, toMs }
}

export interface Every {
  ms: number
  /** InfluxQL duration literal, safe to place in the query text (validated by EVERY_RE) */
  literal: string
}

export function parseEvery(value: string): Every {
  const m = EVERY_RE.exec(value.trim())
  if (!m)
    throw new CourtyardError(
      'BAD_REQUEST',
      `every must be a whole number followed by s, m, h or d (e.g. 30s, 5m, 1h, 1d), got ${JSON.stringify(value.slice(0, 20))}`,
    )
  const n = Number(m[1])
  const unit = m[2] as keyof typeof UNIT_MS
  return { ms: n * UNIT_MS[unit], literal: `${n}${unit}` }
}

/** Buckets GROUP BY time(every) yields over the range (both ends inclusive, aligned to epoch). */
export function bucketCount(range: TimeRange, every: Every): number {
  return Math.floor(range.toMs / every.ms) - Math.floor(range.fromMs / every.ms) + 1
}

export function toRfc3339(ms: number): string {
  return new Date(ms).toISOString()
}
