// A device's event in the page's language, from its name and fields (protocol.md "Events"), not as
// `port_fault · short_circuit`. What a device wrote in its own words (a room's or door's name, a
// reboot's reason) is shown as it wrote it; an event unknown here reads as one.
import type { EventName, SESSION_END_REASONS } from '../../../domain/protocol.ts'
import { readableCode } from '../i18n/translate.ts'
import { faultName, wanderingText } from './alert-words.ts'
import { known, portName, type Words, withValue } from './words.ts'

type EndReason = (typeof SESSION_END_REASONS)[number]
const END_REASONS = [
  'full',
  'unplugged',
  'fault',
  'remote_stop',
  'timeout',
] as const satisfies readonly EndReason[]
type MissingReason = Exclude<EndReason, (typeof END_REASONS)[number]>
export const noMissingEndReason: [MissingReason] extends [never] ? true : MissingReason = true

export interface StoredEvent {
  event: string
  [k: string]: unknown
}

const text = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : undefined)

export function eventText(e: StoredEvent, w: Words): string {
  const { tr, f } = w
  const where = portName(w, e.port)
  const name = e.event as EventName
  switch (name) {
    case 'port_fault':
      return withValue(w, tr('alertText.port_fault', { where }), faultName(e.code, w))
    case 'port_fault_cleared':
      return withValue(w, tr('eventText.port_fault_cleared', { where }), faultName(e.code, w))
    case 'session_started':
      return tr('eventText.session_started', { where })
    case 'session_ended': {
      const parts = [
        known(END_REASONS, e.reason) ? tr(`endReason.${e.reason}`) : text(e.reason),
        typeof e.energyWh === 'number' ? f.kwh(e.energyWh / 1000) : undefined,
      ].filter((x): x is string => x !== undefined)
      return withValue(
        w,
        tr('eventText.session_ended', { where }),
        parts.join(tr('words.listSep')) || undefined,
      )
    }
    case 'smoke_detected':
      return tr('alertText.smoke')
    case 'smoke_cleared':
      return tr('eventText.smoke_cleared')
    case 'emergency_call':
      return withValue(w, tr('alertText.emergency_call'), text(e.room))
    case 'fall_detected': {
      const parts = [
        text(e.room),
        typeof e.confidence === 'number'
          ? tr('alertText.confidence', { pct: f.percent(e.confidence * 100) })
          : undefined,
      ].filter((x): x is string => x !== undefined)
      return withValue(w, tr('alertText.fall_detected'), parts.join(tr('words.listSep')) || undefined)
    }
    case 'door_open_after_hours':
      return wanderingText(text(e.door), w)
    case 'door_opened':
      return tr('eventText.door_opened')
    case 'door_closed':
      return tr('eventText.door_closed')
    case 'module_failure':
      return typeof e.modules === 'number'
        ? tr('eventText.module_failure.n', { n: f.num(e.modules) })
        : tr('eventText.module_failure')
    case 'reboot':
      return withValue(w, tr('eventText.reboot'), text(e.reason))
    default: {
      const never: never = name
      // an event of a later protocol: named as such, with its port
      return withValue(
        w,
        tr('eventText.unknown', { event: readableCode(String(never)) }),
        typeof e.port === 'number' ? where : undefined,
      )
    }
  }
}
