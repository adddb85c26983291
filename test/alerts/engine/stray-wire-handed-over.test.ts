// Through the real alert engine and API: on a watts-only meter, a crew answers the first alert of a
// basement fridge "not charging: compressor". Once the circuit has learned the fridge from its own runs,
// the crew's answer is handed over to it (loads of that size are judged by the fridge's timed runs), and
// the circuit's learned loads say so; undoing the learned fridge gives the crew's answer back.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { evaluateDevice, evaluateOffline } from '../../../alerts/rules/index.ts'
import { defaultResolveSettings } from '../../../alerts/settings.ts'
import { type AlertRoutesApp, startAlertRoutesApp } from '../../api/routes/alert-routes-app.ts'
import { type EngineHarness, startEngineHarness } from './harness.ts'

const MIN = 60_000
/** 2026-01-05 08:00 at UTC+8. */
const T0 = Date.UTC(2026, 0, 5, 0, 0, 0)
const DEVICE = 'circuit-7'
let h: EngineHarness
let app: AlertRoutesApp | undefined
let manager = ''
let seq = 0

interface Learned {
  id: string
  kind: string
  source: 'learned' | 'crew'
  levelW: number
  handedTo?: string[]
}

/** A basic breaker meter (no PF or THD): `powerW` for `minutes` readings from `fromMs`. */
async function readings(fromMs: number, minutes: number, powerW: number) {
  for (let k = 0; k < minutes; k++) {
    h.clock.now = fromMs + k * MIN + 1000
    await h.append(DEVICE, 'telemetry', {
      ts: fromMs + k * MIN,
      seq: seq++,
      kind: 'circuit-monitor',
      circuit: 'B2-basement',
      voltageV: 228,
      currentA: powerW / 228,
      powerW: powerW > 0 ? powerW * (1 + 0.005 * Math.sin(k)) : 0,
    })
  }
  await h.drained()
}

const openAlerts = async () =>
  (await app!.call('GET', `/api/v1/alerts?type=stray_wire_charging&deviceId=${DEVICE}`, manager)).body
    .items as { id: string }[]
const learned = async () =>
  (await app!.call('GET', `/api/v1/devices/${DEVICE}/stray-wire/learned`, manager)).body.items as Learned[]

beforeAll(async () => {
  h = await startEngineHarness({
    rules: { evaluateDevice, evaluateOffline, resolveSettings: defaultResolveSettings },
  })
  await h.registry.provisionDevice({
    id: DEVICE,
    kind: 'circuit-monitor',
    siteId: 'shed-a',
    reportIntervalS: 60,
  })
  manager = h.registry.createToken({ tenantId: 'acme', role: 'manager', name: 'acme manager' }).token
  app = await startAlertRoutesApp(h, inject('influxUrl'))
})
afterAll(async () => {
  await app?.close()
  await h?.close()
})

describe("stray-wire: a crew's compressor handed over to the one the circuit learned", () => {
  it('lists the learned fridge beside the crew answer it took over, and gives it back when undone', async () => {
    let t = T0
    await readings(t, 10, 0)
    t += 10 * MIN
    // the fridge's first run: nothing knows it yet, so it is raised; the crew answers it
    await readings(t, 30, 130)
    const first = await openAlerts()
    expect(first).toHaveLength(1)
    const answered = await app!.call('POST', `/api/v1/alerts/${first[0]!.id}/clear`, manager, {
      notCharging: 'compressor',
      note: 'the basement fridge',
    })
    expect(answered.status).toBe(200)
    // while the fridge's first run is on, the crew's answer holds such loads back on its own
    const crewOnly = (await learned()).find((s) => s.source === 'crew')
    expect(crewOnly).toMatchObject({ kind: 'compressor', levelW: 130 })
    expect(crewOnly!.handedTo).toBeUndefined()
    t += 30 * MIN
    await readings(t, 35, 0)
    t += 35 * MIN

    // a dozen more runs: the circuit learns the fridge from them
    for (let i = 0; i < 12; i++) {
      const on = 25 + (i % 3) * 5
      await readings(t, on, 130)
      t += on * MIN
      await readings(t, 35, 0)
      t += 35 * MIN
    }
    const items = await learned()
    const fridge = items.find((s) => s.source === 'learned' && s.kind === 'compressor')
    expect(fridge, JSON.stringify(items)).toBeDefined()
    const crew = items.find((s) => s.source === 'crew')!
    expect(crew.handedTo).toEqual([fridge!.id])

    // undo the learned fridge: the crew's answer is what holds such loads back again
    const undone = await app!.call(
      'DELETE',
      `/api/v1/devices/${DEVICE}/stray-wire/learned/${fridge!.id}`,
      manager,
    )
    expect(undone.status).toBe(200)
    const back = (undone.body.items as Learned[]).find((s) => s.source === 'crew')!
    expect(back.handedTo).toBeUndefined()
  })
})
