// Bursts of live messages are applied once per animation frame, not once per message: messages are
// coalesced by key (the latest reading of a device replaces the previous one), so a tab that is not
// painting holds at most one entry per key instead of a growing backlog.

export interface FrameQueue<T> {
  put(key: string, item: T): void
  dispose(): void
}

export function createFrameQueue<T>(apply: (items: T[]) => void): FrameQueue<T> {
  let pending = new Map<string, T>()
  let scheduled = false
  let raf = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const flush = () => {
    scheduled = false
    const items = [...pending.values()]
    pending = new Map()
    if (items.length) apply(items)
  }
  return {
    put(key, item) {
      pending.delete(key) // re-insert: keeps arrival order of the latest items
      pending.set(key, item)
      if (scheduled) return
      scheduled = true
      // a hidden tab gets no animation frames: a slow timer keeps the store current for when it shows
      if (document.visibilityState === 'hidden') timer = setTimeout(flush, 500)
      else raf = requestAnimationFrame(flush)
    },
    dispose() {
      cancelAnimationFrame(raf)
      clearTimeout(timer)
      pending.clear()
    },
  }
}
