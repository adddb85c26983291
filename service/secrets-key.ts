// The key that encrypts channel secrets in alerts.db. SECRETS_KEY when the operator sets it; otherwise
// one generated on first start into DATA_DIR/secrets.key (0600) and read from there afterwards, so the
// secrets are never stored in plain text and a copy of alerts.db alone (a backup, a support bundle)
// does not reveal them. Keeping the key in SECRETS_KEY instead keeps it out of DATA_DIR altogether.
import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { CourtyardError } from '../domain/errors.ts'
import { PRIVATE_FILE_MODE } from '../domain/private-files.ts'
import { parseSecretsKey, SECRETS_KEY_BYTES } from '../domain/secret-box.ts'

export const SECRETS_KEY_FILE = 'secrets.key'

export function loadSecretsKey(deps: { configured?: Buffer; dataDir: string; log: Logger }): Buffer {
  if (deps.configured !== undefined) return deps.configured
  const path = join(deps.dataDir, SECRETS_KEY_FILE)
  let text: string | undefined
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  if (text !== undefined) {
    const key = parseSecretsKey(text)
    if (key === undefined)
      throw new CourtyardError(
        'CONFIG_INVALID',
        `${path} does not hold a secrets key (64 hex digits); restore it, or set SECRETS_KEY to the key it held`,
      )
    return key
  }
  const key = randomBytes(SECRETS_KEY_BYTES)
  // 'wx': never overwrite a key another start wrote meanwhile
  writeFileSync(path, `${key.toString('hex')}\n`, { mode: PRIVATE_FILE_MODE, flag: 'wx' })
  deps.log.warn(
    { path },
    'no SECRETS_KEY: generated a key for channel secrets into DATA_DIR/secrets.key; back it up apart from DATA_DIR, or move it into SECRETS_KEY',
  )
  return key
}
