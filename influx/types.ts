// InfluxDB over its v1 HTTP API (`/write` line protocol, `/query` InfluxQL), served natively by 1.x and
// as the v1-compatible API by 2.x/3.x. Implemented in influx/client.ts (the `influx` package + undici).

export interface InfluxConfig {
  url: string
  db: string
  /** InfluxDB 2.x/3.x token (sent as `Authorization: Token …`) */
  token?: string
  username?: string
  password?: string
  timeoutMs?: number
}

/** `{ regex }` binds a regular expression (`"tag" =~ $name`); InfluxDB 1.x types a JSON object param by its key */
export type QueryParam = string | number | boolean | { regex: string }

export interface SeriesResult {
  name: string
  tags?: Record<string, string>
  columns: string[]
  values: unknown[][]
}

export interface InfluxClient {
  /** POST /write?precision=ns. Resolves on 204. Rejects with InfluxWriteError (status, retryAfterMs, body). */
  write(lines: string | Uint8Array, opts?: { precision?: 'ns' | 'ms' }): Promise<void>
  /** GET/POST /query with bound `params` (never string-built user input); epoch ms timestamps. */
  query(q: string, params?: Record<string, QueryParam>): Promise<SeriesResult[]>
  ping(): Promise<boolean>
  /** CREATE DATABASE (idempotent) and a default retention policy. */
  ensureDatabase(opts?: { retention?: string }): Promise<void>
  close(): Promise<void>
}
