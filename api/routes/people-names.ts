// Who is who, for any signed-in role (docs/api.md v1.1 "People and sessions"): the audit trail records a
// person as `user:<username>`, and crews and viewers may not list users, so a page asks here for the
// display names of the people of its own tenant. Only people who have one are listed, and only their
// username, display name and creation time: no roles, ids or roster of everyone's sign-in names.
// Admins spanning every tenant belong to no tenant and are not listed to one: an act of theirs keeps
// showing the username the audit trail already holds, and their names stay the operator's.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principalOf } from '../auth.ts'
import type { RouteContext } from '../context.ts'
import { errorResponses, PeopleNames } from '../schemas.ts'

export const peopleNameRoutes: FastifyPluginAsyncTypebox<{ ctx: RouteContext }> = async (app, { ctx }) => {
  app.get(
    '/people/names',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['people'],
        summary:
          "the display names of the caller's tenant's people (every tenant's for an admin spanning all), for showing who acted",
        response: { 200: PeopleNames, ...errorResponses() },
      },
    },
    async (req) => ({ items: ctx.registry.listDisplayNames({ tenantId: principalOf(req).tenantId }) }),
  )
}
