// Channel secrets at rest (hardening item 14) on a real alerts.db: sealed with AES-256-GCM, the plain
// values an earlier version stored sealed on the first open with a key, and a wrong key refused.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openAlertsDb } from '../../alerts/index.ts'
import { createSecretBox, parseSecretsKey } from '../../domain/secret-box.ts'
import { createNotifyConfigStore, migrateNotifyTables } from '../../notify/index.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function freshDb() {
  const dir = mkdtempSync(join(tmpdir(), 'courtyard-secrets-'))
  dirs.push(dir)
  const path = join(dir, 'alerts.db')
  const db = openAlertsDb(path)
  migrateNotifyTables(db)
  // the raw bytes as they are on disk: the database and its write-ahead log
  const raw = () => {
    db.pragma('wal_checkpoint(TRUNCATE)')
    return readFileSync(path).toString('latin1')
  }
  return { db, raw }
}

const robotKey = () => `key-${randomBytes(10).toString('hex')}`
const channelOf = (key: string, secret: string) =>
  ({
    tenantId: 'acme',
    name: 'crew robot',
    type: 'webhook',
    config: { url: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${key}`, format: 'wecom' },
    secret,
  }) as const

describe('channel secrets at rest', () => {
  it('seals config and secret with a random nonce, and reads them back', () => {
    const { db, raw } = freshDb()
    const box = createSecretBox(randomBytes(32))
    const store = createNotifyConfigStore(db, Date.now, box)
    const key = robotKey()
    const a = store.createChannel(channelOf(key, 'same-secret-123'))
    const b = store.createChannel(channelOf(key, 'same-secret-123'))
    expect(store.getChannel(a.id)).toMatchObject({
      config: channelOf(key, '').config,
      secret: 'same-secret-123',
    })
    const bytes = raw()
    expect(bytes).not.toContain(key)
    expect(bytes).not.toContain('same-secret-123')
    const rows = db.prepare('SELECT config, secret FROM notify_channels ORDER BY id').all() as {
      config: string
      secret: string
    }[]
    // a random nonce per value: the same secret twice is stored differently
    expect(rows[0]?.secret).toMatch(/^enc:v1:/)
    expect(rows[0]?.secret).not.toBe(rows[1]?.secret)
    // bound to its row: a sealed value moved to another channel does not open there
    const sealedA = db.prepare('SELECT secret FROM notify_channels WHERE id = ?').pluck().get(a.id)
    db.prepare('UPDATE notify_channels SET secret = ? WHERE id = ?').run(sealedA, b.id)
    expect(() => store.getChannel(b.id)).toThrow(/does not decrypt the stored secret/)
    db.close()
  })

  it('seals what an earlier version stored in plain text on the first open with a key', () => {
    const { db, raw } = freshDb()
    const key = robotKey()
    const legacy = createNotifyConfigStore(db, Date.now)
    const c = legacy.createChannel(channelOf(key, 'legacy-secret-456'))
    expect(raw()).toContain('legacy-secret-456')

    const box = createSecretBox(randomBytes(32))
    const store = createNotifyConfigStore(db, Date.now, box)
    const bytes = raw()
    expect(bytes).not.toContain(key)
    expect(bytes).not.toContain('legacy-secret-456')
    expect(store.getChannel(c.id)).toMatchObject({
      secret: 'legacy-secret-456',
      config: channelOf(key, '').config,
    })
    db.close()
  })

  it('refuses a wrong key at open with a clear error, never garbage', () => {
    const { db } = freshDb()
    createNotifyConfigStore(db, Date.now, createSecretBox(randomBytes(32))).createChannel(
      channelOf(robotKey(), 'secret-789xyz'),
    )
    expect(() => createNotifyConfigStore(db, Date.now, createSecretBox(randomBytes(32)))).toThrow(
      /SECRETS_KEY does not decrypt the stored secret nch-[^:]+:config/,
    )
    // and without any key, sealed values are not passed off as plain ones
    expect(() => createNotifyConfigStore(db, Date.now).listChannels(null, { limit: 10 })).toThrow(
      /no secrets key/,
    )
    db.close()
  })

  it('takes a key as 64 hex digits or base64 of 32 bytes, nothing else', () => {
    const key = randomBytes(32)
    expect(parseSecretsKey(key.toString('hex'))).toEqual(key)
    expect(parseSecretsKey(key.toString('base64'))).toEqual(key)
    expect(parseSecretsKey(key.toString('base64url'))).toEqual(key)
    expect(parseSecretsKey(randomBytes(16).toString('base64'))).toBeUndefined()
    expect(parseSecretsKey('correct horse battery staple')).toBeUndefined()
  })
})
