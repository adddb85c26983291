// What every fault scenario shares: a printed, overridable seed (CHAOS_SEED replays a failure), the one
// summary line each prints, and the service's resident memory read from /proc.
import { mulberry32, type Rng } from '../../simulators/physics/random.ts'
import type { ExactlyOnceCount } from '../support/exactly-once.ts'

export { readRssKb } from '../../bench/process-memory.ts'

/** A seeded stream for one scenario; the seed is printed so that `CHAOS_SEED=<n> npm run chaos` replays it. */
export function chaosRng(name: string): { seed: number; rng: Rng } {
  const fromEnv = Number(process.env.CHAOS_SEED)
  const seed = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Math.floor(Math.random() * 2 ** 31) + 1
  console.log(`chaos ${name}: seed ${seed} (replay with CHAOS_SEED=${seed})`)
  return { seed, rng: mulberry32(seed) }
}

/** `chaos <name>: <what it did>; acknowledged N, stored N, lost N, duplicates N` */
export function report(name: string, did: string, c: ExactlyOnceCount): string {
  const line = `chaos ${name}: ${did}; acknowledged ${c.acknowledged}, stored ${c.stored}, lost ${c.lost}, duplicates ${c.duplicates}`
  console.log(line)
  return line
}
