// The built console for the service, the browser tests and the bench: where it is, and a build when
// console/dist is missing or older than any of its sources.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

// the repository: this file's folder's parent in the sources, one more up in the compiled service (.build/)
const ROOT = (function repositoryRoot(dir: string): string {
  const up = resolve(dir, '..')
  return existsSync(join(up, 'package.json')) || up === dir ? up : repositoryRoot(up)
})(import.meta.dirname)
export const CONSOLE_DIST = join(ROOT, 'console/dist')

function newestMtime(path: string): number {
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let max = st.mtimeMs
  for (const name of readdirSync(path)) max = Math.max(max, newestMtime(join(path, name)))
  return max
}

export function consoleIsStale(): boolean {
  const index = join(CONSOLE_DIST, 'index.html')
  if (!existsSync(index)) return true
  const sources = ['console/src', 'console/index.html', 'console/vite.config.ts'].map((p) => join(ROOT, p))
  return Math.max(...sources.map(newestMtime)) > statSync(index).mtimeMs
}

export function ensureConsoleBuilt(): void {
  if (!consoleIsStale()) return
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'console/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  )
}
