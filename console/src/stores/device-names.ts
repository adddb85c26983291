// The names of the devices a page's alerts name (GET /devices: the signed-in person's tenant), so an alert
// says where by the device's name ("6号楼楼梯间"), not its id. One store per shell, handed to pages by
// context (parts/device-names.ts), asked on first need and kept; asked again, at most once a minute, when
// a page shows a device the last answer did not list (provisioned since). A device it listed without a
// name asks nothing more; one it did not list (decommissioned, or past the pages asked for) asks again
// only after ten minutes. Until an answer comes, and for those, the page shows the id.
import { signal } from '@preact/signals'
import type { DeviceNames } from '../parts/device-names.ts'

/** the least time between two askings */
const AGAIN_MS = 60_000
/** the least time before a device the last answer did not list may ask again */
const MISSING_AGAIN_MS = 10 * 60_000
/** pages of 1,000 devices asked for at most: an estate larger than this shows the rest by id */
const MAX_PAGES = 20

export function createDeviceNames(deps: {
  api: { get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T> }
  now?: () => number
}): DeviceNames {
  const now = deps.now ?? Date.now
  const known = signal<ReadonlyMap<string, string>>(new Map())
  /** every device the last answer listed, named or not */
  let listed: ReadonlySet<string> = new Set()
  /** devices asked about that the last answer did not list, and when that answer came */
  const missing = new Map<string, number>()
  /** devices met since the last asking that it did not list */
  const wanted = new Set<string>()
  /** when it may be asked (again); infinity while an answer is awaited */
  let askAt = 0
  const ask = async () => {
    askAt = Number.POSITIVE_INFINITY
    const asked = [...wanted]
    wanted.clear()
    const next = new Map<string, string>()
    const ids = new Set<string>()
    try {
      let cursor: string | undefined
      for (let page = 0; page < MAX_PAGES; page++) {
        const r = await deps.api.get<{ items: { id: string; name?: string }[]; next?: string }>('/devices', {
          limit: 1000,
          cursor,
        })
        for (const d of r.items) {
          ids.add(d.id)
          const name = d.name?.trim()
          if (name) next.set(d.id, name)
        }
        cursor = r.next
        if (!cursor) break
      }
      listed = ids
      for (const id of asked) if (!ids.has(id)) missing.set(id, now())
      if (!sameNames(known.value, next)) known.value = next
    } catch {
      // a blip, a session paused under the sign-in form: asked again a minute on
      for (const id of asked) wanted.add(id)
    } finally {
      askAt = now() + AGAIN_MS
    }
  }
  return {
    nameOf(id) {
      const name = known.value.get(id)
      if (name !== undefined || listed.has(id)) return name
      const missedAt = missing.get(id)
      if (missedAt !== undefined && now() - missedAt < MISSING_AGAIN_MS) return undefined
      wanted.add(id)
      if (askAt <= now()) void ask()
      return undefined
    },
  }
}

function sameNames(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false
  for (const [id, name] of b) if (a.get(id) !== name) return false
  return true
}
