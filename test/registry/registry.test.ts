import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isCourtyardError } from '../../domain/errors.ts'
import {
  hashToken,
  LATEST_VERSION,
  migrate,
  openRegistry,
  type Registry,
  schemaVersion,
  startRegistry,
  TOKEN_PREFIX,
} from '../../registry/index.ts'

const log = pino({ level: 'silent' })
// tests use the smallest sensible work factor; the format is the same as production's
const scrypt = { N: 1024, r: 8, p: 1 }

let dir: string
let path: string
const open: Registry[] = []
const openReg = (now?: () => number) => {
  const r = openRegistry({ path, log, scrypt, now })
  open.push(r)
  return r
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'courtyard-registry-'))
  path = join(dir, 'registry.sqlite')
})
afterEach(() => {
  for (const r of open.splice(0)) r.close()
  rmSync(dir, { recursive: true, force: true })
})

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn()
  } catch (e) {
    return isCourtyardError(e) ? e.code : 'not a CourtyardError'
  }
  return undefined
}

function seed(reg: Registry, tenantId = 'acme') {
  reg.createTenant({ id: tenantId, name: `${tenantId} property` })
  return reg.createSite({
    id: `${tenantId}-shed`,
    tenantId,
    name: 'Shed 1',
    community: 'Garden Court',
    kind: 'charging-shed',
  })
}

describe('device secrets', () => {
  let reg: Registry
  let secret: string
  beforeEach(async () => {
    reg = openReg()
    seed(reg)
    ;({ secret } = await reg.provisionDevice({ id: 'pile-01', kind: 'charging-pile', siteId: 'acme-shed' }))
    await reg.provisionDevice({ id: 'pile-02', kind: 'charging-pile', siteId: 'acme-shed' })
  })

  it('issues a 32-byte base64url secret that verifies, and stores only a scrypt hash of it', async () => {
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(await reg.verifyDeviceSecret('pile-01', secret)).toBe(true)
    const db = new Database(path, { readonly: true })
    const row = db.prepare('SELECT secret_hash FROM devices WHERE id = ?').get('pile-01') as {
      secret_hash: string
    }
    db.close()
    expect(row.secret_hash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]{43}$/)
    expect(row.secret_hash).not.toContain(secret)
  })

  it.each([
    ['a wrong secret', 'pile-01', () => 'x'.repeat(43)],
    ['an empty secret', 'pile-01', () => ''],
    ['another device’s id', 'pile-02', () => secret],
    ['an unknown device', 'pile-99', () => secret],
  ])('rejects %s', async (_name, id, s) => {
    expect(await reg.verifyDeviceSecret(id, s())).toBe(false)
  })

  it('versions a device credential: each rotation bumps it, decommissioning ends it, listeners hear both', async () => {
    const heard: string[] = []
    const unwatch = reg.onCredentialChange((id) => heard.push(id))
    expect(reg.credentialVersion('pile-01')).toBe(0)
    await reg.rotateDeviceSecret('pile-01')
    await reg.rotateDeviceSecret('pile-01')
    expect(reg.credentialVersion('pile-01')).toBe(2)
    expect(reg.credentialVersion('pile-02')).toBe(0)
    reg.decommissionDevice('pile-02')
    expect(reg.credentialVersion('pile-02')).toBeUndefined()
    expect(reg.credentialVersion('pile-99')).toBeUndefined()
    expect(heard).toEqual(['pile-01', 'pile-01', 'pile-02'])
    unwatch()
    await reg.rotateDeviceSecret('pile-01')
    expect(heard).toHaveLength(3)
  })

  it('rejects the secret of a decommissioned device, but keeps the row as history', async () => {
    const d = reg.decommissionDevice('pile-01')
    expect(d.decommissionedAt).toBeTypeOf('number')
    expect(await reg.verifyDeviceSecret('pile-01', secret)).toBe(false)
    expect(reg.findDevice('pile-01')).toBeUndefined()
    expect(reg.findDevice('pile-01', { includeDecommissioned: true })?.decommissionedAt).toBe(
      d.decommissionedAt,
    )
  })

  it('refuses to reuse a decommissioned id or provision an existing one', async () => {
    reg.decommissionDevice('pile-01')
    for (const id of ['pile-01', 'pile-02']) {
      const err = await reg
        .provisionDevice({ id, kind: 'charging-pile', siteId: 'acme-shed' })
        .catch((e) => e)
      expect(err.code).toBe('CONFLICT')
    }
  })

  it('accepts only the new secret after a rotation', async () => {
    const fresh = await reg.rotateDeviceSecret('pile-01')
    expect(fresh).not.toBe(secret)
    expect(await reg.verifyDeviceSecret('pile-01', secret)).toBe(false)
    expect(await reg.verifyDeviceSecret('pile-01', fresh)).toBe(true)
  })

  it('rotates service account secrets, the old one stops working', async () => {
    const first = reg.rotateServiceSecret('api')
    expect(await reg.verifyServiceSecret('api', first)).toBe(true)
    const second = reg.rotateServiceSecret('api')
    expect(await reg.verifyServiceSecret('api', first)).toBe(false)
    expect(await reg.verifyServiceSecret('api', second)).toBe(true)
    expect(await reg.verifyServiceSecret('ingest', second)).toBe(false)
  })
})

