// Watts only: the lamps a circuit switches (a stairwell's motion lamps, 10–60 W each), learned by their
// size from the bursts they light for. A motion lamp lights for 1–4 min per trigger and goes off again by
// its own watts, many times a day; a charger or a compressor holds for ten minutes and more.

import { MIN } from './minute.ts'

/** One lamp size the circuit switches, W, and how many of its bursts were seen. */
export interface LampSize {
  w: number
  n: number
}

/** A lamp lit longer than this before it went off is no motion lamp's burst (1–4 min per trigger). */
export const LAMP_BURST_MS = 6 * MIN
/** Lamps are 10–60 W (domain.md); a rise and fall measured over meter noise within a few W of that. */
const LAMP_LEAST_W = 10
const LAMP_MOST_W = 65
/** Two bursts are the same lamp where their sizes are this near (W, or share of the size). */
const SAME_LAMP_W = 5
const SAME_LAMP_SHARE = 0.12
/** Lamp sizes kept per circuit; the least seen goes first. */
const MAX_LAMPS = 6
/** Bursts of a size seen before it stands for one of the circuit's lamps. */
export const LAMP_SEEN_LEAST = 3

const sameLamp = (a: number, b: number): boolean =>
  Math.abs(a - b) <= Math.max(SAME_LAMP_W, SAME_LAMP_SHARE * b)

/**
 * The circuit's lamp sizes with one more burst of `w` W seen: a new list where it counts, the same one
 * where `w` is no lamp's size (a list is never written into, so states may share it).
 */
export function withLampSize(
  sizes: readonly LampSize[] | undefined,
  w: number,
): readonly LampSize[] | undefined {
  if (w < LAMP_LEAST_W || w > LAMP_MOST_W) return sizes
  const list = (sizes ?? []).map((x) => ({ ...x }))
  const same = list.find((x) => sameLamp(w, x.w))
  if (same) {
    // a running mean, so the size settles on the lamp's own as bursts are seen
    same.w = Math.round(((same.w * same.n + w) / (same.n + 1)) * 10) / 10
    same.n += 1
  } else list.push({ w: Math.round(w * 10) / 10, n: 1 })
  list.sort((a, b) => b.n - a.n)
  return list.slice(0, MAX_LAMPS)
}

/** The lamp sizes seen often enough to stand for the circuit's own lamps, W. */
export function knownLamps(sizes: readonly LampSize[] | undefined): number[] {
  return (sizes ?? []).filter((x) => x.n >= LAMP_SEEN_LEAST).map((x) => x.w)
}
