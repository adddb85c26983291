// API tokens (sha256, looked up by hash) and internal service accounts (scrypt).
import type Database from 'better-sqlite3'
import { CourtyardError } from '../domain/errors.ts'
import { generateId } from './ids.ts'
import { type ApiToken, type Registry, ROLES, type Role } from './model.ts'
import {
  generateApiToken,
  generateSecret,
  hashSecretSync,
  hashToken,
  type ScryptParams,
  verifySecret,
} from './secrets.ts'

interface TokenRow {
  id: string
  tenant_id: string | null
  role: Role
  name: string
  hash: string
  created_at: number
  revoked_at: number | null
  expires_at: number | null
}

const tokenFrom = (r: TokenRow): ApiToken => {
  const t: ApiToken = {
    id: r.id,
    tenantId: r.tenant_id,
    role: r.role,
    name: r.name,
    hash: r.hash,
    createdAt: r.created_at,
  }
  if (r.revoked_at !== null) t.revokedAt = r.revoked_at
  if (r.expires_at !== null) t.expiresAt = r.expires_at
  return t
}

type TokenStore = Pick<
  Registry,
  | 'createToken'
  | 'findToken'
  | 'getActiveToken'
  | 'listTokens'
  | 'revokeToken'
  | 'ensureAdminToken'
  | 'hasAdminToken'
  | 'rotateServiceSecret'
  | 'verifyServiceSecret'
>

const BOOTSTRAP_NAME = 'bootstrap admin (ADMIN_TOKEN)'

export function createTokenStore(db: Database.Database, now: () => number, scrypt: ScryptParams): TokenStore {
  const q = {
    insert: db.prepare(
      'INSERT INTO api_tokens (id, tenant_id, role, name, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    byHash: db.prepare('SELECT * FROM api_tokens WHERE hash = ? AND revoked_at IS NULL'),
    anyByHash: db.prepare('SELECT * FROM api_tokens WHERE hash = ?'),
    activeById: db.prepare(
      'SELECT * FROM api_tokens WHERE id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)',
    ),
    listAll: db.prepare('SELECT * FROM api_tokens WHERE revoked_at IS NULL AND id > ? ORDER BY id LIMIT ?'),
    listTenant: db.prepare(
      'SELECT * FROM api_tokens WHERE revoked_at IS NULL AND tenant_id = ? AND id > ? ORDER BY id LIMIT ?',
    ),
    revoke: db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    revokeInTenant: db.prepare(
      'UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND tenant_id = ? AND revoked_at IS NULL',
    ),
    tenant: db.prepare('SELECT 1 FROM tenants WHERE id = ?'),
    upsertService: db.prepare(
      `INSERT INTO service_accounts (name, secret_hash, created_at) VALUES (@name, @hash, @now)
       ON CONFLICT (name) DO UPDATE SET secret_hash = @hash, rotated_at = @now`,
    ),
    service: db.prepare('SELECT secret_hash FROM service_accounts WHERE name = ?'),
    revokeBootstrap: db.prepare(
      'UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND tenant_id IS NULL AND hash != ? AND revoked_at IS NULL',
    ),
    anyAdmin: db.prepare(
      "SELECT 1 FROM api_tokens WHERE role = 'admin' AND tenant_id IS NULL AND revoked_at IS NULL LIMIT 1",
    ),
  }
  return {
    createToken({ tenantId, role, name, expiresAt }) {
      if (!ROLES.includes(role))
        throw new CourtyardError('BAD_REQUEST', `role must be one of ${ROLES.join(', ')}`)
      if (expiresAt !== undefined && expiresAt <= now())
        throw new CourtyardError('BAD_REQUEST', 'expiresAt must be in the future')
      if (tenantId !== null && !q.tenant.get(tenantId))
        throw new CourtyardError('NOT_FOUND', `tenant ${tenantId} does not exist`)
      const token = generateApiToken()
      const record: ApiToken = {
        id: generateId('tok'),
        tenantId,
        role,
        name,
        hash: hashToken(token),
        createdAt: now(),
      }
      if (expiresAt !== undefined) record.expiresAt = expiresAt
      q.insert.run(record.id, tenantId, role, name, record.hash, record.createdAt, expiresAt ?? null)
      return { token, record }
    },
    findToken(token) {
      const r = q.byHash.get(hashToken(token)) as TokenRow | undefined
      if (!r || (r.expires_at !== null && r.expires_at <= now())) return undefined
      return tokenFrom(r)
    },
    getActiveToken(id) {
      const r = q.activeById.get(id, now()) as TokenRow | undefined
      return r && tokenFrom(r)
    },
    listTokens({ limit, afterId = '', tenantId }) {
      const rows = (
        tenantId === undefined || tenantId === null
          ? q.listAll.all(afterId, limit)
          : q.listTenant.all(tenantId, afterId, limit)
      ) as TokenRow[]
      return rows.map(tokenFrom)
    },
    revokeToken(id, scope) {
      const tenantId = scope?.tenantId
      const changed =
        tenantId === undefined || tenantId === null
          ? q.revoke.run(now(), id).changes
          : q.revokeInTenant.run(now(), id, tenantId).changes
      if (changed === 0) throw new CourtyardError('NOT_FOUND', `token ${id} does not exist`)
    },
    ensureAdminToken(token) {
      const hash = hashToken(token)
      return db
        .transaction(() => {
          q.revokeBootstrap.run(now(), BOOTSTRAP_NAME, hash)
          // a revoked one (through the API, or retired by an earlier ADMIN_TOKEN) stays revoked: whoever
          // revoked it meant it, and a second row with its hash cannot exist (the hash is unique)
          const existing = q.anyByHash.get(hash) as TokenRow | undefined
          if (existing) return tokenFrom(existing)
          const record: ApiToken = {
            id: generateId('tok'),
            tenantId: null,
            role: 'admin',
            name: BOOTSTRAP_NAME,
            hash,
            createdAt: now(),
          }
          q.insert.run(record.id, null, 'admin', record.name, hash, record.createdAt, null)
          return record
        })
        .immediate()
    },
    hasAdminToken: () => q.anyAdmin.get() !== undefined,
    rotateServiceSecret(name) {
      if (!/^[a-z][a-z0-9-]{0,31}$/.test(name))
        throw new CourtyardError(
          'BAD_REQUEST',
          'service account names are 1–32 lowercase letters, digits or -',
        )
      const secret = generateSecret()
      q.upsertService.run({ name, hash: hashSecretSync(secret, scrypt), now: now() })
      return secret
    },
    async verifyServiceSecret(name, secret) {
      const r = q.service.get(name) as { secret_hash: string } | undefined
      if (!r) return false
      return verifySecret(r.secret_hash, secret)
    },
  }
}
