// Checks real answers against the OpenAPI document the service serves (GET /api/v1/openapi.json), the way
// an integrator's generated client reads them: the status must be one the operation lists, in a media type
// it lists for that status, and a JSON body must match its schema. OpenAPI 3.0's `nullable` is turned into
// JSON Schema's null type, and typebox's JSON Schema validator does the checking.
import Schema from 'typebox/schema'

interface Operation {
  method: string
  path: string
  pattern: RegExp
  literalSegments: number
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>
}

/** OpenAPI 3.0 schema → JSON Schema: `nullable: true` becomes "or null"; annotations are dropped. */
export function jsonSchemaOf(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(jsonSchemaOf)
  if (schema === null || typeof schema !== 'object') return schema
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable' || key === 'example' || key === 'examples') continue
    out[key] =
      key === 'properties' || key === 'patternProperties'
        ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, jsonSchemaOf(v)]))
        : jsonSchemaOf(value)
  }
  return (schema as { nullable?: boolean }).nullable ? { anyOf: [out, { type: 'null' }] } : out
}

/**
 * A checker for one document: `check(method, url, status, body, contentType)` answers what an integrator
 * reading the document would find wrong with that answer (empty: nothing).
 */
export function openApiConformance(doc: unknown) {
  const { paths } = doc as { paths: Record<string, Record<string, { responses?: Operation['responses'] }>> }
  const operations: Operation[] = []
  for (const [path, methods] of Object.entries(paths))
    for (const [method, op] of Object.entries(methods)) {
      const segments = path.split('/')
      operations.push({
        method: method.toUpperCase(),
        path,
        pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
        literalSegments: segments.filter((s) => !s.startsWith('{')).length,
        responses: op.responses ?? {},
      })
    }
  const compiled = new Map<unknown, unknown>()

  return function check(
    method: string,
    url: string,
    status: number,
    body: unknown,
    contentType: string | null,
  ): string[] {
    const path = url.split('?')[0]!
    // the most specific operation: /sites/{id}/alert-settings before /sites/{id}
    const op = operations
      .filter((o) => o.method === method && o.pattern.test(path))
      .sort((a, b) => b.literalSegments - a.literalSegments)[0]
    const answer = `${method} ${url} answered ${status} ${JSON.stringify(body)?.slice(0, 300)}`
    if (!op) return status === 404 ? [] : [`${answer}: the document has no ${method} ${path}`]
    const response = op.responses[String(status)]
    if (!response)
      return [`${answer}: ${method} ${op.path} lists only ${Object.keys(op.responses).join(', ')}`]
    if (status === 204) return []
    const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? ''
    const content = response.content ?? {}
    if (!(mediaType in content))
      return [
        `${answer}: ${op.path} ${status} lists ${Object.keys(content).join(', ') || 'no body'}, not ${mediaType}`,
      ]
    if (mediaType !== 'application/json') return []
    const schema = content[mediaType]?.schema
    if (schema === undefined) return [`${answer}: ${op.path} ${status} has no JSON schema`]
    if (!compiled.has(schema)) compiled.set(schema, jsonSchemaOf(schema))
    const [ok, errors] = Schema.Errors(compiled.get(schema) as never, body)
    return ok
      ? []
      : errors
          .slice(0, 3)
          .map((e) => `${answer}: ${e.instancePath || 'the body'} ${e.message} (${op.path} ${status})`)
  }
}
