// Reports under /api/v1/reports (docs/api.md v1.1 "Reports"): energy per shed per day and sessions per
// port from InfluxDB; alerts by type per community and stray-wire incidents per building per month from
// the alert store, when the node runs alerts. Any role may read, scoped to its tenant; the range is local
// calendar dates, bounded like telemetry (api/query-bounds.ts); `format=csv` answers a CSV download.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import Type, { type Static, type TSchema } from 'typebox'
import { type AlertStore, DEFAULT_ALERT_SETTINGS } from '../../alerts/index.ts'
import { ALERT_TYPES } from '../../domain/alerts.ts'
import { principalOf } from '../auth.ts'
import type { RouteContext } from '../context.ts'
import { alertsReport, strayWireReport } from '../reports/alert-reports.ts'
import { energyReport, sessionsReport } from '../reports/charging-reports.ts'
import { toCsv } from '../reports/csv.ts'
import { type DayRange, formatDay, parseDayRange } from '../reports/local-days.ts'
import {
  columnsIn,
  REPORT_COLUMNS,
  REPORT_LANGS,
  type ReportLang,
  type ReportName,
} from '../reports/report-columns.ts'
import { type ReportSite, reportSites } from '../reports/report-scope.ts'
import { errorResponses, Id } from '../schemas.ts'

const ReportQuery = Type.Object(
  {
    // required, but checked by parseDayRange: its 400 says what a range looks like
    from: Type.Optional(
      Type.String({ maxLength: 40, description: 'first local date, YYYY-MM-DD (required)' }),
    ),
    to: Type.Optional(
      Type.String({ maxLength: 40, description: 'last local date, YYYY-MM-DD, included (required)' }),
    ),
    siteId: Type.Optional(Id),
    communityId: Type.Optional(Type.String({ maxLength: 64 })),
    format: Type.Optional(Type.Enum(['json', 'csv'], { description: 'default json' })),
    lang: Type.Optional(Type.Enum(REPORT_LANGS, { description: 'CSV header language, default en' })),
  },
  { additionalProperties: false },
)

const Num = Type.Number()
const Int = Type.Integer({ minimum: 0 })
const SiteFields = { siteId: Type.String(), siteName: Type.String(), community: Type.String() }

const ROW_SCHEMAS: Record<ReportName, TSchema> = {
  energy: Type.Object({
    date: Type.String(),
    ...SiteFields,
    meteredKWh: Type.Union([Num, Type.Null()]),
    meterResets: Type.Array(Type.String()),
    chargedKWh: Num,
    sessions: Int,
  }),
  sessions: Type.Object({
    ...SiteFields,
    deviceId: Type.String(),
    port: Int,
    started: Int,
    ended: Int,
    chargedKWh: Num,
  }),
  alerts: Type.Object({
    communityId: Type.String(),
    community: Type.String(),
    type: Type.Enum(ALERT_TYPES),
    raised: Int,
    open: Int,
  }),
  'stray-wire': Type.Object({
    month: Type.String(),
    ...SiteFields,
    siteKind: Type.String(),
    incidents: Int,
    open: Int,
  }),
}

const SUMMARIES: Record<ReportName, string> = {
  energy:
    'energy per charging shed per local day: feeder meter kWh, kWh of the sessions that ended, and their number',
  sessions: 'charging sessions per port: started and ended in the range, and their kWh',
  alerts: 'alerts raised in the range per community and type, and how many are still open',
  'stray-wire':
    'stray-wire charging incidents per building (and any other site that had one) per local month',
}

/** ASCII only: a header value must be, and the dates say what the file holds. */
const fileName = (name: ReportName, r: DayRange) =>
  `courtyard-${name}-${formatDay(r.fromDay)}_${formatDay(r.toDay)}.csv`

export interface ReportRoutesOptions {
  ctx: RouteContext
  /** the alert store; without it (a node that runs no alerts) the alert reports are not offered */
  alerts?: AlertStore
}

export const reportRoutes: FastifyPluginAsyncTypebox<ReportRoutesOptions> = async (app, { ctx, alerts }) => {
  const utcOffsetOf = (siteId: string): number => {
    const o = alerts?.getSettings('site', siteId)?.utcOffsetMin
    return typeof o === 'number' ? o : DEFAULT_ALERT_SETTINGS.utcOffsetMin
  }

  function route<R>(
    name: ReportName,
    build: (tenantId: string | null, sites: ReportSite[], range: DayRange) => R[] | Promise<R[]>,
  ) {
    app.get(
      `/reports/${name}`,
      {
        config: { permission: 'read' },
        schema: {
          tags: ['reports'],
          summary: SUMMARIES[name],
          description:
            'from/to are calendar dates in each site’s local time (its alert settings’ utcOffsetMin, UTC+8 by default). format=csv answers text/csv (UTF-8 with BOM) as a download.',
          querystring: ReportQuery,
          response: {
            // the answer of format=json, or (format=csv) the same rows as a CSV download
            200: {
              content: {
                'application/json': {
                  schema: Type.Object({
                    report: Type.Literal(name),
                    from: Type.String(),
                    to: Type.String(),
                    rows: Type.Array(ROW_SCHEMAS[name]),
                  }),
                },
                'text/csv': {
                  schema: Type.String({
                    description:
                      'format=csv: UTF-8 with a BOM, a header row (lang), CRLF line ends, RFC 4180',
                  }),
                },
              },
            },
            ...errorResponses(400, 404, 429, 502, 503),
          },
        },
      },
      async (req, reply: FastifyReply) => {
        const { tenantId } = principalOf(req)
        // the schema above validated it; the typed provider loses it through this helper's generic schema
        const q = req.query as Static<typeof ReportQuery>
        const range = parseDayRange(q, ctx.bounds)
        const sites = reportSites({
          registry: ctx.registry,
          tenantId,
          filter: { siteId: q.siteId, communityId: q.communityId },
          utcOffsetOf,
        })
        const rows = await build(tenantId, sites, range)
        if (q.format === 'csv') {
          const columns = columnsIn(REPORT_COLUMNS[name] as never, (q.lang ?? 'en') as ReportLang)
          return reply
            .header('content-type', 'text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="${fileName(name, range)}"`)
            .send(toCsv(columns, rows))
        }
        return { report: name, from: formatDay(range.fromDay), to: formatDay(range.toDay), rows }
      },
    )
  }

  const charging = (tenantId: string | null) => ({
    influx: ctx.influx,
    registry: ctx.registry,
    bounds: ctx.bounds,
    tenantId,
  })
  route('energy', (tenantId, sites, range) => energyReport(charging(tenantId), sites, range))
  route('sessions', (tenantId, sites, range) => sessionsReport(charging(tenantId), sites, range))
  if (alerts) {
    route('alerts', (tenantId, sites, range) => alertsReport({ store: alerts, tenantId }, sites, range))
    route('stray-wire', (tenantId, sites, range) =>
      strayWireReport({ store: alerts, tenantId }, sites, range),
    )
  }
}
