// The front door: `npm run demo` and `npm test` run `node scripts/setup.mjs demo|test [args]`. On a fresh
// Debian/Ubuntu machine with only Node.js it installs what is missing — the locked dependencies (`npm ci`),
// the system packages (influxdb, openssl, chromium, a compiler for better-sqlite3), a console build older
// than its sources — one line per step, then runs the real command with the terminal, signals and exit
// code passed through. Plain Node with no dependencies, since it runs before node_modules exists.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseEnv } from 'node:util'
import { consoleBuildDue, dependenciesStale, missingPackages, packageScripts } from './setup-checks.mjs'

const ROOT = resolve(import.meta.dirname, '..')
const say = (line) => process.stdout.write(`courtyard setup: ${line}\n`)

function stop(lines) {
  for (const line of lines) process.stderr.write(`courtyard setup: ${line}\n`)
  process.exit(1)
}

/** Runs a step with its output kept back: shown only when the step fails. */
function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (r.status === 0) return true
  process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`.slice(-8000))
  if (r.error) process.stderr.write(`${r.error.message}\n`)
  return false
}

function installSystemPackages(packages) {
  const line = `apt-get install -y ${packages.join(' ')}`
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0
  if (!hasApt) {
    stop([
      `missing: ${packages.join(', ')} (Debian package names); install them with your system's package manager`,
      'or, for InfluxDB, point INFLUX_URL at an InfluxDB 1.x server.',
    ])
  }
  const root = process.getuid?.() === 0
  const sudo = !root && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0
  if (!root && !sudo) {
    stop([
      `missing system packages: ${packages.join(', ')}; install them (needs root), then run this again:`,
      `  sudo ${line}`,
    ])
  }
  say(`installing ${packages.join(' ')} from the system's packages (${sudo ? 'sudo ' : ''}${line})`)
  // no questions asked: sudo passes a VAR=value argument on, root gets it in its environment
  const apt = (args) =>
    sudo
      ? run('sudo', ['-n', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args])
      : run('apt-get', args, { ...process.env, DEBIAN_FRONTEND: 'noninteractive' })
  // a fresh machine often has no package lists yet: update only when the install cannot find a package
  const ok =
    apt(['install', '-y', '-qq', ...packages]) ||
    (apt(['update', '-qq']) && apt(['install', '-y', '-qq', ...packages]))
  if (!ok) stop([`${line} failed (its output is above)`])
}

function installDependencies() {
  const lock = join(ROOT, 'package-lock.json')
  const installed = join(ROOT, 'node_modules', '.package-lock.json')
  const why = dependenciesStale(
    readFileSync(lock, 'utf8'),
    existsSync(installed) ? readFileSync(installed, 'utf8') : undefined,
  )
  if (why === undefined) return
  say(`installing the locked dependencies (npm ci: ${why})`)
  if (!run('npm', ['ci', '--no-audit', '--no-fund'])) stop(['npm ci failed (its output is above)'])
}

function buildConsole() {
  if (!consoleBuildDue(ROOT)) return
  if (!packageScripts(ROOT)['console:build']) {
    say(
      'console/ has sources newer than console/dist, but package.json has no console:build script: not built',
    )
    return
  }
  say('building the console (npm run console:build)')
  if (!run('npm', ['run', 'console:build'])) stop(['npm run console:build failed (its output is above)'])
}

/** The real command, as a child with the terminal; its exit code (or signal) becomes ours. */
function handOver(cmd, args) {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit' })
  // a terminal's Ctrl-C reaches the child too (same process group); a signal sent to this process alone
  // (`kill <pid>`) must reach it as well. The service and vitest take a repeated SIGINT as one.
  const forward = (signal) => child.kill(signal)
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, forward)
  child.on('error', (err) => stop([`could not start ${cmd}: ${err.message}`]))
  child.on('exit', (code, signal) => {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.off(s, forward)
    if (signal) process.kill(process.pid, signal)
    else process.exit(code ?? 1)
  })
}

function main() {
  const [command, ...args] = process.argv.slice(2)
  if (command !== 'demo' && command !== 'test') {
    stop(['usage: node scripts/setup.mjs demo|test [arguments for the service or vitest]'])
  }
  // the service reads .env too: an INFLUX_URL there means no local influxd is needed
  const dotEnv = existsSync(join(ROOT, '.env')) ? parseEnv(readFileSync(join(ROOT, '.env'), 'utf8')) : {}
  const env = { ...dotEnv, ...process.env }
  const needInstall = !existsSync(join(ROOT, 'node_modules', '.package-lock.json'))
  const packages = missingPackages({ command, root: ROOT, env, needInstall })
  if (packages.length > 0) installSystemPackages(packages)
  installDependencies()
  buildConsole()
  if (command === 'demo') {
    // as `npm start` runs it (package.json: a larger young generation, README "Performance"); start.mjs
    // compiles the service first when its build is due
    handOver(process.execPath, ['--max-semi-space-size=32', 'scripts/start.mjs', '--demo', ...args])
  } else {
    handOver(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...args])
  }
}

main()
