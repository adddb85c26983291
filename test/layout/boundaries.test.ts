// The layout is the architecture: each top-level folder is a part, its index.ts is its only way in, and
// domain/ holds the contracts every part may import. Tests may reach into the part they test.
import { readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { sourceFiles } from './source-files.ts'

const ROOT = resolve(import.meta.dirname, '../..')
const SKIP = new Set(['node_modules', 'test', 'data', 'dist', '.git'])
const IMPORT = /(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g

const partOf = (path: string) => relative(ROOT, path).split('/')[0]!

/** Every import that crosses from one part into another, as `from -> to` (paths from the root). */
function crossings(): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = []
  for (const file of sourceFiles(ROOT, SKIP)) {
    if (dirname(file) === ROOT) continue
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = resolve(dirname(file), m[1]!)
      if (partOf(target) !== partOf(file))
        out.push({ from: relative(ROOT, file), to: relative(ROOT, target) })
    }
  }
  return out
}

describe('part boundaries', () => {
  it("imports another part only through its index.ts, or domain/'s contracts", () => {
    const bypassing = crossings().filter(
      ({ to }) => partOf(join(ROOT, to)) !== 'domain' && to !== `${partOf(join(ROOT, to))}/index.ts`,
    )
    expect(bypassing.map(({ from, to }) => `${from} -> ${to}`)).toEqual([])
  })

  it('finds the imports it checks (a broken scan would pass the test above vacuously)', () => {
    const all = crossings()
    expect(all.some(({ from, to }) => from === 'service/service.ts' && to === 'broker/index.ts')).toBe(true)
    expect(all.length).toBeGreaterThan(50)
  })

  it('keeps domain/ at the bottom: it imports no part', () => {
    const fromDomain = crossings().filter(({ from }) => partOf(join(ROOT, from)) === 'domain')
    expect(fromDomain).toEqual([])
  })

  it('keeps api/ to HTTP and socket.io: no part but service/ (the wiring) imports it', () => {
    const intoApi = crossings().filter(
      ({ from, to }) =>
        partOf(join(ROOT, to)) === 'api' && !['service', 'bench'].includes(partOf(join(ROOT, from))),
    )
    expect(intoApi).toEqual([])
  })
})
