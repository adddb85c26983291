// What the stray-wire detector knows of a circuit's normal: the loads it learned on its own (lights at
// dusk, compressor runs) and what crews told it ("not charging: lights" when clearing an alert). Listed
// per device; any of them can be undone, after which such a load alerts again.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { createStrayWireFeedback, handedOverTo, SIGNATURE_KINDS } from '../../alerts/index.ts'
import { CourtyardError } from '../../domain/errors.ts'
import { type Principal, principalOf } from '../auth.ts'
import type { RouteContext } from '../context.ts'
import { errorResponses, Id } from '../schemas.ts'
import type { AlertActions } from './alerts.ts'

const Signature = Type.Object({
  id: Type.String(),
  kind: Type.Enum(SIGNATURE_KINDS),
  source: Type.Enum(['learned', 'crew'], {
    description: 'learned: from the circuit\'s own history; crew: an alert cleared as "not charging"',
  }),
  levelW: Type.Number({ description: 'the load over the background, W' }),
  harmonicRatio: Type.Union([Type.Number(), Type.Null()], { description: 'harmonic VA per W' }),
  window: Type.Union([Type.Object({ fromMin: Type.Integer(), toMin: Type.Integer() }), Type.Null()], {
    description: 'local minutes of day it is on (lights); null: any time',
  }),
  count: Type.Integer(),
  longestMin: Type.Optional(
    Type.Integer({
      description:
        'compressors: its longest run seen whole, min; a load taken for it that holds far longer is raised',
    }),
  ),
  timedRuns: Type.Optional(
    Type.Integer({ description: 'compressors: how many of its runs were seen whole' }),
  ),
  firstTs: Type.Integer(),
  lastTs: Type.Integer(),
  alertId: Type.Optional(Type.String()),
  note: Type.Optional(Type.String()),
  handedTo: Type.Optional(
    Type.Array(Type.String(), {
      description:
        "crew compressors on a meter without PF and THD: the ids of the circuit's own compressors (learned, " +
        'listed here too) that now account for it by watts; loads of its level are judged by those, and ' +
        "undoing them gives it back. Absent while the crew's answer is in force",
    }),
  ),
})

const Learned = Type.Object({ deviceId: Type.String(), items: Type.Array(Signature) })

/** `user:<username>` or `token:<token name>`, as in alert histories */
const who = (p: Principal) => p.actor

export const strayWireLearnedRoutes: FastifyPluginAsyncTypebox<{
  ctx: RouteContext
  engine: Pick<AlertActions, 'store' | 'settingsChanged'>
}> = async (app, opts) => {
  const { ctx, engine } = opts
  const feedback = createStrayWireFeedback(engine.store.db)

  const visibleDevice = (tenantId: string | null, id: string) => {
    const d = ctx.registry.getDevice(id, { tenantId })
    if (!d) throw new CourtyardError('DEVICE_UNKNOWN', `device ${id} does not exist`)
    return d
  }
  const items = (id: string) => {
    const keep = ({ lastMatchTs: _m, ...s }: Record<string, unknown>) => s
    const { taught, forget } = feedback.forDevice(id)
    const learned = feedback.learned(id)
    const crew = taught.map((t) => {
      const handedTo = handedOverTo(t, learned, forget)
      return handedTo.length > 0 ? { ...t, handedTo } : t
    })
    return [...crew, ...learned].map((s) => keep(s as unknown as Record<string, unknown>))
  }

  app.get(
    '/devices/:id/stray-wire/learned',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['alerts'],
        summary: "the loads the stray-wire detector takes for this circuit's normal (learned and taught)",
        params: Type.Object({ id: Id }),
        response: { 200: Learned, ...errorResponses(404) },
      },
    },
    async (req) => {
      visibleDevice(principalOf(req).tenantId, req.params.id)
      return { deviceId: req.params.id, items: items(req.params.id) as never }
    },
  )

  app.delete(
    '/devices/:id/stray-wire/learned/:sig',
    {
      // what the detector takes for a charger is an alert setting of the device
      config: { permission: 'settings:write' },
      schema: {
        tags: ['alerts'],
        summary: 'forget one: such a load is taken for a charger again',
        params: Type.Object({ id: Id, sig: Type.String({ minLength: 1, maxLength: 120 }) }),
        response: { 200: Learned, ...errorResponses(403, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req)
      const { id, sig } = req.params
      visibleDevice(p.tenantId, id)
      const now = ctx.now()
      if (!feedback.undoTaught(id, sig, who(p), now)) {
        const learned = feedback.learned(id).find((s) => s.id === sig)
        if (!learned) throw new CourtyardError('NOT_FOUND', `device ${id} has no learned load ${sig}`)
        feedback.forgetLearned(id, learned, who(p), now)
      }
      engine.settingsChanged('device', id)
      req.log.info({ deviceId: id, signature: sig, by: who(p) }, 'stray-wire learned load forgotten')
      return { deviceId: id, items: items(id) as never }
    },
  )
}