describe('ids and tenancy', () => {
  it.each([
    ['a space', 'pile 01'],
    ['a newline (would inject an InfluxDB point)', 'pile\n01'],
    ['a quote', 'pile"01'],
    ['too short', 'ab'],
    ['too long', 'x'.repeat(65)],
  ])('rejects a device id with %s', async (_name, id) => {
    const reg = openReg()
    seed(reg)
    const err = await reg.provisionDevice({ id, kind: 'charging-pile', siteId: 'acme-shed' }).catch((e) => e)
    expect(err.code).toBe('BAD_REQUEST')
  })

  it('generates valid site and tenant ids when none are given', () => {
    const reg = openReg()
    const t = reg.createTenant({ name: 'Acme' })
    const s = reg.createSite({ tenantId: t.id, name: 'Shed', community: 'Garden', kind: 'charging-shed' })
    expect(t.id).toMatch(/^[A-Za-z0-9_-]{3,64}$/)
    expect(s.id).toMatch(/^[A-Za-z0-9_-]{3,64}$/)
    expect(
      codeOf(() => reg.createSite({ id: 'a b', tenantId: t.id, name: 'x', community: 'y', kind: 'display' })),
    ).toBe('BAD_REQUEST')
  })

  it('creates a community on demand, once per tenant and name', () => {
    const reg = openReg()
    seed(reg, 'acme')
    seed(reg, 'bravo')
    const again = reg.createSite({
      id: 'acme-shed-2',
      tenantId: 'acme',
      name: 'Shed 2',
      community: 'Garden Court',
      kind: 'charging-shed',
    })
    const acme = reg.getSite('acme-shed')!
    const bravo = reg.getSite('bravo-shed')!
    expect(again.communityId).toBe(acme.communityId)
    expect(bravo.communityId).not.toBe(acme.communityId)
    expect(again.community).toBe('Garden Court')
  })

  it('scopes sites and devices to their tenant', async () => {
    const reg = openReg()
    seed(reg, 'acme')
    seed(reg, 'bravo')
    await reg.provisionDevice({ id: 'acme-pile', kind: 'charging-pile', siteId: 'acme-shed' })
    await reg.provisionDevice({ id: 'bravo-pile', kind: 'charging-pile', siteId: 'bravo-shed' })
    expect(reg.getSite('bravo-shed', { tenantId: 'acme' })).toBeUndefined()
    expect(reg.getSite('acme-shed', { tenantId: 'acme' })?.id).toBe('acme-shed')
    expect(reg.getDevice('bravo-pile', { tenantId: 'acme' })).toBeUndefined()
    expect(reg.listSites({ limit: 10, tenantId: 'acme' }).map((s) => s.id)).toEqual(['acme-shed'])
    expect(reg.listDevices({ limit: 10, tenantId: 'bravo' }).map((d) => d.id)).toEqual(['bravo-pile'])
    expect(reg.listDevices({ limit: 10 }).map((d) => d.id)).toEqual(['acme-pile', 'bravo-pile'])
    const identity = reg.findDevice('acme-pile')!
    expect(identity).toMatchObject({
      tenantId: 'acme',
      siteId: 'acme-shed',
      kind: 'charging-pile',
      reportIntervalS: 60,
    })
    expect(identity.communityId).toBe(reg.getSite('acme-shed')!.communityId)
  })

  it('pages through devices by id', async () => {
    const reg = openReg()
    seed(reg)
    for (const id of ['d-3', 'd-1', 'd-2'])
      await reg.provisionDevice({ id: `${id}x`, kind: 'circuit-monitor', siteId: 'acme-shed' })
    const first = reg.listDevices({ limit: 2 })
    const second = reg.listDevices({ limit: 2, afterId: first.at(-1)!.id })
    expect([...first, ...second].map((d) => d.id)).toEqual(['d-1x', 'd-2x', 'd-3x'])
  })
})

