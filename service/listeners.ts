// Listeners a caller of the service adds (the demo's terminal reminder on a rejected message). Each one's
// failure is its own: the others are still told, and the part that tells them goes on.
import type { Logger } from 'pino'

export interface Listeners {
  /** Adds a listener; the function returned removes it. */
  add(listener: () => void): () => void
  /** Tells every listener; never throws. */
  tell(): void
}

/**
 * A listener that throws is logged the first time only: one failing on every message of a flood would
 * log what ingest's own warnings are kept from logging.
 */
export function createListeners(log: Logger, what: string): Listeners {
  const listeners = new Set<() => void>()
  const failed = new WeakSet<() => void>()
  return {
    add(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    tell() {
      for (const listener of listeners)
        try {
          listener()
        } catch (err) {
          if (!failed.has(listener)) log.error({ err }, `${what} listener failed (logged once)`)
          failed.add(listener)
        }
    },
  }
}
