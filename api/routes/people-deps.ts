// What the people, session and token routes need besides the route context.
import type { Authenticator } from '../auth.ts'
import type { AuthEvents } from '../auth-events.ts'
import type { SignInLimiter } from '../sign-in-limiter.ts'

export interface PeopleDeps {
  auth: Authenticator
  /** revocations, so live sockets signed in with them are disconnected */
  events: AuthEvents
  limiter: SignInLimiter
  /** origins besides this server's own that may sign in by cookie (the socket.io CORS list) */
  allowedOrigins: readonly string[]
}
