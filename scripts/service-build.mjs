// The service runs as JavaScript compiled from its TypeScript (tsconfig.build.json → .build/), not under
// `node --import tsx`: tsx resolves and loads every module through hooks on threads of their own, which
// cost each start about 2.4 s more CPU and 1 s more to listening on this machine (README "Performance").
// A restart is when every device waits for the broker, so it is worth the build step. The build is made
// when due: missing, or older than any TypeScript file in the folders it is made from, or than the
// tsconfig files. tsc without its type check takes ~3 s; `npm run lint` is where types are checked.
// Plain Node, no dependencies but TypeScript's compiler from node_modules.
import { spawnSync } from 'node:child_process'
import {
  accessSync,
  constants,
  existsSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'

export const BUILD_DIR = '.build'
const STAMP = '.built'
// Folders the service never imports (tsc follows the entry points' imports, so what it compiles is not
// listed anywhere): a change there does not make the build due. Everything else is looked at, so a new
// folder the service imports can never leave a stale build behind; a file changed in a folder it does
// not import costs one needless ~3 s build at most.
const NOT_SERVICE = new Set([
  'node_modules',
  '.git',
  'test',
  'bench',
  'eval',
  'dashboards',
  'dist',
  'test-output',
])
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json']

/** The first .ts file under `dir` newer than `t` (relative to `root`), or undefined. */
function newerTs(root, dir, t) {
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    if (NOT_SERVICE.has(e.name) || e.name.startsWith(BUILD_DIR)) continue
    const path = dir === '' ? e.name : `${dir}/${e.name}`
    if (e.isDirectory()) {
      const found = newerTs(root, path, t)
      if (found) return found
    } else if (e.name.endsWith('.ts') && statSync(join(root, path)).mtimeMs > t) return path
  }
  return undefined
}

/** Why the build must be made again, or undefined when it is up to date. */
export function serviceBuildDue(root) {
  const stamp = join(root, BUILD_DIR, STAMP)
  if (!existsSync(stamp)) return 'no build yet'
  const builtAt = statSync(stamp).mtimeMs
  const changed = newerTs(root, '', builtAt)
  if (changed) return `${changed} changed`
  for (const file of CONFIGS) {
    if (statSync(join(root, file)).mtimeMs > builtAt) return `${file} changed`
  }
  return undefined
}

/**
 * Compiles the service into `.build/` when due. Built beside it first, then renamed into place, so a
 * service starting meanwhile never loads half a build, and files of deleted sources do not linger.
 * Returns why it built, or undefined when nothing was due; throws with tsc's output when tsc fails.
 */
export function ensureServiceBuilt(root) {
  const why = serviceBuildDue(root)
  if (why === undefined) return undefined
  try {
    accessSync(root, constants.W_OK)
  } catch {
    // e.g. a checkout owned by root, run by a service account: built once by its owner, never here
    throw new Error(
      `the service must be compiled (${why}), but ${root} is not writable: run \`npm run build\` there as its owner`,
    )
  }
  // the sources as they were when tsc began: a file saved while it ran makes the next start build again
  const startedAt = new Date()
  const tmp = join(root, `${BUILD_DIR}-${process.pid}`)
  rmSync(tmp, { recursive: true, force: true })
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  if (!existsSync(tsc)) {
    // `npm ci --omit=dev` leaves TypeScript out: such a node runs a build made before it was deployed
    throw new Error(
      `the service must be compiled (${why}), but TypeScript is not installed: run \`npm ci\` (with its dev dependencies), then \`npm run build\``,
    )
  }
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', tmp], {
    cwd: root,
    encoding: 'utf8',
  })
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true })
    throw new Error(`building the service (tsc -p tsconfig.build.json) failed:\n${r.stdout}${r.stderr}`)
  }
  writeFileSync(join(tmp, STAMP), `${startedAt.toISOString()}\n`)
  utimesSync(join(tmp, STAMP), startedAt, startedAt)
  rmSync(join(root, BUILD_DIR), { recursive: true, force: true })
  renameSync(tmp, join(root, BUILD_DIR))
  return why
}

if (import.meta.filename === process.argv[1]) {
  const why = ensureServiceBuilt(join(import.meta.dirname, '..'))
  process.stdout.write(
    why ? `built the service into ${BUILD_DIR}/ (${why})\n` : `${BUILD_DIR}/ is up to date\n`,
  )
}
