import { describe, expect, it } from 'vitest'
import { DEFAULT_ALERT_SETTINGS } from '../../alerts/index.ts'
import type {
  ChargingPileTelemetry,
  CircuitMonitorTelemetry,
  Command,
  DeviceKind,
} from '../../domain/protocol.ts'
import { strayChargerParams } from '../../simulators/devices/circuit-monitor.ts'
import { createDeviceModel } from '../../simulators/devices/create-device-model.ts'
import type { DeviceSpec } from '../../simulators/devices/types.ts'
import { planScenarios } from '../../simulators/scenarios.ts'
import { LOCAL_MIDNIGHT, MIN, protocolError, run } from './support.ts'

const SPECS: Record<DeviceKind, DeviceSpec> = {
  'charging-pile': { id: 'pile-01', kind: 'charging-pile', siteId: 'shed-1', reportIntervalS: 60, ports: 12 },
  'circuit-monitor': {
    id: 'circ-01',
    kind: 'circuit-monitor',
    siteId: 'b-1',
    reportIntervalS: 60,
    circuit: 'B1-corridor-2F',
  },
  'daycare-sensor': {
    id: 'room-01',
    kind: 'daycare-sensor',
    siteId: 'dc-1',
    reportIntervalS: 60,
    room: 'activity-room',
    capacity: 16,
  },
  'outdoor-display': { id: 'screen-01', kind: 'outdoor-display', siteId: 'd-1', reportIntervalS: 60 },
}
const KINDS = Object.keys(SPECS) as DeviceKind[]
const DAY = 1440 * MIN
// TypeBox 1.4 infers never for Command['name'] (a Union built with map()), hence the cast
const cmd = (id: string, name: string, args: Record<string, unknown>) =>
  ({ id, name, args }) as unknown as Command

describe('device models', () => {
  it.each(KINDS)('%s: the same seed reproduces the same payloads and another seed does not', (kind) => {
    const a = run(createDeviceModel(SPECS[kind], 42), LOCAL_MIDNIGHT, LOCAL_MIDNIGHT + DAY)
    const b = run(createDeviceModel(SPECS[kind], 42), LOCAL_MIDNIGHT, LOCAL_MIDNIGHT + DAY)
    const c = run(createDeviceModel(SPECS[kind], 43), LOCAL_MIDNIGHT, LOCAL_MIDNIGHT + DAY)
    expect(JSON.stringify(a)).toBe(JSON.stringify(b))
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c))
  })

  it.each(KINDS)(
    '%s: every payload of three days with every scenario validates and seq counts up by one',
    (kind) => {
      const spec = SPECS[kind]
      const model = createDeviceModel(spec, 7)
      const from = LOCAL_MIDNIGHT
      const to = from + 3 * DAY
      // share 1: every device gets every scenario, several times over three days
      const plan = planScenarios([spec], ['faults', 'stray-wire'], 7, from, to, { share: 1 })
      for (const i of plan.get(spec.id)?.injections ?? []) model.inject(i)
      const msgs = run(model, from, to)
      expect(msgs.filter((m) => m.channel === 'telemetry')).toHaveLength(3 * 1440)
      const invalid = msgs.map((m) => protocolError(kind, m.channel, m.body)).filter(Boolean)
      expect(invalid).toEqual([])
      expect(msgs.map((m) => m.body.seq)).toEqual(msgs.map((_, i) => i))
    },
  )
})

