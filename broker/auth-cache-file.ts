// The verified-secret cache (auth-cache.ts) kept across restarts. After a restart every device of the
// fleet reconnects at once; with an empty cache each costs a scrypt check through a semaphore of two,
// so 20,000 devices queue for tens of seconds and beyond the queue are refused with CONNACK 3
// (bench phase `storm`). The cache is written when the broker closes and, for a power cut, every
// `intervalMs` when it changed; it is read once at start.
//
// Why this is safe to keep on disk: an entry is a sha256 of a 256-bit random secret (registry
// secrets.ts), which nobody can invert, the same protection the API tokens' stored hashes have; the file
// is private (0600) in the data directory beside the registry it mirrors. An entry only lets a secret
// in while its credential version is still the registry's (checked on every connect, check-secret.ts):
// a device rotated or decommissioned while the broker was down needs scrypt again or is refused. A file
// that does not parse, or an entry of the wrong shape, is ignored: the device is verified by scrypt.
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import type { Logger } from 'pino'
import type { AuthCache, AuthCacheEntry } from './auth-cache.ts'

const FORMAT = 1
/** base64 of a 32-byte sha256 */
const DIGEST_RE = /^[A-Za-z0-9+/]{43}=$/

interface SavedCache {
  format: number
  entries: unknown[]
}

const isEntry = (e: unknown): e is AuthCacheEntry =>
  Array.isArray(e) &&
  e.length === 3 &&
  typeof e[0] === 'string' &&
  e[0].length > 0 &&
  e[0].length <= 128 &&
  Number.isSafeInteger(e[1]) &&
  (e[1] as number) >= 0 &&
  typeof e[2] === 'string' &&
  DIGEST_RE.test(e[2])

/** Puts the saved entries back into `cache`; returns how many. A missing or unreadable file is 0. */
export function loadAuthCacheFile(path: string, cache: AuthCache, log: Logger): number {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      log.warn({ err, path }, 'auth cache file not read: devices are verified by scrypt')
    return 0
  }
  let saved: SavedCache
  try {
    saved = JSON.parse(text) as SavedCache
  } catch {
    log.warn({ path }, 'auth cache file is not JSON: ignored, devices are verified by scrypt')
    return 0
  }
  if (saved?.format !== FORMAT || !Array.isArray(saved.entries)) {
    log.warn({ path }, 'auth cache file has an unknown format: ignored')
    return 0
  }
  const good = saved.entries.filter(isEntry)
  if (good.length !== saved.entries.length)
    log.warn(
      { path, ignored: saved.entries.length - good.length },
      'auth cache entries of the wrong shape ignored',
    )
  cache.restore(good)
  return good.length
}

/** Writes the cache to `path` (a temp file renamed over it, so a crash mid-write leaves the old one). */
export function saveAuthCacheFile(path: string, cache: AuthCache): void {
  const tmp = `${path}.tmp`
  const saved: SavedCache = { format: FORMAT, entries: cache.entries() }
  writeFileSync(tmp, JSON.stringify(saved), { mode: 0o600 })
  renameSync(tmp, path)
}

/** Loads the file now, saves it every `intervalMs` when the cache changed, and on `close`. */
export function keepAuthCacheFile(opts: {
  path: string
  cache: AuthCache
  log: Logger
  intervalMs: number
}): { loaded: number; close(): void } {
  const { path, cache, log } = opts
  const loaded = loadAuthCacheFile(path, cache, log)
  let saved = cache.changes()
  const save = () => {
    if (cache.changes() === saved) return
    try {
      saveAuthCacheFile(path, cache)
      saved = cache.changes()
    } catch (err) {
      log.warn({ err, path }, 'auth cache file not written')
    }
  }
  const timer = setInterval(save, opts.intervalMs)
  timer.unref()
  return {
    loaded,
    close() {
      clearInterval(timer)
      save()
    },
  }
}
