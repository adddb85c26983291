// Every /api/v1 route refuses a query parameter it does not take (400 BAD_REQUEST naming it and the ones
// it takes): a misspelt filter (`status=` for `state=`) must not answer the whole list as if unfiltered.
// A route takes the properties of its `querystring` schema; one without takes none. Parameters starting
// with `_` are removed before validation and never reach a route: cache-busting (`_=1712345`, as jQuery
// and some proxies add) keeps working.
import type { FastifyInstance } from 'fastify'
import { CourtyardError } from '../domain/errors.ts'

/** a parameter that starts with this is cache-busting: dropped, never refused */
const IGNORED_PREFIX = '_'
const SHOWN_UNKNOWN = 5
const NAME_CHARS = 40

/** The names a route's querystring schema takes; undefined when it does not say (not an object schema). */
function declaredNames(querystring: unknown): string[] | undefined {
  if (querystring === undefined) return []
  const properties = (querystring as { properties?: unknown }).properties
  return typeof properties === 'object' && properties !== null ? Object.keys(properties) : undefined
}

/** A parameter's name as a message shows it: plain when it is, else quoted, and never long. */
function shown(name: string): string {
  const short = name.length > NAME_CHARS ? `${name.slice(0, NAME_CHARS)}…` : name
  return /^[A-Za-z0-9.\-[\]]+$/.test(short) ? short : JSON.stringify(short)
}

/** `/devices/:id` as the OpenAPI document writes it, `/devices/{id}` */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')

function unknownQueryMessage(method: string, url: string, unknown: string[], takes: string[]): string {
  const names = unknown.slice(0, SHOWN_UNKNOWN).map(shown).join(', ')
  const more = unknown.length > SHOWN_UNKNOWN ? ` and ${unknown.length - SHOWN_UNKNOWN} more` : ''
  const offered = takes.length > 0 ? `takes ${takes.join(', ')}` : 'takes no query parameters'
  return `unknown query parameter${unknown.length > 1 ? 's' : ''} ${names}${more}: ${method} ${openApiPath(url)} ${offered} (a parameter starting with ${IGNORED_PREFIX} is ignored)`
}

export function installQueryCheck(v1: FastifyInstance): void {
  v1.addHook('preValidation', async (req) => {
    const query = req.query as Record<string, unknown> | undefined
    if (query === null || typeof query !== 'object') return
    const names = Object.keys(query)
    if (names.length === 0) return
    const takes = declaredNames(req.routeOptions.schema?.querystring)
    const unknown: string[] = []
    for (const name of names) {
      if (name.startsWith(IGNORED_PREFIX)) delete query[name]
      else if (takes !== undefined && !takes.includes(name)) unknown.push(name)
    }
    if (unknown.length > 0 && takes !== undefined)
      throw new CourtyardError(
        'BAD_REQUEST',
        unknownQueryMessage(req.method, req.routeOptions.url ?? req.url.split('?')[0]!, unknown, takes),
      )
  })
}
