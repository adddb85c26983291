import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { evaluateDevice, evaluateOffline } from '../../../alerts/rules/index.ts'
import { defaultResolveSettings } from '../../../alerts/settings.ts'
import { type AlertRoutesApp, startAlertRoutesApp } from '../../api/routes/alert-routes-app.ts'
import { type EngineHarness, pileReading, startEngineHarness } from './harness.ts'

const MIN = 60_000
/** 2026-01-05 19:00 at UTC+8: evening, when most chargers plug in. */
const EVENING = Date.UTC(2026, 0, 5, 11, 0, 0)
let h: EngineHarness
let app: AlertRoutesApp | undefined
const tokens: Record<string, string> = {}
let seq = 0

let call: AlertRoutesApp['call']

/** A cheap rectifier load (a dehumidifier's controller, a power tool's charger) or nothing, minute by minute. */
async function readings(fromMs: number, minutes: number, powerW: number) {
  for (let k = 0; k < minutes; k++) {
    const on = powerW > 0
    // the broker stamps arrival with its clock: readings arrive as they are taken
    h.clock.now = fromMs + k * MIN + 1000
    await h.append('circuit-1', 'telemetry', {
      ts: fromMs + k * MIN,
      seq: seq++,
      kind: 'circuit-monitor',
      circuit: 'B3-stairwell',
      voltageV: 228,
      currentA: on ? powerW / 228 / 0.6 : 0,
      // the load's input ripples a little, as a real one does
      powerW: on ? powerW * (1 + 0.01 * Math.sin(k)) : 0,
      powerFactor: on ? 0.6 : 1,
      currentThdPct: on ? 100 : 0,
    })
  }
  await h.drained()
}

const openStray = async () =>
  (await call('GET', '/api/v1/alerts?type=stray_wire_charging&deviceId=circuit-1', tokens.manager!)).body
    .items as { id: string; evidence?: Record<string, unknown>; message: string }[]

beforeAll(async () => {
  h = await startEngineHarness({
    rules: { evaluateDevice, evaluateOffline, resolveSettings: defaultResolveSettings },
  })
  const r = h.registry
  await r.provisionDevice({ id: 'circuit-1', kind: 'circuit-monitor', siteId: 'shed-a', reportIntervalS: 60 })
  r.createTenant({ id: 'bravo', name: 'Bravo' })
  tokens.manager = r.createToken({ tenantId: 'acme', role: 'manager', name: 'acme manager' }).token
  tokens.viewer = r.createToken({ tenantId: 'acme', role: 'viewer', name: 'acme viewer' }).token
  tokens.bravo = r.createToken({ tenantId: 'bravo', role: 'manager', name: 'bravo manager' }).token
  app = await startAlertRoutesApp(h, inject('influxUrl'))
  call = app.call
})
afterAll(async () => {
  await app?.close()
  await h?.close()
})

