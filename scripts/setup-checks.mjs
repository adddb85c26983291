// What `npm run demo` and `npm test` still need on this machine, decided from files and the PATH only.
// Plain Node with no dependencies: it runs before `npm ci`, when node_modules may not exist yet.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'

/**
 * Why node_modules does not hold what package-lock.json locks, or undefined when it does. npm writes
 * node_modules/.package-lock.json on every install; a locked package missing from it, or at another
 * version, means `npm ci` is due. Optional packages are skipped: they are platform-specific binaries
 * (esbuild, biome) of which only this machine's are installed.
 */
export function dependenciesStale(lockText, installedText) {
  if (installedText === undefined) return 'node_modules is missing'
  const locked = JSON.parse(lockText).packages ?? {}
  const installed = JSON.parse(installedText).packages ?? {}
  for (const [path, entry] of Object.entries(locked)) {
    if (!path.includes('node_modules/') || entry.optional || entry.link || entry.inBundle) continue
    const have = installed[path]?.version
    if (have !== entry.version)
      return `${path.slice(path.lastIndexOf('node_modules/') + 13)} ${entry.version} is ${have === undefined ? 'not installed' : `at ${have}`}`
  }
  return undefined
}

/** The first of `names` found as a file in a folder of `pathVar` (a PATH). */
export function findOnPath(names, pathVar) {
  const dirs = (pathVar ?? '').split(delimiter)
  for (const name of names)
    for (const dir of dirs) {
      const candidate = join(dir, name)
      if (dir && existsSync(candidate) && statSync(candidate).isFile()) return candidate
    }
  return undefined
}

/**
 * The Debian packages the command still needs, each with the program it provides.
 * - influxd: for the demo unless INFLUX_URL points at a server (or INFLUXD_BIN at a binary); always for
 *   the tests (their global setup starts a private one).
 * - openssl: the MQTT-over-TLS test makes its certificate with it.
 * - chromium: only when browser tests exist (test/browser or test/console), so `npm test` does not pull a
 *   browser in for a suite that never starts one; with it a font with Chinese glyphs (fonts-wqy-microhei,
 *   1.6 MB) when none is installed: the console speaks Chinese first, and without one the screenshots the
 *   browser tests save show empty boxes where its text should be.
 * - a C++ toolchain and python3: better-sqlite3 is compiled by node-gyp when no prebuilt binary can be
 *   downloaded, which is the case on machines that reach the package registries only. Only before `npm ci`.
 */
export function missingPackages(opts) {
  const { command, root, env, needInstall } = opts
  const has = (names) => findOnPath(names, env.PATH) !== undefined
  const missing = []
  if (needInstall) {
    for (const [bin, pkg] of [
      ['make', 'make'],
      ['g++', 'g++'],
      ['python3', 'python3'],
    ])
      if (!has([bin])) missing.push(pkg)
  }
  const influxdWanted = command === 'test' || !env.INFLUX_URL
  const influxdThere = env.INFLUXD_BIN ? existsSync(env.INFLUXD_BIN) : has(['influxd'])
  if (influxdWanted && !influxdThere && !env.INFLUXD_BIN) missing.push('influxdb')
  if (command === 'test') {
    if (!has(['openssl'])) missing.push('openssl')
    const browserTests = ['test/browser', 'test/console'].some((d) => existsSync(join(root, d)))
    if (browserTests && !has(['chromium', 'chromium-browser'])) missing.push('chromium')
    if (browserTests && !hasCjkFont(opts.fontsDir ?? '/usr/share/fonts')) missing.push('fonts-wqy-microhei')
  }
  return missing
}

/** Whether a font with Chinese glyphs is installed under `dir` (the common Debian packages' files). */
function hasCjkFont(dir) {
  if (!existsSync(dir)) return false
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory() ? hasCjkFont(join(dir, e.name)) : CJK_FONT.test(e.name)) return true
  }
  return false
}
const CJK_FONT = /wqy|NotoSans(Mono)?CJK|NotoSerifCJK|SourceHan|DroidSansFallback|uming|ukai/i

function newestMtime(path) {
  if (!existsSync(path)) return 0
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let newest = 0
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)))
  return newest
}

/**
 * Whether the console (console/, built by vite into console/dist) has sources newer than its build:
 * anything under console/src, its index.html, vite config or package.json.
 */
export function consoleBuildDue(root) {
  const dir = join(root, 'console')
  if (!existsSync(dir)) return false
  const viteConfigs = readdirSync(dir).filter((n) => /^vite\.config\.[cm]?[jt]s$/.test(n))
  if (!existsSync(join(dir, 'package.json')) && viteConfigs.length === 0) return false
  const built = join(dir, 'dist', 'index.html')
  if (!existsSync(built)) return true
  const sources = ['src', 'index.html', 'package.json', ...viteConfigs].map((n) => newestMtime(join(dir, n)))
  return Math.max(...sources) > statSync(built).mtimeMs
}

/** The root package.json's scripts. */
export function packageScripts(root) {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts ?? {}
}
