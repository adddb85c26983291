// Automatic protective actions (domain.md: "auto `stop_port` at critical" overheat): when an alert change
// carries the command its rule asked for, send it as `auto` with the alert's id, once per alert.
import type { Logger } from 'pino'
import type { AlertBus, AlertChange, CommandResult, CommandSender } from '../alerts/types.ts'

export interface ProtectiveActions {
  /** Resolves when every command started so far has its answer (tests, shutdown). */
  idle(): Promise<void>
  /** Stops listening to the bus; commands in flight still finish. */
  close(): void
}

export function createProtectiveActions(deps: {
  bus: AlertBus
  /** with the audit lookup, "once per alert" also holds across a restart */
  commands: CommandSender & { listCommandsForAlert?(alertId: string): { name: string; by: string }[] }
  log: Logger
  /** adds the `command` step to the alert's history (the engine's `record`), once the result is known */
  record?: (alertId: string, kind: 'command', by: string, detail: Record<string, unknown>) => void
}): ProtectiveActions {
  const { bus, commands } = deps
  const log = deps.log.child({ component: 'protective-actions' })
  /** alert id → names of commands this process sent for it; dropped when the alert clears */
  const sent = new Map<string, Set<string>>()
  const inFlight = new Set<Promise<unknown>>()

  const alreadySent = (alertId: string, name: string): boolean => {
    if (sent.get(alertId)?.has(name)) return true
    try {
      return commands.listCommandsForAlert?.(alertId).some((c) => c.by === 'auto' && c.name === name) ?? false
    } catch (err) {
      // without the audit we cannot tell: a second stop_port is harmless, a missing one is not
      log.warn({ alertId, err: (err as Error).message }, 'command audit lookup failed')
      return false
    }
  }

  const act = async (change: AlertChange, command: NonNullable<AlertChange['command']>) => {
    const { alert } = change
    const ctx = { alertId: alert.id, deviceId: alert.deviceId, name: command.name }
    let result: CommandResult
    try {
      result = await commands.send({
        deviceId: alert.deviceId,
        name: command.name,
        args: command.args,
        by: 'auto',
        alertId: alert.id,
      })
    } catch (err) {
      // a rule asking for a command its device does not take is a bug in the rule: say so loudly
      log.error({ ...ctx, err: (err as Error).message }, 'protective command rejected')
      return
    }
    if (result.ok) log.info({ ...ctx, commandId: result.id }, 'protective command acknowledged')
    else log.warn({ ...ctx, commandId: result.id, error: result.error }, 'protective command failed')
    try {
      deps.record?.(alert.id, 'command', 'auto', { name: command.name, args: command.args, result })
    } catch (err) {
      log.error({ ...ctx, err: (err as Error).message }, 'command step not recorded on the alert')
    }
  }

  const onChange = (change: AlertChange): void => {
    const { alert, command } = change
    if (alert.state === 'cleared') {
      sent.delete(alert.id)
      return
    }
    if (!command || alreadySent(alert.id, command.name)) return
    const names = sent.get(alert.id) ?? new Set<string>()
    sent.set(alert.id, names.add(command.name))
    // the bus emits synchronously: the send (SQLite audit, publish) starts after the other listeners
    const p = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => act(change, command))
      .finally(() => inFlight.delete(p))
    inFlight.add(p)
  }
  bus.on('change', onChange)

  return {
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight])
    },
    close() {
      bus.off('change', onChange)
    },
  }
}
