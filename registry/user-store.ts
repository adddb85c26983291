// People (users with a role in a tenant) and their sessions. Passwords are chosen by people, so unlike
// device secrets they get the interactive-login scrypt cost (PASSWORD_SCRYPT); session ids are 256-bit
// random, so a sha256 of them is stored and looked up, like API tokens.
import { randomBytes } from 'node:crypto'
import type Database from 'better-sqlite3'
import { CourtyardError } from '../domain/errors.ts'
import { generateId } from './ids.ts'
import { type PersonName, type Registry, ROLES, type Role, type Session, type User } from './model.ts'
import { hashSecret, hashToken, type ScryptParams, verifySecret } from './secrets.ts'

interface UserRow {
  id: string
  tenant_id: string | null
  username: string
  display_name: string | null
  role: Role
  password_hash: string
  created_at: number
}

interface SessionRow {
  id_hash: string
  user_id: string
  created_at: number
  last_seen_at: number
  expires_at: number
}

const userFrom = (r: UserRow): User => {
  const u: User = {
    id: r.id,
    username: r.username,
    tenantId: r.tenant_id,
    role: r.role,
    createdAt: r.created_at,
  }
  if (r.display_name !== null) u.displayName = r.display_name
  return u
}

const sessionFrom = (r: SessionRow): Session => ({
  idHash: r.id_hash,
  userId: r.user_id,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  expiresAt: r.expires_at,
})

export const USERNAME_RE = /^[a-z0-9][a-z0-9._-]{2,63}$/
export const PASSWORD_MIN_LENGTH = 10
export const PASSWORD_MAX_LENGTH = 256

/** Sign-in names are case-insensitive: `Manager` and `manager` are one person. */
export const normaliseUsername = (name: string) => name.trim().toLowerCase()

/** BAD_REQUEST unless the password is of an allowed length (the one rule for every way of setting one). */
export function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH)
    throw new CourtyardError(
      'BAD_REQUEST',
      `a password is ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters long`,
    )
}

type UserStore = Pick<
  Registry,
  | 'createUser'
  | 'getUser'
  | 'listUsers'
  | 'listDisplayNames'
  | 'deleteUser'
  | 'setUserPassword'
  | 'verifyUserPassword'
  | 'createSession'
  | 'findSession'
  | 'getSessionByHash'
  | 'touchSession'
  | 'deleteSession'
>

