// InfluxDB client over the v1 HTTP API with undici: a small keep-alive pool, line protocol in,
// InfluxQL with bound parameters out. Served natively by 1.x and as the v1-compatible API by 2.x/3.x.
import { Pool } from 'undici'
import { CourtyardError } from '../domain/errors.ts'
import type { InfluxClient, InfluxConfig, QueryParam, SeriesResult } from './types.ts'

/** A rejected or failed `/write`. `status` 0 means the request never got an HTTP answer. */
export class InfluxWriteError extends Error {
  readonly status: number
  /** from `Retry-After` (seconds or an HTTP date), when the server sent one */
  readonly retryAfterMs: number | undefined
  readonly body: string
  /** 400 "partial write": InfluxDB 1.x stored the good lines of the batch and dropped the rest */
  readonly partial: boolean
  constructor(
    message: string,
    opts: { status: number; retryAfterMs?: number; body?: string; partial?: boolean; cause?: unknown },
  ) {
    super(message, { cause: opts.cause })
    this.name = 'InfluxWriteError'
    this.status = opts.status
    this.retryAfterMs = opts.retryAfterMs
    this.body = opts.body ?? ''
    this.partial = opts.partial ?? false
  }
}

export const isInfluxWriteError = (e: unknown): e is InfluxWriteError => e instanceof InfluxWriteError

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

export function parseRetryAfter(
  value: string | string[] | undefined,
  nowMs = Date.now(),
): number | undefined {
  const v = Array.isArray(value) ? value[0] : value
  if (!v) return undefined
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000
  const at = Date.parse(v)
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs)
}

