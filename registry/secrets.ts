// Device and service secrets: salted scrypt, `scrypt$N$r$p$salt$hash` (salt and hash base64url).
// API tokens: high-entropy random strings, so a fast sha256 is enough and allows lookup by hash.
import { createHash, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto'

export interface ScryptParams {
  N: number
  r: number
  p: number
}

// Measured with registry/scrypt-cost.ts on the shared 2-core box (Node 20), r=8, p=1:
//   N=1024: ~2 ms/verify serial, ~1 ms amortised on the libuv pool when quiet; ~2 ms under load
//   N=2048: ~4 ms / ~2 ms quiet; ~10 ms amortised when the box is saturated (load 14)
//   N=16384 (the usual interactive-login figure): ~37 ms / ~18 ms quiet; ~110 ms saturated
// A reconnect storm of 10,000 devices (broker restart, empty auth cache) is ~10–20 s of pool time at
// N=1024 versus 3–18 min at N=16384. Secrets are 256-bit random, so the work factor cannot make
// guessing them any harder; it only slows an offline attack on a leaked file that fails anyway.
// Each stored hash carries its own parameters, so raising N later keeps existing rows valid.
export const DEFAULT_SCRYPT: ScryptParams = { N: 1024, r: 8, p: 1 }

// Passwords are chosen by people and may be guessable, so they get the usual interactive-login cost
// (~18–37 ms a sign-in here when quiet, ~110 ms saturated; see the figures above).
export const PASSWORD_SCRYPT: ScryptParams = { N: 16384, r: 8, p: 1 }

const KEY_LEN = 32
const SALT_LEN = 16
export const TOKEN_PREFIX = 'cy_'

/** 32 random bytes, base64url: a device or service secret. */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url')
}

/** `cy_` + 32 random bytes base64url: an API token. */
export function generateApiToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url')
}

/** sha256 hex of an API token; tokens are looked up by this. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

const maxmem = (p: ScryptParams) => 256 * p.N * p.r + 1024 * 1024

function format(p: ScryptParams, salt: Buffer, hash: Buffer): string {
  return `scrypt$${p.N}$${p.r}$${p.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`
}

function scryptAsync(secret: string, salt: Buffer, p: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEY_LEN, { N: p.N, r: p.r, p: p.p, maxmem: maxmem(p) }, (err, key) =>
      err ? reject(err) : resolve(key),
    )
  })
}

export async function hashSecret(secret: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_LEN)
  return format(params, salt, await scryptAsync(secret, salt, params))
}

/** Blocking variant for rare administrative paths (service account rotation at start-up). */
export function hashSecretSync(secret: string, params: ScryptParams = DEFAULT_SCRYPT): string {
  const salt = randomBytes(SALT_LEN)
  const key = scryptSync(secret, salt, KEY_LEN, {
    N: params.N,
    r: params.r,
    p: params.p,
    maxmem: maxmem(params),
  })
  return format(params, salt, key)
}

interface ParsedHash {
  params: ScryptParams
  salt: Buffer
  hash: Buffer
}

export function parseSecretHash(stored: string): ParsedHash | undefined {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])]
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return undefined
  // N must be a power of two > 1 (scrypt); anything else is a corrupt row, not a secret to try.
  if (N < 2 || (N & (N - 1)) !== 0 || N > 1 << 20 || r > 32 || p > 16) return undefined
  const salt = Buffer.from(parts[4]!, 'base64url')
  const hash = Buffer.from(parts[5]!, 'base64url')
  if (salt.length === 0 || hash.length !== KEY_LEN) return undefined
  return { params: { N, r, p }, salt, hash }
}

/** Constant-time comparison of `secret` against a stored `scrypt$…` hash. False for malformed hashes. */
export async function verifySecret(stored: string, secret: string): Promise<boolean> {
  const parsed = parseSecretHash(stored)
  if (!parsed) return false
  const key = await scryptAsync(secret, parsed.salt, parsed.params)
  return timingSafeEqual(key, parsed.hash)
}
