// `npm start` runs the service compiled (scripts/service-build.mjs, scripts/start.mjs): built when due,
// never half-built, and the build runs what the sources say. On a small project in a temp folder with the
// real tsconfig files and TypeScript compiler, and on the real service.
import { spawnSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BUILD_DIR, ensureServiceBuilt, serviceBuildDue } from '../../scripts/service-build.mjs'

const ROOT = join(import.meta.dirname, '..', '..')

describe('the service build', () => {
  let root: string
  // the build made a minute ago: what is written now is newer
  const aged = () => {
    const t = new Date(Date.now() - 60_000)
    utimesSync(join(root, BUILD_DIR, '.built'), t, t)
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'courtyard-build-'))
    for (const f of ['tsconfig.json', 'tsconfig.build.json']) copyFileSync(join(ROOT, f), join(root, f))
    symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'))
    mkdirSync(join(root, 'service'))
    mkdirSync(join(root, 'domain'))
    writeFileSync(join(root, 'domain', 'answer.ts'), 'export const answer: number = 42\n')
    writeFileSync(
      join(root, 'service', 'main.ts'),
      "import { answer } from '../domain/answer.ts'\nconsole.log('answer', answer)\n",
    )
    writeFileSync(join(root, 'service', 'alert-engine-worker.ts'), 'export {}\n')
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  it('builds when there is no build, with imports rewritten to .js, and then not again', () => {
    expect(serviceBuildDue(root)).toBe('no build yet')
    expect(ensureServiceBuilt(root)).toBe('no build yet')
    const run = spawnSync(process.execPath, [join(root, BUILD_DIR, 'service', 'main.js')], {
      encoding: 'utf8',
    })
    expect(run.stderr).toBe('')
    expect(run.stdout).toBe('answer 42\n')
    expect(serviceBuildDue(root)).toBeUndefined()
    expect(ensureServiceBuilt(root)).toBeUndefined()
  })

  it('builds again when a source file or a tsconfig is newer than the build', () => {
    ensureServiceBuilt(root)
    aged()
    writeFileSync(join(root, 'domain', 'answer.ts'), 'export const answer: number = 43\n')
    expect(serviceBuildDue(root)).toBe('domain/answer.ts changed')
    ensureServiceBuilt(root)
    const run = spawnSync(process.execPath, [join(root, BUILD_DIR, 'service', 'main.js')], {
      encoding: 'utf8',
    })
    expect(run.stdout).toBe('answer 43\n')
    aged()
    const before = new Date(Date.now() - 120_000)
    const files = ['domain/answer.ts', 'service/main.ts', 'service/alert-engine-worker.ts', 'tsconfig.json']
    for (const f of [...files, 'tsconfig.build.json']) utimesSync(join(root, f), before, before)
    expect(serviceBuildDue(root)).toBeUndefined()
    utimesSync(join(root, 'tsconfig.build.json'), new Date(), new Date())
    expect(serviceBuildDue(root)).toBe('tsconfig.build.json changed')
  })

  it('says what to install when TypeScript is not there (npm ci --omit=dev) and the build is due', () => {
    rmSync(join(root, 'node_modules'))
    expect(() => ensureServiceBuilt(root)).toThrow(
      'the service must be compiled (no build yet), but TypeScript is not installed: run `npm ci` (with its dev dependencies), then `npm run build`',
    )
  })

  it('is due for a file in any folder the service may import, not for the tests, bench or evaluation', () => {
    ensureServiceBuilt(root)
    aged()
    const before = new Date(Date.now() - 120_000)
    for (const f of [
      'domain/answer.ts',
      'service/main.ts',
      'service/alert-engine-worker.ts',
      'tsconfig.json',
    ])
      utimesSync(join(root, f), before, before)
    utimesSync(join(root, 'tsconfig.build.json'), before, before)
    for (const dir of ['test', 'bench', 'eval']) {
      mkdirSync(join(root, dir))
      writeFileSync(join(root, dir, 'x.ts'), 'export {}\n')
    }
    expect(serviceBuildDue(root)).toBeUndefined()
    // a folder no list names: what tsc compiles follows the imports
    mkdirSync(join(root, 'newpart'))
    writeFileSync(join(root, 'newpart', 'index.ts'), 'export {}\n')
    expect(serviceBuildDue(root)).toBe('newpart/index.ts changed')
  })

  it('keeps the last good build when tsc fails, and says why', () => {
    ensureServiceBuilt(root)
    aged()
    writeFileSync(join(root, 'domain', 'answer.ts'), 'export const answer: number = (\n')
    expect(() => ensureServiceBuilt(root)).toThrow(/tsc -p tsconfig.build.json\) failed:[\s\S]*answer\.ts/)
    expect(existsSync(join(root, BUILD_DIR, 'service', 'main.js'))).toBe(true)
    expect(existsSync(join(root, `${BUILD_DIR}-${process.pid}`))).toBe(false)
    expect(serviceBuildDue(root)).toBe('domain/answer.ts changed')
  })
})

describe('npm start', () => {
  it('runs the compiled service, whose alert engine thread starts from the compiled module', () => {
    // the real build, made by the test run's global set-up
    expect(serviceBuildDue(ROOT)).toBeUndefined()
    const help = spawnSync(process.execPath, [join(ROOT, 'scripts', 'start.mjs'), '--help'], {
      encoding: 'utf8',
    })
    expect(help.status).toBe(0)
    expect(help.stdout).toContain('Usage: npm start')
    const entry = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { ALERT_ENGINE_WORKER: w } = await import(${JSON.stringify(join(ROOT, BUILD_DIR, 'service', 'alert-engine-entry.js'))}); console.log(w.boot.pathname)`,
      ],
      { encoding: 'utf8' },
    )
    expect(entry.stdout.trim()).toBe(join(ROOT, BUILD_DIR, 'service', 'alert-engine-worker.js'))
  })
})
