// An alert cleared by hand while its condition persists is raised again: the catalogue's rules raise on a
// change, and before they forgot the condition a port cleared at 85 °C stayed without alert, page or
// stop_port for as long as it stayed hot.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { evaluateDevice, evaluateOffline } from '../../../alerts/rules/index.ts'
import { defaultResolveSettings } from '../../../alerts/settings.ts'
import { type EngineHarness, pileReading, startEngineHarness, T0 } from './harness.ts'

const MIN = 60_000
let h: EngineHarness
let seq = 0

beforeEach(async () => {
  seq = 0
  h = await startEngineHarness({
    // the catalogue's rules as the service runs them: the engine forgets with them by default
    rules: { evaluateDevice, evaluateOffline, resolveSettings: defaultResolveSettings },
  })
})
afterEach(async () => {
  await h?.close()
})

/** pile-1 reports port 1 at `tempC` every 30 s over [from, to] (event time and the engine's clock). */
async function hot(from: number, to: number, tempC: number, extra: Record<string, unknown> = {}) {
  for (let t = from; t <= to; t += 30_000) {
    h.clock.now = t
    const r = { ...pileReading(t, seq++, [tempC]), ...extra }
    // the pile obeys the stop_port it acknowledged: the port stops charging, and stays hot a while
    if (h.commands.length > 0) r.ports[0]!.state = 'disabled'
    await h.publish('pile-1', 'telemetry', r)
  }
}
const open = () => h.engine.store.list({ limit: 10, state: 'open' })

describe('an alert cleared by hand', () => {
  it('is raised anew, with its stop_port, when the port stays hot past the hold time', async () => {
    await hot(T0, T0 + 2 * MIN, 80)
    const [first] = open()
    expect(first).toMatchObject({ type: 'port_overheat', port: 1, severity: 'critical' })
    expect(h.commands.map((c) => c.name)).toEqual(['stop_port'])
    await h.engine.clear(first!.id, 'user:crew', 'sensor looked fine')
    await hot(T0 + 3 * MIN, T0 + 6 * MIN, 85)
    const [again] = open()
    expect(again).toMatchObject({ type: 'port_overheat', port: 1, severity: 'critical', state: 'active' })
    expect(again!.id).not.toBe(first!.id)
    // the new alert is the one its stop_port goes with
    expect(h.commands.map((c) => c.name)).toEqual(['stop_port', 'stop_port'])
  })

  it('stays cleared when the port has cooled', async () => {
    await hot(T0, T0 + 2 * MIN, 80)
    await h.engine.clear(open()[0]!.id, 'user:crew')
    for (let t = T0 + 3 * MIN; t <= T0 + 10 * MIN; t += 30_000)
      await h.append('pile-1', 'telemetry', pileReading(t, seq++, [30]))
    h.clock.now = T0 + 10 * MIN
    await h.drained()
    expect(open()).toEqual([])
    expect(h.commands).toHaveLength(1)
  })

  it('keeps what it forgot across a restart (the rule state is stored with the clear)', async () => {
    await hot(T0, T0 + 2 * MIN, 70)
    const [major] = open()
    expect(major).toMatchObject({ type: 'port_overheat', severity: 'major' })
    await h.engine.clear(major!.id, 'user:crew')
    // a crash before the spool's checkpoint moved: the rule state comes from what alerts.db holds
    await h.restartWithSpoolReplay()
    await hot(T0 + 3 * MIN, T0 + 6 * MIN, 70)
    expect(open()).toMatchObject([{ type: 'port_overheat', severity: 'major', state: 'active' }])
  })

  it('raises smoke again at the next reading that still reports it', async () => {
    await hot(T0, T0, 30, { smoke: true })
    const [smoke] = open()
    expect(smoke).toMatchObject({ type: 'smoke', severity: 'critical' })
    await h.engine.clear(smoke!.id, 'user:crew')
    await hot(T0 + MIN, T0 + MIN, 30, { smoke: true })
    expect(open()).toMatchObject([{ type: 'smoke', state: 'active' }])
    expect(open()[0]!.id).not.toBe(smoke!.id)
  })
})
