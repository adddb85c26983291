// The committed dashboards/build is exactly what `npm run dashboards:build` produces now: a change to a
// dashboard, a query helper or domain/storage.ts that was not rebuilt and committed fails here (and so in CI).
import { execFile, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..', '..')
const committed = join(root, 'dashboards', 'build')

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort()
}

const tmp = mkdtempSync(join(tmpdir(), 'courtyard-dashboards-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('dashboards:build output', () => {
  it('a fresh build equals the committed dashboards/build, file for file and byte for byte', async () => {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'dashboards/main.ts', '--out', tmp], {
      cwd: root,
    })
    const fresh = listFiles(tmp)
    expect(fresh.length).toBeGreaterThanOrEqual(8)
    expect(listFiles(committed)).toEqual(fresh)
    for (const f of fresh) {
      // a readable diff on failure: run `npm run dashboards:build` and commit dashboards/build
      expect(readFileSync(join(committed, f), 'utf8'), f).toBe(readFileSync(join(tmp, f), 'utf8'))
    }
  })

  it('builds the same bytes twice (no timestamps, stable uids and panel ids)', async () => {
    const again = join(tmp, 'again')
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'dashboards/main.ts', '--out', again], {
      cwd: root,
    })
    for (const f of listFiles(again))
      expect(readFileSync(join(again, f), 'utf8')).toBe(readFileSync(join(tmp, f), 'utf8'))
  })

  it('names a mistyped option and prints its usage, writing nothing (no stack trace)', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'dashboards/main.ts', '--output', tmp], {
      cwd: root,
      encoding: 'utf8',
    })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^Unknown option '--output'/)
    expect(r.stderr).toContain('usage: npm run dashboards:build [-- --out DIR]')
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })
})
