// Ids of tenants, communities, sites, devices and tokens end up as InfluxDB tag values and MQTT topic
// levels, so they are restricted to the protocol's device id alphabet.
import { randomBytes } from 'node:crypto'
import { CourtyardError } from '../domain/errors.ts'

export const ID_PATTERN = '^[A-Za-z0-9_-]{3,64}$'
export const ID_RE = /^[A-Za-z0-9_-]{3,64}$/

export function isValidId(id: string): boolean {
  return ID_RE.test(id)
}

export function assertValidId(id: string, what: string): void {
  if (!isValidId(id))
    throw new CourtyardError(
      'BAD_REQUEST',
      `${what} id must be 3–64 characters of letters, digits, '_' or '-' (got ${JSON.stringify(id.slice(0, 80))})`,
    )
}

/** `prefix` + 12 random base32-ish characters, e.g. `site-k3x9…`. */
export function generateId(prefix: string): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789'
  const bytes = randomBytes(12)
  let out = ''
  for (const b of bytes) out += alphabet[b % alphabet.length]
  return `${prefix}-${out}`
}
