// Starting a private influxd: when it cannot, the error says why in influxd's own words, and a port taken
// between being found free and influxd binding it (servers started side by side) costs a retry, not the run.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findInfluxd, freePort, type LocalInfluxd, startLocalInfluxd } from '../../influx/index.ts'

const bin = findInfluxd(process.env)!
let dir: string
let holder: Server
let takenPort: number
/** connections the holder accepted (the pings of influxd starts that were given its port) */
const accepted = new Set<Socket>()
const started: LocalInfluxd[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'courtyard-local-influxd-'))
  // a port another process holds: it accepts connections and never answers
  holder = createServer((socket) => accepted.add(socket))
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
  takenPort = (holder.address() as { port: number }).port
})

afterAll(async () => {
  for (const s of started) await s.stop()
  for (const socket of accepted) socket.destroy()
  await new Promise<void>((resolve) => holder.close(() => resolve()))
  rmSync(dir, { recursive: true, force: true })
})

describe('startLocalInfluxd', () => {
  it('says why influxd stopped: the HTTP port it was told to use is taken', async () => {
    const err = await startLocalInfluxd({ dir: join(dir, 'fixed'), bin, httpPort: takenPort }).then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    expect(err?.message).toMatch(/influxd exited with code \d+ before it was ready: .*address already in use/)
  })

  it('starts on fresh ports when one it was given was taken before influxd could bind it', async () => {
    let calls = 0
    const influx = await startLocalInfluxd({
      dir: join(dir, 'retry'),
      bin,
      // the first port handed out is one another process already holds
      pickPort: async (host) => (++calls === 1 ? takenPort : freePort(host)),
    })
    started.push(influx)
    expect(calls).toBeGreaterThanOrEqual(4)
    expect(new URL(influx.url).port).not.toBe(String(takenPort))
    expect((await fetch(`${influx.url}/ping`)).status).toBe(204)
  })
})