describe('crews teaching the stray-wire detector', () => {
  let alertId = ''

  it('raises on a charger-shaped load with evidence a crew can check', async () => {
    await readings(EVENING, 5, 0)
    await readings(EVENING + 5 * MIN, 15, 160)
    const open = await openStray()
    expect(open).toHaveLength(1)
    alertId = open[0]!.id
    const e = open[0]!.evidence!
    expect(e.levelW).toBeGreaterThan(150)
    expect(e.levelW).toBeLessThan(170)
    expect(e.stepW).toBeGreaterThan(150)
    expect(e.powerFactor).toBe(0.6)
    expect(e.currentThdPct).toBe(100)
    expect(e.harmonicPerW).toBeGreaterThan(0.5)
    expect(e.activePfc).toBe(false)
    expect(e.startedUnderLoad).toBe(false)
    expect(open[0]!.message).toMatch(/step of \+1[56]\d W/)
    expect(open[0]!.message).toMatch(/VA per W/)
  })

  it('refuses "not charging" on another type of alert, and leaves that alert open', async () => {
    await h.publish('pile-1', 'telemetry', pileReading(EVENING, 1, [70]))
    await h.publish('pile-1', 'telemetry', pileReading(EVENING + MIN, 2, [70]))
    const overheat = (await call('GET', '/api/v1/alerts?type=port_overheat', tokens.manager!)).body.items[0]
    expect(overheat).toBeDefined()
    const r = await call('POST', `/api/v1/alerts/${overheat.id}/clear`, tokens.manager!, {
      notCharging: 'lights',
    })
    expect(r.status).toBe(400)
    expect((await call('GET', `/api/v1/alerts/${overheat.id}`, tokens.manager!)).body.state).toBe('active')
  })

  it('clears as "not charging: equipment" and lists what it learned', async () => {
    const bad = await call('POST', `/api/v1/alerts/${alertId}/clear`, tokens.manager!, {
      notCharging: 'kettle',
    })
    expect(bad.status).toBe(400)
    const r = await call('POST', `/api/v1/alerts/${alertId}/clear`, tokens.manager!, {
      notCharging: 'equipment',
      note: 'cleaner charging a floor machine battery pack, PFC-less',
    })
    expect(r.status).toBe(200)
    expect(r.body.state).toBe('cleared')
    const detail = (await call('GET', `/api/v1/alerts/${alertId}`, tokens.manager!)).body
    expect(detail.history.at(-1).note).toMatch(/^not charging: equipment/)
    const learned = await call('GET', '/api/v1/devices/circuit-1/stray-wire/learned', tokens.viewer!)
    expect(learned.status).toBe(200)
    const crew = learned.body.items.filter((s: { source: string }) => s.source === 'crew')
    expect(crew).toEqual([
      expect.objectContaining({ id: `c-${alertId}`, kind: 'equipment', alertId, window: null }),
    ])
    expect(crew[0].levelW).toBeGreaterThan(150)
    expect(crew[0].levelW).toBeLessThan(170)
    // the same request again (a retry after a timeout, a double tap): answered, and what it taught stays
    const again = await call('POST', `/api/v1/alerts/${alertId}/clear`, tokens.manager!, {
      notCharging: 'equipment',
      note: 'cleaner charging a floor machine battery pack, PFC-less',
    })
    expect(again.status).toBe(200)
    const after = await call('GET', '/api/v1/devices/circuit-1/stray-wire/learned', tokens.viewer!)
    expect(after.body.items.filter((s: { source: string }) => s.source === 'crew')).toEqual([
      expect.objectContaining({ id: `c-${alertId}`, kind: 'equipment', alertId }),
    ])
    // another tenant sees neither the device nor what it learned
    expect((await call('GET', '/api/v1/devices/circuit-1/stray-wire/learned', tokens.bravo!)).status).toBe(
      404,
    )
  })

  it('stays silent when the same load comes back the next day', async () => {
    await readings(EVENING + 20 * MIN, 20, 0)
    const nextDay = EVENING + 1440 * MIN
    await readings(nextDay, 5, 0)
    await readings(nextDay + 5 * MIN, 20, 158)
    expect(await openStray()).toEqual([])
    // a charger of another size on the same circuit still alerts
    await readings(nextDay + 25 * MIN, 15, 0)
    await readings(nextDay + 40 * MIN, 15, 260)
    const open = await openStray()
    expect(open).toHaveLength(1)
    expect(open[0]!.evidence!.levelW).toBeGreaterThan(250)
    expect(
      (await call('POST', `/api/v1/alerts/${open[0]!.id}/clear`, tokens.manager!, { note: 'unplugged it' }))
        .status,
    ).toBe(200)
    await readings(nextDay + 55 * MIN, 20, 0)
  })

  it('undoes it: viewers may not, and then the load alerts again', async () => {
    const path = `/api/v1/devices/circuit-1/stray-wire/learned/c-${alertId}`
    expect((await call('DELETE', path, tokens.viewer!)).status).toBe(403)
    expect((await call('DELETE', path, tokens.bravo!)).status).toBe(404)
    const r = await call('DELETE', path, tokens.manager!)
    expect(r.status).toBe(200)
    expect(r.body.items.filter((s: { source: string }) => s.source === 'crew')).toEqual([])
    expect((await call('DELETE', path, tokens.manager!)).status).toBe(404)
    const day3 = EVENING + 2 * 1440 * MIN
    await readings(day3, 5, 0)
    await readings(day3 + 5 * MIN, 15, 160)
    expect(await openStray()).toHaveLength(1)
  })
})
