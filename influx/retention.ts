// Database and retention-policy administration through the `influx` package.
import type { InfluxDB } from 'influx'
import { CourtyardError } from '../domain/errors.ts'
import { resultError } from './query-error.ts'
import { quoteIdent } from './quote-ident.ts'

/** Durations as InfluxQL accepts them (`30d`, `1h30m`, `INF`); anything else is refused, never quoted in. */
const DURATION_RE = /^(INF|inf|(\d+(ns|u|µ|ms|s|m|h|d|w))+)$/

/** Name of the retention policy created when a database has none to alter. */
export const RETENTION_POLICY = 'autogen'

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  u: 1e-3,
  µ: 1e-3,
  ms: 1,
  s: 1e3,
  m: 6e4,
  h: 3.6e6,
  d: 8.64e7,
  w: 6.048e8,
}

/** An InfluxQL duration in ms (Infinity for INF), or undefined when it is not one. */
export function durationMs(d: string): number | undefined {
  if (!DURATION_RE.test(d)) return undefined
  if (/^inf$/i.test(d)) return Number.POSITIVE_INFINITY
  let total = 0
  for (const m of d.matchAll(/(\d+)(ns|u|µ|ms|s|m|h|d|w)/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!
  return total
}

/** InfluxDB's own default shard group duration for a retention (it must not exceed the retention). */
function shardDuration(retentionMs: number): string {
  if (retentionMs < 2 * 8.64e7) return '1h'
  if (retentionMs <= 180 * 8.64e7) return '1d'
  return '7d'
}

/**
 * CREATE DATABASE (idempotent in 1.x) and, with `retention`, that retention on the database's default
 * policy. The default policy is changed in place rather than a new one made the default: points already
 * written to it (before retention was configured) stay visible to queries that name no policy.
 */
export async function ensureDatabase(influx: InfluxDB, db: string, retention?: string): Promise<void> {
  await influx.createDatabase(db)
  if (!retention) return
  const ms = durationMs(retention)
  if (ms === undefined)
    throw new CourtyardError('CONFIG_INVALID', `invalid retention duration: ${JSON.stringify(retention)}`)
  const policies = await influx.showRetentionPolicies(db)
  const current = policies.find((p) => p.default) ?? policies.find((p) => p.name === RETENTION_POLICY)
  if (!current) {
    // on CREATE, InfluxDB picks the shard duration for the retention itself (the same rule as shardDuration)
    await influx.createRetentionPolicy(RETENTION_POLICY, {
      database: db,
      duration: retention,
      replication: 1,
      isDefault: true,
    })
    return
  }
  // The package's alterRetentionPolicy cannot say SHARD DURATION, and InfluxDB refuses a retention shorter
  // than the policy's current shard duration (autogen's is 7d), so this one statement is written here:
  // identifiers quoted, durations checked against DURATION_RE above.
  const q =
    `ALTER RETENTION POLICY ${quoteIdent(current.name)} ON ${quoteIdent(db)} ` +
    `DURATION ${retention} SHARD DURATION ${shardDuration(ms)} DEFAULT`
  const error = resultError(await influx.queryRaw(q, { database: db, method: 'POST' }))
  if (error) throw error
}