describe('charging pile', () => {
  const from = LOCAL_MIDNIGHT
  const readings = (msgs: ReturnType<typeof run>) =>
    msgs.filter((m) => m.channel === 'telemetry').map((m) => m.body as ChargingPileTelemetry)

  it('starts most sessions between 18:00 and 01:00 local time', () => {
    const msgs = run(createDeviceModel(SPECS['charging-pile'], 3), from, from + 7 * DAY)
    const starts = msgs.filter((m) => m.channel === 'events' && m.body.event === 'session_started')
    expect(starts.length).toBeGreaterThan(30)
    const evening = starts.filter((m) => {
      const h = ((m.body.ts - from) % DAY) / 3_600_000
      return h >= 18 || h < 1
    })
    expect(evening.length / starts.length).toBeGreaterThan(0.6)
  })

  it('meters the feeder as the sum of the ports plus at most 60 W of its own electronics', () => {
    const rs = readings(run(createDeviceModel(SPECS['charging-pile'], 5), from, from + 2 * DAY))
    const unmetered = rs.map((r) => r.feeder!.powerW! - r.ports!.reduce((s, p) => s + p.powerW!, 0))
    expect(Math.min(...unmetered)).toBeGreaterThan(0)
    expect(Math.max(...unmetered)).toBeLessThanOrEqual(60)
    // and there is real charging to meter: a busy evening draws kilowatts
    expect(Math.max(...rs.map((r) => r.feeder!.powerW!))).toBeGreaterThan(800)
  })

  it('runs charging ports warmer than idle ones and ends sessions with their energy', () => {
    const msgs = run(createDeviceModel(SPECS['charging-pile'], 5), from, from + 2 * DAY)
    const last = readings(msgs).at(-1)
    expect(last).toBeDefined()
    let charging = 0
    let idle = 0
    let nc = 0
    let ni = 0
    for (const r of readings(msgs)) {
      for (const p of r.ports!) {
        if (p.state === 'charging' && p.powerW! > 100) {
          charging += p.tempC ?? 0
          nc++
        } else if (p.state === 'idle') {
          idle += p.tempC ?? 0
          ni++
        }
      }
    }
    expect(charging / nc - idle / ni).toBeGreaterThan(5)
    const ended = msgs.filter((m) => m.channel === 'events' && m.body.event === 'session_ended')
    expect(ended.length).toBeGreaterThan(5)
    const full = ended.filter((m) => (m.body as { reason?: string }).reason === 'full')
    expect(full.length).toBeGreaterThan(0)
    for (const m of full) expect((m.body as { energyWh?: number }).energyWh).toBeGreaterThan(200)
  })

  it('trips an overheating port with a port_fault event, a hot tempC and state fault, and clears it after', () => {
    const model = createDeviceModel(SPECS['charging-pile'], 5)
    const start = from + 20 * 60 * MIN
    model.inject({ type: 'port_overheat', port: 3, startMs: start, endMs: start + 60 * MIN })
    const msgs = run(model, from + 19 * 60 * MIN, from + 24 * 60 * MIN)
    const fault = msgs.find((m) => m.channel === 'events' && m.body.event === 'port_fault')
    expect(fault?.body).toMatchObject({ port: 3, code: 'over_temperature' })
    const at = msgs.find((m) => m.channel === 'telemetry' && m.body.ts === fault?.body.ts)
      ?.body as ChargingPileTelemetry
    const port3 = at.ports!.find((p) => p.port === 3)
    expect(port3?.state).toBe('fault')
    expect(port3?.tempC).toBeGreaterThanOrEqual(74)
    const cleared = msgs.find((m) => m.channel === 'events' && m.body.event === 'port_fault_cleared')
    expect(cleared?.body).toMatchObject({ port: 3, code: 'over_temperature' })
    expect(cleared?.body.ts).toBeGreaterThanOrEqual(start + 60 * MIN)
  })

  it('shows a stray-wire charger in the shed as unmetered feeder load', () => {
    const start = from + 13 * 60 * MIN
    const plain = readings(run(createDeviceModel(SPECS['charging-pile'], 9), start, start + 60 * MIN))
    const model = createDeviceModel(SPECS['charging-pile'], 9)
    model.inject({ type: 'shed_stray_wire', startMs: start, endMs: start + 8 * 60 * MIN })
    const stray = readings(run(model, start, start + 60 * MIN))
    const unmetered = (r: ChargingPileTelemetry) =>
      r.feeder!.powerW! - r.ports!.reduce((s, p) => s + p.powerW!, 0)
    for (let i = 1; i < stray.length; i++) {
      const extra =
        unmetered(stray[i] as ChargingPileTelemetry) - unmetered(plain[i] as ChargingPileTelemetry)
      expect(extra).toBeGreaterThan(100)
      expect(extra).toBeLessThan(420)
    }
  })
})

