// Public face of the registry: tenants, communities, sites, devices, people, API tokens and service
// accounts in SQLite (WAL) under DATA_DIR; the node starts it with `startRegistry`.
export { DEFAULT_REPORT_INTERVAL_S } from './device-store.ts'
export { generateId, ID_PATTERN, ID_RE, isValidId } from './ids.ts'
export { createLookupCache, type LookupCache } from './lookup-cache.ts'
export { LATEST_VERSION, MIGRATIONS, migrate, schemaVersion } from './migrations.ts'
export * from './model.ts'
export { openRegistry, type RegistryOptions } from './open-registry.ts'
export {
  DEFAULT_SCRYPT,
  generateApiToken,
  generateSecret,
  hashSecret,
  hashToken,
  PASSWORD_SCRYPT,
  type ScryptParams,
  TOKEN_PREFIX,
  verifySecret,
} from './secrets.ts'
export { type RegistryPart, startRegistry } from './start-registry.ts'
export type { CredentialDirectory, DeviceDirectory, DeviceIdentity } from './types.ts'
export {
  checkPassword,
  normaliseUsername,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  USERNAME_RE,
} from './user-store.ts'
