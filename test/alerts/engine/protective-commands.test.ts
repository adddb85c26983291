// The automatic stop_port against the real engine and the catalogue rules: it goes out only from a
// recent reading for an alert still open, and every time it does not, the alert's history says why; one
// that fails is tried again, with a backoff, until the device acknowledges one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { protectiveCommandId } from '../../../alerts/protective-command.ts'
import { evaluateDevice, evaluateOffline } from '../../../alerts/rules/index.ts'
import { defaultResolveSettings } from '../../../alerts/settings.ts'
import type { CommandRequest, CommandResult } from '../../../domain/bus.ts'
import { CourtyardError } from '../../../domain/errors.ts'
import { type EngineHarness, pileReading, startEngineHarness, T0, until } from './harness.ts'

const MIN = 60_000
const HOUR = 60 * MIN

const rules = { evaluateDevice, evaluateOffline, resolveSettings: defaultResolveSettings }
/** How the pile answers the n-th command (default: ok). */
let answer: ((req: CommandRequest, n: number) => Promise<CommandResult>) | undefined
/** the clock when each command was asked for */
let askedAt: number[]
/** the pile switched port 1 off (it acknowledged a stop_port and its relay opened) */
let switchedOff: boolean
/** the pile acknowledges stop_port but its relay does not open */
let relayStuck: boolean
let h: EngineHarness
beforeEach(async () => {
  answer = undefined
  askedAt = []
  switchedOff = false
  relayStuck = false
  h = await startEngineHarness({
    rules,
    answerCommand: async (req) => {
      askedAt.push(h.clock.now)
      const r = await (answer
        ? answer(req, askedAt.length)
        : Promise.resolve({ id: req.id ?? 'x', ok: true }))
      if (r.ok && !relayStuck) switchedOff = true
      return r
    },
  })
})
afterEach(async () => {
  await h.close()
})

const commandSteps = (alertId: string) => h.engine.store.history(alertId).filter((t) => t.kind === 'command')

describe('automatic stop_port', () => {
  it('is not sent from hours-old buffered readings, and the alert says why', async () => {
    h.clock.now = T0 + 3 * HOUR
    let seq = 0
    // a pile uploads what it buffered while offline: 80 °C for 2 min, then 30 °C for 7 min, 3 h ago
    for (let t = T0; t <= T0 + 2 * MIN; t += 30_000)
      await h.append('pile-1', 'telemetry', pileReading(t, seq++, [80]))
    for (let t = T0 + 3 * MIN; t <= T0 + 10 * MIN; t += 30_000)
      await h.append('pile-1', 'telemetry', pileReading(t, seq++, [30]))
    await h.drained()
    const [a, ...more] = h.engine.store.list({ limit: 10, state: 'all' })
    expect(more).toEqual([])
    expect(a).toMatchObject({ type: 'port_overheat', severity: 'critical', state: 'cleared' })
    expect(h.commands).toEqual([])
    const steps = commandSteps(a!.id)
    expect(steps).toHaveLength(1)
    expect(steps[0]).toMatchObject({
      by: 'auto',
      at: T0 + 3 * HOUR,
      detail: { name: 'stop_port', args: { port: 1 }, outcome: 'skipped', decidedAt: T0 + MIN },
    })
    expect(steps[0]!.note).toMatch(/^stop_port not sent: .*the reading was 3 h old/)
  })

  it('is not sent from a reading 6 min old even while the alert is open', async () => {
    h.clock.now = T0 + 7 * MIN
    await h.publish('pile-1', 'telemetry', pileReading(T0, 0, [80]))
    await h.publish('pile-1', 'telemetry', pileReading(T0 + MIN, 1, [80]))
    const [a] = h.engine.store.list({ limit: 10 })
    expect(a).toMatchObject({ severity: 'critical', state: 'active' })
    expect(h.commands).toEqual([])
    expect(commandSteps(a!.id).map((t) => t.note)).toEqual(['stop_port not sent: the reading was 6 min old'])
  })

  it('is sent from a reading within 5 min of the clock (a device clock behind by minutes), and its answer lands on the alert', async () => {
    h.clock.now = T0 + 5 * MIN
    await h.publish('pile-1', 'telemetry', pileReading(T0, 0, [80]))
    await h.publish('pile-1', 'telemetry', pileReading(T0 + MIN, 1, [80]))
    const [a] = h.engine.store.list({ limit: 10 })
    expect(h.commands).toMatchObject([{ name: 'stop_port', args: { port: 1 }, alertId: a!.id }])
    await until(() => commandSteps(a!.id).length === 1, 'command recorded')
    expect(commandSteps(a!.id)[0]!.detail).toMatchObject({ name: 'stop_port', result: { ok: true } })
  })
})