describe('circuit monitor with a stray-wire charger', () => {
  // 13:00 local: corridor lights are off, so the charger is nearly alone on the circuit
  const spec: DeviceSpec = { ...SPECS['circuit-monitor'], id: 'circ-stray', lightsW: 15 }
  const start = LOCAL_MIDNIGHT + 13 * 60 * MIN
  const p = strayChargerParams(11, spec.id, start)
  const end = start + Math.round(p.totalMin) * MIN
  const plain = run(createDeviceModel(spec, 11), start, end).map((m) => m.body as CircuitMonitorTelemetry)
  const model = createDeviceModel(spec, 11)
  model.inject({ type: 'circuit_stray_wire', startMs: start, endMs: end })
  const stray = run(model, start, end).map((m) => m.body as CircuitMonitorTelemetry)

  it('steps up to a constant-current draw of 120–350 W with PF 0.5–0.75 and THD 60–120 %', () => {
    let checked = 0
    for (let i = 1; i < Math.min(30, p.ccMin); i++) {
      const base = plain[i] as CircuitMonitorTelemetry
      const r = stray[i] as CircuitMonitorTelemetry
      expect(r.powerW! - base.powerW!).toBeGreaterThanOrEqual(115)
      expect(r.powerW! - base.powerW!).toBeLessThanOrEqual(400)
      if (base.powerW! > 2) continue // a cleaning machine shares the circuit this minute
      checked++
      expect(r.powerFactor).toBeGreaterThanOrEqual(0.48)
      expect(r.powerFactor).toBeLessThanOrEqual(0.77)
      expect(r.currentThdPct).toBeGreaterThanOrEqual(58)
      expect(r.currentThdPct).toBeLessThanOrEqual(125)
    }
    expect(checked).toBeGreaterThan(10)
  })

  it('tapers after constant current instead of stopping dead', () => {
    const at = (min: number) => (stray[min]?.powerW ?? 0) - (plain[min]?.powerW ?? 0)
    const cc = at(Math.floor(p.ccMin) - 1)
    const midTaper = at(Math.floor(p.ccMin + p.taperMin * 0.3))
    expect(midTaper).toBeLessThan(cc * 0.95)
    expect(midTaper).toBeGreaterThan(cc * 0.1)
  })
})

describe('day-care sensor', () => {
  it('raises CO2 with occupancy during opening hours and lets it decay overnight', () => {
    // 2026-11-17 is a Tuesday
    const msgs = run(createDeviceModel(SPECS['daycare-sensor'], 1), LOCAL_MIDNIGHT, LOCAL_MIDNIGHT + DAY)
    const at = (h: number) => msgs[h * 60]?.body as unknown as { co2Ppm: number; occupancy: number }
    expect(at(3).occupancy).toBe(0)
    expect(at(10).occupancy).toBeGreaterThan(8)
    expect(at(10).co2Ppm).toBeGreaterThan(at(3).co2Ppm + 250)
    expect(at(23).co2Ppm).toBeLessThan(at(10).co2Ppm - 250)
  })

  it('turns a co2_spike into readings above 1500 ppm and an emergency call into an event', () => {
    const model = createDeviceModel(SPECS['daycare-sensor'], 1)
    const t = LOCAL_MIDNIGHT + 10 * 60 * MIN
    model.inject({ type: 'co2_spike', startMs: t, endMs: t + 120 * MIN })
    model.inject({ type: 'emergency_call', startMs: t + 5 * MIN, endMs: t + 6 * MIN })
    const msgs = run(model, t - 10 * MIN, t + 120 * MIN)
    const co2 = msgs
      .filter((m) => m.channel === 'telemetry')
      .map((m) => (m.body as { co2Ppm: number }).co2Ppm)
    expect(Math.max(...co2)).toBeGreaterThan(1500)
    const call = msgs.find((m) => m.channel === 'events')
    expect(call?.body).toMatchObject({ event: 'emergency_call', room: 'activity-room', ts: t + 5 * MIN })
  })

  it('keeps a heated room inside the catalogue’s winter band day and night in January', () => {
    // a January week in Shanghai: outdoors 0–8 °C; the centre heats by day and keeps a setback at night
    const jan = Date.UTC(2027, 0, 10, 16, 0)
    const { tempMinC, tempMaxC } = DEFAULT_ALERT_SETTINGS.airWinterBand
    const temps = run(createDeviceModel(SPECS['daycare-sensor'], 3), jan, jan + 3 * DAY)
      .filter((m) => m.channel === 'telemetry')
      .map((m) => (m.body as { tempC: number }).tempC)
    expect(temps.length).toBeGreaterThan(3 * 1000)
    expect(Math.min(...temps)).toBeGreaterThanOrEqual(tempMinC)
    expect(Math.max(...temps)).toBeLessThanOrEqual(tempMaxC)
  })
})

