// The source files the layout tests read: every TypeScript or JavaScript module under a folder, but for
// the folders named in `skip` and hidden ones (.git, .build), declaration files left out.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

export function sourceFiles(dir: string, skip: ReadonlySet<string>): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.') || skip.has(name)) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path, skip))
    else if (/\.(ts|tsx|mts|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(path)
  }
  return out
}
