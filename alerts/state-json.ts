// A device's rule state as JSON for the engine's snapshots: the same text as JSON.stringify(state), with
// the JSON of each nested value carried over from the last snapshot while it is the same object.
//
// Why: a snapshot rewrites the state of every device heard since the one before, at least once a second
// (engine-batches.ts). The rules copy on write: a nested value is replaced, never changed in place
// (rules/state.ts; the rule tests deep-freeze the states they return), so a nested value that is the same
// object as at the last snapshot has the same JSON. A device that reports faster than the stray-wire
// detector samples (one reading per 50 s) keeps one detector state over many snapshots, and that state is
// most of its JSON (~2.1 of ~2.5 KB for a circuit monitor): it was serialised again every second.
//
// A state none of whose large values is kept is serialised whole, as before: a fleet reporting once a
// minute has a new detector state at each of its snapshots, and joining pieces would only cost it more.
// Memory: JSON is kept only for a value met again (at the next snapshot, or twice in one, like the frozen
// empty defaults every device shares), and only until a snapshot that does not use it; that fleet keeps
// none of its detector states' JSON.
import type { DeviceRuleState } from './types.ts'

export interface StateJson {
  /** `state` as JSON.stringify writes it */
  json(state: DeviceRuleState): string
  /** the snapshot is written: what it did not use is let go */
  snapshotWritten(): void
}

/**
 * Reusing a value's JSON spares serialising it, and costs joining the pieces and looking values up: it
 * pays for a value of this size and more (a detector state), not for the small ones (the frozen empty
 * defaults, a hold). A state with no such value kept is serialised whole, as JSON.stringify would.
 */
const REUSE_MIN_CHARS = 512

export function createStateJson(): StateJson {
  /** nested values of the last snapshot: their JSON, or null where they were met only once */
  let last = new Map<object, string | null>()
  /** the same for the snapshot being written */
  let now = new Map<object, string | null>()
  const keys = new Map<string, string>()

  /** `v`'s JSON if it was met before (at the last snapshot, or already in this one), noting it either way */
  const kept = (v: object): string | undefined => {
    const here = now.get(v)
    if (typeof here === 'string') return here
    const before = here === null ? null : last.get(v)
    // met for the first time: only noted, its JSON may never be asked for again
    if (before === undefined) {
      now.set(v, null)
      return undefined
    }
    const json = before ?? JSON.stringify(v)
    now.set(v, json)
    return json
  }
  const keyJson = (k: string): string => {
    let j = keys.get(k)
    if (j === undefined) {
      j = JSON.stringify(k)
      keys.set(k, j)
    }
    return j
  }

  return {
    json(state) {
      const names = Object.keys(state)
      let reused = false
      for (const k of names) {
        const v = state[k]
        if (v !== null && typeof v === 'object' && (kept(v)?.length ?? 0) >= REUSE_MIN_CHARS) reused = true
      }
      if (!reused) return JSON.stringify(state)
      let out = '{'
      for (const k of names) {
        const v = state[k]
        // undefined, functions and symbols are left out, as JSON.stringify leaves them out
        const text: string | undefined =
          v !== null && typeof v === 'object' ? (now.get(v) ?? JSON.stringify(v)) : JSON.stringify(v)
        if (text === undefined) continue
        out += out.length === 1 ? `${keyJson(k)}:${text}` : `,${keyJson(k)}:${text}`
      }
      return `${out}}`
    },
    snapshotWritten() {
      last = now
      now = new Map()
    },
  }
}
