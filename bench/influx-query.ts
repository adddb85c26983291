// The few InfluxQL reads the bench needs, through the `influx` package. Regexes, names and times here
// are the bench's own constants and numbers, never outside input.
import { MEASUREMENT } from '../domain/storage.ts'
import { createPackageClient } from '../influx/index.ts'

/** every bench device id starts with this; probe devices (latency markers) with PROBE_PREFIX */
export const DEVICE_PREFIX = 'bnc-'
export const PROBE_PREFIX = 'bnc-p-'

interface QueryAnswer {
  results?: { error?: string; series?: { tags?: Record<string, string>; values: [number, number][] }[] }[]
  error?: string
}

async function query(url: string, db: string, q: string, timeoutMs = 30_000) {
  const client = createPackageClient({ url, db, timeoutMs })
  let body: QueryAnswer
  try {
    body = await client.influx.queryRaw(q, {
      precision: 'ms',
      method: 'POST',
      signal: AbortSignal.timeout(timeoutMs),
    })
  } finally {
    client.close()
  }
  const err = body.error ?? body.results?.[0]?.error
  // a database nobody has written to yet is not an error for a counter: it holds 0 points
  if (err && !/database not found/.test(err)) throw new Error(`InfluxDB query failed: ${err}`)
  return body.results?.[0]?.series ?? []
}

export async function createDatabase(url: string, db: string): Promise<void> {
  const client = createPackageClient({ url, db })
  try {
    await client.influx.createDatabase(db)
  } finally {
    client.close()
  }
}

/** Stored circuit points per device id (only bench devices). */
export async function countByDevice(url: string, db: string): Promise<Map<string, number>> {
  const series = await query(
    url,
    db,
    `SELECT count("seq") FROM "${MEASUREMENT.circuit}" WHERE "device" =~ /^${DEVICE_PREFIX}/ GROUP BY "device"`,
    120_000,
  )
  const out = new Map<string, number>()
  for (const s of series) if (s.tags?.device) out.set(s.tags.device, s.values[0]?.[1] ?? 0)
  return out
}

export async function countAll(url: string, db: string): Promise<number> {
  const series = await query(
    url,
    db,
    `SELECT count("seq") FROM "${MEASUREMENT.circuit}" WHERE "device" =~ /^${DEVICE_PREFIX}/`,
    120_000,
  )
  return series[0]?.values[0]?.[1] ?? 0
}

/**
 * Stored probe points per `ts` bucket (the point time's ms part is the reading's `ts`, storage.ts), for
 * buckets starting in [fromMs, toMs). Empty buckets are left out.
 */
export async function probeBuckets(
  url: string,
  db: string,
  fromMs: number,
  toMs: number,
  bucketMs: number,
): Promise<[number, number][]> {
  const series = await query(
    url,
    db,
    `SELECT count("seq") FROM "${MEASUREMENT.circuit}" WHERE "device" =~ /^${PROBE_PREFIX}/ ` +
      `AND time >= ${fromMs}ms AND time < ${toMs}ms GROUP BY time(${bucketMs}ms) fill(none)`,
  )
  return series[0]?.values ?? []
}
