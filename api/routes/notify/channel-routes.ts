// /notification-channels: webhook and email channels; secrets answered once, never listed.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { CourtyardError } from '../../../domain/errors.ts'
import type { Channel } from '../../../notify/index.ts'
import { principalOf } from '../../auth.ts'
import { pageById } from '../../pagination.ts'
import { errorResponses, IdParams, ListQuery, listOf } from '../../schemas.ts'
import { channelView, type NotifyRouteDeps, newSecret, tags } from './route-helpers.ts'
import { ChannelView, ChannelWithSecret, CreateChannel, UpdateChannel } from './schemas.ts'

export const channelRoutes: FastifyPluginAsyncTypebox<NotifyRouteDeps> = async (app, { config, helpers }) => {
  const { tenantFor, found, checkChannel } = helpers
  app.post(
    '/notification-channels',
    {
      config: { permission: 'notify:write' },
      schema: {
        tags,
        summary: 'create a webhook or email channel; a webhook secret is answered once',
        body: CreateChannel,
        response: { 201: ChannelWithSecret, ...errorResponses(400, 403, 404) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req)
      const b = req.body
      checkChannel(b)
      const tenantId = tenantFor(p, b.tenantId)
      const channel =
        b.type === 'webhook'
          ? config.createChannel({
              tenantId,
              name: b.name,
              type: 'webhook',
              config: { url: b.url!, format: b.format ?? 'json' },
              // our own JSON is always signed; the robots sign only when their security setting asks for it
              secret: b.secret ?? ((b.format ?? 'json') === 'json' ? newSecret() : undefined),
            })
          : config.createChannel({ tenantId, name: b.name, type: 'email', config: { to: b.to! } })
      return reply
        .status(201)
        .send({ ...channelView(channel), ...(channel.secret && { secret: channel.secret }) })
    },
  )

  app.get(
    '/notification-channels',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: 'channels (secrets never shown)',
        querystring: Type.Object(ListQuery),
        response: { 200: listOf(ChannelView), ...errorResponses(400) },
      },
    },
    async (req) => {
      const scope = principalOf(req).tenantId
      const page = pageById('notification-channels', (pg) => config.listChannels(scope, pg), req.query)
      return { ...page, items: page.items.map(channelView) }
    },
  )

  app.get(
    '/notification-channels/:id',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: 'one channel',
        params: IdParams,
        response: { 200: ChannelView, ...errorResponses(404) },
      },
    },
    async (req) =>
      channelView(
        found(
          config.getChannel(req.params.id, principalOf(req).tenantId),
          'notification channel',
          req.params.id,
        ),
      ),
  )

  app.patch(
    '/notification-channels/:id',
    {
      config: { permission: 'notify:write' },
      schema: {
        tags,
        summary: 'change a channel; rotateSecret answers the new secret once',
        params: IdParams,
        body: UpdateChannel,
        response: { 200: ChannelWithSecret, ...errorResponses(400, 403, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req)
      const c = found(config.getChannel(req.params.id, p.tenantId), 'notification channel', req.params.id)
      const b = req.body
      checkChannel({
        type: c.type,
        url: b.url ?? (c.type === 'webhook' ? c.config.url : undefined),
        to: b.to ?? (c.type === 'email' ? c.config.to : undefined),
        format: b.format,
      })
      let secret = c.secret
      let shown: string | undefined
      if (b.removeSecret) secret = undefined
      if (b.secret) secret = shown = b.secret
      if (b.rotateSecret) secret = shown = newSecret()
      const next: Channel =
        c.type === 'webhook'
          ? {
              ...c,
              name: b.name ?? c.name,
              config: { url: b.url ?? c.config.url, format: b.format ?? c.config.format },
              secret,
            }
          : { ...c, name: b.name ?? c.name, config: { to: b.to ?? c.config.to } }
      const saved = config.updateChannel(next)
      return { ...channelView(saved), ...(shown && { secret: shown }) }
    },
  )

  app.delete(
    '/notification-channels/:id',
    {
      config: { permission: 'notify:write' },
      schema: {
        tags,
        summary: 'delete a channel no route uses',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(403, 404, 409) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req)
      const c = found(config.getChannel(req.params.id, p.tenantId), 'notification channel', req.params.id)
      const users = config.routesUsingChannel(c.id)
      if (users.length)
        throw new CourtyardError(
          'CONFLICT',
          `channel ${c.id} is used by routes ${users.join(', ')}: change them first`,
        )
      config.deleteChannel(c.id)
      return reply.status(204).send(null)
    },
  )
}