describe('api tokens', () => {
  it('stores the sha256 of a cy_ token and finds it by its clear text until revoked', () => {
    const reg = openReg()
    reg.createTenant({ id: 'acme', name: 'Acme' })
    const { token, record } = reg.createToken({ tenantId: 'acme', role: 'viewer', name: 'wall screen' })
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true)
    expect(record.hash).toBe(hashToken(token))
    expect(reg.findToken(token)).toMatchObject({ id: record.id, tenantId: 'acme', role: 'viewer' })
    expect(reg.findToken(`${token}x`)).toBeUndefined()
    reg.revokeToken(record.id)
    expect(reg.findToken(token)).toBeUndefined()
  })

  it('keeps exactly one bootstrap admin token, the latest ADMIN_TOKEN', () => {
    const reg = openReg()
    expect(reg.hasAdminToken()).toBe(false)
    const first = reg.ensureAdminToken('cy_first')
    expect(reg.ensureAdminToken('cy_first').id).toBe(first.id)
    expect(reg.hasAdminToken()).toBe(true)
    reg.ensureAdminToken('cy_second')
    expect(reg.findToken('cy_first')).toBeUndefined()
    expect(reg.findToken('cy_second')).toMatchObject({ role: 'admin', tenantId: null })
  })

  it('starts again with a configured ADMIN_TOKEN that was revoked (through the API, or retired by a later one): it stays revoked and the log says so', () => {
    const lines: string[] = []
    const captured = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) })
    const start = (adminToken: string) => {
      const part = startRegistry({ path, log: captured, adminToken })
      open.push(part.registry)
      return part.registry
    }
    const first = start('cy_configured_admin_1')
    first.revokeToken(first.findToken('cy_configured_admin_1')!.id)
    first.close()
    const again = start('cy_configured_admin_1')
    expect(again.findToken('cy_configured_admin_1')).toBeUndefined()
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual([
      expect.stringMatching(/^ADMIN_TOKEN was revoked and stays revoked: set ADMIN_TOKEN to a new value/),
    ])
    // a new value works; going back to the one it retired starts too, with that one still revoked
    again.close()
    expect(start('cy_configured_admin_2').findToken('cy_configured_admin_2')).toMatchObject({ role: 'admin' })
    open.at(-1)!.close()
    const back = start('cy_configured_admin_1')
    expect(back.findToken('cy_configured_admin_1')).toBeUndefined()
    expect(back.findToken('cy_configured_admin_2')).toBeUndefined()
    expect(lines).toHaveLength(2)
  })

  it('refuses a token for a tenant that does not exist', () => {
    const reg = openReg()
    expect(codeOf(() => reg.createToken({ tenantId: 'ghost', role: 'viewer', name: 'x' }))).toBe('NOT_FOUND')
  })
})

describe('migrations and sharing a file', () => {
  it('upgrades an existing version-1 file and keeps its rows', async () => {
    const db = new Database(path)
    migrate(db, log, 1)
    expect(schemaVersion(db)).toBe(1)
    db.prepare("INSERT INTO tenants (id, name, created_at) VALUES ('old', 'Old Co', 1)").run()
    db.close()

    const reg = openReg()
    expect(reg.getTenant('old')).toEqual({ id: 'old', name: 'Old Co', createdAt: 1 })
    const { record } = reg.createToken({ tenantId: 'old', role: 'manager', name: 'm' })
    reg.revokeToken(record.id) // uses the column added by migration 2
    const check = new Database(path, { readonly: true })
    expect(schemaVersion(check)).toBe(LATEST_VERSION)
    check.close()
  })

  it('upgrades a version-2 file to people and sessions, keeping its tokens working', async () => {
    const db = new Database(path)
    migrate(db, log, 2)
    db.prepare("INSERT INTO tenants (id, name, created_at) VALUES ('old', 'Old Co', 1)").run()
    db.close()
    const before = openReg()
    const { token } = before.createToken({ tenantId: 'old', role: 'manager', name: 'm' })
    before.close()

    const reg = openReg()
    expect(reg.findToken(token)).toMatchObject({ name: 'm' })
    expect(reg.findToken(token)).not.toHaveProperty('expiresAt')
    const user = await reg.createUser({
      username: 'Pat',
      password: 'a long passphrase',
      role: 'crew',
      tenantId: 'old',
    })
    expect(user.username).toBe('pat')
    expect(await reg.verifyUserPassword('PAT', 'a long passphrase')).toEqual(user)
    expect(await reg.verifyUserPassword('pat', 'a wrong passphrase')).toBeUndefined()
    const { sessionId } = reg.createSession({ userId: user.id, expiresAt: Date.now() + 60_000 })
    expect(reg.findSession(sessionId)?.user).toEqual(user)
    reg.deleteUser(user.id)
    expect(reg.findSession(sessionId)).toBeUndefined()
  })

  it('refuses a file written by a newer version', () => {
    const db = new Database(path)
    migrate(db, log)
    db.prepare('UPDATE schema_version SET version = ?').run(LATEST_VERSION + 1)
    db.close()
    expect(codeOf(() => openReg())).toBe('CONFIG_INVALID')
  })

  it('lets two instances on the same file see each other’s writes', async () => {
    const a = openReg()
    const b = openReg()
    seed(a)
    const { secret } = await b.provisionDevice({ id: 'pile-01', kind: 'charging-pile', siteId: 'acme-shed' })
    expect(a.findDevice('pile-01')?.siteId).toBe('acme-shed')
    expect(await a.verifyDeviceSecret('pile-01', secret)).toBe(true)
    a.decommissionDevice('pile-01')
    expect(b.findDevice('pile-01')).toBeUndefined()
    expect(await b.verifyDeviceSecret('pile-01', secret)).toBe(false)
  })

  it('uses the injected clock for timestamps', async () => {
    const reg = openReg(() => 1_700_000_000_000)
    seed(reg)
    const { device } = await reg.provisionDevice({
      id: 'pile-01',
      kind: 'charging-pile',
      siteId: 'acme-shed',
    })
    expect(device.createdAt).toBe(1_700_000_000_000)
  })
})
