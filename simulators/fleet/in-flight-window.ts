// A counting window over unacknowledged QoS 1 publishes. mqtt.js does not bound them itself
// (measured here: see bench/README.md), so an overloaded run would only fill kernel buffers and hide its backlog.

export interface InFlightWindow {
  readonly limit: number
  readonly used: number
  /** the most slots ever held at once: what a test checks against `limit` */
  readonly highWater: number
  /** Takes a slot, or queues `onFree` (once) to be called when one is released, and returns false. */
  tryAcquire(onFree?: () => void): boolean
  release(): void
  /** Forgets a queued waiter (a stopping device). */
  cancel(onFree: () => void): void
}

export function createInFlightWindow(limit: number): InFlightWindow {
  if (!(Number.isInteger(limit) && limit >= 1))
    throw new RangeError(`in-flight window must be an integer ≥ 1, got ${limit}`)
  let used = 0
  let highWater = 0
  // FIFO of waiters; the Set keeps a device from queueing twice
  const waiting = new Set<() => void>()
  return {
    limit,
    get used() {
      return used
    },
    get highWater() {
      return highWater
    },
    tryAcquire(onFree) {
      if (used < limit) {
        used++
        if (used > highWater) highWater = used
        return true
      }
      if (onFree) waiting.add(onFree)
      return false
    },
    release() {
      if (used > 0) used--
      // wake waiters in arrival order while slots are free; each one takes what it needs
      for (const w of waiting) {
        if (used >= limit) break
        waiting.delete(w)
        w()
      }
    },
    cancel(onFree) {
      waiting.delete(onFree)
    },
  }
}