describe('outdoor display', () => {
  it('dims at night, goes black or freezes when injected, and reports door events', () => {
    const model = createDeviceModel(SPECS['outdoor-display'], 2)
    const t = LOCAL_MIDNIGHT + 12 * 60 * MIN
    model.inject({ type: 'display_black', startMs: t, endMs: t + 10 * MIN })
    model.inject({ type: 'display_frozen', startMs: t + 20 * MIN, endMs: t + 30 * MIN })
    model.inject({ type: 'door_open', startMs: t + 40 * MIN, endMs: t + 45 * MIN })
    const msgs = run(model, LOCAL_MIDNIGHT, LOCAL_MIDNIGHT + DAY)
    const byTs = new Map(
      msgs
        .filter((m) => m.channel === 'telemetry')
        .map((m) => [m.body.ts, m.body as unknown as Record<string, unknown>]),
    )
    expect(byTs.get(t + 5 * MIN)).toMatchObject({ powerOn: true, screen: 'black' })
    const frozen = [byTs.get(t + 21 * MIN), byTs.get(t + 29 * MIN)]
    expect(frozen[0]).toMatchObject({ screen: 'frozen' })
    expect(frozen[1]?.['contentId']).toBe(frozen[0]?.['contentId'])
    expect(byTs.get(t + 42 * MIN)).toMatchObject({ doorOpen: true })
    expect(msgs.filter((m) => m.channel === 'events').map((m) => m.body.event)).toEqual([
      'door_opened',
      'door_closed',
    ])
    // 03:00 is outside operating hours: off; noon is brighter than 21:00
    expect(byTs.get(LOCAL_MIDNIGHT + 3 * 60 * MIN)).toMatchObject({ powerOn: false, screen: 'off' })
    const b = (h: number) => byTs.get(LOCAL_MIDNIGHT + h * 60 * MIN)?.['brightnessPct'] as number
    expect(b(13)).toBeGreaterThan(b(21))
  })

  it('answers set_brightness and set_power commands and refuses bad arguments', () => {
    const model = createDeviceModel(SPECS['outdoor-display'], 2)
    expect(model.command(cmd('c1', 'set_brightness', { pct: 42 }))).toEqual({
      id: 'c1',
      ok: true,
    })
    const noon = model.step(LOCAL_MIDNIGHT + 12 * 60 * MIN)[0]?.body as unknown as Record<string, unknown>
    expect(noon['brightnessPct']).toBe(42)
    expect(model.command(cmd('c2', 'set_power', { on: 'no' })).ok).toBe(false)
    expect(model.command(cmd('c3', 'stop_port', { port: 1 })).ok).toBe(false)
  })
})
