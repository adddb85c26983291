// The write path: line protocol (encoded by ingest, influx/line-protocol.ts) posted to `/write` over an
// undici keep-alive pool. Kept beside the `influx` package rather than replaced by its writePoints:
// measured cheaper per point (bench/README.md, phase write-path), and it keeps what the package drops —
// the status, body and Retry-After of a 5xx, and the 400 "partial write" flag ingest acts on.
import { Pool } from 'undici'
import { serverMessage } from './server-message.ts'
import type { InfluxConfig } from './types.ts'

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

export interface LineWriter {
  /** POST /write. Resolves on 204. Rejects with InfluxWriteError (status, retryAfterMs, body, partial). */
  write(lines: string | Uint8Array, opts?: { precision?: 'ns' | 'ms' }): Promise<void>
  close(): Promise<void>
}

export function createLineWriter(cfg: InfluxConfig): LineWriter {
  const base = new URL(cfg.url)
  const prefix = base.pathname.replace(/\/+$/, '')
  const timeoutMs = cfg.timeoutMs ?? 10_000
  // A few connections: ingest keeps 2–4 writes in flight (alert annotations write alongside).
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

  async function write(lines: string | Uint8Array, opts?: { precision?: 'ns' | 'ms' }): Promise<void> {
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

  return { write, close: () => pool.close() }
}
