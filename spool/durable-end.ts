// The writer's durable end (its current segment and how much of it fdatasync has confirmed) in memory a
// reader in another thread shares. Readers read no further: bytes written but not yet synced can still be
// lost (a power cut) or replaced (a failed write), and a consumer that stored a position past them would
// skip what is written there later.
import type { SpoolPosition } from './types.ts'

/** bytes a durable end takes in a SharedArrayBuffer, at a byte offset that is a multiple of 8 */
export const DURABLE_END_BYTES = 24

export interface DurableEndCell {
  /** The writer's side: one writer thread per cell. */
  publish(end: SpoolPosition): void
  /** The latest end published; undefined until the first (no writer has said where its end is). */
  read(): SpoolPosition | undefined
}

/**
 * A cell in `buffer` at `byteOffset`: a sequence number (odd while a publish is under way) and the
 * segment and offset. A read that meets a publish under way returns the previous end, which is durable
 * too (the end only moves forward): it never waits for the other thread.
 */
export function durableEndCell(buffer: SharedArrayBuffer, byteOffset = 0): DurableEndCell {
  const cells = new BigInt64Array(buffer, byteOffset, 3)
  let last: SpoolPosition | undefined
  return {
    publish(end) {
      const seq = Atomics.load(cells, 0)
      Atomics.store(cells, 0, seq + 1n)
      Atomics.store(cells, 1, BigInt(end.segment))
      Atomics.store(cells, 2, BigInt(end.offset))
      Atomics.store(cells, 0, seq + 2n)
    },
    read() {
      const seq = Atomics.load(cells, 0)
      if (seq === 0n || (seq & 1n) === 1n) return last
      const segment = Number(Atomics.load(cells, 1))
      const offset = Number(Atomics.load(cells, 2))
      if (Atomics.load(cells, 0) !== seq) return last
      if (last === undefined || last.segment !== segment || last.offset !== offset) last = { segment, offset }
      return last
    },
  }
}
