// `npm start` and `npm run demo`: compiles the service when its build is due (scripts/service-build.mjs),
// then runs it in this very process, so signals, exit codes and the bench's probes of its pid reach the
// service itself. Arguments are the service's (`--demo`, `--help`).
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { BUILD_DIR, ensureServiceBuilt } from './service-build.mjs'

const root = join(import.meta.dirname, '..')
try {
  const why = ensureServiceBuilt(root)
  // stderr: stdout carries the service's log, JSON lines when it is not a terminal
  if (why) process.stderr.write(`courtyard: compiled the service into ${BUILD_DIR}/ (${why})\n`)
} catch (err) {
  process.stderr.write(`courtyard: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
}
await import(pathToFileURL(join(root, BUILD_DIR, 'service', 'main.js')).href)
