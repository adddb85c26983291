// Encryption of stored secrets (webhook signing secrets, robot keys in webhook URLs) with the operator's
// key: AES-256-GCM, a random 96-bit nonce per value, the value's place (e.g. `nch_x:secret`) as
// associated data so a sealed value cannot be moved to another row, and a version prefix so the format
// can change later. A wrong key fails GCM's authentication: a clear error, never garbage.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { CourtyardError } from './errors.ts'

export const SECRETS_KEY_BYTES = 32
const PREFIX = 'enc:v1:'
const NONCE_BYTES = 12
const TAG_BYTES = 16

export interface SecretBox {
  /** `enc:v1:` + base64(nonce ‖ ciphertext ‖ tag) */
  seal(plain: string, place: string): string
  /** Throws CONFIG_INVALID when the key (or the place) does not match. */
  open(sealed: string, place: string): string
}

export const isSealed = (stored: string): boolean => stored.startsWith(PREFIX)

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== SECRETS_KEY_BYTES)
    throw new CourtyardError(
      'CONFIG_INVALID',
      `a secrets key is ${SECRETS_KEY_BYTES} bytes, not ${key.length}`,
    )
  const k = Buffer.from(key)
  return {
    seal(plain, place) {
      const nonce = randomBytes(NONCE_BYTES)
      const cipher = createCipheriv('aes-256-gcm', k, nonce)
      cipher.setAAD(Buffer.from(place, 'utf8'))
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return PREFIX + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64')
    },
    open(sealed, place) {
      const raw = isSealed(sealed) ? Buffer.from(sealed.slice(PREFIX.length), 'base64') : Buffer.alloc(0)
      if (raw.length < NONCE_BYTES + TAG_BYTES)
        throw new CourtyardError('CONFIG_INVALID', `stored secret ${place} is not an ${PREFIX} value`)
      const decipher = createDecipheriv('aes-256-gcm', k, raw.subarray(0, NONCE_BYTES))
      decipher.setAAD(Buffer.from(place, 'utf8'))
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES))
      try {
        return Buffer.concat([
          decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8')
      } catch {
        throw new CourtyardError(
          'CONFIG_INVALID',
          `SECRETS_KEY does not decrypt the stored secret ${place}: it is not the key it was encrypted with (restore that key; secrets cannot be recovered without it)`,
        )
      }
    },
  }
}

/** 64 hex digits or base64 of 32 bytes; undefined when it is neither. */
export function parseSecretsKey(text: string): Buffer | undefined {
  const t = text.trim()
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex')
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) return undefined
  const b = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
  return b.length === SECRETS_KEY_BYTES ? b : undefined
}
