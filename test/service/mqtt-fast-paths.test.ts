// service/mqtt-fast-paths.ts, in a child process of its own (it changes what the process's modules get):
// a real aedes broker still answers every QoS 1 publish with the PUBACK mqtt-packet would write, in one
// write instead of three; mqtt-packet's debug output is gone with DEBUG unset and still there with it set;
// its parser makes the same packets of publishes however the socket reads cut them, with fewer Buffer views.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, inject, it } from 'vitest'
import { createServiceProcess } from '../support/service-process.ts'

const PROBE = join(import.meta.dirname, 'fixtures/mqtt-fast-paths-probe.ts')

async function probe(env: NodeJS.ProcessEnv, ...args: string[]) {
  const { DEBUG: _unset, ...base } = process.env
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', PROBE, ...args],
    { env: { ...base, ...env }, timeout: 60_000 },
  )
  return { result: JSON.parse(stdout.trim().split('\n').at(-1)!), stderr }
}

describe('mqtt-packet fast paths', () => {
  it('answers QoS 1 publishes with the same PUBACK bytes, one write each', async () => {
    const { result, stderr } = await probe({}, '--enable-debug')
    expect(result.fastPaths).toEqual({ quietDebug: true, onePuback: true, inPlaceReads: true })
    expect(result.connackOk).toBe(true)
    expect(result.pubacksOk).toBe(true)
    expect(result.writesPerPuback).toBe(1)
    expect(result.pubackWhenFull).toBe(true)
    // debug enabled at run time: the no-ops mqtt-packet holds print nothing
    expect(stderr).not.toContain('mqtt-packet:')
  }, 90_000)

  it('parse publishes into the same packets however the reads cut them, with half the Buffer views or fewer', async () => {
    const { result } = await probe({})
    expect(result.fastPaths.inPlaceReads).toBe(true)
    expect(result.parsedSame).toBe(true)
    // header, length, topic length, topic, packet id and payload: now only the payload and the list's own
    // trimming of what it parsed cut a view (9 views per publish without, below)
    expect(result.viewsPerPublish).toBeLessThanOrEqual(4.5)
  }, 90_000)

  it('took three writes per PUBACK, nine Buffer views per publish parsed, and printed debug lines enabled at run time, without them (what the first tests tell apart)', async () => {
    const { result, stderr } = await probe({}, '--off', '--enable-debug')
    expect(result.fastPaths).toBeNull()
    expect(result.pubacksOk).toBe(true)
    expect(result.writesPerPuback).toBe(3)
    expect(result.pubackWhenFull).toBe(true)
    expect(result.parsedSame).toBe(true)
    expect(result.viewsPerPublish).toBeGreaterThanOrEqual(8.5)
    // the real debug functions, enabled at run time, print
    expect(stderr).toContain('mqtt-packet:parser')
  }, 90_000)

  it("keeps mqtt-packet's debug output where DEBUG asks for it", async () => {
    const { result, stderr } = await probe({ DEBUG: 'mqtt-packet:parser' })
    expect(result.fastPaths).toEqual({ quietDebug: false, onePuback: true, inPlaceReads: true })
    expect(result.pubacksOk).toBe(true)
    expect(stderr).toContain('mqtt-packet:parser')
  }, 90_000)

  it('are on in the service as `npm start` runs it', async () => {
    const svc = await createServiceProcess({
      influxUrl: inject('influxUrl'),
      extraEnv: { LOG_LEVEL: 'debug' },
    })
    await svc.start()
    await svc.kill('SIGTERM')
    expect(svc.printed('"fastPaths":{"quietDebug":true,"onePuback":true,"inPlaceReads":true}')).toBe(true)
  }, 90_000)
})
