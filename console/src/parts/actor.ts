// Who did it, as a crew member reads it: the audit trail's `user:<name>` is the person's name,
// `token:<name>` the API token's name marked as a token (a token may be named like a person), and
// `system` and `auto` (the engine, a protective action) are words of the page's language.
// It asks only for the `actor.*` words (any Translate will do), so it needs no browser to be tested.
import type { MessageKey } from '../i18n/zh-CN.ts'

type ActorWords = (key: Extract<MessageKey, `actor.${string}`>, vars?: Record<string, string>) => string

export function actorLabel(by: string, tr: ActorWords): string {
  if (by === 'system') return tr('actor.system')
  if (by === 'auto') return tr('actor.auto')
  if (by.startsWith('token:')) return tr('actor.token', { name: by.slice('token:'.length) })
  return by.startsWith('user:') ? by.slice('user:'.length) : by
}

/** A person or an integration (`user:`, `token:`), whose notes are their own words, not the engine's. */
export const isPerson = (by: string): boolean => by.startsWith('user:') || by.startsWith('token:')
