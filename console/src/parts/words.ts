// What the wording functions (alert-words, stray-wire-words, command-words, event-words,
// notification-words) need: the page's dictionary and its number and time formats. Any pair will do,
// so they are tested without a browser, in both languages.
import type { Format } from '../i18n/make-format.ts'
import type { Translate } from '../i18n/translate.ts'

export interface Words {
  tr: Translate
  f: Format
}

/** `what：value` / `what: value`, or `what` alone when there is no value to add. */
export const withValue = (w: Words, what: string, value: string | undefined): string =>
  value === undefined || value === '' ? what : w.tr('words.withValue', { what, value })

/** A code sent by the server or a device, checked against the codes the console has words for. */
export const known = <C extends string>(codes: readonly C[], code: unknown): code is C =>
  typeof code === 'string' && (codes as readonly string[]).includes(code)

/** `3 号端口` / `Port 3`, or `端口` / `A port` when the port is not known */
export const portName = (w: Words, port: unknown): string =>
  typeof port === 'number' ? w.tr('alerts.port', { n: port }) : w.tr('words.somePort')
