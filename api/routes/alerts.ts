// Alert routes under /api/v1 (docs/api.md): list and read alerts with their history, acknowledge and
// clear by hand, and the alert-settings overrides of sites and devices. Tenant-scoped like the other
// routes: another tenant's alert, site or device answers 404, never 403.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import {
  ALERT_STATE_FILTERS,
  AlertSettingsOverride,
  type AlertStore,
  createStrayWireFeedback,
  defaultResolveSettings,
  type ResolveSettings,
  type SettingsScope,
  SIGNATURE_KINDS,
  type StoredAlert,
  unworkableAtSite,
} from '../../alerts/index.ts'
import { ALERT_TYPES, Alert, AlertTransition, SEVERITIES } from '../../domain/alerts.ts'
import { CourtyardError } from '../../domain/errors.ts'
import { type Principal, principalOf } from '../auth.ts'
import type { RouteContext } from '../context.ts'
import { absentBodyIsEmpty } from '../openapi-defaults.ts'
import { EPOCH_MS, listCursor } from '../pagination.ts'
import { DEFAULT_LIMIT, errorResponses, Id, IdParams, ListQuery, listOf } from '../schemas.ts'
import { parseInstant } from '../time-range.ts'
import { visibleAlert as visibleAlertIn } from './visible-alert.ts'

/** What the routes need of the engine: the engine itself (alerts/engine.ts), or a stand-in for one
 * that runs in another thread (answers come later). */
export interface AlertActions {
  readonly store: AlertStore
  acknowledge(id: string, by: string, note?: string): Alert | undefined | Promise<Alert | undefined>
  clear(id: string, by: string, note?: string): Alert | undefined | Promise<Alert | undefined>
  settingsChanged(scope?: SettingsScope, id?: string): void
}

export interface AlertRoutesOptions {
  ctx: RouteContext
  engine: AlertActions
  /** the audited commands sent for an alert (commands/), shown on GET /alerts/{id} */
  commandsForAlert?: (alertId: string) => unknown[]
  resolveSettings?: ResolveSettings
}

const AlertDetail = Type.Object({
  ...Alert.properties,
  history: Type.Array(AlertTransition),
  commands: Type.Array(Type.Unknown()),
})

const Note = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
)

const ClearBody = Type.Object(
  {
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    notCharging: Type.Optional(
      Type.Enum(SIGNATURE_KINDS, {
        description:
          'stray_wire_charging only: the load was not charging but this; the detector stops alerting on loads of its signature on this circuit (GET /devices/{id}/stray-wire/learned lists them, DELETE undoes)',
      }),
    ),
  },
  { additionalProperties: false },
)

const SettingsAnswer = Type.Object({
  scope: Type.Enum(['site', 'device']),
  id: Type.String(),
  override: AlertSettingsOverride,
  effective: Type.Record(Type.String(), Type.Unknown(), {
    description: 'what the rules use: catalogue defaults ← site override ← device override',
  }),
})

