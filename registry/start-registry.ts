// The registry part of a node: the SQLite registry, with the bootstrap admin token in place. When no
// ADMIN_TOKEN is configured and none exists yet, one is generated (unless the caller issues its own, as the
// demo does): only its hash is stored, so the caller prints it once.
import { randomBytes } from 'node:crypto'
import type { Logger } from 'pino'
import type { RunningPart } from '../domain/part.ts'
import type { Registry } from './model.ts'
import { openRegistry } from './open-registry.ts'

export interface RegistryPart extends RunningPart {
  registry: Registry
  /** set only when a bootstrap admin token was generated now */
  generatedAdminToken?: string
}

export function startRegistry(deps: {
  path: string
  log: Logger
  adminToken?: string
  /** default true: generate a bootstrap admin token when none is configured and none exists */
  generateAdminToken?: boolean
}): RegistryPart {
  const registry = openRegistry({ path: deps.path, log: deps.log })
  let generatedAdminToken: string | undefined
  if (deps.adminToken) {
    const bootstrap = registry.ensureAdminToken(deps.adminToken)
    // the service still starts (its alarms matter more than an admin token); the token answers 401
    if (bootstrap.revokedAt !== undefined)
      deps.log.warn(
        { tokenId: bootstrap.id, revokedAt: new Date(bootstrap.revokedAt).toISOString() },
        'ADMIN_TOKEN was revoked and stays revoked: set ADMIN_TOKEN to a new value for a working bootstrap admin token',
      )
  } else if (deps.generateAdminToken !== false && !registry.hasAdminToken()) {
    generatedAdminToken = `cy_${randomBytes(32).toString('base64url')}`
    registry.ensureAdminToken(generatedAdminToken)
  }
  return { registry, generatedAdminToken, stop: () => registry.close() }
}
