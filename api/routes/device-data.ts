// A device's stored history: a numeric field as a time series, and its events.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CourtyardError } from '../../domain/errors.ts'
import { type Principal, principalOf } from '../auth.ts'
import type { RouteContext } from '../context.ts'
import { eventsQuery, telemetryQuery } from '../influx-queries.ts'
import { decodeCursor, encodeCursor } from '../pagination.ts'
import { checkSpan, checkTelemetryCost, suggestEvery } from '../query-bounds.ts'
import {
  DEFAULT_LIMIT,
  EventsQuery,
  errorResponses,
  IdParams,
  listOf,
  StoredEvent,
  TelemetryQuery,
  TelemetrySeries,
} from '../schemas.ts'
import { MAX_POINTS, parseEvery, resolveRange } from '../time-range.ts'

/** InfluxDB's time range in epoch ms (years 1677-2262) */
const INFLUX_MS = { int: [-9_223_372_036_854, 9_223_372_036_854] as [number, number] }
/** Events of one device stored in one millisecond that paging can step over; far beyond any real device */
const MAX_SAME_MS_SKIP = 10_000

const EVENT_FIELD_COLUMNS = new Set([
  'seq',
  'port',
  'code',
  'reason',
  'detail',
  'room',
  'door',
  'confidence',
  'energyWh',
  'modules',
])

function eventFromRow(
  columns: string[],
  row: unknown[],
): Record<string, unknown> & { ts: number; event: string; kind: string } {
  const get = (c: string) => row[columns.indexOf(c)]
  const ts = get('time') as number
  const payload = get('payload')
  if (typeof payload === 'string') {
    try {
      const parsed = JSON.parse(payload) as Record<string, unknown>
      if (parsed && typeof parsed === 'object' && typeof parsed.event === 'string')
        return {
          ...parsed,
          ts: typeof parsed.ts === 'number' ? parsed.ts : ts,
          event: parsed.event,
          kind: String(parsed.kind ?? get('kind')),
        }
    } catch {
      // fall back to the stored fields
    }
  }
  const out: Record<string, unknown> & { ts: number; event: string; kind: string } = {
    ts,
    event: String(get('event')),
    kind: String(get('kind')),
  }
  columns.forEach((c, i) => {
    if (EVENT_FIELD_COLUMNS.has(c) && row[i] !== null) out[c] = row[i]
  })
  return out
}

export const deviceDataRoutes: FastifyPluginAsyncTypebox<{ ctx: RouteContext }> = async (app, { ctx }) => {
  const device = (p: Principal, id: string) => {
    const d = ctx.registry.getDevice(id, { tenantId: p.tenantId, includeDecommissioned: true })
    if (!d) throw new CourtyardError('DEVICE_UNKNOWN', `device ${id} does not exist`)
    return d
  }

  app.get(
    '/devices/:id/telemetry',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['devices'],
        summary: 'a numeric field as a time series (mean per `every` bucket when given)',
        params: IdParams,
        querystring: TelemetryQuery,
        response: { 200: TelemetrySeries, ...errorResponses(400, 404, 502, 503) },
      },
    },
    async (req) => {
      const d = device(principalOf(req), req.params.id)
      const { field, port } = req.query
      const range = resolveRange(req.query, ctx.now())
      const every = req.query.every !== undefined ? parseEvery(req.query.every) : undefined
      const { q, params } = telemetryQuery({ deviceId: d.id, kind: d.kind, field, port, range, every })
      checkTelemetryCost(range, every, d.reportIntervalS, ctx.bounds)
      const series = await ctx.influx.query(q, params)
      const s = series[0]
      const points = s
        ? s.values.map((row) => ({ ts: row[0] as number, value: row[1] as number | null }))
        : []
      if (!every && points.length > MAX_POINTS)
        throw new CourtyardError(
          'BAD_REQUEST',
          `more than ${MAX_POINTS} points in this range: downsample with every (e.g. every=${suggestEvery(range.toMs - range.fromMs)}) or ask for a shorter range`,
        )
      return {
        deviceId: d.id,
        field,
        ...(port !== undefined && { port }),
        ...(every && { every: every.literal }),
        from: range.fromMs,
        to: range.toMs,
        points,
      }
    },
  )

  app.get(
    '/devices/:id/events',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['devices'],
        summary: 'the device’s events, newest first',
        params: IdParams,
        querystring: EventsQuery,
        response: { 200: listOf(StoredEvent), ...errorResponses(400, 404, 502, 503) },
      },
    },
    async (req) => {
      const d = device(principalOf(req), req.params.id)
      const limit = req.query.limit ?? DEFAULT_LIMIT
      // The cursor carries the window the first page was asked for (its start, `from`) and where the next
      // page starts within it: the stored time of the last event returned (`to`) and how many events at
      // exactly that millisecond were returned. So a deep page costs InfluxDB no more than the first (no
      // growing OFFSET), events arriving meanwhile (newer) do not shift the pages, and a page asked for later
      // lists the rest of that same window: a default window (the 24 h before the first page) is not
      // computed again from a later clock or from the page's end. `from`/`to` beside a cursor are ignored.
      // It names its device (`d`): another device's `next` is a 400, not a page of this one's events.
      const cursor = req.query.cursor
        ? decodeCursor<{ from: number; to: number; skip: number; d: string }>(
            req.query.cursor,
            {
              from: INFLUX_MS,
              to: INFLUX_MS,
              skip: { int: [0, MAX_SAME_MS_SKIP] },
              d: 'string',
            },
            (c) => c.from <= c.to && c.d === d.id,
          )
        : undefined
      const range = cursor ? { fromMs: cursor.from, toMs: cursor.to } : resolveRange(req.query, ctx.now())
      checkSpan(range, ctx.bounds)
      const skip = cursor?.skip ?? 0
      const { q, params } = eventsQuery({ deviceId: d.id, range, limit: limit + 1, offset: skip })
      const s = (await ctx.influx.query(q, params))[0]
      const rows = s?.values ?? []
      const items = rows.slice(0, limit).map((row) => eventFromRow(s!.columns, row))
      if (rows.length <= limit) return { items }
      const timeAt = s!.columns.indexOf('time')
      const times = rows.slice(0, limit).map((row) => row[timeAt] as number)
      const last = times[times.length - 1]!
      // newest first: the events at `last` are the page's tail, and if `last` is the window's end the
      // ones skipped to get here were at `last` too
      const atLast = times.filter((t) => t === last).length + (last === range.toMs ? skip : 0)
      return { items, next: encodeCursor({ from: range.fromMs, to: last, skip: atLast, d: d.id }) }
    },
  )
}
