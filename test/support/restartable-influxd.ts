// A private influxd for a test that takes InfluxDB away and brings it back: same data dir, same port, so
// the service under test (configured once with `url`) reaches it again. Stopped and removed by `cleanups`.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findInfluxd, freePort, startLocalInfluxd } from '../../influx/index.ts'

export interface RestartableInfluxd {
  url: string
  stop(): Promise<void>
  /** starts it again on the same port and data */
  start(): Promise<void>
}

export async function startRestartableInfluxd(
  cleanups: (() => Promise<void>)[],
): Promise<RestartableInfluxd> {
  const bin = findInfluxd(process.env)!
  const dir = mkdtempSync(join(tmpdir(), 'courtyard-influx-'))
  const httpPort = await freePort()
  let influx = await startLocalInfluxd({ dir, bin, httpPort })
  cleanups.push(async () => {
    await influx.stop()
    rmSync(dir, { recursive: true, force: true })
  })
  return {
    url: influx.url,
    stop: () => influx.stop(),
    async start() {
      influx = await startLocalInfluxd({ dir, bin, httpPort })
    },
  }
}
