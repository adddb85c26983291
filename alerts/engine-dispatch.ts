// Hands out what a committed transaction decided: alert changes to the bus, protective commands to the
// command sender (every outcome is recorded on the alert). Runs after the commit, never inside it, so a
// listener or a device that does not answer cannot hold the engine or roll an alert back.
import type { Logger } from 'pino'
import type { Alert, AlertTransition } from '../domain/alerts.ts'
import type { AlertBus, CommandSender } from '../domain/bus.ts'
import type { Outbox } from './engine-apply.ts'
import type { EngineMetrics } from './engine-metrics.ts'
import {
  acknowledgedStep,
  attemptNote,
  attemptOutcome,
  type CommandStepDetail,
  planProtective,
} from './protective-command.ts'

export type Dispatch = (out: Outbox) => void

/** A `command` step on an alert's history, by `auto`: `note` is what the crew reads. */
export type RecordCommand = (alertId: string, note: string, detail: CommandStepDetail) => void

export function createDispatch(deps: {
  bus: AlertBus
  commands?: CommandSender
  metrics: EngineMetrics
  log: Logger
  /** the alert as stored now (after the commit): a later signal of the batch may have cleared it */
  currentAlert(alertId: string): Pick<Alert, 'id' | 'state' | 'severity'> | undefined
  /** the alert's history: its command steps say which attempts were made and how they ended */
  history(alertId: string): AlertTransition[]
  now: () => number
  /** adds the command's outcome, or why it was not sent, to the alert's history */
  recordCommand: RecordCommand
}): Dispatch {
  const { bus, commands, metrics, log } = deps
  /** alerts whose protective command is waiting for its answer: no second attempt meanwhile */
  const inFlight = new Set<string>()
  /**
   * alerts whose protective command the device acknowledged: their retries (one per reading while the port
   * cools) end here, without reading the alert's history each time; dropped when the alert clears
   */
  const acknowledged = new Set<string>()

  const record = (alertId: string, note: string, detail: CommandStepDetail) => {
    try {
      deps.recordCommand(alertId, note, detail)
    } catch (err) {
      metrics.errors.inc({ stage: 'database' })
      log.error({ err, alertId, outcome: detail.outcome }, 'command step not recorded')
    }
  }

  const protect = ({ alert, command, at, retry, charging }: Outbox['commands'][number]) => {
    if (retry && (inFlight.has(alert.id) || (acknowledged.has(alert.id) && !charging))) return
    const steps = deps.history(alert.id)
    if (steps.some((t) => acknowledgedStep(t, command.name))) acknowledged.add(alert.id)
    const plan = planProtective({
      alert: deps.currentAlert(alert.id),
      name: command.name,
      args: command.args,
      decidedAt: at,
      nowMs: deps.now(),
      steps,
      retry: retry === true,
      inFlight: inFlight.has(alert.id),
      charging: charging === true,
    })
    const base = { name: command.name, args: command.args, decidedAt: at }
    if (plan.kind === 'wait') return
    if (plan.kind === 'not_sent') {
      // decided on event time, sent on the wall clock: a stale reading or a closed alert sends nothing
      log.warn(
        { alertId: alert.id, command: command.name, decidedAt: at, reason: plan.reason },
        'protective command not sent',
      )
      record(alert.id, `${command.name} not sent: ${plan.reason}`, { ...base, outcome: 'skipped' })
      return
    }
    if (!commands) {
      log.warn({ alertId: alert.id, command: command.name }, 'no command sender: protective command not sent')
      return
    }
    const { attempt, id } = plan
    if (plan.stillCharging) {
      log.warn(
        { alertId: alert.id, command: command.name, attempt },
        'port still charging after stop_port was acknowledged',
      )
      record(
        alert.id,
        `${command.name} was acknowledged, yet the port still reports charging: asking again (attempt ${attempt})`,
        { ...base, outcome: 'still_charging' },
      )
    }
    inFlight.add(alert.id)
    const settle = (answer: Parameters<typeof attemptOutcome>[0]) => {
      inFlight.delete(alert.id)
      const o = attemptOutcome(answer)
      if (o.outcome === 'ok') acknowledged.add(alert.id)
      if (o.outcome !== 'ok')
        log.warn({ alertId: alert.id, commandId: id, attempt, ...o }, 'protective command failed')
      record(alert.id, attemptNote(command.name, attempt, o), {
        ...base,
        attempt,
        id,
        ...o,
        ...('result' in answer ? { result: answer.result } : {}),
      })
    }
    // a sender that throws at once (device unknown, offline) is an attempt that ended too
    let sent: ReturnType<CommandSender['send']>
    try {
      sent = commands.send({
        deviceId: alert.deviceId,
        name: command.name,
        args: command.args,
        by: 'auto',
        alertId: alert.id,
        id,
      })
    } catch (err) {
      settle({ error: err as Error })
      return
    }
    sent.then(
      (result) => settle({ result }),
      (err: Error) => settle({ error: err }),
    )
  }

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
    for (const c of out.changes) if (c.alert.state === 'cleared') acknowledged.delete(c.alert.id)
    for (const c of out.commands) protect(c)
  }
}
