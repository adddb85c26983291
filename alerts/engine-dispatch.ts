// Hands out what a committed transaction decided: alert changes to the bus, protective commands to the
// command sender (their result is recorded on the alert). Runs after the commit, never inside it, so a
// listener or a device that does not answer cannot hold the engine or roll an alert back.
import type { Logger } from 'pino'
import type { Alert } from '../domain/alerts.ts'
import type { AlertBus, CommandSender } from '../domain/bus.ts'
import type { Outbox } from './engine-apply.ts'
import type { EngineMetrics } from './engine-metrics.ts'
import { protectiveVerdict } from './protective-command.ts'

export type Dispatch = (out: Outbox) => void

/** A `command` step on an alert's history, by `auto`: `note` is what the crew reads. */
export type RecordCommand = (
  alertId: string,
  note: string | undefined,
  detail: Record<string, unknown>,
) => void

export function createDispatch(deps: {
  bus: AlertBus
  commands?: CommandSender
  metrics: EngineMetrics
  log: Logger
  /** the alert as stored now (after the commit): a later signal of the batch may have cleared it */
  currentAlert(alertId: string): Pick<Alert, 'state'> | undefined
  now: () => number
  /** adds the command's result, or why it was not sent, to the alert's history */
  recordCommand: RecordCommand
}): Dispatch {
  const { bus, commands, metrics, log } = deps
  return (out) => {
    for (const c of out.changes) {
      try {
        bus.emit('change', c)
      } catch (err) {
        // a listener's failure must not stop the engine nor the other listeners' next changes
        metrics.errors.inc({ stage: 'listener' })
        log.error({ err, alertId: c.alert.id }, 'alert listener failed')
      }
    }
    for (const { alert, command, at } of out.commands) {
      // decided on event time, sent on the wall clock: a stale reading or a closed alert sends nothing
      const verdict = protectiveVerdict(deps.currentAlert(alert.id), at, deps.now())
      if (!verdict.send) {
        log.warn(
          { alertId: alert.id, command: command.name, decidedAt: at, reason: verdict.reason },
          'protective command not sent',
        )
        deps.recordCommand(alert.id, `${command.name} not sent: ${verdict.reason}`, {
          name: command.name,
          args: command.args,
          outcome: 'skipped',
          decidedAt: at,
        })
        continue
      }
      if (!commands) {
        log.warn(
          { alertId: alert.id, command: command.name },
          'no command sender: protective command not sent',
        )
        continue
      }
      commands
        .send({
          deviceId: alert.deviceId,
          name: command.name,
          args: command.args,
          by: 'auto',
          alertId: alert.id,
        })
        .then(
          (result) =>
            deps.recordCommand(alert.id, undefined, { name: command.name, args: command.args, result }),
          (err: Error) => log.error({ alertId: alert.id, err: err.message }, 'protective command failed'),
        )
        .catch((err: Error) => log.error({ alertId: alert.id, err: err.message }, 'command audit failed'))
    }
  }
}
