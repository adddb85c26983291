// The display names of the people whose acts a page shows (GET /people/names: the signed-in person's
// tenant), for parts/actor.ts. One store per shell, handed to pages by context (parts/people-names.ts),
// asked once on first need and kept. Asked again, at most once a minute, when a page shows a person it
// does not know: someone added since (named at the next answer), or someone without a display name,
// removed, or an admin of every tenant (never listed to a tenant), who keep their username. A failed
// answer (a blip, a session paused under the sign-in form) is asked again a minute later too; until an
// answer comes, and for anyone not in it, the page shows the username recorded.
import { signal } from '@preact/signals'
import type { PeopleNames } from '../parts/actor.ts'

interface Listed {
  displayName: string
  createdAt: number
}

/** the least time between two askings */
const AGAIN_MS = 60_000

export function createPeopleNames(deps: {
  api: { get<T>(path: string): Promise<T> }
  now?: () => number
}): PeopleNames {
  const now = deps.now ?? Date.now
  const known = signal<ReadonlyMap<string, Listed>>(new Map())
  /** when it may be asked (again); infinity while an answer is awaited */
  let askAt = 0
  const ask = () => {
    askAt = Number.POSITIVE_INFINITY
    deps.api.get<{ items: ({ username: string } & Listed)[] }>('/people/names').then(
      (r) => {
        askAt = now() + AGAIN_MS
        const next = new Map<string, Listed>()
        for (const p of r.items) {
          const displayName = p.displayName.trim()
          if (displayName) next.set(p.username, { displayName, createdAt: p.createdAt })
        }
        // a render reads `known`: a new map only when something changed, or every answer re-renders
        if (!sameNames(known.value, next)) known.value = next
      },
      () => {
        askAt = now() + AGAIN_MS
      },
    )
  }
  return {
    displayNameOf(username, at) {
      const p = known.value.get(username)
      if (p === undefined) {
        if (askAt <= now()) ask()
        return undefined
      }
      return at !== undefined && at < p.createdAt ? undefined : p.displayName
    },
  }
}

function sameNames(a: ReadonlyMap<string, Listed>, b: ReadonlyMap<string, Listed>): boolean {
  if (a.size !== b.size) return false
  for (const [u, p] of b) {
    const q = a.get(u)
    if (q?.displayName !== p.displayName || q.createdAt !== p.createdAt) return false
  }
  return true
}
