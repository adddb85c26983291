// Who did it, as a crew member reads it: the audit trail's `user:<name>` is the person's (or token's)
// name, `system` and `auto` (the engine, a protective action) are words of the page's language.
import type { Translate } from '../i18n/index.ts'

export function actorLabel(by: string, tr: Translate): string {
  if (by === 'system') return tr('actor.system')
  if (by === 'auto') return tr('actor.auto')
  return by.startsWith('user:') ? by.slice('user:'.length) : by
}
