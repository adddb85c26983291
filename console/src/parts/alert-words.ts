// An alert in the page's language, from its structured fields (type, port, lastValue, severity,
// evidence: stray-wire-words.ts and evidence-words.ts), never from the server's `message`: that is an English sentence for integrators, and stays
// in the API as it is. A type or code this console does not know yet still reads as a sentence.
import type { PORT_FAULT_CODES } from '../../../domain/protocol.ts'
import type { Alert } from '../types.ts'
import {
  airQualityEvidence,
  airQualitySummary,
  deviceOfflineEvidence,
  deviceOfflineSummary,
  displayHardwareEvidence,
  displayHardwareSummary,
} from './evidence-words.ts'
import { strayWireEvidence, strayWireSummary } from './stray-wire-words.ts'
import { known, portName, type Words, withValue } from './words.ts'

type FaultCode = (typeof PORT_FAULT_CODES)[number]
export const FAULT_CODES = [
  'over_temperature',
  'over_current',
  'short_circuit',
  'leakage',
  'relay_stuck',
  'meter_error',
] as const satisfies readonly FaultCode[]
// protocol.md's every fault code has words: a code added in domain/protocol.ts fails the build here
type MissingFault = Exclude<FaultCode, (typeof FAULT_CODES)[number]>
export const noMissingFaultCode: [MissingFault] extends [never] ? true : MissingFault = true

const SCREENS = ['playing', 'black', 'frozen', 'off'] as const

/** `短路` / `short circuit`; an unknown code named as such */
export function faultName(code: unknown, w: Words): string {
  if (known(FAULT_CODES, code)) return w.tr(`fault.${code}`)
  return w.tr('fault.unknown', { code: String(code ?? '?') })
}

/** the alert type's name (`端口故障`); an unknown type readable, not blank */
export function alertTypeName(type: string, w: Words): string {
  return w.tr(`alertType.${type}` as `alertType.${Alert['type']}`)
}

type AlertFacts = Pick<Alert, 'type' | 'port' | 'lastValue' | 'raisedAt' | 'evidence' | 'severity'>

/**
 * What is wrong, as one sentence: `3 号端口故障：短路` / `Port 3 fault: short circuit`.
 * `utcOffsetMin`: the site's local time, for a time the sentence names (a stray-wire load's start, when
 * the air went bad, when a device was last heard).
 */
export function alertSummary(a: AlertFacts, w: Words, utcOffsetMin?: number): string {
  const { tr, f } = w
  const v = a.lastValue
  const num = typeof v === 'number' ? v : undefined
  const str = typeof v === 'string' && v !== '' ? v : undefined
  const where = portName(w, a.port)
  switch (a.type) {
    case 'smoke':
      return tr('alertText.smoke')
    case 'port_fault':
      return withValue(
        w,
        tr('alertText.port_fault', { where }),
        v === undefined ? undefined : faultName(v, w),
      )
    case 'port_overheat':
      return withValue(
        w,
        tr('alertText.port_overheat', { where }),
        num === undefined ? undefined : f.celsius(num),
      )
    case 'leakage':
      return withValue(w, tr('alertText.leakage'), num === undefined ? undefined : `${f.num(num, 1)} mA`)
    case 'stray_wire_charging':
      return strayWireSummary(a, w, utcOffsetMin)
    case 'device_offline':
      return deviceOfflineSummary(a, w, utcOffsetMin) ?? tr('alertText.device_offline')
    case 'emergency_call':
      return withValue(w, tr('alertText.emergency_call'), str)
    case 'fall_detected':
      return withValue(
        w,
        tr('alertText.fall_detected'),
        num === undefined ? undefined : tr('alertText.confidence', { pct: f.percent(num * 100) }),
      )
    case 'wandering':
      return wanderingText(str, w)
    case 'air_quality':
      return (
        airQualitySummary(a, w, utcOffsetMin) ??
        tr(a.severity === 'major' ? 'alertText.air_quality.co2' : 'alertText.air_quality')
      )
    case 'display_blank':
      return withValue(w, tr('alertText.display_blank'), known(SCREENS, v) ? tr(`screen.${v}`) : str)
    case 'display_overheat':
      return withValue(w, tr('alertText.display_overheat'), num === undefined ? undefined : f.celsius(num))
    case 'display_hardware':
      return displayHardwareSummary(a, w) ?? tr('alertText.display_hardware')
    case 'display_tamper':
      return tr('alertText.display_tamper')
    default: {
      // a type added to the catalogue after this console was built
      const type: string = a.type
      return withValue(w, tr('alertText.unknown', { type: alertTypeName(type, w) }), plainValue(v, w))
    }
  }
}

/**
 * Why the rule raised it, one figure a crew can check per line, from the alert's `evidence`; empty for a
 * type without evidence, or evidence this console cannot read (its summary then says what it can).
 */
export function alertEvidence(a: AlertFacts, w: Words, utcOffsetMin?: number): string[] {
  switch (a.type) {
    case 'stray_wire_charging':
      return strayWireEvidence(a.evidence, w)
    case 'air_quality':
      return airQualityEvidence(a, w, utcOffsetMin)
    case 'display_hardware':
      return displayHardwareEvidence(a, w)
    case 'device_offline':
      return deviceOfflineEvidence(a, w, utcOffsetMin)
    default:
      return []
  }
}

/**
 * `非开放时间门“main-entrance”被打开` / `Door “main-entrance” opened after hours`. The door is named as the
 * sensor reports it (protocol.md: `door`, set up on the device; the service keeps no other name for it),
 * in quotes as a name, inside the sentence: not a code tacked on after a colon.
 */
export function wanderingText(door: string | undefined, w: Words): string {
  return door ? w.tr('alertText.wandering.door', { door }) : w.tr('alertText.wandering')
}

/** A value of no known meaning, as it is: a number in the page's digits, yes or no. */
function plainValue(v: Alert['lastValue'], w: Words): string | undefined {
  if (v === undefined) return undefined
  if (typeof v === 'number') return w.f.num(v, 1)
  if (typeof v === 'boolean') return w.tr(v ? 'words.yes' : 'words.no')
  return v
}

/** The alert's latest value with its meaning and unit (`短路`, `78.5°C`, `32.0 mA`), or undefined. */
export function alertValue(a: Pick<Alert, 'type' | 'lastValue'>, w: Words): string | undefined {
  const { tr, f } = w
  const v = a.lastValue
  if (v === undefined) return undefined
  switch (a.type) {
    case 'port_fault':
      return faultName(v, w)
    case 'port_overheat':
    case 'display_overheat':
      return typeof v === 'number' ? f.celsius(v) : plainValue(v, w)
    case 'leakage':
      return typeof v === 'number' ? `${f.num(v, 1)} mA` : plainValue(v, w)
    case 'stray_wire_charging':
      return typeof v === 'number' ? f.watts(v) : plainValue(v, w)
    case 'fall_detected':
      return typeof v === 'number'
        ? tr('alertText.confidence', { pct: f.percent(v * 100) })
        : plainValue(v, w)
    case 'smoke':
      return typeof v === 'boolean' ? tr(v ? 'value.smoke' : 'value.noSmoke') : plainValue(v, w)
    case 'display_tamper':
      return typeof v === 'boolean' ? tr(v ? 'displays.open' : 'displays.closed') : plainValue(v, w)
    case 'display_blank':
      return known(SCREENS, v) ? tr(`screen.${v}`) : plainValue(v, w)
    case 'wandering':
      return typeof v === 'string' && v !== '' ? tr('alertText.door', { door: v }) : plainValue(v, w)
    default:
      return plainValue(v, w)
  }
}
