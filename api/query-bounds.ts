// What one telemetry or events request may cost InfluxDB. The points a range holds are estimated from
// the device's report interval (registry), so a request is refused before any query runs; the raw
// query's LIMIT (influx-queries.ts) still caps what a device that reports faster than declared returns.
import { CourtyardError } from '../domain/errors.ts'
import { bucketCount, type Every, MAX_POINTS, type TimeRange } from './time-range.ts'

export interface QueryBounds {
  /** longest range a telemetry or events request may span (API_MAX_SPAN_DAYS) */
  maxSpanMs: number
  /** most stored points one telemetry request may read, raw or downsampled (API_MAX_SCAN_POINTS) */
  maxScanPoints: number
}

const DAY_MS = 86_400_000

export const DEFAULT_QUERY_BOUNDS: QueryBounds = {
  // the default retention (INFLUX_RETENTION=400d): nothing older is stored
  maxSpanMs: 400 * DAY_MS,
  // a year of one reading a minute is 525,600 points
  maxScanPoints: 1_000_000,
}

const EVERY_STEPS: [number, string][] = [
  [60_000, '1m'],
  [300_000, '5m'],
  [900_000, '15m'],
  [3600_000, '1h'],
  [6 * 3600_000, '6h'],
  [DAY_MS, '1d'],
  [7 * DAY_MS, '7d'],
]

/** The finest `every` that fits the range into MAX_POINTS buckets, for error messages. */
export function suggestEvery(spanMs: number): string {
  return (EVERY_STEPS.find(([ms]) => spanMs / ms < MAX_POINTS) ?? EVERY_STEPS[EVERY_STEPS.length - 1]!)[1]
}

/** `90 days`, `6 h`, `45 min`: a span as people say it. */
export function describeSpan(ms: number): string {
  if (ms >= 2 * DAY_MS) return `${Math.floor(ms / DAY_MS)} days`
  if (ms >= 2 * 3600_000) return `${Math.floor(ms / 3600_000)} h`
  return `${Math.max(1, Math.floor(ms / 60_000))} min`
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')

/** Refuses a range longer than the bound (telemetry and events alike). */
export function checkSpan(range: TimeRange, bounds: QueryBounds): void {
  const span = range.toMs - range.fromMs
  if (span > bounds.maxSpanMs)
    throw new CourtyardError(
      'BAD_REQUEST',
      `a range of ${describeSpan(span)} exceeds the longest allowed, ${describeSpan(bounds.maxSpanMs)}: ask for a shorter range (from/to)`,
    )
}

/**
 * Refuses a telemetry request whose answer or scan would be too large: raw points over a range that
 * holds more than MAX_POINTS, buckets beyond MAX_POINTS, or more than maxScanPoints read either way.
 */
export function checkTelemetryCost(
  range: TimeRange,
  every: Every | undefined,
  reportIntervalS: number,
  bounds: QueryBounds,
): void {
  checkSpan(range, bounds)
  const span = range.toMs - range.fromMs
  const intervalMs = reportIntervalS * 1000
  const stored = Math.ceil((span + 1) / intervalMs)
  const what = `a range of ${describeSpan(span)} of a device reporting every ${reportIntervalS} s`
  if (stored > bounds.maxScanPoints)
    throw new CourtyardError(
      'BAD_REQUEST',
      `${what} reads about ${fmt(stored)} stored points, more than the ${fmt(bounds.maxScanPoints)} one request may read: ask for at most ${describeSpan(bounds.maxScanPoints * intervalMs)}`,
    )
  if (!every && stored > MAX_POINTS)
    throw new CourtyardError(
      'BAD_REQUEST',
      `${what} at raw resolution is about ${fmt(stored)} points, more than the ${fmt(MAX_POINTS)} one answer may hold: add every=${suggestEvery(span)} (mean per bucket) or ask for at most ${describeSpan(MAX_POINTS * intervalMs)}`,
    )
  if (every && bucketCount(range, every) > MAX_POINTS)
    throw new CourtyardError(
      'BAD_REQUEST',
      `every=${every.literal} gives more than ${MAX_POINTS} points over this range: use a coarser every (e.g. every=${suggestEvery(span)}) or a shorter range`,
    )
}
