// A map that keeps what is in use however many keys go by, bounded: two generations. A key met again is
// found in either and moved to the newer; when the newer is full the older is dropped and the newer takes
// its place, so keys not met for two generations leave. Emptying one map when full instead (as the topic
// caches were first written) dropped everything at once, and a fleet whose topics outnumbered it found none.
export class Generations<K, V> {
  private newer = new Map<K, V>()
  private older = new Map<K, V>()

  /** `perGeneration`: keys in each generation (at most twice as many are kept) */
  constructor(private readonly perGeneration: number) {}

  /**
   * The value kept for `key`, where `accept` takes it (a key that stands for more than one thing, a hash,
   * is checked by the caller); found in the older generation, it moves to the newer.
   */
  find(key: K, accept?: (v: V) => boolean): V | undefined {
    const known = this.newer.get(key)
    if (known !== undefined && (!accept || accept(known))) return known
    const before = this.older.get(key)
    if (before === undefined || (accept && !accept(before))) return undefined
    this.keep(key, before)
    return before
  }

  keep(key: K, value: V): void {
    if (this.newer.size >= this.perGeneration) {
      this.older = this.newer
      this.newer = new Map()
    }
    this.newer.set(key, value)
  }
}
