// Live readings for clients that asked for batches (handshake `readings: 'batched'`), held per site for
// one short tick and handed on as one array: socket.io serialises a broadcast once, but every packet costs
// each watching socket its own engine.io and websocket work, so a site's readings cost one packet per
// client per tick instead of one per reading (bench phase `fanout`).

import type { LiveReading } from '../domain/live-events.ts'

export const LIVE_BATCH_INTERVAL_MS = 100
/** a busy site's batch is sent early rather than grow into one huge frame */
export const LIVE_BATCH_MAX_READINGS = 500

export interface ReadingBatcher {
  add(reading: LiveReading): void
  /** Hands every pending batch on now, oldest site first (before another event, to keep the order). */
  flush(): void
  stop(): void
}

export function createReadingBatcher(opts: {
  /** one site's readings in the order they were added */
  send: (siteId: string, readings: LiveReading[]) => void
  intervalMs?: number
  maxReadings?: number
}): ReadingBatcher {
  const intervalMs = opts.intervalMs ?? LIVE_BATCH_INTERVAL_MS
  const maxReadings = opts.maxReadings ?? LIVE_BATCH_MAX_READINGS
  // Map keeps insertion order: the site whose first reading came first is sent first
  let pending = new Map<string, LiveReading[]>()
  let timer: ReturnType<typeof setTimeout> | undefined

  const flush = () => {
    if (timer) clearTimeout(timer)
    timer = undefined
    if (pending.size === 0) return
    const batches = pending
    pending = new Map()
    for (const [siteId, readings] of batches) opts.send(siteId, readings)
  }

  return {
    add(reading) {
      const batch = pending.get(reading.siteId)
      if (!batch) pending.set(reading.siteId, [reading])
      else if (batch.push(reading) >= maxReadings) {
        pending.delete(reading.siteId)
        opts.send(reading.siteId, batch)
      }
      // the tick starts with the first reading after a quiet spell: no reading waits longer than it
      timer ??= setTimeout(flush, intervalMs)
    },
    flush,
    stop() {
      if (timer) clearTimeout(timer)
      timer = undefined
      pending.clear()
    },
  }
}
