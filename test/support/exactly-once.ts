// "Nothing is lost", checked: every (device, seq) the broker acknowledged is in InfluxDB, none twice.
import { expect } from 'vitest'
import { storedSeqs } from './influx-query.ts'
import { pollUntil } from './poll.ts'

export interface ExactlyOnceCount {
  acknowledged: number
  /** acknowledged (device, seq) found in InfluxDB */
  stored: number
  lost: number
  duplicates: number
}

/** Counts acknowledged readings stored, lost and stored twice, once every one is in (or the wait ran out). */
export async function countExactlyOnce(
  influxUrl: string,
  db: string,
  acked: Map<string, Set<number>>,
  opts: { measurement?: string; timeoutMs?: number } = {},
): Promise<ExactlyOnceCount> {
  const acknowledged = [...acked.values()].reduce((n, s) => n + s.size, 0)
  const count = (s: Map<string, number[]>): ExactlyOnceCount => {
    let stored = 0
    let duplicates = 0
    for (const [dev, seqs] of acked) {
      const got = s.get(dev) ?? []
      duplicates += got.length - new Set(got).size
      stored += new Set(got.filter((q) => seqs.has(q))).size
    }
    return { acknowledged, stored, lost: acknowledged - stored, duplicates }
  }
  let last: ExactlyOnceCount = { acknowledged, stored: 0, lost: acknowledged, duplicates: 0 }
  await pollUntil(
    async () => {
      last = count(await storedSeqs(influxUrl, db, opts.measurement ?? 'circuit'))
      return last.lost === 0
    },
    {
      timeoutMs: opts.timeoutMs ?? 180_000,
      intervalMs: 250,
      what: `${acknowledged} acknowledged readings in InfluxDB`,
    },
  ).catch(() => undefined)
  return last
}

/** Asserts that every acknowledged (device, seq) is stored, and no (device, seq) is stored twice. */
export async function expectExactlyOnce(
  influxUrl: string,
  db: string,
  acked: Map<string, Set<number>>,
): Promise<ExactlyOnceCount> {
  const c = await countExactlyOnce(influxUrl, db, acked)
  expect(c.duplicates, 'readings stored twice').toBe(0)
  expect(c.lost, `acknowledged but not stored (of ${c.acknowledged})`).toBe(0)
  return c
}
