// Provisioning, listing (with online / lastSeen / latest reading), decommissioning, secret rotation.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { CourtyardError } from '../../domain/errors.ts'
import type { Device } from '../../registry/index.ts'
import { type Principal, principalOf } from '../auth.ts'
import type { RouteContext } from '../context.ts'
import { listCursor, pageByIdFiltered } from '../pagination.ts'
import {
  CreateDevice,
  Device as DeviceSchema,
  errorResponses,
  Id,
  IdParams,
  ListQuery,
  listOf,
  ProvisionedDevice,
  RotatedSecret,
} from '../schemas.ts'

/** The list's filters as its cursor carries them (`includeDecommissioned` with its default). */
const DeviceFilters = Type.Object(
  { siteId: Type.Optional(Id), includeDecommissioned: Type.Boolean() },
  { additionalProperties: false },
)
const devicesCursor = listCursor<{ after: string }, typeof DeviceFilters>({
  position: { after: 'string' },
  filters: DeviceFilters,
})

export const deviceRoutes: FastifyPluginAsyncTypebox<{ ctx: RouteContext }> = async (app, { ctx }) => {
  const { registry } = ctx

  const withState = async (devices: Device[]) => {
    const state = await ctx.state.forDevices(devices)
    return devices.map((d) => ({ ...d, ...(state.get(d.id) ?? { online: false }) }))
  }

  /** A device the principal may see (decommissioned ones too, for history), or 404. */
  const visibleDevice = (p: Principal, id: string, includeDecommissioned = true): Device => {
    const d = registry.getDevice(id, { tenantId: p.tenantId, includeDecommissioned })
    if (!d) throw new CourtyardError('DEVICE_UNKNOWN', `device ${id} does not exist`)
    return d
  }

  app.post(
    '/devices',
    {
      config: { permission: 'devices:write' },
      schema: {
        tags: ['devices'],
        summary: 'provision a device; the answer carries its MQTT secret, shown only once',
        body: CreateDevice,
        response: { 201: ProvisionedDevice, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req)
      if (!registry.getSite(req.body.siteId, { tenantId: p.tenantId }))
        throw new CourtyardError('NOT_FOUND', `site ${req.body.siteId} does not exist`)
      const { device, secret } = await registry.provisionDevice(req.body)
      req.log.info({ deviceId: device.id, siteId: device.siteId }, 'device provisioned')
      await ctx.deviceAdded(device)
      return reply.status(201).send({ ...device, secret })
    },
  )

  app.get(
    '/devices',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['devices'],
        summary: 'list devices with online, lastSeen and the latest reading',
        querystring: Type.Object({
          ...ListQuery,
          siteId: Type.Optional(Id),
          includeDecommissioned: Type.Optional(Type.Boolean({ description: 'default false' })),
        }),
        response: { 200: listOf(DeviceSchema), ...errorResponses(400, 503) },
      },
    },
    async (req) => {
      const { tenantId } = principalOf(req)
      const { siteId, includeDecommissioned } = req.query
      // a later page lists what the first was asked for, with the cursor alone or the same filters again
      const page = pageByIdFiltered(
        devicesCursor,
        (pg, filters) => registry.listDevices({ ...pg, tenantId, ...filters }),
        req.query,
        { siteId, includeDecommissioned },
        () => ({ siteId, includeDecommissioned: includeDecommissioned ?? false }),
      )
      return { ...page, items: await withState(page.items) }
    },
  )

  app.get(
    '/devices/:id',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['devices'],
        summary: 'one device with online, lastSeen and the latest reading',
        params: IdParams,
        response: { 200: DeviceSchema, ...errorResponses(404, 503) },
      },
    },
    async (req) => {
      const [d] = await withState([visibleDevice(principalOf(req), req.params.id)])
      return d!
    },
  )

  app.delete(
    '/devices/:id',
    {
      config: { permission: 'devices:write' },
      schema: {
        tags: ['devices'],
        summary:
          'decommission: the device is disconnected at once; its history stays and its id is not reused',
        params: IdParams,
        response: {
          200: Type.Omit(DeviceSchema, ['online', 'lastSeen', 'reading']),
          ...errorResponses(403, 404, 409),
        },
      },
    },
    async (req) => {
      const p = principalOf(req)
      visibleDevice(p, req.params.id)
      const d = registry.decommissionDevice(req.params.id)
      req.log.info({ deviceId: d.id }, 'device decommissioned')
      await ctx.revoke(d.id)
      return d
    },
  )

  app.post(
    '/devices/:id/rotate-secret',
    {
      config: { permission: 'devices:write' },
      schema: {
        tags: ['devices'],
        summary: 'issue a new secret; the old one stops working and the device is disconnected',
        params: IdParams,
        response: { 200: RotatedSecret, ...errorResponses(403, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req)
      visibleDevice(p, req.params.id, false)
      const secret = await registry.rotateDeviceSecret(req.params.id)
      req.log.info({ deviceId: req.params.id }, 'device secret rotated')
      await ctx.revoke(req.params.id)
      return { id: req.params.id, secret }
    },
  )
}
