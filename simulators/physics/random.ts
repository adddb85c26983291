// Seeded randomness for the physics models. The load models never call Math.random: a scenario is a
// pure function of its seed, so a labelled evaluation set is reproducible run after run. `Rng` has the
// same shape as simulators/random.ts (a function returning [0, 1)), so streams from either module mix.

/** A stream of uniform numbers in [0, 1). */
export type Rng = () => number

/** mulberry32: 32-bit state, fast, good enough for load and meter noise (not for cryptography). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** FNV-1a over the parts, so independent streams derive from (seed, circuit, day, load…). */
export function hashSeed(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5
  for (const part of parts) {
    const s = typeof part === 'number' ? part.toString(36) : part
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i)
      h = Math.imul(h, 0x01000193)
    }
    // separator so ('ab','c') and ('a','bc') differ
    h ^= 0xff
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

export const rngFor = (...parts: readonly (string | number)[]): Rng => mulberry32(hashSeed(...parts))

export const uniform = (rng: Rng, min: number, max: number): number => min + (max - min) * rng()

/** Integer in [min, max], both inclusive. */
export const intBetween = (rng: Rng, min: number, max: number): number =>
  min + Math.floor(rng() * (max - min + 1))

export const chance = (rng: Rng, p: number): boolean => rng() < p

export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError('pick from an empty list')
  return items[Math.floor(rng() * items.length)] as T
}

/** Normal draw (Box–Muller); `1 - rng()` keeps log() away from 0. */
export function normal(rng: Rng, mean = 0, sd = 1): number {
  const u = 1 - rng()
  const v = rng()
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

/**
 * Stateless uniform [0, 1) for (seed, n): lets a model be evaluated at any minute in any order and still
 * return the same noise, which a stateful stream cannot.
 */
export function noiseAt(seed: number, n: number): number {
  let h = (seed ^ Math.imul(n | 0, 0x9e3779b1)) >>> 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  h ^= h >>> 16
  return (h >>> 0) / 4294967296
}

/** Stateless standard normal for (seed, n), from two hashed uniforms. */
export function normalAt(seed: number, n: number): number {
  const u = 1 - noiseAt(seed, 2 * n)
  const v = noiseAt(seed ^ 0x5bd1e995, 2 * n + 1)
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}
