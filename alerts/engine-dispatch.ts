// Hands out what a committed transaction decided: alert changes to the bus, protective commands to the
// command sender (their result is recorded on the alert). Runs after the commit, never inside it, so a
// listener or a device that does not answer cannot hold the engine or roll an alert back.
import type { Logger } from 'pino'
import type { AlertBus, CommandSender } from '../domain/bus.ts'
import type { Outbox } from './engine-apply.ts'
import type { EngineMetrics } from './engine-metrics.ts'

export type Dispatch = (out: Outbox) => void

export function createDispatch(deps: {
  bus: AlertBus
  commands?: CommandSender
  metrics: EngineMetrics
  log: Logger
  /** adds the command's result to the alert's history */
  recordCommand(alertId: string, detail: Record<string, unknown>): void
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
    for (const { alert, command } of out.commands) {
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
          (result) => deps.recordCommand(alert.id, { name: command.name, args: command.args, result }),
          (err: Error) => log.error({ alertId: alert.id, err: err.message }, 'protective command failed'),
        )
        .catch((err: Error) => log.error({ alertId: alert.id, err: err.message }, 'command audit failed'))
    }
  }
}
