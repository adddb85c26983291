// Credentials that stop working now: the routes that revoke them emit, the live feed disconnects the
// sockets that signed in with them (api/live-auth.ts).
import { EventEmitter } from 'node:events'
import { unreachable } from '../domain/errors.ts'
import type { Principal } from './auth.ts'

export type Revocation =
  | { kind: 'token'; tokenId: string }
  /** a removed user, or one whose password changed (then `keepSessionHash` is the changer's own session) */
  | { kind: 'user'; userId: string; keepSessionHash?: string }
  | { kind: 'session'; idHash: string }

export type AuthEvents = EventEmitter<{ revoked: [Revocation] }>

export const createAuthEvents = (): AuthEvents => new EventEmitter<{ revoked: [Revocation] }>()

/** Whether a principal signed in with the revoked credential. */
export function revokes(r: Revocation, p: Principal): boolean {
  const c = p.credential
  switch (r.kind) {
    case 'token':
      return c.kind === 'token' && c.tokenId === r.tokenId
    case 'user':
      return c.kind === 'session' && c.userId === r.userId && c.idHash !== r.keepSessionHash
    case 'session':
      return c.kind === 'session' && c.idHash === r.idHash
    default:
      return unreachable(r, 'revocation')
  }
}
