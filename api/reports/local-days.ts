// A report's range as calendar dates (`YYYY-MM-DD`, both ends inclusive), read in each site's local time.
// A local date is kept as its day number (days since 1970-01-01); the instant a local day starts at a
// site is that day's UTC midnight moved back by the site's offset (Asia/Shanghai, UTC+8: 16:00 UTC the
// day before). Offsets are whole minutes east of UTC, as the alert settings keep them (no DST in China).
import { CourtyardError } from '../../domain/errors.ts'
import { describeSpan, type QueryBounds } from '../query-bounds.ts'
import type { TimeRange } from '../time-range.ts'

export const DAY_MS = 86_400_000
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/

/** Local dates, inclusive, as day numbers. */
export interface DayRange {
  fromDay: number
  toDay: number
}

/** `2026-11-21` → its day number; anything else is a 400 naming the parameter. */
export function parseLocalDate(value: string, name: string): number {
  const m = DATE_RE.exec(value.trim())
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN
  // Date.UTC rolls 2026-02-30 over to March: a date that does not come back unchanged does not exist
  if (!m || !Number.isFinite(ms) || formatDay(ms / DAY_MS) !== value.trim())
    throw new CourtyardError(
      'BAD_REQUEST',
      `${name} must be a calendar date YYYY-MM-DD (2026-11-21), got ${JSON.stringify(value.slice(0, 40))}`,
    )
  return ms / DAY_MS
}

export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

/** `2026-11` for the month a day number falls in. */
export function formatMonth(day: number): string {
  return formatDay(day).slice(0, 7)
}

/** Both dates are required; `from` after `to` or a range longer than the API's span bound is a 400. */
export function parseDayRange(q: { from?: string; to?: string }, bounds: QueryBounds): DayRange {
  if (q.from === undefined || q.to === undefined)
    throw new CourtyardError(
      'BAD_REQUEST',
      'from and to are required: calendar dates YYYY-MM-DD, both included (from=2026-11-01&to=2026-11-30)',
    )
  const fromDay = parseLocalDate(q.from, 'from')
  const toDay = parseLocalDate(q.to, 'to')
  if (fromDay > toDay) throw new CourtyardError('BAD_REQUEST', 'from must not be later than to')
  const spanMs = (toDay - fromDay + 1) * DAY_MS
  if (spanMs > bounds.maxSpanMs)
    throw new CourtyardError(
      'BAD_REQUEST',
      `a range of ${describeSpan(spanMs)} exceeds the longest allowed, ${describeSpan(bounds.maxSpanMs)}: ask for a shorter range (from/to)`,
    )
  return { fromDay, toDay }
}

/** The instant a local day starts at a site `utcOffsetMin` east of UTC. */
export function dayStartMs(day: number, utcOffsetMin: number): number {
  return day * DAY_MS - utcOffsetMin * 60_000
}

/** The local day an instant falls in. */
export function localDay(ms: number, utcOffsetMin: number): number {
  return Math.floor((ms + utcOffsetMin * 60_000) / DAY_MS)
}

/** The instants of a day range at one offset: `toMs` is the last millisecond of the last day. */
export function instantRange(r: DayRange, utcOffsetMin: number): TimeRange {
  return { fromMs: dayStartMs(r.fromDay, utcOffsetMin), toMs: dayStartMs(r.toDay + 1, utcOffsetMin) - 1 }
}

/** The range cut at calendar-month boundaries: one slice per month it touches, in order. */
export function monthSlices(r: DayRange): { month: string; range: DayRange }[] {
  const out: { month: string; range: DayRange }[] = []
  let day = r.fromDay
  while (day <= r.toDay) {
    const d = new Date(day * DAY_MS)
    const nextMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / DAY_MS
    const last = Math.min(nextMonth - 1, r.toDay)
    out.push({ month: formatMonth(day), range: { fromDay: day, toDay: last } })
    day = last + 1
  }
  return out
}

/** Every day of the range, in order. */
export function daysOf(r: DayRange): number[] {
  const out: number[] = []
  for (let d = r.fromDay; d <= r.toDay; d++) out.push(d)
  return out
}
