// Protective commands (docs/protocol.md "Commands"): validate against the device's kind, check that the
// device is connected, audit, publish on `devices/{id}/commands`, and resolve with the device's ack from
// `devices/{id}/commands/ack` or `timeout`. One shared ack subscription; pending commands by id.
//
// A command reaches a connected device now or never. It is published at QoS 0, not retained: aedes keeps
// no copy of a QoS 0 message for an offline persistent session, so a device that drops off before it is
// delivered does not run it hours later on reconnect (the caller gets the timeout). The broker also drops
// a command for a device it has no connection of (broker/policy.ts commandRefusal), closing the race
// between our check and the publish. `expiresAt` lets the device itself refuse one that arrives late.
import { randomBytes } from 'node:crypto'
import type { MqttClient } from 'mqtt'
import type { Logger } from 'pino'
import type { Registry as MetricsRegistry } from 'prom-client'
import { Compile } from 'typebox/compile'
import type { AlertsDb } from '../alerts/index.ts'
import type { CommandRequest, CommandResult, CommandSender } from '../domain/bus.ts'
import { CourtyardError } from '../domain/errors.ts'
import { type Command, CommandAck } from '../domain/protocol.ts'
import { parseDeviceTopic, topics } from '../domain/topics.ts'
import type { DeviceDirectory } from '../registry/index.ts'
import {
  type CommandAudit,
  type CommandAuditRow,
  type CommandOutcome,
  createCommandAudit,
} from './command-audit.ts'
import { createCommandMetrics } from './command-metrics.ts'
import { answerFromAudit, COMMAND_ID_RE, isSameCommand } from './repeated-command.ts'
import { validateCommand } from './validate-command.ts'

/** protocol: "A device answers every command on `commands/ack` within 10 s; no answer is a failed command." */
export const COMMAND_TIMEOUT_MS = 10_000
export const ACK_FILTER = 'devices/+/commands/ack'

/** A CommandResult that also says how it ended, so a device error named "timeout" is not our timeout. */
export type SentCommand = CommandResult & { result: Exclude<CommandOutcome, 'pending'> }

export interface CommandService extends CommandSender {
  send(req: CommandRequest): Promise<SentCommand>
  /** how long send() waits for the device's ack before it answers `timeout` */
  readonly timeoutMs: number
  /** Resolves once the broker acknowledged the shared ack subscription. */
  ready: Promise<void>
  /** A command of a tenant's (ids are per tenant: another tenant may use the same one). */
  getCommand(tenantId: string, id: string): CommandAuditRow | undefined
  /** The device's audit, newest first; `before` is the last row of the previous page. */
  listCommandsForDevice(
    deviceId: string,
    page: { limit: number; before?: { at: number; id: string } },
  ): CommandAuditRow[]
  /** Every command sent for an alert, oldest first (for `GET /alerts/{id}`). */
  listCommandsForAlert(alertId: string): CommandAuditRow[]
  /** Stops listening (the subscription stays: the client is shared); commands still waiting resolve `interrupted`. */
  close(): Promise<void>
}

interface Pending {
  id: string
  deviceId: string
  tenantId: string
  name: string
  origin: 'user' | 'auto'
  publishedAt: bigint
  timer: NodeJS.Timeout
  resolve: (r: SentCommand) => void
}

const ACK = Compile(CommandAck)

// neither a device id nor a tenant id has a `/` in it (registry/ids.ts), so these keys cannot collide
const pendingKey = (deviceId: string, id: string): string => `${deviceId}/${id}`
const answerKey = (tenantId: string, id: string): string => `${tenantId}/${id}`

