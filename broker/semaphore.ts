// A counting semaphore with a bounded wait queue: work beyond `concurrency` waits, work beyond the
// queue is refused at once instead of piling up without bound.

export interface Semaphore {
  /** Runs `task` when a slot is free; false (and `task` never runs) when the queue is full. */
  run(task: (release: () => void) => void): boolean
  active(): number
  waiting(): number
}

export function createSemaphore(concurrency: number, maxQueue: number): Semaphore {
  let active = 0
  const queue: Array<(release: () => void) => void> = []
  const release = () => {
    active--
    const next = queue.shift()
    if (next !== undefined) start(next)
  }
  const start = (task: (release: () => void) => void) => {
    active++
    let released = false
    task(() => {
      if (released) return
      released = true
      release()
    })
  }
  return {
    run(task) {
      if (active < concurrency) {
        start(task)
        return true
      }
      if (queue.length >= maxQueue) return false
      queue.push(task)
      return true
    },
    active: () => active,
    waiting: () => queue.length,
  }
}
