// Every error answer is `{error, message}`: ours (CourtyardError), Fastify's own (validation, bad JSON,
// too large, unknown route) and unexpected ones, which are logged and answered without internals.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import { type ErrorCode, isCourtyardError } from '../domain/errors.ts'

// Fastify's own client errors by status; anything unlisted is a plain BAD_REQUEST
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
}
const GENERIC_5XX = 'something went wrong on our side; it was logged, try again later'
const SAFE_MESSAGES: Partial<Record<ErrorCode, string>> = {
  INFLUX_UNAVAILABLE: 'the telemetry store (InfluxDB) is not reachable right now; try again shortly',
  INFLUX_QUERY_FAILED:
    'the telemetry store (InfluxDB) could not answer this query; it was logged, try again later',
  DEVICE_TIMEOUT: 'the device did not answer in time; check that it is online and try again',
}

const codeForStatus = (status: number): ErrorCode => CODE_BY_STATUS[status] ?? 'BAD_REQUEST'

interface SchemaError {
  keyword?: string
  instancePath?: string
  message?: string
  params?: Record<string, unknown>
}

function validationMessage(err: FastifyError): string {
  const errors = (err.validation ?? []) as SchemaError[]
  // typebox reports an unknown property twice, first as the `false` schema it met ("/x schema is false"),
  // then as the object's additionalProperties, which can name it
  const first = errors.find((e) => e.keyword !== 'boolean') ?? errors[0]
  if (!first) return err.message
  const where = `${err.validationContext ?? 'request'}${first.instancePath ?? ''}`
  const required = first.params?.requiredProperties ?? first.params?.missingProperty
  if (required) return `${where} is missing ${[required].flat().join(', ')}`
  const extra = first.params?.additionalProperties ?? first.params?.additionalProperty
  if (extra) return `${where} has unknown property ${[extra].flat().join(', ')}`
  const allowed = first.params?.allowedValues
  if (Array.isArray(allowed)) return `${where} must be one of ${allowed.join(', ')}`
  return `${where} ${first.message ?? 'is invalid'}`
}

/**
 * The router's own refusals, before any route is found (Fastify's `frameworkErrors`): a path that is not
 * valid percent-encoding, or a path segment over the router's 100 characters. Fastify's default body for
 * them is not our error shape.
 */
export function frameworkError(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const path = JSON.stringify(
    String(err.message)
      .match(/^'(.*)' is /)?.[1]
      ?.slice(0, 120) ?? '',
  )
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return void reply.status(400).send({
      error: 'BAD_REQUEST',
      message: `a segment of the path ${path} is over 100 characters: ids are at most 64`,
    })
  if (err.code === 'FST_ERR_BAD_URL')
    return void reply.status(400).send({
      error: 'BAD_REQUEST',
      message: `the path ${path} is not valid: encode characters outside A-Z a-z 0-9 - . _ ~ as %XX (UTF-8)`,
    })
  reply.log.error({ err }, 'request failed before routing')
  reply.status(500).send({ error: 'INTERNAL', message: GENERIC_5XX })
}

export function installErrorHandlers(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isCourtyardError(err)) {
      if (err.status < 500) return reply.status(err.status).send({ error: err.code, message: err.message })
      // server-side messages name hosts, ports and upstream errors: log them, answer in general terms
      // unless the thrower wrote a public message for the caller (domain/errors.ts)
      log.error({ err, url: req.url, code: err.code }, 'request failed')
      return reply
        .status(err.status)
        .send({ error: err.code, message: err.publicMessage ?? SAFE_MESSAGES[err.code] ?? GENERIC_5XX })
    }
    if (err.validation) {
      return reply.status(400).send({ error: 'BAD_REQUEST', message: validationMessage(err) })
    }
    const status = err.statusCode ?? 500
    if (status < 500) {
      // Fastify's client errors (bad JSON, body too large, unsupported media type) carry safe messages;
      // the media type's says only "Unsupported Media Type"
      const message =
        err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? `a body of Content-Type ${JSON.stringify(String(req.headers['content-type'] ?? '').slice(0, 100))} is not accepted: send JSON with Content-Type: application/json`
          : err.message
      return reply.status(status).send({ error: codeForStatus(status), message })
    }
    log.error({ err, url: req.url }, 'request failed')
    return reply.status(500).send({
      error: 'INTERNAL',
      message: 'something went wrong on our side; it was logged, try again later',
    })
  })
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({
      error: 'NOT_FOUND',
      message: `no route ${req.method} ${req.url.split('?')[0]!.slice(0, 200)}: see /api/v1/openapi.json`,
    })
  })
}
