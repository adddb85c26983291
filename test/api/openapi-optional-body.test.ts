// The OpenAPI document and bodies that may be left out (acknowledging or clearing an alert takes an
// optional note): @fastify/swagger marks every body schema required, so a client generated from the
// document would insist on a body; routes whose preValidation is absentBodyIsEmpty say it is optional.
import swagger from '@fastify/swagger'
import Fastify, { type FastifyInstance } from 'fastify'
import Type from 'typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { absentBodyIsEmpty, installOpenApiDefaults, optionalBodies } from '../../api/openapi-defaults.ts'

const Note = Type.Object({ note: Type.Optional(Type.String()) }, { additionalProperties: false })
let app: FastifyInstance

beforeAll(async () => {
  app = Fastify()
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 't', version: '1' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'http', scheme: 'basic' },
        },
      },
    },
    transformObject: (doc) => optionalBodies('openapiObject' in doc ? doc.openapiObject : doc.swaggerObject),
  })
  await app.register(
    async (v1) => {
      installOpenApiDefaults(v1)
      const reply = async () => ({ ok: true })
      v1.post('/things/:id/ack', { schema: { body: Note }, preValidation: absentBodyIsEmpty }, reply)
      v1.post('/things', { schema: { body: Note } }, reply)
    },
    { prefix: '/api/v1' },
  )
  await app.ready()
})
afterAll(async () => {
  await app?.close()
})

describe('OpenAPI: optional bodies', () => {
  it('marks a body the route lets a caller leave out as not required, and keeps the others required', () => {
    // biome-ignore lint/suspicious/noExplicitAny: reading the generated document
    const doc = app.swagger() as any
    const ack = doc.paths['/api/v1/things/{id}/ack'].post
    expect(ack.requestBody.required).toBe(false)
    expect(ack.requestBody.content['application/json'].schema.properties.note).toBeDefined()
    expect(ack['x-body-optional']).toBeUndefined()
    expect(doc.paths['/api/v1/things'].post.requestBody.required).toBe(true)
  })

  it('takes a request with no body at all as an empty one', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/things/a/ack' })
    expect(res.statusCode).toBe(200)
    const refused = await app.inject({ method: 'POST', url: '/api/v1/things' })
    expect(refused.statusCode).toBe(400)
  })
})