/** The list's filters as its cursor carries them (`from`/`to` in epoch ms, `state` with its default). */
const AlertFilters = Type.Object(
  {
    state: Type.Enum(ALERT_STATE_FILTERS),
    severity: Type.Optional(Type.Enum(SEVERITIES)),
    type: Type.Optional(Type.Enum(ALERT_TYPES)),
    siteId: Type.Optional(Id),
    deviceId: Type.Optional(Id),
    from: Type.Optional(Type.Integer()),
    to: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
)
const alertsCursor = listCursor<{ raisedAt: number; id: string }, typeof AlertFilters>({
  position: { raisedAt: EPOCH_MS, id: 'string' },
  filters: AlertFilters,
})

/** `user:<username>` or `token:<token name>` in histories (domain/alerts.ts AlertTransition.by). */
const who = (p: Principal) => p.actor

export const alertRoutes: FastifyPluginAsyncTypebox<AlertRoutesOptions> = async (app, opts) => {
  const { ctx, engine } = opts
  const { store } = engine
  const resolve = opts.resolveSettings ?? defaultResolveSettings
  const feedback = createStrayWireFeedback(store.db)

  const visibleAlert = (p: Principal, id: string): StoredAlert => visibleAlertIn(store, p, id)

  app.get(
    '/alerts',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['alerts'],
        summary: 'alerts, newest raisedAt first; state defaults to open (active and acknowledged)',
        querystring: Type.Object({
          ...ListQuery,
          state: Type.Optional(
            Type.Enum(ALERT_STATE_FILTERS, { description: 'default open = active + acknowledged' }),
          ),
          severity: Type.Optional(Type.Enum(SEVERITIES)),
          type: Type.Optional(Type.Enum(ALERT_TYPES)),
          siteId: Type.Optional(Id),
          deviceId: Type.Optional(Id),
          from: Type.Optional(Type.String({ description: 'raisedAt ≥ from: epoch ms or ISO 8601' })),
          to: Type.Optional(Type.String({ description: 'raisedAt < to: epoch ms or ISO 8601' })),
        }),
        response: { 200: listOf(Alert), ...errorResponses(400) },
      },
    },
    async (req) => {
      const { tenantId } = principalOf(req)
      const q = req.query
      const limit = q.limit ?? DEFAULT_LIMIT
      const given = {
        state: q.state,
        severity: q.severity,
        type: q.type,
        siteId: q.siteId,
        deviceId: q.deviceId,
        from: q.from === undefined ? undefined : parseInstant(q.from, 'from'),
        to: q.to === undefined ? undefined : parseInstant(q.to, 'to'),
      }
      // a later page lists what the first was asked for, with the cursor alone or the same filters again
      const { after, filters } = alertsCursor.read(q.cursor, given, () => ({
        ...given,
        state: given.state ?? 'open',
      }))
      const rows = store.list({ tenantId, ...filters, limit: limit + 1, after })
      const items = rows.slice(0, limit)
      const last = items[items.length - 1]
      return rows.length > limit && last
        ? { items, next: alertsCursor.next({ raisedAt: last.raisedAt, id: last.id }, filters) }
        : { items }
    },
  )

  app.get(
    '/alerts/:id',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['alerts'],
        summary: 'one alert with its history (every transition: who, when, what) and its commands',
        params: IdParams,
        response: { 200: AlertDetail, ...errorResponses(404) },
      },
    },
    async (req) => {
      const a = visibleAlert(principalOf(req), req.params.id)
      return { ...a, history: store.history(a.id), commands: opts.commandsForAlert?.(a.id) ?? [] }
    },
  )

  app.post(
    '/alerts/:id/ack',
    {
      config: { permission: 'alerts:act' },
      schema: {
        tags: ['alerts'],
        summary: 'acknowledge an active alert (again: no change); a cleared alert answers 409',
        params: IdParams,
        body: Type.Optional(Note),
        response: { 200: Alert, ...errorResponses(403, 404, 409) },
      },
      preValidation: absentBodyIsEmpty,
    },
    async (req) => {
      const p = principalOf(req)
      const a = visibleAlert(p, req.params.id)
      if (a.state === 'cleared')
        throw new CourtyardError(
          'CONFLICT',
          `alert ${a.id} is already cleared: there is nothing to acknowledge`,
        )
      const done = (await engine.acknowledge(a.id, who(p), req.body?.note))!
      req.log.info({ alertId: a.id, by: who(p) }, 'alert acknowledged')
      return done
    },
  )

  app.post(
    '/alerts/:id/clear',
    {
      config: { permission: 'alerts:act' },
      schema: {
        tags: ['alerts'],
        summary:
          'clear by hand (again: no change); a condition that still holds raises a new alert. A stray-wire alert may be cleared as not charging (`notCharging`): the detector learns that load',
        params: IdParams,
        body: Type.Optional(ClearBody),
        response: { 200: Alert, ...errorResponses(400, 403, 404) },
      },
      preValidation: absentBodyIsEmpty,
    },
    async (req) => {
      const p = principalOf(req)
      const a = visibleAlert(p, req.params.id)
      const kind = req.body?.notCharging
      let note = req.body?.note
      if (kind !== undefined) {
        if (a.type !== 'stray_wire_charging')
          throw new CourtyardError('BAD_REQUEST', `notCharging applies to stray_wire_charging alerts only`)
        const settings = resolve(store.getSettings('site', a.siteId), store.getSettings('device', a.deviceId))
        try {
          feedback.teach(
            {
              alertId: a.id,
              deviceId: a.deviceId,
              raisedAt: a.raisedAt,
              evidence: a.evidence,
              lastValue: a.lastValue,
            },
            kind,
            who(p),
            ctx.now(),
            settings.utcOffsetMin,
            note,
          )
        } catch (err) {
          throw new CourtyardError('BAD_REQUEST', (err as Error).message)
        }
        note = note === undefined ? `not charging: ${kind}` : `not charging: ${kind} (${note})`
        engine.settingsChanged('device', a.deviceId)
        req.log.info({ alertId: a.id, by: who(p), kind }, 'stray-wire load taught as not charging')
      }
      const done = (await engine.clear(a.id, who(p), note))!
      req.log.info({ alertId: a.id, by: who(p) }, 'alert cleared by hand')
      return done
    },
  )

  // ---- settings overrides -------------------------------------------------------------------------

  /** The site id of a visible site or device (404 otherwise). */
  const scopeSite = (p: Principal, scope: SettingsScope, id: string): string => {
    if (scope === 'site') {
      if (!ctx.registry.getSite(id, { tenantId: p.tenantId }))
        throw new CourtyardError('NOT_FOUND', `site ${id} does not exist`)
      return id
    }
    const d = ctx.registry.getDevice(id, { tenantId: p.tenantId })
    if (!d) throw new CourtyardError('DEVICE_UNKNOWN', `device ${id} does not exist`)
    return d.siteId
  }
  const answer = (scope: SettingsScope, id: string, siteId: string) => {
    const site = store.getSettings('site', siteId)
    const device = scope === 'device' ? store.getSettings('device', id) : undefined
    return {
      scope,
      id,
      override: (scope === 'site' ? site : device) ?? {},
      effective: resolve(site, device) as Record<string, unknown>,
    }
  }

  for (const scope of ['site', 'device'] as const) {
    const path = `/${scope}s/:id/alert-settings`
    app.get(
      path,
      {
        config: { permission: 'read' },
        schema: {
          tags: ['alerts'],
          summary: `the ${scope}'s alert settings override and the effective settings`,
          params: IdParams,
          response: { 200: SettingsAnswer, ...errorResponses(404) },
        },
      },
      async (req) => answer(scope, req.params.id, scopeSite(principalOf(req), scope, req.params.id)),
    )
    app.put(
      path,
      {
        config: { permission: 'settings:write' },
        schema: {
          tags: ['alerts'],
          summary: `replace the ${scope}'s override (thresholds, hold times, operating hours, maintenance windows); {} removes it`,
          params: IdParams,
          body: AlertSettingsOverride,
          response: { 200: SettingsAnswer, ...errorResponses(400, 403, 404) },
        },
      },
      async (req) => {
        const p = principalOf(req)
        const siteId = scopeSite(p, scope, req.params.id)
        const body = req.body as Record<string, unknown>
        const site = scope === 'site' ? body : store.getSettings('site', siteId)
        // a site's override is judged on its own (its devices' overrides are theirs to answer for)
        const device = scope === 'device' ? body : undefined
        const unworkable = unworkableAtSite(resolve(site, device), ctx.registry.getSite(siteId)?.location)
        if (unworkable)
          throw new CourtyardError(
            'BAD_REQUEST',
            `${unworkable}: site ${siteId} has none; give it one with PATCH /api/v1/sites/${siteId} {"location": {"lat": …, "lon": …}}`,
          )
        store.putSettings(scope, req.params.id, req.body as Record<string, unknown>, who(p), ctx.now())
        engine.settingsChanged(scope, req.params.id)
        req.log.info({ scope, id: req.params.id, by: who(p) }, 'alert settings changed')
        return answer(scope, req.params.id, siteId)
      },
    )
  }
}
