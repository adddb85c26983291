// POST /devices/{id}/commands (send, wait for the ack) and GET /devices/{id}/commands (the audit).
// Register under /api/v1 behind the bearer-token hook, like api/routes/*.ts.
//
// api.md v1.1 "Commands": a device with no connection to the broker now answers 409 DEVICE_OFFLINE at
// once and nothing is queued for it (a stop_port must not run hours late on reconnect). The connection
// state is the broker's own, not the last-known status (which a Will can lag by 1.5 × keep alive). A
// connected device that does not ack within 10 s answers 504 DEVICE_TIMEOUT, audited as `timeout`; the
// answer names the command id and the audit route that shows whether the device acted later.
// A request may name its command `id`: a retry with the same id is the same command (protocol:
// Commands), not sent again, answered as the first was.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import type { CommandService } from '../../commands/index.ts'
import { COMMAND_ID_RE, COMMAND_RESULTS, type CommandAuditRow } from '../../commands/index.ts'
import { CourtyardError } from '../../domain/errors.ts'
import { COMMAND_NAMES } from '../../domain/protocol.ts'
import { type Principal, principalOf } from '../auth.ts'
import type { RouteContext } from '../context.ts'
import { decodeCursor, EPOCH_MS, encodeCursor } from '../pagination.ts'
import { DEFAULT_LIMIT, errorResponses, IdParams, ListQuery, listOf } from '../schemas.ts'

export const SendCommand = Type.Object(
  {
    id: Type.Optional(
      Type.String({
        pattern: COMMAND_ID_RE.source,
        description:
          'your id for this command (1–64 of A-Z a-z 0-9 . _ : -): a retry with the same id is not sent again and gets the same answer; 409 CONFLICT when the id names another command',
      }),
    ),
    name: Type.Enum(COMMAND_NAMES, {
      description: 'protocol: Commands table; the device kind decides which',
    }),
    args: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'e.g. {"port": 3}; default {}' }),
    ),
  },
  { additionalProperties: false },
)

export const CommandAnswer = Type.Object({
  id: Type.String({ description: 'command id, as in the audit' }),
  ok: Type.Boolean(),
  error: Type.Optional(Type.String({ description: "the device's reason when it refused" })),
})

export const CommandRecord = Type.Object({
  id: Type.String(),
  deviceId: Type.String(),
  name: Type.String(),
  args: Type.Record(Type.String(), Type.Unknown()),
  by: Type.String({
    description:
      '`user:<username>`, `token:<token name>` (an API token) or `auto` (a protective action of an alert)',
  }),
  alertId: Type.Optional(Type.String()),
  requestedAt: Type.Integer({ description: 'epoch ms' }),
  result: Type.Enum(COMMAND_RESULTS, {
    description:
      '`error`: the device refused; `not_sent`: the broker did not take it; `interrupted`: the service stopped while waiting',
  }),
  error: Type.Optional(Type.String()),
  ackAt: Type.Optional(Type.Integer({ description: 'epoch ms of the device ack' })),
  lateAck: Type.Optional(Type.Boolean({ description: 'the ack came after the caller got a timeout' })),
})

/** The audit row as the API shows it (the tenant is implied by who may see it). */
export function commandRecord(r: CommandAuditRow) {
  const { tenantId: _tenantId, ...rest } = r
  return rest
}

export const commandRoutes: FastifyPluginAsyncTypebox<{
  ctx: Pick<RouteContext, 'registry'>
  commands: CommandService
}> = async (app, { ctx, commands }) => {
  const { registry } = ctx

  /** Another tenant's device answers 404, like an unknown one (api/auth.ts). */
  const visibleDevice = (p: Principal, id: string, includeDecommissioned: boolean) => {
    const d = registry.getDevice(id, { tenantId: p.tenantId, includeDecommissioned })
    if (!d) throw new CourtyardError('DEVICE_UNKNOWN', `device ${id} does not exist`)
    return d
  }

  app.post(
    '/devices/:id/commands',
    {
      config: { permission: 'commands:send' },
      schema: {
        tags: ['commands'],
        summary:
          'send a command to a connected device and wait for its ack (≤ 10 s): 200 {ok:false, error} when the device refuses, 409 DEVICE_OFFLINE at once when it is not connected (nothing is queued), 504 DEVICE_TIMEOUT without an ack (its message names the command id to look up in the audit)',
        params: IdParams,
        body: SendCommand,
        response: { 200: CommandAnswer, ...errorResponses(400, 403, 404, 409, 503, 504) },
      },
    },
    async (req) => {
      const p = principalOf(req)
      const device = visibleDevice(p, req.params.id, false)
      const result = await commands.send({
        deviceId: device.id,
        name: req.body.name,
        args: req.body.args ?? {},
        by: p.actor,
        ...(req.body.id === undefined ? {} : { id: req.body.id }),
      })
      // The 5xx answers name the command id, so the caller can find it in the audit: those sentences
      // are ours alone (the broker's own error is only logged, by the command service)
      const audit = `GET /api/v1/devices/${device.id}/commands`
      if (result.result === 'timeout') {
        const within = `${commands.timeoutMs / 1000} s`
        throw new CourtyardError('DEVICE_TIMEOUT', `device ${device.id} did not ack command ${result.id}`, {
          publicMessage: `${device.id} did not ack command ${result.id} within ${within}; ${audit} shows whether it acted later`,
        })
      }
      if (result.result === 'not_sent')
        throw new CourtyardError('NOT_READY', `command ${result.id} to ${device.id}: ${result.error}`, {
          publicMessage: `command ${result.id} was not sent to ${device.id}: the broker did not take it; try again (${audit} lists it as not_sent)`,
        })
      if (result.result === 'interrupted')
        throw new CourtyardError('NOT_READY', `command ${result.id} to ${device.id}: ${result.error}`, {
          publicMessage: `the service stopped while waiting for ${device.id} to ack command ${result.id}; it may have acted: check the device before sending it again (${audit} lists it as interrupted)`,
        })
      // ok, or refused by the device (its reason in `error`)
      return { id: result.id, ok: result.ok, ...(result.error === undefined ? {} : { error: result.error }) }
    },
  )

  app.get(
    '/devices/:id/commands',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['commands'],
        summary: 'the command audit of a device, newest first: who/what/when/result',
        params: IdParams,
        querystring: Type.Object(ListQuery),
        response: { 200: listOf(CommandRecord), ...errorResponses(400, 404) },
      },
    },
    async (req) => {
      const device = visibleDevice(principalOf(req), req.params.id, true)
      const limit = req.query.limit ?? DEFAULT_LIMIT
      // the cursor names its device: another device's `next` is a 400, not a page of this one's audit
      const at = req.query.cursor
        ? decodeCursor<{ at: number; id: string; d: string }>(
            req.query.cursor,
            { at: EPOCH_MS, id: 'string', d: 'string' },
            (c) => c.d === device.id,
          )
        : undefined
      const before = at && { at: at.at, id: at.id }
      const rows = commands.listCommandsForDevice(device.id, { limit: limit + 1, before })
      const items = rows.slice(0, limit).map(commandRecord)
      const last = items[items.length - 1]
      return rows.length > limit && last
        ? { items, next: encodeCursor({ at: last.requestedAt, id: last.id, d: device.id }) }
        : { items }
    },
  )
}
