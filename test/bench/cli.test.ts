// `npm run bench` on the command line: a person asking for help gets the options, and a mistyped option
// gets one line saying which and the options, not a stack trace (and no phase starts).
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const bench = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'bench/main.ts', ...args], { cwd: ROOT, encoding: 'utf8' })

describe('npm run bench: its options', () => {
  it('prints the options with --help and exits 0', () => {
    const r = bench('--help')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^usage: npm run bench/)
    expect(r.stdout).toContain('--only PHASE')
    expect(r.stdout).toContain('mosquitto')
  })

  it('names an unknown option, prints the options and exits 2', () => {
    const r = bench('--devices', '5')
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^Unknown option '--devices'/)
    expect(r.stderr).toContain('usage: npm run bench')
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('names a phase that does not exist', () => {
    const r = bench('--only', 'everything')
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('--only must be one of bare, ours,')
  })
})
