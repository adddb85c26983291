// Liveness, readiness and Prometheus metrics: the only routes without a token.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Registry as MetricsRegistry } from 'prom-client'
import Type from 'typebox'

export interface Readiness {
  ok: boolean
  checks: Record<string, unknown>
}

const ReadyBody = Type.Object({
  ok: Type.Boolean(),
  checks: Type.Record(Type.String(), Type.Unknown()),
  error: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
})

export const healthRoutes: FastifyPluginAsyncTypebox<{
  readiness: () => Promise<Readiness>
  metrics: MetricsRegistry
}> = async (app, opts) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'liveness',
        response: { 200: Type.Object({ ok: Type.Boolean() }) },
      },
    },
    async () => ({ ok: true }),
  )

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'readiness: broker listening, InfluxDB reachable, spool state',
        response: { 200: ReadyBody, 503: ReadyBody },
      },
    },
    async (req, reply) => {
      let r: Readiness
      try {
        r = await opts.readiness()
      } catch (err) {
        req.log.warn({ err }, 'readiness check failed')
        r = { ok: false, checks: { readiness: 'the readiness check itself failed' } }
      }
      if (r.ok) return { ok: true, checks: r.checks }
      const failing = Object.keys(r.checks).join(', ')
      return reply.status(503).send({
        ok: false,
        checks: r.checks,
        error: 'NOT_READY',
        message: `the service is not ready yet: see checks (${failing})`,
      })
    },
  )

  app.get(
    '/metrics',
    { schema: { tags: ['health'], summary: 'Prometheus text format' } },
    async (_req, reply) => {
      const text = await opts.metrics.metrics()
      return reply.type(opts.metrics.contentType).send(text)
    },
  )
}
