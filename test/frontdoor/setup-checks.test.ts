// The front door's decisions (scripts/setup-checks.mjs): when `npm ci` is due, which system packages a
// command still needs, when the console is built again. On real files in a temp folder.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { consoleBuildDue, dependenciesStale, missingPackages } from '../../scripts/setup-checks.mjs'

const lock = (packages: Record<string, object>) => JSON.stringify({ lockfileVersion: 3, packages })
const LOCKED = lock({
  '': { name: 'courtyard' },
  'node_modules/pino': { version: '9.14.0' },
  'node_modules/pino/node_modules/sonic-boom': { version: '4.2.0' },
  'node_modules/@esbuild/darwin-arm64': { version: '0.28.2', optional: true },
})

describe('dependenciesStale', () => {
  it('asks for npm ci when node_modules was never installed', () => {
    expect(dependenciesStale(LOCKED, undefined)).toBe('node_modules is missing')
  })

  it('is content when every locked package is installed at its version, optional ones aside', () => {
    const installed = lock({
      'node_modules/pino': { version: '9.14.0' },
      'node_modules/pino/node_modules/sonic-boom': { version: '4.2.0' },
    })
    expect(dependenciesStale(LOCKED, installed)).toBeUndefined()
  })

  it('names a package missing or at another version', () => {
    expect(dependenciesStale(LOCKED, lock({ 'node_modules/pino': { version: '9.14.0' } }))).toBe(
      'sonic-boom 4.2.0 is not installed',
    )
    const older = lock({
      'node_modules/pino': { version: '9.1.0' },
      'node_modules/pino/node_modules/sonic-boom': { version: '4.2.0' },
    })
    expect(dependenciesStale(LOCKED, older)).toBe('pino 9.14.0 is at 9.1.0')
  })
})

describe('missingPackages and consoleBuildDue', () => {
  let dir = ''
  afterEach(() => rmSync(dir, { recursive: true, force: true }))
  /** a project root and a PATH folder holding the named programs */
  const machine = (programs: string[], folders: string[] = []) => {
    dir = mkdtempSync(join(tmpdir(), 'courtyard-setup-'))
    const bin = join(dir, 'bin')
    mkdirSync(bin)
    for (const p of programs) writeFileSync(join(bin, p), '')
    for (const f of folders) mkdirSync(join(dir, 'root', f), { recursive: true })
    mkdirSync(join(dir, 'root'), { recursive: true })
    return { root: join(dir, 'root'), PATH: bin }
  }

  it('wants influxd for the demo unless INFLUX_URL names a server, and always for the tests', () => {
    const { root, PATH } = machine(['openssl'])
    expect(missingPackages({ command: 'demo', root, env: { PATH }, needInstall: false })).toEqual([
      'influxdb',
    ])
    const remote = { PATH, INFLUX_URL: 'http://influx.example:8086' }
    expect(missingPackages({ command: 'demo', root, env: remote, needInstall: false })).toEqual([])
    expect(missingPackages({ command: 'test', root, env: remote, needInstall: false })).toEqual(['influxdb'])
  })

  it('wants chromium for the tests only once browser tests exist, and a compiler only before npm ci', () => {
    const bare = machine(['influxd', 'openssl'])
    expect(missingPackages({ command: 'test', root: bare.root, env: bare, needInstall: false })).toEqual([])
    rmSync(dir, { recursive: true })
    const withBrowser = machine(['influxd'], ['test/browser', 'fonts/truetype/dejavu'])
    const fontsDir = join(withBrowser.root, 'fonts')
    writeFileSync(join(fontsDir, 'truetype/dejavu/DejaVuSans.ttf'), '')
    expect(
      missingPackages({
        command: 'test',
        root: withBrowser.root,
        env: withBrowser,
        needInstall: true,
        fontsDir,
      }),
    ).toEqual(['make', 'g++', 'python3', 'openssl', 'chromium', 'fonts-wqy-microhei'])
    expect(
      missingPackages({
        command: 'demo',
        root: withBrowser.root,
        env: withBrowser,
        needInstall: false,
        fontsDir,
      }),
    ).toEqual([])
    // any font with Chinese glyphs will do: the console's screenshots show its text, not empty boxes
    mkdirSync(join(fontsDir, 'opentype/noto'), { recursive: true })
    writeFileSync(join(fontsDir, 'opentype/noto/NotoSansCJK-Regular.ttc'), '')
    expect(
      missingPackages({
        command: 'test',
        root: withBrowser.root,
        env: withBrowser,
        needInstall: false,
        fontsDir,
      }),
    ).toEqual(['openssl', 'chromium'])
  })

  it('builds the console when it has no build or a source is newer than the build', () => {
    const { root } = machine([], ['console/src/views', 'console/dist'])
    expect(consoleBuildDue(root)).toBe(false) // a folder without package.json or vite config is no console
    writeFileSync(join(root, 'console/vite.config.ts'), '')
    writeFileSync(join(root, 'console/src/views/shed-view.tsx'), '')
    expect(consoleBuildDue(root)).toBe(true)
    const built = join(root, 'console/dist/index.html')
    writeFileSync(built, '')
    const t = Date.now() / 1000
    for (const f of ['console/vite.config.ts', 'console/src/views/shed-view.tsx'])
      utimesSync(join(root, f), t - 60, t - 60)
    utimesSync(built, t - 30, t - 30)
    expect(consoleBuildDue(root)).toBe(false)
    utimesSync(join(root, 'console/src/views/shed-view.tsx'), t, t)
    expect(consoleBuildDue(root)).toBe(true)
  })
})
