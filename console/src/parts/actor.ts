// Who did it, as a crew member reads it: the audit trail's `user:<name>` is the person's display name
// when the page knows one (GET /people/names, stores/people-names.ts), else the username recorded;
// `token:<name>` the API token's name marked as a token (a token may be named like a person), and
// `system` and `auto` (the engine, a protective action) are words of the page's language.
// It asks only for the `actor.*` words (any Translate will do), so it needs no browser to be tested.
import type { MessageKey } from '../i18n/zh-CN.ts'

type ActorWords = (key: Extract<MessageKey, `actor.${string}`>, vars?: Record<string, string>) => string

/** The display names a page knows of people, by username. */
export interface PeopleNames {
  /**
   * The display name of the person behind `user:<username>` for an act at `at` (epoch ms), or undefined:
   * no display name, a person removed (or not the caller's tenant's), or an act from before this account
   * (the name was an earlier, removed account's).
   */
  displayNameOf(username: string, at?: number): string | undefined
}

/** `at`: when the act was recorded, so a username taken again is not given to the earlier person's acts */
export function actorLabel(by: string, tr: ActorWords, names?: PeopleNames, at?: number): string {
  if (by === 'system') return tr('actor.system')
  if (by === 'auto') return tr('actor.auto')
  if (by.startsWith('token:')) return tr('actor.token', { name: by.slice('token:'.length) })
  if (!by.startsWith('user:')) return by
  const username = by.slice('user:'.length)
  return names?.displayNameOf(username, at) ?? username
}

/** A person or an integration (`user:`, `token:`), whose notes are their own words, not the engine's. */
export const isPerson = (by: string): boolean => by.startsWith('user:') || by.startsWith('token:')