export function createUserStore(db: Database.Database, now: () => number, scrypt: ScryptParams): UserStore {
  const q = {
    insert: db.prepare(
      `INSERT INTO users (id, tenant_id, username, display_name, role, password_hash, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    byId: db.prepare('SELECT * FROM users WHERE id = ?'),
    byName: db.prepare('SELECT * FROM users WHERE username = ?'),
    listAll: db.prepare('SELECT * FROM users WHERE id > ? ORDER BY id LIMIT ?'),
    listTenant: db.prepare('SELECT * FROM users WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?'),
    namesAll: db.prepare(
      `SELECT username, display_name AS displayName, created_at AS createdAt FROM users
       WHERE display_name IS NOT NULL ORDER BY username`,
    ),
    namesTenant: db.prepare(
      `SELECT username, display_name AS displayName, created_at AS createdAt FROM users
       WHERE tenant_id = ? AND display_name IS NOT NULL ORDER BY username`,
    ),
    remove: db.prepare('DELETE FROM users WHERE id = ?'),
    everyTenantAdmins: db.prepare(
      "SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND tenant_id IS NULL",
    ),
    setPassword: db.prepare('UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?'),
    tenant: db.prepare('SELECT 1 FROM tenants WHERE id = ?'),
    insertSession: db.prepare(
      'INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    ),
    session: db.prepare('SELECT * FROM sessions WHERE id_hash = ?'),
    touch: db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?'),
    removeSession: db.prepare('DELETE FROM sessions WHERE id_hash = ?'),
    removeSessionsOf: db.prepare('DELETE FROM sessions WHERE user_id = ? AND id_hash != ?'),
    removeExpired: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
  }
  // Verified against when the name is unknown, so both answers cost one scrypt run. Made on first use
  // (with the same parameters as real hashes, or the timing would differ after all).
  let dummyHash: Promise<string> | undefined
  const dummy = () => {
    dummyHash ??= hashSecret(randomBytes(16).toString('base64url'), scrypt)
    return dummyHash
  }

  const getUser = (id: string, scope?: { tenantId?: string | null }): User | undefined => {
    const r = q.byId.get(id) as UserRow | undefined
    if (!r) return undefined
    const tenantId = scope?.tenantId
    if (tenantId !== undefined && tenantId !== null && r.tenant_id !== tenantId) return undefined
    return userFrom(r)
  }
  const withUser = (r: SessionRow | undefined) => {
    if (!r) return undefined
    const u = q.byId.get(r.user_id) as UserRow | undefined
    return u && { session: sessionFrom(r), user: userFrom(u) }
  }

  return {
    async createUser({ username, password, role, tenantId, displayName }) {
      const name = normaliseUsername(username)
      if (!USERNAME_RE.test(name))
        throw new CourtyardError(
          'BAD_REQUEST',
          'a username is 3–64 characters: letters, digits, ".", "_" or "-", starting with a letter or digit',
        )
      if (!ROLES.includes(role))
        throw new CourtyardError('BAD_REQUEST', `role must be one of ${ROLES.join(', ')}`)
      if (tenantId === null && role !== 'admin')
        throw new CourtyardError('BAD_REQUEST', `a ${role} belongs to a tenant: pass tenantId`)
      if (tenantId !== null && !q.tenant.get(tenantId))
        throw new CourtyardError('NOT_FOUND', `tenant ${tenantId} does not exist`)
      checkPassword(password)
      if (q.byName.get(name)) throw new CourtyardError('CONFLICT', `username ${name} is taken`)
      const hash = await hashSecret(password, scrypt)
      const user: User = { id: generateId('usr'), username: name, tenantId, role, createdAt: now() }
      if (displayName !== undefined) user.displayName = displayName
      try {
        q.insert.run(user.id, tenantId, name, displayName ?? null, role, hash, user.createdAt)
      } catch (err) {
        // two creations of one name raced past the check above
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
          throw new CourtyardError('CONFLICT', `username ${name} is taken`)
        throw err
      }
      return user
    },
    getUser,
    listUsers({ limit, afterId = '', tenantId }) {
      const rows = (
        tenantId === undefined || tenantId === null
          ? q.listAll.all(afterId, limit)
          : q.listTenant.all(tenantId, afterId, limit)
      ) as UserRow[]
      return rows.map(userFrom)
    },
    listDisplayNames({ tenantId }) {
      return (tenantId === null ? q.namesAll.all() : q.namesTenant.all(tenantId)) as PersonName[]
    },
    deleteUser(id) {
      // immediate: the count and the removal under one write lock, so two removals of the last two
      // admins (from two processes on this file, too) cannot both see the other one still there
      db.transaction(() => {
        const r = q.byId.get(id) as UserRow | undefined
        if (!r) throw new CourtyardError('NOT_FOUND', `user ${id} does not exist`)
        if (r.role === 'admin' && r.tenant_id === null) {
          const { n } = q.everyTenantAdmins.get() as { n: number }
          if (n <= 1)
            throw new CourtyardError(
              'CONFLICT',
              `${r.username} is the last admin spanning every tenant: add another admin without a tenantId first (POST /api/v1/users), then remove this one`,
            )
        }
        // sessions go with it (ON DELETE CASCADE)
        q.remove.run(id)
      }).immediate()
    },
    async setUserPassword(id, password, keepSessionHash) {
      checkPassword(password)
      if (!q.byId.get(id)) throw new CourtyardError('NOT_FOUND', `user ${id} does not exist`)
      const hash = await hashSecret(password, scrypt)
      db.transaction(() => {
        q.setPassword.run(hash, now(), id)
        q.removeSessionsOf.run(id, keepSessionHash ?? '')
      })()
    },
    async verifyUserPassword(username, password) {
      const r = q.byName.get(normaliseUsername(username)) as UserRow | undefined
      if (!r) {
        await verifySecret(await dummy(), password)
        return undefined
      }
      return (await verifySecret(r.password_hash, password)) ? userFrom(r) : undefined
    },
    createSession({ userId, expiresAt }) {
      const sessionId = randomBytes(32).toString('base64url')
      const at = now()
      const session: Session = {
        idHash: hashToken(sessionId),
        userId,
        createdAt: at,
        lastSeenAt: at,
        expiresAt,
      }
      // a sign-in is a fine moment to forget sessions nobody will use again
      q.removeExpired.run(at)
      q.insertSession.run(session.idHash, userId, at, at, expiresAt)
      return { sessionId, session }
    },
    findSession: (sessionId) => withUser(q.session.get(hashToken(sessionId)) as SessionRow | undefined),
    getSessionByHash: (idHash) => withUser(q.session.get(idHash) as SessionRow | undefined),
    touchSession(idHash, at) {
      q.touch.run(at, idHash)
    },
    deleteSession(idHash) {
      q.removeSession.run(idHash)
    },
  }
}