describe('a stop_port that failed', () => {
  /** Live readings every 30 s, the clock at each; waits until every command's outcome is recorded. */
  async function liveReadings(fromMin: number, toMin: number, tempC: number, seq: { n: number }) {
    for (let t = T0 + fromMin * MIN; t <= T0 + toMin * MIN; t += 30_000) {
      h.clock.now = t
      const r = pileReading(t, seq.n++, [tempC])
      // a port switched off stops charging; it cools more slowly
      if (switchedOff) r.ports[0]!.state = 'disabled'
      await h.publish('pile-1', 'telemetry', r)
      const [a] = h.engine.store.list({ limit: 1, state: 'all' })
      if (a) await until(() => commandSteps(a.id).length >= h.commands.length, 'command outcome recorded')
    }
  }
  const sentAtMin = () => askedAt.map((t) => (t - T0) / MIN)

  it('is tried again after 1, 2 and 5 min until the device acknowledges, each outcome on the alert', async () => {
    const outcomes = [
      async (id: string): Promise<CommandResult> => ({ id, ok: false, error: 'timeout', result: 'timeout' }),
      async (): Promise<CommandResult> => {
        throw new CourtyardError('DEVICE_OFFLINE', 'device pile-1 is not connected; nothing was sent')
      },
      async (id: string): Promise<CommandResult> => ({
        id,
        ok: false,
        error: 'relay stuck',
        result: 'error',
      }),
      async (id: string): Promise<CommandResult> => ({ id, ok: true, result: 'ok' }),
    ]
    answer = (req, n) => outcomes[Math.min(n, outcomes.length) - 1]!(req.id!)
    await liveReadings(0, 20, 85, { n: 0 })
    const [a] = h.engine.store.list({ limit: 10 })
    expect(a).toMatchObject({ type: 'port_overheat', severity: 'critical', state: 'active' })
    // raised at 1 min; failed at 1, 2 and 4; acknowledged at 9: nothing more while the port stays hot
    expect(sentAtMin()).toEqual([1, 2, 4, 9])
    expect(h.commands.map((c) => c.id)).toEqual(
      [1, 2, 3, 4].map((n) => protectiveCommandId(a!.id, 'stop_port', n, h.commands[n - 1]!.args)),
    )
    expect(h.commands[0]!.id).toMatch(new RegExp(`^${a!.id}:stop_port:1:[0-9a-f]{8}$`))
    expect(h.commands.every((c) => c.name === 'stop_port' && c.by === 'auto' && c.alertId === a!.id)).toBe(
      true,
    )
    const steps = commandSteps(a!.id)
    expect(steps.map((t) => [(t.at - T0) / MIN, t.by, t.detail?.outcome, t.detail?.attempt])).toEqual([
      [1, 'auto', 'timeout', 1],
      [2, 'auto', 'offline', 2],
      [4, 'auto', 'refused', 3],
      [9, 'auto', 'ok', 4],
    ])
    expect(steps.map((t) => t.note)).toEqual([
      'stop_port got no answer from the device; next attempt in 1 min while the port stays hot or charging',
      'stop_port not sent (attempt 2): the device is not connected; next attempt in 2 min while the port stays hot or charging',
      'stop_port refused by the device (attempt 3): relay stuck; next attempt in 5 min while the port stays hot or charging',
      'stop_port acknowledged by the device (attempt 4)',
    ])
  })

  it('is tried every 5 min after the third failure, and no more once the alert has cleared', async () => {
    answer = async (req) => ({ id: req.id!, ok: false, error: 'timeout', result: 'timeout' })
    const seq = { n: 0 }
    await liveReadings(0, 10, 85, seq)
    // cooling under 55 °C from 10.5 min clears it 5 min later, at 15.5 min
    await liveReadings(10.5, 30, 40, seq)
    const [a] = h.engine.store.list({ limit: 10, state: 'all' })
    expect(a).toMatchObject({ state: 'cleared', clearedAt: T0 + 15.5 * MIN })
    // at 14 min the port is still charging and the alert still open: tried again
    expect(sentAtMin()).toEqual([1, 2, 4, 9, 14])
    expect(commandSteps(a!.id).map((t) => t.detail?.outcome)).toEqual(Array(5).fill('timeout'))
  })

  it('is asked again when the pile acknowledged it but the port still charges 2 min later', async () => {
    relayStuck = true
    const seq = { n: 0 }
    await liveReadings(0, 4, 85, seq)
    const [a] = h.engine.store.list({ limit: 10 })
    // acknowledged at 1 min, yet charging at 3: asked again, and the alert says why
    expect(sentAtMin()).toEqual([1, 3])
    expect(commandSteps(a!.id).map((t) => [(t.at - T0) / MIN, t.detail?.outcome, t.detail?.attempt])).toEqual(
      [
        [1, 'ok', 1],
        [3, 'still_charging', undefined],
        [3, 'ok', 2],
      ],
    )
    expect(commandSteps(a!.id)[1]!.note).toBe(
      'stop_port was acknowledged, yet the port still reports charging: asking again (attempt 2)',
    )
    // the relay opens: the port stops charging (still hot), and nothing more is asked
    relayStuck = false
    switchedOff = true
    await liveReadings(4.5, 12, 85, seq)
    expect(sentAtMin()).toEqual([1, 3])
  })

  it('asks again under the same command id when an engine restart lost the answer', async () => {
    // the first attempt never answers (the engine stops before it does)
    answer = () => new Promise<CommandResult>(() => {})
    const seq = { n: 0 }
    for (let t = T0; t <= T0 + MIN; t += 30_000) {
      h.clock.now = t
      await h.publish('pile-1', 'telemetry', pileReading(t, seq.n++, [85]))
    }
    expect(h.commands).toHaveLength(1)
    await h.restart()
    answer = async (req) => ({ id: req.id!, ok: true, result: 'ok' })
    h.clock.now = T0 + 1.5 * MIN
    // hotter now: the attempt's arguments (and so its id) do not carry the reading's temperature
    await h.publish('pile-1', 'telemetry', pileReading(h.clock.now, seq.n++, [86]))
    const [a] = h.engine.store.list({ limit: 10 })
    await until(() => commandSteps(a!.id).length === 1, 'the outcome recorded')
    // the same id: a command service that saw the first one answers from its audit, sending nothing
    const first = protectiveCommandId(a!.id, 'stop_port', 1, { port: 1, reason: 'overheat ≥ 75 °C' })
    expect(h.commands.map((c) => c.id)).toEqual([first, first])
    expect(commandSteps(a!.id)[0]!.detail).toMatchObject({ outcome: 'ok', attempt: 1 })
  })
})
