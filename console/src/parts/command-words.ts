// A command and how it ended, in the page's language, from its name, arguments and result (the audit's
// structured fields), not as `stop_port {"port":2} · ok`; and why sending one failed (device offline, no
// answer in time, not sent), from the API's error code rather than its English sentence.
import type { CommandName } from '../../../domain/protocol.ts'
import type { CommandRecord } from '../types.ts'
import type { Failure } from './error-text.ts'
import { errorText } from './error-text.ts'
import { known, type Words, withValue } from './words.ts'

export const COMMAND_LIST = [
  'stop_port',
  'enable_port',
  'disable_port',
  'set_power',
  'set_brightness',
  'ping',
] as const satisfies readonly CommandName[]
type Missing = Exclude<CommandName, (typeof COMMAND_LIST)[number]>
export const noMissingCommand: [Missing] extends [never] ? true : Missing = true

const RESULTS = ['pending', 'ok', 'error', 'timeout', 'not_sent', 'interrupted'] as const
/** what the command service says when a device refuses without a reason (commands/command-service.ts) */
const NO_REASON = 'the device refused the command'

/** `停止 2 号端口充电` / `Stop charging on port 2`; a command unknown here by its name and arguments */
export function commandText(
  c: { name: string; args?: Record<string, unknown>; by?: string },
  w: Words,
): string {
  const { tr, f } = w
  const args = c.args ?? {}
  const port = typeof args.port === 'number' ? args.port : undefined
  let text: string
  switch (c.name) {
    case 'stop_port':
    case 'enable_port':
    case 'disable_port':
      text = port === undefined ? tr(`command.${c.name}`) : tr(`cmdText.${c.name}`, { port })
      break
    case 'set_power':
      text =
        typeof args.on === 'boolean'
          ? tr(args.on ? 'cmdText.powerOn' : 'cmdText.powerOff')
          : tr('command.set_power')
      break
    case 'set_brightness':
      text =
        typeof args.pct === 'number'
          ? tr('cmdText.set_brightness', { pct: f.percent(args.pct) })
          : tr('command.set_brightness')
      break
    case 'ping':
      text = tr('command.ping')
      break
    default: {
      // a command added after this console was built: its name and arguments, readable
      const list = Object.entries(args)
        .map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(', ')
      text = withValue(w, tr('cmdText.unknown', { name: c.name }), list || undefined)
    }
  }
  // a person's or an integration's reason, as they wrote it; the automatic stop's is the alert's own
  // threshold in English, which the alert it belongs to says already
  const reason =
    typeof args.reason === 'string' && args.reason !== '' && c.by !== 'auto' ? args.reason : undefined
  return reason === undefined ? text : tr('cmdText.reason', { what: text, reason })
}

/** How it ended: `设备已执行`, `设备拒绝执行：“端口占用”`, `设备没有按时应答` … */
export function commandResult(c: Pick<CommandRecord, 'result' | 'error' | 'lateAck'>, w: Words): string {
  const { tr } = w
  if (!known(RESULTS, c.result)) return tr('cmdResult.unknown', { result: String(c.result) })
  switch (c.result) {
    case 'ok':
      return tr(c.lateAck ? 'cmdResult.okLate' : 'cmdResult.ok')
    case 'error':
      // the device's own words, if it gave any: quoted, as it is its text and not ours
      return c.error && c.error !== NO_REASON
        ? tr(c.lateAck ? 'cmdResult.errorLateWhy' : 'cmdResult.errorWhy', { why: c.error })
        : tr('cmdResult.error')
    default:
      return tr(`cmdResult.${c.result}`)
  }
}

const FAILURE_CODES = ['DEVICE_OFFLINE', 'DEVICE_TIMEOUT', 'NOT_READY'] as const

/** Why a command could not be sent or answered, said in the page's words where the API's code is known. */
export function commandFailure(e: Failure, w: Words): string {
  if (known(FAILURE_CODES, e.code)) return w.tr(`cmdFail.${e.code}`)
  return errorText(e, w.tr)
}

const STEP_OUTCOMES = [
  'ok',
  'refused',
  'timeout',
  'offline',
  'not_sent',
  'interrupted',
  'skipped',
  'still_charging',
] as const

/**
 * An automatic protective command on an alert's history (a `command` step by `auto`; its `detail` as
 * alerts/protective-command.ts writes it: name, args, outcome, attempt, error), instead of the engine's
 * English note: `停止 3 号端口充电 · 设备已执行`. Undefined when the step carries no such detail.
 */
export function commandStepText(detail: Record<string, unknown> | undefined, w: Words): string | undefined {
  if (!detail || typeof detail.name !== 'string') return undefined
  const { tr } = w
  const args =
    typeof detail.args === 'object' && detail.args !== null ? (detail.args as Record<string, unknown>) : {}
  let what = commandText({ name: detail.name, args, by: 'auto' }, w)
  if (typeof detail.attempt === 'number' && detail.attempt > 1)
    what = tr('cmdStep.attempt', { what, n: detail.attempt })
  const error = typeof detail.error === 'string' ? detail.error : undefined
  const retry = (s: string) => tr('cmdStep.retry', { what: s })
  if (!known(STEP_OUTCOMES, detail.outcome))
    return `${what} · ${tr('cmdResult.unknown', { result: String(detail.outcome) })}`
  let outcome: string
  switch (detail.outcome) {
    case 'ok':
      outcome = tr('cmdResult.ok')
      break
    case 'refused':
      outcome = retry(commandResult({ result: 'error', error }, w))
      break
    case 'offline':
      outcome = retry(tr('cmdStep.offline'))
      break
    case 'timeout':
    case 'not_sent':
    case 'interrupted':
      outcome = retry(tr(`cmdResult.${detail.outcome}`))
      break
    case 'skipped':
      outcome = tr('cmdStep.skipped')
      break
    case 'still_charging':
      outcome = tr('cmdStep.stillCharging')
      break
  }
  return `${what} · ${outcome}`
}
