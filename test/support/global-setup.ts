// One real influxd for the whole test run, in a temp dir on a free loopback port. Test files read its
// URL with `inject('influxUrl')` and each creates its own database. And the service compiled as `npm
// start` runs it (scripts/service-build.mjs), once, before any test starts it as a child process. And the
// console, when its sources are newer than its build: test files that each built it when they found it
// stale ran Vite at once, and it refused the second ("Found another Vite build process").
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { ensureConsoleBuilt } from '../../console/index.ts'
import { findInfluxd, INSTALL_HINT, startLocalInfluxd } from '../../influx/index.ts'
import { ensureServiceBuilt } from '../../scripts/service-build.mjs'

declare module 'vitest' {
  export interface ProvidedContext {
    influxUrl: string
  }
}

export default async function setup(project: TestProject) {
  ensureServiceBuilt(join(import.meta.dirname, '..', '..'))
  ensureConsoleBuilt()
  const bin = findInfluxd(process.env)
  if (!bin) throw new Error(INSTALL_HINT)
  const dir = mkdtempSync(join(tmpdir(), 'courtyard-test-influx-'))
  const influx = await startLocalInfluxd({ dir, bin })
  project.provide('influxUrl', influx.url)
  return async () => {
    await influx.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
