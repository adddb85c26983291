// What a failed query, admin statement or ping means to the rest of Courtyard, from what the `influx`
// package throws: an answer with a status (its RequestError carries `res`) is a refused query, or refused
// credentials; no usable answer at all (refused connection, timeout, 5xx, which the package reports
// without `res`) means InfluxDB is unavailable.
import { ResultError } from 'influx'
import { CourtyardError } from '../domain/errors.ts'
import { serverMessage } from './server-message.ts'

// the package's RequestError message: `A ${status} ${statusMessage} error occurred: ${body}`
const BODY_AFTER = 'error occurred: '

export function queryError(err: unknown): CourtyardError {
  if (err instanceof CourtyardError) return err
  const message = err instanceof Error ? err.message : String(err)
  if (err instanceof ResultError)
    return new CourtyardError('INFLUX_QUERY_FAILED', message.replace(/^Error from InfluxDB: /, ''))
  const status = (err as { res?: { statusCode?: unknown } } | null)?.res?.statusCode
  if (typeof status === 'number') {
    const at = message.indexOf(BODY_AFTER)
    const body = serverMessage(at >= 0 ? message.slice(at + BODY_AFTER.length) : message)
    // no `cause`: the package's error holds the whole request and response objects, a log line's worth
    // of sockets and agents
    if (status === 401 || status === 403)
      return new CourtyardError('INFLUX_QUERY_FAILED', `influx refused the credentials (${status}): ${body}`)
    return new CourtyardError('INFLUX_QUERY_FAILED', body)
  }
  // a 2xx answer that is not JSON (a proxy's page, say): InfluxDB answered, but not as InfluxDB
  if (err instanceof SyntaxError)
    return new CourtyardError('INFLUX_QUERY_FAILED', 'influx query answered with non-JSON', { cause: err })
  return new CourtyardError('INFLUX_UNAVAILABLE', `influx query failed: ${message}`, { cause: err })
}

/** A statement's own error in a 200 answer (`database not found`, a type error…), if any. */
export function resultError(raw: unknown): CourtyardError | undefined {
  const r = raw as { error?: unknown; results?: { error?: unknown }[] } | null
  const e = r?.error ?? r?.results?.[0]?.error
  return typeof e === 'string' ? new CourtyardError('INFLUX_QUERY_FAILED', e) : undefined
}
