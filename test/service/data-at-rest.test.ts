// Item 14 of the hardening issue, on the real service process (`service/main.ts`) under umask 022:
// DATA_DIR and everything in it private (0700 / 0600), channel secrets and robot keys not in the raw
// bytes of alerts.db, a key generated into DATA_DIR/secrets.key when SECRETS_KEY is unset, and a wrong
// SECRETS_KEY stopping the start with a clear error rather than garbage.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { findInfluxd, startLocalInfluxd } from '../../influx/index.ts'
import { createDeadLetterSink } from '../../ingest/dead-letter.ts'
import { api, createServiceProcess, type ServiceProcess } from '../support/service-process.ts'

const influxUrl = inject('influxUrl')
const ROOT = resolve(import.meta.dirname, '../..')

/** Every directory and file under `dir` (itself included) with its permission bits. */
function modes(dir: string): { path: string; dir: boolean; mode: number }[] {
  const out = [{ path: dir, dir: true, mode: statSync(dir).mode & 0o777 }]
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name)
    if (e.isDirectory()) out.push(...modes(path))
    else {
      // a running influxd renames its temporary files (meta.dbtmp → meta.db) between the listing and here
      const st = statSync(path, { throwIfNoEntry: false })
      if (st) out.push({ path, dir: false, mode: st.mode & 0o777 })
    }
  }
  return out
}

describe('data at rest', () => {
  const parent = mkdtempSync(join(tmpdir(), 'courtyard-at-rest-'))
  // not created beforehand: the service creates it
  const dataDir = join(parent, 'data')
  const robotKey = `693a91f6-${randomBytes(8).toString('hex')}`
  const signingSecret = `whsec-${randomBytes(12).toString('hex')}`
  let svc: ServiceProcess
  let previousUmask: number
  beforeAll(async () => {
    // the usual default: files would be 0644 and directories 0755 unless the service says otherwise
    previousUmask = process.umask(0o022)
    svc = await createServiceProcess({ influxUrl, extraEnv: { DATA_DIR: dataDir } })
  })
  afterAll(async () => {
    await svc?.kill()
    process.umask(previousUmask)
    rmSync(parent, { recursive: true, force: true })
  })

  it('creates DATA_DIR and its files private, and keeps channel secrets out of the raw alerts.db', async () => {
    await svc.start()
    await api(svc, 'POST', '/api/v1/tenants', { id: 'acme', name: 'Acme Property' })
    const channel = await api<{ id: string; url: string }>(svc, 'POST', '/api/v1/notification-channels', {
      tenantId: 'acme',
      type: 'webhook',
      name: 'crew robot',
      format: 'dingtalk',
      url: `https://oapi.dingtalk.com/robot/send?access_token=${robotKey}`,
      secret: signingSecret,
    })

    const all = modes(dataDir)
    expect(all.filter((e) => e.dir && e.mode !== 0o700)).toEqual([])
    expect(all.filter((e) => !e.dir && e.mode !== 0o600)).toEqual([])
    const names = all.map((e) => e.path.slice(dataDir.length + 1))
    // what the item names is there to be checked
    for (const f of ['registry.db', 'alerts.db', 'alerts.db-wal', 'secrets.key', 'spool'])
      expect(names).toContain(f)
    expect(names.some((n) => /^spool\/.+/.test(n))).toBe(true)
    expect(svc.output()).toMatch(/generated a key for channel secrets/)

    const raw = Buffer.concat(
      ['alerts.db', 'alerts.db-wal'].map((f) => readFileSync(join(dataDir, f))),
    ).toString('latin1')
    expect(raw).not.toContain(robotKey)
    expect(raw).not.toContain(signingSecret)
    expect(raw).not.toContain('oapi.dingtalk.com')
    // and the service reads them back (the view masks the token but shows the host)
    const read = await api<{ url: string; hasSecret: boolean }>(
      svc,
      'GET',
      `/api/v1/notification-channels/${channel.id}`,
    )
    expect(read).toMatchObject({ hasSecret: true, url: expect.stringContaining('oapi.dingtalk.com') })
  })

  it('refuses to start with a SECRETS_KEY that is not the key the secrets were sealed with', async () => {
    await svc.kill()
    const keyFile = readFileSync(join(dataDir, 'secrets.key'), 'utf8').trim()
    // run to its exit: the start must fail, saying why
    const wrong = spawn(process.execPath, ['--import', 'tsx', 'service/main.ts'], {
      cwd: ROOT,
      env: { ...svc.env, SECRETS_KEY: randomBytes(32).toString('base64') },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    wrong.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    const [code] = (await once(wrong, 'exit')) as [number | null]
    expect(code).toBe(1)
    expect(stderr).toMatch(/courtyard failed to start: SECRETS_KEY does not decrypt the stored secret/)
    // the same key given as SECRETS_KEY (hex) opens them
    svc.env.SECRETS_KEY = keyFile
    await svc.start()
    const list = await api<{ items: { hasSecret: boolean }[] }>(svc, 'GET', '/api/v1/notification-channels')
    expect(list.items).toEqual([expect.objectContaining({ hasSecret: true })])
  })
})

describe('dead letters at rest', () => {
  it('creates the dead-letter file 0600 (and its directory 0700) under umask 022', async () => {
    const previous = process.umask(0o022)
    const dir = mkdtempSync(join(tmpdir(), 'courtyard-dead-'))
    try {
      const path = join(dir, 'sub', 'dead-letter.jsonl')
      const sink = createDeadLetterSink(path)
      await sink.write([{ reason: 'refused', status: 400, error: 'bad', line: 'm,device=x v=1' }], 1)
      await sink.close()
      expect(statSync(join(dir, 'sub')).mode & 0o777).toBe(0o700)
      expect(statSync(path).mode & 0o777).toBe(0o600)
    } finally {
      process.umask(previous)
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the local influxd at rest', () => {
  it('keeps its directory and the files influxd writes private under umask 022', async () => {
    const bin = findInfluxd({ PATH: process.env.PATH })
    if (!bin) throw new Error('influxd not found (the global setup needs it too)')
    const previous = process.umask(0o022)
    const dir = join(mkdtempSync(join(tmpdir(), 'courtyard-influxd-')), 'influxdb')
    const influxd = await startLocalInfluxd({ dir, bin })
    try {
      const res = await fetch(`${influxd.url}/query?q=${encodeURIComponent('CREATE DATABASE at_rest')}`, {
        method: 'POST',
      })
      expect(res.status).toBe(200)
      const all = modes(dir)
      expect(all.length).toBeGreaterThan(3)
      expect(all.filter((e) => (e.mode & 0o077) !== 0)).toEqual([])
    } finally {
      await influxd.stop()
      process.umask(previous)
      rmSync(join(dir, '..'), { recursive: true, force: true })
    }
  })
})
