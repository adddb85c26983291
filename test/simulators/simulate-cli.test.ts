// `npm run simulate` as CI jobs run it: the real command line in a child process against a real aedes
// broker, judged by its exit status, its one summary line and what reached the broker.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../influx/index.ts'
import {
  type BrokerHarness,
  type CutProxy,
  pollUntil,
  type Recorder,
  startBroker,
  startCutProxy,
  startRecorder,
} from './mqtt-harness.ts'
import { createSimulateRunner } from './simulate-process.ts'
import { protocolError } from './support.ts'

const SUMMARY =
  /^simulate: (.+?): (\d+) devices, sent (\d+), acked (\d+), failed (\d+) \(unacked (\d+), unsent (\d+), dropped (\d+)\), reconnects (\d+), refused (\d+)$/m

function summaryOf(stderr: string) {
  const m = SUMMARY.exec(stderr)
  if (!m) throw new Error(`no summary line in:\n${stderr}`)
  const [why, devices, sent, acked, failed, unacked, unsent, dropped, reconnects, refused] = m.slice(1)
  return {
    why,
    devices: Number(devices),
    sent: Number(sent),
    acked: Number(acked),
    failed: Number(failed),
    unacked: Number(unacked),
    unsent: Number(unsent),
    dropped: Number(dropped),
    reconnects: Number(reconnects),
    refused: Number(refused),
  }
}

/** The periodic 'fleet stats' records of the JSON log, from the `from`-th character of stdout on. */
function statsSince(stdout: string, from: number): { buffered: number; inFlight: number }[] {
  return stdout
    .slice(from)
    .split('\n')
    .filter((l) => l.includes('"fleet stats"'))
    .map((l) => JSON.parse(l))
}

/** No stack trace: every line of stderr is the tool's own. */
const noStack = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at /)

const dir = mkdtempSync(join(tmpdir(), 'courtyard-simulate-'))
let broker: BrokerHarness
let recorder: Recorder
const sim = createSimulateRunner()

