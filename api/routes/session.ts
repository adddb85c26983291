// Signing people in and out (docs/api.md v1.1 "People and sessions"). A wrong name and a wrong password
// get the same answer, in the same time (the registry checks an unknown name against a dummy hash);
// repeated failures are refused for a while per name and per address (api/sign-in-limiter.ts). A person
// changes their own password here too, proving the current one: a wrong one counts against the same
// limits, so a session left open on a shared screen cannot be used to guess the password.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import Type from 'typebox'
import { CourtyardError } from '../../domain/errors.ts'
import { checkPassword, normaliseUsername } from '../../registry/index.ts'
import { principalOf } from '../auth.ts'
import type { RouteContext } from '../context.ts'
import { crossOriginRefusal, requestOrigin } from '../cross-origin.ts'
import { ChangeOwnPassword, errorResponses, SessionInfo, SignIn } from '../schemas.ts'
import { clearedSessionCookie, sessionCookie } from '../session-cookie.ts'
import type { PeopleDeps } from './people-deps.ts'
import { userInfo } from './users.ts'

export const WRONG_CREDENTIALS = 'the username or password is not right'
export const WRONG_CURRENT_PASSWORD = 'the current password is not right: the password was not changed'

/** Retry-After, and a 429 saying when to try again. */
function tooMany(reply: FastifyReply, retryAfterS: number, what: string): CourtyardError {
  reply.header('retry-after', String(retryAfterS))
  return new CourtyardError(
    'RATE_LIMITED',
    `too many ${what}: try again in ${Math.ceil(retryAfterS / 60)} min`,
  )
}

const overTls = (req: FastifyRequest) => req.protocol === 'https'

export const sessionRoutes: FastifyPluginAsyncTypebox<{ ctx: RouteContext; people: PeopleDeps }> = async (
  app,
  { ctx, people },
) => {
  const { registry } = ctx
  const { limiter, auth } = people

  app.post(
    '/session',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['people'],
        summary: 'sign in: answers the user and sets the session cookie',
        body: SignIn,
        response: { 200: SessionInfo, ...errorResponses(400, 403, 429) },
      },
    },
    async (req, reply) => {
      // a sign-in from another origin would put the victim in the attacker's account (login CSRF)
      const refusal = crossOriginRefusal(requestOrigin(req.headers), people.allowedOrigins)
      if (refusal) throw new CourtyardError('FORBIDDEN', refusal)
      const username = normaliseUsername(req.body.username)
      // counted as a failure until it succeeds, so guesses sent at once cannot all pass before any is counted
      const attempt = limiter.attempt(username, req.ip)
      if (!attempt.ok) {
        req.log.warn({ username, address: req.ip, by: attempt.by }, 'sign-in refused: too many failures')
        throw tooMany(reply, attempt.retryAfterS, 'failed sign-ins')
      }
      const user = await registry.verifyUserPassword(username, req.body.password)
      if (!user) {
        req.log.info({ username, address: req.ip }, 'sign-in failed')
        throw new CourtyardError('UNAUTHORIZED', WRONG_CREDENTIALS)
      }
      attempt.succeeded()
      const expiresAt = ctx.now() + auth.policy.absoluteTimeoutMs
      const { sessionId } = registry.createSession({ userId: user.id, expiresAt })
      reply.header(
        'set-cookie',
        sessionCookie(sessionId, { maxAgeS: auth.policy.absoluteTimeoutMs / 1000, secure: overTls(req) }),
      )
      req.log.info({ userId: user.id, address: req.ip }, 'signed in')
      return { user: userInfo(user), expiresAt }
    },
  )

  app.get(
    '/session',
    {
      config: { permission: 'session' },
      schema: {
        tags: ['people'],
        summary: 'the signed-in user (404 for a caller using an API token)',
        response: { 200: SessionInfo, ...errorResponses(404) },
      },
    },
    async (req) => {
      const c = principalOf(req).credential
      const found = c.kind === 'session' ? registry.getSessionByHash(c.idHash) : undefined
      if (!found) throw new CourtyardError('NOT_FOUND', 'this request carries an API token, not a session')
      return { user: userInfo(found.user), expiresAt: found.session.expiresAt }
    },
  )

  app.delete(
    '/session',
    {
      config: { permission: 'session' },
      schema: {
        tags: ['people'],
        summary: 'sign out: the session ends and its live sockets are disconnected',
        response: { 204: Type.Null(), ...errorResponses(403) },
      },
    },
    async (req, reply) => {
      const c = principalOf(req).credential
      if (c.kind === 'session') {
        registry.deleteSession(c.idHash)
        people.events.emit('revoked', { kind: 'session', idHash: c.idHash })
        req.log.info({ userId: c.userId }, 'signed out')
      }
      reply.header('set-cookie', clearedSessionCookie(overTls(req)))
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/session/password',
    {
      config: { permission: 'session' },
      schema: {
        tags: ['people'],
        summary:
          "change one's own password, giving the current one: the person's other sessions end, this one goes on",
        body: ChangeOwnPassword,
        response: { 204: Type.Null(), ...errorResponses(400, 403, 429) },
      },
    },
    async (req, reply) => {
      const c = principalOf(req).credential
      if (c.kind !== 'session')
        throw new CourtyardError(
          'FORBIDDEN',
          'an API token has no password: a person signs in (POST /api/v1/session) to change theirs, or an admin sets one (POST /api/v1/users/{id}/password)',
        )
      const { currentPassword, password } = req.body
      // the new password's faults first: they tell nothing about the current one, so they cost no attempt
      checkPassword(password)
      if (password === currentPassword)
        throw new CourtyardError(
          'BAD_REQUEST',
          'the new password is the same as the current one: choose another',
        )
      const attempt = limiter.attempt(c.username, req.ip)
      if (!attempt.ok) {
        req.log.warn(
          { userId: c.userId, address: req.ip, by: attempt.by },
          'password change refused: too many failures',
        )
        throw tooMany(reply, attempt.retryAfterS, 'wrong passwords')
      }
      const user = await registry.verifyUserPassword(c.username, currentPassword)
      if (user?.id !== c.userId) {
        req.log.info({ userId: c.userId, address: req.ip }, 'password change failed: wrong current password')
        throw new CourtyardError('FORBIDDEN', WRONG_CURRENT_PASSWORD)
      }
      attempt.succeeded()
      await registry.setUserPassword(c.userId, password, c.idHash)
      req.log.info({ userId: c.userId }, 'own password changed')
      people.events.emit('revoked', { kind: 'user', userId: c.userId, keepSessionHash: c.idHash })
      return reply.status(204).send(null)
    },
  )
}
