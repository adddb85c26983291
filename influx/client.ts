// The InfluxClient the other parts use: queries with bound parameters, database and retention
// administration and ping through the `influx` package (node-influx); writes through write-lines.ts.
import { CourtyardError } from '../domain/errors.ts'
import { createPackageClient } from './package-client.ts'
import { queryError, resultError } from './query-error.ts'
import { ensureDatabase } from './retention.ts'
import type { InfluxClient, InfluxConfig, QueryParam, SeriesResult } from './types.ts'
import { createLineWriter } from './write-lines.ts'

// Statements that change state need POST on InfluxDB 1.x; SELECT … INTO does too.
const READ_ONLY_RE = /^\s*(SELECT|SHOW)\b/i
const INTO_RE = /\bINTO\b/i

/**
 * Settles with `p`, or rejects once `signal` aborts. The package bounds a request only until its answer
 * starts (its socket timeout is disarmed by the first byte of the response), so a server that stalls
 * mid-answer would leave the caller waiting for ever without this.
 */
function bounded<T>(p: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () =>
      reject(new CourtyardError('INFLUX_UNAVAILABLE', `influx ${what} timed out`, { cause: signal.reason }))
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

export function createInfluxClient(cfg: InfluxConfig): InfluxClient {
  const timeoutMs = cfg.timeoutMs ?? 10_000
  const writer = createLineWriter(cfg)
  const pkg = createPackageClient(cfg)
  const { influx } = pkg

  async function run<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = AbortSignal.timeout(timeoutMs)
    try {
      return await bounded(fn(signal), signal, what)
    } catch (err) {
      throw queryError(err)
    }
  }

  async function query(q: string, params?: Record<string, QueryParam>): Promise<SeriesResult[]> {
    const raw = await run('query', (signal) =>
      influx.queryRaw(q, {
        precision: 'ms',
        // InfluxDB binds `$name` to these (JSON `params`): user input is never part of the statement.
        // The package types values as string | number; InfluxDB binds booleans too, and JSON carries them.
        placeholders: (params ?? {}) as Record<string, string | number>,
        method: READ_ONLY_RE.test(q) && !INTO_RE.test(q) ? 'GET' : 'POST',
        signal,
      }),
    )
    const error = resultError(raw)
    if (error) throw error
    return (raw as { results?: { series?: SeriesResult[] }[] }).results?.[0]?.series ?? []
  }

  async function ping(): Promise<boolean> {
    const hosts = await influx.ping(timeoutMs)
    return hosts[0]?.online === true
  }

  return {
    write: writer.write,
    query,
    ping,
    ensureDatabase: (opts) => run('administration', () => ensureDatabase(influx, cfg.db, opts?.retention)),
    close: async () => {
      pkg.close()
      await writer.close()
    },
  }
}
