// /silences: matchers and a time range; ending one keeps it listed.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { CourtyardError } from '../../../domain/errors.ts'
import type { Silence } from '../../../notify/index.ts'
import { principalOf } from '../../auth.ts'
import { listCursor, pageByIdFiltered } from '../../pagination.ts'
import { errorResponses, IdParams, ListQuery, listOf } from '../../schemas.ts'
import { type NotifyRouteDeps, tags } from './route-helpers.ts'
import { CreateSilence, SilenceQuery, SilenceView } from './schemas.ts'

const silenceView = (s: Silence, now: number) => ({ ...s, active: s.from <= now && now < s.to })

/** The list's filters as its cursor carries them: with active=true, the first page's time (`at`). */
const SilenceFilters = Type.Object(
  { active: Type.Boolean(), at: Type.Optional(Type.Integer()) },
  { additionalProperties: false },
)
const silencesCursor = listCursor<{ after: string }, typeof SilenceFilters>({
  position: { after: 'string' },
  filters: SilenceFilters,
})

export const silenceRoutes: FastifyPluginAsyncTypebox<NotifyRouteDeps> = async (
  app,
  { ctx, config, helpers },
) => {
  const { tenantFor, found, checkSites } = helpers
  app.post(
    '/silences',
    {
      config: { permission: 'notify:write' },
      schema: {
        tags,
        summary: 'silence notifications of matching alerts from `from` (default now) to `to`',
        body: CreateSilence,
        response: { 201: SilenceView, ...errorResponses(400, 403, 404) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req)
      const b = req.body
      const tenantId = tenantFor(p, b.tenantId)
      const from = b.from ?? ctx.now()
      if (b.to <= from)
        throw new CourtyardError('BAD_REQUEST', 'a silence must end (`to`) after it starts (`from`)')
      if (b.matchers.siteId) checkSites(tenantId, [b.matchers.siteId])
      const s = config.createSilence({
        tenantId,
        matchers: b.matchers,
        from,
        to: b.to,
        comment: b.comment,
        createdBy: p.actor,
      })
      return reply.status(201).send(silenceView(s, ctx.now()))
    },
  )

  app.get(
    '/silences',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: 'silences, or with active=true those in force now',
        querystring: Type.Object({ ...ListQuery, ...SilenceQuery.properties }),
        response: { 200: listOf(SilenceView), ...errorResponses(400) },
      },
    },
    async (req) => {
      const scope = principalOf(req).tenantId
      const now = ctx.now()
      const active = req.query.active
      // a later page lists those in force when the first page was asked for, whether active=true is
      // repeated beside its cursor or not
      const page = pageByIdFiltered(
        silencesCursor,
        (pg, filters) =>
          config.listSilences(scope, pg, { activeAt: filters.active ? filters.at : undefined }),
        req.query,
        { active },
        () => (active ? { active, at: now } : { active: false }),
      )
      return { ...page, items: page.items.map((s) => silenceView(s, now)) }
    },
  )

  app.get(
    '/silences/:id',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: 'one silence',
        params: IdParams,
        response: { 200: SilenceView, ...errorResponses(404) },
      },
    },
    async (req) =>
      silenceView(
        found(config.getSilence(req.params.id, principalOf(req).tenantId), 'silence', req.params.id),
        ctx.now(),
      ),
  )

  app.delete(
    '/silences/:id',
    {
      config: { permission: 'notify:write' },
      schema: {
        tags,
        summary: 'end a silence now (it stays listed)',
        params: IdParams,
        response: { 200: SilenceView, ...errorResponses(403, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req)
      const s = found(config.getSilence(req.params.id, p.tenantId), 'silence', req.params.id)
      return silenceView(config.expireSilence(s.id)!, ctx.now())
    },
  )
}