/** InfluxQL identifier quoting: `"name"` with `"` and `\` escaped. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/["\\]/g, '\\$&')}"`
}

function serverMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown }
    if (typeof parsed.error === 'string') return parsed.error
  } catch {
    // not JSON (a proxy's HTML page, say): fall through to the raw text
  }
  return body.slice(0, 500)
}

// Statements that change state need POST on InfluxDB 1.x; SELECT … INTO does too.
const READ_ONLY_RE = /^\s*(SELECT|SHOW)\b/i
const INTO_RE = /\bINTO\b/i

export function createInfluxClient(cfg: InfluxConfig): InfluxClient {
  const base = new URL(cfg.url)
  const prefix = base.pathname.replace(/\/+$/, '')
  const timeoutMs = cfg.timeoutMs ?? 10_000
  // A few connections: ingest keeps 2–4 writes in flight and the API queries alongside.
  const pool = new Pool(base.origin, {
    connections: 6,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
  })
  const headers: Record<string, string> = {}
  if (cfg.token) headers.authorization = `Token ${cfg.token}`
  else if (cfg.username !== undefined)
    headers.authorization = `Basic ${Buffer.from(`${cfg.username}:${cfg.password ?? ''}`).toString('base64')}`
  const dbParam = encodeURIComponent(cfg.db)

  async function write(lines: string, opts?: { precision?: 'ns' | 'ms' }): Promise<void> {
    const precision = opts?.precision ?? 'ns'
    let res: Awaited<ReturnType<Pool['request']>>
    try {
      res = await pool.request({
        method: 'POST',
        path: `${prefix}/write?db=${dbParam}&precision=${precision}`,
        headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' },
        body: lines,
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (err) {
      throw new InfluxWriteError(`influx write failed: ${(err as Error).message}`, { status: 0, cause: err })
    }
    if (res.statusCode === 204) {
      await res.body.dump()
      return
    }
    let body = ''
    try {
      body = await res.body.text()
    } catch (err) {
      throw new InfluxWriteError(`influx write failed: ${(err as Error).message}`, {
        status: res.statusCode,
        cause: err,
      })
    }
    const message = serverMessage(body)
    throw new InfluxWriteError(`influx write rejected (${res.statusCode}): ${message}`, {
      status: res.statusCode,
      retryAfterMs: parseRetryAfter(res.headers['retry-after']),
      body,
      partial: res.statusCode === 400 && message.startsWith('partial write'),
    })
  }

  async function rawQuery(
    q: string,
    params?: Record<string, QueryParam>,
    db = true,
  ): Promise<SeriesResult[]> {
    const search = new URLSearchParams()
    if (db) search.set('db', cfg.db)
    search.set('epoch', 'ms')
    search.set('q', q)
    if (params && Object.keys(params).length > 0) search.set('params', JSON.stringify(params))
    const readOnly = READ_ONLY_RE.test(q) && !INTO_RE.test(q)
    let res: Awaited<ReturnType<Pool['request']>>
    let body: string
    try {
      res = await pool.request(
        readOnly
          ? {
              method: 'GET',
              path: `${prefix}/query?${search}`,
              headers,
              signal: AbortSignal.timeout(timeoutMs),
            }
          : {
              method: 'POST',
              path: `${prefix}/query`,
              headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
              body: search.toString(),
              signal: AbortSignal.timeout(timeoutMs),
            },
      )
      body = await res.body.text()
    } catch (err) {
      throw new CourtyardError('INFLUX_UNAVAILABLE', `influx query failed: ${(err as Error).message}`, {
        cause: err,
      })
    }
    if (res.statusCode >= 500 || res.statusCode === 401 || res.statusCode === 403) {
      const code = res.statusCode >= 500 ? 'INFLUX_UNAVAILABLE' : 'INFLUX_QUERY_FAILED'
      throw new CourtyardError(code, `influx query failed (${res.statusCode}): ${serverMessage(body)}`)
    }
    let parsed: { error?: string; results?: { error?: string; series?: SeriesResult[] }[] }
    try {
      parsed = JSON.parse(body)
    } catch {
      throw new CourtyardError('INFLUX_QUERY_FAILED', `influx query answered ${res.statusCode} with non-JSON`)
    }
    if (parsed.error) throw new CourtyardError('INFLUX_QUERY_FAILED', parsed.error)
    const first = parsed.results?.[0]
    if (first?.error) throw new CourtyardError('INFLUX_QUERY_FAILED', first.error)
    return first?.series ?? []
  }

  async function ping(): Promise<boolean> {
    try {
      const res = await pool.request({
        method: 'GET',
        path: `${prefix}/ping`,
        headers,
        signal: AbortSignal.timeout(timeoutMs),
      })
      await res.body.dump()
      return res.statusCode === 204
    } catch {
      return false
    }
  }

  async function ensureDatabase(opts?: { retention?: string }): Promise<void> {
    const db = quoteIdent(cfg.db)
    // CREATE DATABASE is idempotent in 1.x
    await rawQuery(`CREATE DATABASE ${db}`, undefined, false)
    const retention = opts?.retention
    if (!retention) return
    const ms = durationMs(retention)
    if (ms === undefined)
      throw new CourtyardError('CONFIG_INVALID', `invalid retention duration: ${JSON.stringify(retention)}`)
    // The default policy is changed in place rather than a new one made the default: points already
    // written to it (before retention was configured) stay visible to queries that name no policy.
    const rps = await rawQuery(`SHOW RETENTION POLICIES ON ${db}`)
    const rows = rps[0]?.values ?? []
    const current = rows.find((r) => r[4] === true) ?? rows.find((r) => r[0] === 'autogen')
    const shard = shardDuration(ms)
    if (current) {
      await rawQuery(
        `ALTER RETENTION POLICY ${quoteIdent(String(current[0]))} ON ${db} DURATION ${retention} SHARD DURATION ${shard} DEFAULT`,
      )
    } else {
      await rawQuery(
        `CREATE RETENTION POLICY ${quoteIdent(RETENTION_POLICY)} ON ${db} DURATION ${retention} REPLICATION 1 SHARD DURATION ${shard} DEFAULT`,
      )
    }
  }

  return {
    write,
    query: (q, params) => rawQuery(q, params),
    ping,
    ensureDatabase,
    close: () => pool.close(),
  }
}
