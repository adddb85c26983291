// A device's stored history: a numeric field as a time series, and its events.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CourtyardError } from '../../domain/errors.ts'
import { type Principal, principalOf } from '../auth.ts'
import type { RouteContext } from '../context.ts'
import { eventsQuery, telemetryQuery } from '../influx-queries.ts'
import { decodeCursor, encodeCursor } from '../pagination.ts'
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
import { bucketCount, MAX_POINTS, parseEvery, resolveRange } from '../time-range.ts'

/** The coarsest-needed `every` that fits the range into MAX_POINTS, for the error message. */
function suggestEvery(spanMs: number): string {
  const steps: [number, string][] = [
    [60_000, '1m'],
    [300_000, '5m'],
    [900_000, '15m'],
    [3600_000, '1h'],
    [6 * 3600_000, '6h'],
    [86_400_000, '1d'],
  ]
  return (steps.find(([ms]) => spanMs / ms < MAX_POINTS) ?? [0, '7d'])[1]
}

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
      if (every && bucketCount(range, every) > MAX_POINTS)
        throw new CourtyardError(
          'BAD_REQUEST',
          `every=${every.literal} gives more than ${MAX_POINTS} points over this range: use a coarser every (e.g. every=${suggestEvery(range.toMs - range.fromMs)}) or a shorter range`,
        )
      const { q, params } = telemetryQuery({ deviceId: d.id, kind: d.kind, field, port, range, every })
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
      // the cursor pins `to`, so events arriving meanwhile do not shift the pages
      const cursor = req.query.cursor
        ? decodeCursor<{ offset: number; to: number }>(req.query.cursor, { offset: 'number', to: 'number' })
        : undefined
      const range = resolveRange(
        { from: req.query.from, to: cursor ? String(cursor.to) : req.query.to },
        ctx.now(),
      )
      const offset = cursor?.offset ?? 0
      const { q, params } = eventsQuery({ deviceId: d.id, range, limit: limit + 1, offset })
      const s = (await ctx.influx.query(q, params))[0]
      const rows = s ? s.values.map((row) => eventFromRow(s.columns, row)) : []
      const items = rows.slice(0, limit)
      return rows.length > limit
        ? { items, next: encodeCursor({ offset: offset + limit, to: range.toMs }) }
        : { items }
    },
  )
}
