// One real influxd for the whole test run, in a temp dir on a free loopback port. Test files read its
// URL with `inject('influxUrl')` and each creates its own database.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { findInfluxd, INSTALL_HINT, startLocalInfluxd } from '../../influx/index.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    influxUrl: string
  }
}

export default async function setup(project: TestProject) {
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
