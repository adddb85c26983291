// A repeated command id is the same command (protocol: Commands): it is not sent again, and the caller
// gets the answer the first request got (or is getting). Pure helpers over the audit row.
import { unreachable } from '../domain/errors.ts'
import type { CommandAuditRow } from './command-audit.ts'
import type { SentCommand } from './command-service.ts'

/** Client-chosen command ids: short, printable, safe in a log line and an MQTT payload. */
export const COMMAND_ID_RE = /^[A-Za-z0-9._:-]{1,64}$/

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` are the same arguments. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(v)
}

/** The audit row records this very command (same device, name and arguments). */
export function isSameCommand(
  row: CommandAuditRow,
  cmd: { deviceId: string; name: string; args: Record<string, unknown> },
): boolean {
  return row.deviceId === cmd.deviceId && row.name === cmd.name && canonical(row.args) === canonical(cmd.args)
}

/** The answer a settled command's caller got, as the audit keeps it (a late ack included). */
export function answerFromAudit(row: CommandAuditRow): SentCommand {
  switch (row.result) {
    case 'ok':
      return { id: row.id, ok: true, result: 'ok' }
    case 'error':
    case 'timeout':
    case 'not_sent':
    case 'interrupted':
      return { id: row.id, ok: false, error: row.error ?? row.result, result: row.result }
    case 'pending':
      // only a process that stopped mid-wait leaves one (and the next start marks it interrupted)
      return {
        id: row.id,
        ok: false,
        error: 'the service stopped while waiting for the ack',
        result: 'interrupted',
      }
    default:
      return unreachable(row.result, 'command result')
  }
}