export function createCommandService(deps: {
  /** connected, as service account `svc:api` (may publish `devices/{id}/commands`) */
  mqtt: MqttClient
  /** alerts.db (alerts/db.ts); this service owns the `device_commands` table in it */
  db: AlertsDb
  registry: Pick<DeviceDirectory, 'findDevice'>
  log: Logger
  metrics: MetricsRegistry
  now?: () => number
  timeoutMs?: number
  /** the broker part's view: this device has a connection now (broker/index.ts) */
  isConnected: (deviceId: string) => boolean
  /** `expiresAt` = `ts` + this (protocol v1.1: default 10 s) */
  expiresAfterMs?: number
}): CommandService {
  const { mqtt } = deps
  const log = deps.log.child({ component: 'commands' })
  const now = deps.now ?? Date.now
  const timeoutMs = deps.timeoutMs ?? COMMAND_TIMEOUT_MS
  const metrics = createCommandMetrics(deps.metrics)
  const audit: CommandAudit = createCommandAudit(deps.db)
  const expiresAfterMs = deps.expiresAfterMs ?? COMMAND_TIMEOUT_MS
  /**
   * commands waiting for their ack, by device and id (pendingKey): a command id is the tenant's own, and
   * an ack names its device by its topic
   */
  const pending = new Map<string, Pending>()
  /** answers still being waited for, by tenant and id: a repeated id shares the first request's wait */
  const answers = new Map<string, Promise<SentCommand>>()

  // one process owns alerts.db: a row still pending was left by a process that stopped mid-wait
  const interrupted = audit.interruptPending()
  if (interrupted > 0) log.warn({ count: interrupted }, 'commands interrupted by a restart')

  function finish(
    key: string,
    outcome: { result: Exclude<CommandOutcome, 'pending'>; error?: string; ackAt?: number },
  ): void {
    const p = pending.get(key)
    if (!p) return
    const { id } = p
    pending.delete(key)
    answers.delete(answerKey(p.tenantId, id))
    clearTimeout(p.timer)
    metrics.pending.set(pending.size)
    try {
      audit.settle(p.tenantId, id, outcome)
    } catch (err) {
      // the caller still gets the device's answer; the row stays pending and is marked at the next start
      log.error({ commandId: id, err: (err as Error).message }, 'command audit update failed')
    }
    metrics.sent.inc({ name: p.name, origin: p.origin, result: outcome.result })
    if (outcome.ackAt !== undefined)
      metrics.ackSeconds.observe({ name: p.name }, Number(process.hrtime.bigint() - p.publishedAt) / 1e9)
    const ctx = { commandId: id, deviceId: p.deviceId, name: p.name, result: outcome.result }
    if (outcome.result === 'ok') log.info(ctx, 'command acknowledged')
    else log.warn({ ...ctx, error: outcome.error }, 'command failed')
    p.resolve(
      outcome.result === 'ok'
        ? { id, ok: true, result: 'ok' }
        : { id, ok: false, error: outcome.error ?? outcome.result, result: outcome.result },
    )
  }

  const onMessage = (topic: string, payload: Buffer): void => {
    // the service client carries the live feed's messages too: a cheap suffix test first
    if (!topic.endsWith('/commands/ack')) return
    const t = parseDeviceTopic(topic)
    if (t?.channel !== 'commands/ack') return
    let ack: unknown
    try {
      ack = JSON.parse(payload.toString('utf8'))
    } catch {
      ack = undefined
    }
    if (!ACK.Check(ack)) {
      log.warn({ deviceId: t.deviceId }, 'command ack rejected')
      return
    }
    // a device publishes only under its own subtree (broker policy): the key holds the topic's device,
    // so an ack naming another device's command finds nothing to settle, here or in the audit
    const key = pendingKey(t.deviceId, ack.id)
    const p = pending.get(key)
    const at = now()
    if (!p) {
      // after a timeout, or a duplicate QoS 1 delivery: only a timed-out row of this device takes it, once
      try {
        if (audit.recordLateAck(ack.id, t.deviceId, { ok: ack.ok, error: ack.error, at }))
          log.warn({ commandId: ack.id, deviceId: t.deviceId, ok: ack.ok }, 'command acknowledged late')
        // a repeat of an ack already taken, or one naming another device's command: debug, since a device
        // can send these as fast as it likes
        else
          log.debug(
            { commandId: ack.id, deviceId: t.deviceId },
            'command ack matches no command of its device',
          )
      } catch (err) {
        log.error({ commandId: ack.id, err: (err as Error).message }, 'command audit update failed')
      }
      return
    }
    finish(key, {
      result: ack.ok ? 'ok' : 'error',
      error: ack.ok ? undefined : (ack.error ?? 'the device refused the command'),
      ackAt: at,
    })
  }
  mqtt.on('message', onMessage)
  const ready = mqtt
    .subscribeAsync(ACK_FILTER, { qos: 1 })
    .then(() => undefined)
    .catch((err: Error) => {
      // mqtt.js subscribes again on reconnect; until then commands time out and say so
      log.error({ err: err.message }, 'command ack subscribe failed')
    })

  return {
    ready,
    timeoutMs,
    async send(req: CommandRequest): Promise<SentCommand> {
      const device = deps.registry.findDevice(req.deviceId)
      if (!device) throw new CourtyardError('DEVICE_UNKNOWN', `device ${req.deviceId} does not exist`)
      const cmd = validateCommand(device.kind, req.name, req.args)
      if (req.id !== undefined) {
        if (!COMMAND_ID_RE.test(req.id))
          throw new CourtyardError('BAD_REQUEST', 'a command id is 1-64 of A-Z a-z 0-9 . _ : -')
        // the same id is the same command: join its wait, or get the answer it got
        const known = answers.get(answerKey(device.tenantId, req.id))
        const row = audit.get(device.tenantId, req.id)
        if (row !== undefined || known !== undefined) {
          if (row === undefined || !isSameCommand(row, { deviceId: device.id, ...cmd }))
            throw new CourtyardError('CONFLICT', `command id ${req.id} was already used for another command`)
          log.info({ commandId: req.id, deviceId: device.id }, 'command repeated: not sent again')
          metrics.repeated.inc({ name: cmd.name })
          return known ?? answerFromAudit(row)
        }
      }
      // not queued for later (protocol: Commands): an offline device gets nothing, now or on reconnect
      if (!deps.isConnected(device.id)) {
        metrics.offline.inc({ name: cmd.name })
        log.info({ deviceId: device.id, name: cmd.name, by: req.by }, 'command refused: device offline')
        throw new CourtyardError('DEVICE_OFFLINE', `device ${device.id} is not connected; nothing was sent`)
      }
      if (!mqtt.connected)
        throw new CourtyardError(
          'NOT_READY',
          'the service is not connected to its broker; nothing was sent',
          {
            publicMessage:
              'the service is not connected to its MQTT broker right now; nothing was sent, try again shortly',
          },
        )
      const id = req.id ?? `cmd-${randomBytes(9).toString('base64url')}`
      const ts = now()
      // audited before the publish, so a command is on record even if the process dies right after
      audit.insert({
        id,
        deviceId: device.id,
        tenantId: device.tenantId,
        name: cmd.name,
        args: cmd.args,
        by: req.by,
        alertId: req.alertId,
        requestedAt: ts,
      })
      log.info(
        { commandId: id, deviceId: device.id, name: cmd.name, by: req.by, alertId: req.alertId },
        'command sent',
      )
      const key = pendingKey(device.id, id)
      const result = new Promise<SentCommand>((resolve) => {
        pending.set(key, {
          id,
          deviceId: device.id,
          tenantId: device.tenantId,
          name: cmd.name,
          origin: req.by === 'auto' ? 'auto' : 'user',
          publishedAt: process.hrtime.bigint(),
          timer: setTimeout(() => finish(key, { result: 'timeout', error: 'timeout' }), timeoutMs),
          resolve,
        })
      })
      answers.set(answerKey(device.tenantId, id), result)
      metrics.pending.set(pending.size)
      const message: Command = { id, name: cmd.name, args: cmd.args, ts, expiresAt: ts + expiresAfterMs }
      mqtt
        .publishAsync(topics.commands(device.id), JSON.stringify(message), { qos: 0, retain: false })
        .catch((err: Error) => {
          // e.g. the broker refused the topic; the ack wait would only end in a timeout
          log.error({ commandId: id, err: err.message }, 'command publish failed')
          finish(key, { result: 'not_sent', error: 'the broker did not take the command' })
        })
      return result
    },
    getCommand: (tenantId, id) => audit.get(tenantId, id),
    listCommandsForDevice: (deviceId, page) => audit.listForDevice(deviceId, page),
    listCommandsForAlert: (alertId) => audit.listForAlert(alertId),
    async close() {
      mqtt.off('message', onMessage)
      for (const key of [...pending.keys()])
        finish(key, { result: 'interrupted', error: 'the service stopped while waiting for the ack' })
    },
  }
}