beforeAll(async () => {
  broker = await startBroker()
  recorder = await startRecorder(broker.url)
})
afterEach(() => sim.killAll())
afterAll(async () => {
  await recorder?.close()
  await broker?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('npm run simulate', () => {
  it('ends a --duration run with exit 0 and a summary of what was sent and acknowledged', async () => {
    const run = await sim.run([
      ...['--url', broker.url, '--prefix', 'dur', '--interval', '1', '--duration', '3s'],
      ...['--piles', '1', '--circuits', '1', '--sensors', '1', '--displays', '1', '--log-level', 'warn'],
    ])
    expect(run.code, run.stderr).toBe(0)
    const s = summaryOf(run.stderr)
    expect(s).toMatchObject({ why: 'stopped (done)', devices: 4, failed: 0, refused: 0 })
    expect(s.sent).toBeGreaterThan(0)
    expect(s.acked).toBe(s.sent)
    const kinds = {
      pile: 'charging-pile',
      circuit: 'circuit-monitor',
      room: 'daycare-sensor',
      screen: 'outdoor-display',
    }
    for (const [part, kind] of Object.entries(kinds)) {
      const id = `dur-${part}-0001`
      const sent = recorder.of(id).filter((m) => m.channel === 'telemetry' || m.channel === 'events')
      expect(sent.length, id).toBeGreaterThan(0)
      for (const m of sent)
        expect(
          protocolError(kind as 'charging-pile', m.channel as 'telemetry', JSON.parse(m.payload)),
        ).toBeUndefined()
    }
  })

  describe('--seed', () => {
    /**
     * One run of a small estate with its scenarios (two hours of backfill, then it ends): per device, its
     * kind and what it published in order, `ts` blanked, with each `ts` relative to the device's first.
     */
    async function runOnce(seed: string) {
      const from = recorder.messages.length
      const run = await sim.run([
        ...['--url', broker.url, '--prefix', 'seeded', '--seed', seed, '--interval', '60'],
        ...['--piles', '1', '--circuits', '1', '--sensors', '1', '--displays', '1'],
        ...['--backfill', '2h', '--backfill-only', '--scenario', 'faults,stray-wire,malformed'],
        ...['--log-level', 'warn'],
      ])
      expect(run.code, run.stderr).toBe(0)
      const sent = summaryOf(run.stderr).sent
      const mine = () =>
        recorder.messages
          .slice(from)
          .filter((m) => m.deviceId.startsWith('seeded-') && m.channel !== 'status')
      await pollUntil(() => mine().length === sent, 10_000, 'every reading at the recorder')
      const devices: Record<string, { kind?: string; payloads: string[]; relativeTs: number[] }> = {}
      const firstTs = new Map<string, number>()
      for (const m of mine()) {
        const d = devices[m.deviceId] ?? { payloads: [], relativeTs: [] }
        devices[m.deviceId] = d
        // every payload carries ts, even a malformed one (a string, or cut off after it)
        const ts = Number(/"ts":"?(\d+)/.exec(m.payload)?.[1])
        if (!firstTs.has(m.deviceId)) firstTs.set(m.deviceId, ts)
        d.relativeTs.push(ts - (firstTs.get(m.deviceId) as number))
        d.payloads.push(`${m.channel} ${m.payload.replace(/"ts":"?\d+"?/, '"ts":_')}`)
        if (m.channel === 'telemetry') d.kind ??= (JSON.parse(m.payload) as { kind?: string }).kind
      }
      return devices
    }

    it('gives the same devices and the same readings, relative to the start, run after run', async () => {
      const first = await runOnce('7')
      const second = await runOnce('7')
      expect(Object.keys(first).sort()).toEqual([
        'seeded-circuit-0001',
        'seeded-pile-0001',
        'seeded-room-0001',
        'seeded-screen-0001',
      ])
      expect(
        Object.values(first)
          .map((d) => d.kind)
          .sort(),
      ).toEqual(['charging-pile', 'circuit-monitor', 'daycare-sensor', 'outdoor-display'])
      // two hours of readings, and what seed 7 plans in them: among others smoke in the shed, a reading
      // with 1e999 in it and one over 16 KiB
      for (const d of Object.values(first)) expect(d.payloads.length).toBeGreaterThanOrEqual(120)
      const all = Object.values(first).flatMap((d) => d.payloads)
      expect(all.filter((p) => p.includes('"event":"smoke_detected"'))).toHaveLength(1)
      expect(all.filter((p) => p.includes(':1e999'))).toHaveLength(1)
      expect(all.filter((p) => p.includes('"padding":"xxx'))).toHaveLength(1)
      expect(second).toEqual(first)
      const other = await runOnce('8')
      expect(Object.keys(other).sort()).toEqual(Object.keys(first).sort())
      for (const [id, d] of Object.entries(other)) expect(d.payloads, id).not.toEqual(first[id]?.payloads)
    })
  })

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'stops on %s with exit 0, the summary and the devices marked offline',
    async (signal) => {
      const prefix = signal.toLowerCase()
      const p = sim.spawn([
        ...['--url', broker.url, '--prefix', prefix, '--interval', '1'],
        ...['--piles', '0', '--circuits', '2', '--sensors', '0', '--displays', '0'],
      ])
      const id = `${prefix}-circuit-0002`
      await pollUntil(() => recorder.of(id, 'telemetry').length >= 2, 20_000, 'readings from the fleet')
      p.child.kill(signal)
      expect(await p.exited, p.stderr()).toBe(0)
      const s = summaryOf(p.stderr())
      expect(s.why).toBe(`stopped (${signal})`)
      expect(s.sent).toBeGreaterThanOrEqual(2)
      expect(recorder.of(id, 'status').at(-1)?.payload).toBe('offline')
    },
  )

  it.each([
    [['--log-level', 'loud'], /^simulate: --log-level must be one of fatal, error, warn, info/],
    [['--stats-every', '0s'], /^simulate: --stats-every must be at least 1s, got "0s"/],
    [['--duration', '0s'], /^simulate: --duration must be at least/],
    [['--devices', '/nonexistent/devices.json'], /^simulate: cannot read devices file \/nonexistent/],
    [
      ['--piles', '0', '--circuits', '0', '--sensors', '0', '--displays', '0'],
      /^simulate: no devices to simulate/,
    ],
    [['--devices', join(dir, 'empty.json')], /^simulate: devices file .*empty\.json lists no devices/],
    [
      ['--url', 'mqtts://127.0.0.1:8883', '--ca', '/nonexistent/ca.pem'],
      /^simulate: cannot read CA file \/nonexistent\/ca\.pem: ENOENT/,
    ],
    [
      ['--url', 'mqtts://127.0.0.1:8883', '--ca', join(dir, 'odd.json')],
      /^simulate: CA file .*odd\.json holds no PEM certificate/,
    ],
    [
      ['--url', 'mqtts://127.0.0.1:8883', '--ca', join(dir, 'broken.pem')],
      /^simulate: CA file .*broken\.pem: certificate #1 does not parse/,
    ],
    [
      ['--devices', join(dir, 'odd.json')],
      /^simulate: devices file: device #0 \(odd-pile\): ports must be a whole number from 1 to 64; device #1 \(odd-circuit\): circuit must be a string/,
    ],
  ])('refuses %j with one line and exit 2, before connecting', async (args, message) => {
    writeFileSync(join(dir, 'empty.json'), '[]')
    writeFileSync(
      join(dir, 'broken.pem'),
      '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n',
    )
    writeFileSync(
      join(dir, 'odd.json'),
      JSON.stringify([
        { id: 'odd-pile', kind: 'charging-pile', siteId: 's', ports: '12' },
        { id: 'odd-circuit', kind: 'circuit-monitor', siteId: 's', circuit: 5 },
      ]),
    )
    const run = await sim.run(['--url', broker.url, ...args])
    expect(run.code, run.stderr).toBe(2)
    expect(run.stderr).toMatch(message)
    noStack(run.stderr)
  })

  it('gives up on a broker it cannot reach with one line naming the error and exit 1', async () => {
    const port = await freePort()
    const run = await sim.run([
      ...['--url', `mqtt://127.0.0.1:${port}`, '--connect-timeout', '2s'],
      ...['--piles', '1', '--circuits', '0', '--sensors', '0', '--displays', '0'],
    ])
    expect(run.code, run.stderr).toBe(1)
    expect(run.stderr).toContain(
      `simulate: no device could connect to mqtt://127.0.0.1:${port} within 2 s (connect ECONNREFUSED`,
    )
    expect(run.stdout).toContain('cannot connect to the broker yet; retrying')
    noStack(run.stderr)
  })

  describe('a broker that goes away or hangs', () => {
    let proxy: CutProxy
    beforeAll(async () => {
      proxy = await startCutProxy(broker.port)
    })
    afterAll(() => proxy?.close())

    it('says so, reconnects with seq going on, and counts what it could not send when stopped meanwhile', async () => {
      const p = sim.spawn([
        ...['--url', proxy.url, '--prefix', 'gone', '--interval', '1', '--stats-every', '1s'],
        ...['--piles', '0', '--circuits', '2', '--sensors', '0', '--displays', '0'],
      ])
      const id = 'gone-circuit-0001'
      await pollUntil(() => recorder.of(id, 'telemetry').length >= 2, 20_000, 'readings before the outage')
      proxy.cut()
      await pollUntil(() => p.stdout().includes('lost the broker'), 20_000, 'the outage in the log')
      const before = recorder.of(id, 'telemetry').length
      proxy.restore()
      await pollUntil(
        () => p.stdout().includes('every device that lost the broker is back'),
        30_000,
        'the return',
      )
      await pollUntil(
        () => recorder.of(id, 'telemetry').length >= before + 3,
        20_000,
        'readings after the outage',
      )
      // a second outage the run is stopped in: the readings due meanwhile are counted as not sent
      const mark = p.stdout().length
      proxy.cut()
      await pollUntil(() => p.stdout().includes('lost the broker', mark), 20_000, 'the second outage')
      await pollUntil(
        () => statsSince(p.stdout(), mark).some((r) => r.buffered >= 2),
        20_000,
        'readings held while the broker is away',
      )
      p.child.kill('SIGTERM')
      expect(await p.exited, p.stderr()).toBe(0)
      proxy.restore()
      const s = summaryOf(p.stderr())
      expect(s.reconnects).toBeGreaterThanOrEqual(2)
      expect(s.unsent).toBeGreaterThanOrEqual(2)
      expect(s.failed).toBe(s.unacked + s.unsent + s.dropped)
      expect(s.sent - s.acked).toBe(s.unacked)
      // seq runs on across the reconnect (a redelivered message may repeat one; none is missing)
      const seqs = recorder.of(id, 'telemetry').map((m) => JSON.parse(m.payload).seq as number)
      const unique = seqs.filter((x, i) => i === 0 || x !== seqs[i - 1])
      expect(unique).toEqual(unique.map((_, i) => i))
    })

    it('stops on SIGTERM while the broker hangs, counting the unacknowledged', async () => {
      const p = sim.spawn([
        ...['--url', proxy.url, '--prefix', 'hang', '--interval', '1', '--stats-every', '1s'],
        ...['--piles', '0', '--circuits', '2', '--sensors', '0', '--displays', '0'],
      ])
      await pollUntil(() => recorder.of('hang-circuit-0001', 'telemetry').length >= 2, 20_000, 'readings')
      const mark = p.stdout().length
      proxy.freeze()
      // the next readings go out into the hung connection and are never acknowledged
      await pollUntil(
        () => statsSince(p.stdout(), mark).some((r) => r.inFlight >= 2),
        20_000,
        'publishes waiting for acknowledgements',
      )
      p.child.kill('SIGTERM')
      const code = await p.exited
      proxy.restore()
      expect(code, p.stderr()).toBe(0)
      const s = summaryOf(p.stderr())
      expect(s.why).toBe('stopped (SIGTERM)')
      expect(s.unacked).toBeGreaterThanOrEqual(2)
      expect(s.failed).toBeGreaterThanOrEqual(2)
    })
  })
})
