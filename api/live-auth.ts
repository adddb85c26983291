// Who may hold a live socket: the handshake accepts an API token (`auth: {token}`) or the session cookie
// (read from the handshake's headers, with the same origin check as cookie-authenticated changes), and
// afterwards a socket keeps its place only while its credential holds. Revocations (a token revoked, a
// user removed, a session signed out) disconnect at once; a periodic re-check catches what ends by
// itself (a token's expiresAt, a session's idle or absolute end).
import type { IncomingHttpHeaders } from 'node:http'
import type { Logger } from 'pino'
import type { Authenticator, Principal } from './auth.ts'
import { type AuthEvents, type Revocation, revokes } from './auth-events.ts'
import { crossOriginRefusal, requestOrigin } from './cross-origin.ts'
import type { LiveServer } from './live-feed.ts'
import { sessionIdFromCookie } from './session-cookie.ts'

export const DEFAULT_LIVE_AUTH_RECHECK_MS = 30_000

/** The principal of a socket.io handshake, or why there is none. */
export function handshakePrincipal(
  auth: Authenticator,
  handshake: { auth?: unknown; headers: IncomingHttpHeaders },
  allowedOrigins: readonly string[],
): { principal: Principal } | { refusal: string } {
  const token = (handshake.auth as { token?: unknown } | undefined)?.token
  if (token !== undefined) {
    const p = typeof token === 'string' && token.length <= 512 ? auth.fromToken(token) : undefined
    return p ? { principal: p } : { refusal: 'the API token is not valid, expired or was revoked' }
  }
  const sessionId = sessionIdFromCookie(handshake.headers.cookie)
  if (sessionId === undefined)
    return {
      refusal: 'pass a valid API token in the handshake: io(url, { auth: { token } }), or sign in first',
    }
  // another origin's page must not ride on the browser's cookie (cross-site WebSocket hijacking)
  const refusal = crossOriginRefusal(requestOrigin(handshake.headers), allowedOrigins)
  if (refusal) return { refusal }
  const p = auth.fromSessionId(sessionId)
  return p ? { principal: p } : { refusal: 'your session has ended: sign in again' }
}

export function watchLiveAuth(deps: {
  io: LiveServer
  auth: Authenticator
  events: AuthEvents
  recheckIntervalMs?: number
  log: Logger
}): { stop(): void } {
  const { io, log } = deps
  const drop = (reason: string, keep: (p: Principal) => boolean) => {
    for (const socket of io.sockets.sockets.values()) {
      const p = socket.data.principal
      if (!p || keep(p)) continue
      log.info({ socketId: socket.id, actor: p.actor, reason }, 'live socket disconnected')
      socket.disconnect(true)
    }
  }
  const onRevoked = (r: Revocation) => drop(`${r.kind} revoked`, (p) => !revokes(r, p))
  deps.events.on('revoked', onRevoked)
  const timer = setInterval(() => {
    try {
      drop('credential ended', (p) => deps.auth.stillValid(p))
    } catch (err) {
      log.error({ err }, 'live socket re-check failed')
    }
  }, deps.recheckIntervalMs ?? DEFAULT_LIVE_AUTH_RECHECK_MS)
  timer.unref()
  return {
    stop() {
      clearInterval(timer)
      deps.events.off('revoked', onRevoked)
    },
  }
}
