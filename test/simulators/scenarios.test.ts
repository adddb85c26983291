import { describe, expect, it } from 'vitest'
import { DEVICE_ID_RE, MAX_PAYLOAD_BYTES } from '../../domain/protocol.ts'
import { createDeviceModel } from '../../simulators/devices/create-device-model.ts'
import { demoEstate, sizedEstate } from '../../simulators/estate.ts'
import { createInFlightWindow } from '../../simulators/fleet/in-flight-window.ts'
import { applyMalformed, HOSTILE_TEXT, MALFORMED_VARIANTS } from '../../simulators/malformed.ts'
import { parseScenarios, planScenarios } from '../../simulators/scenarios.ts'
import { LOCAL_MIDNIGHT, MIN, protocolError } from './support.ts'

const DAY = 1440 * MIN

describe('planScenarios', () => {
  const devices = sizedEstate({ piles: 8, circuits: 16, sensors: 6, displays: 4 }, 1).devices
  const all = parseScenarios('stray-wire,offline,faults,malformed')

  it('gives the same plan for the same seed and window, and another for another seed', () => {
    const a = planScenarios(devices, all, 5, LOCAL_MIDNIGHT, LOCAL_MIDNIGHT + 3 * DAY)
    const b = planScenarios(devices, all, 5, LOCAL_MIDNIGHT, LOCAL_MIDNIGHT + 3 * DAY)
    const c = planScenarios(devices, all, 6, LOCAL_MIDNIGHT, LOCAL_MIDNIGHT + 3 * DAY)
    expect([...a]).toEqual([...b])
    expect(JSON.stringify([...a])).not.toBe(JSON.stringify([...c]))
  })

  it('puts stray-wire sessions only on circuits and sheds, inside the window, lasting hours', () => {
    const plan = planScenarios(devices, ['stray-wire'], 5, LOCAL_MIDNIGHT, LOCAL_MIDNIGHT + 7 * DAY)
    const sessions = [...plan].flatMap(([id, p]) => p.injections.map((i) => ({ id, ...i })))
    expect(sessions.length).toBeGreaterThan(3)
    for (const s of sessions) {
      const kind = devices.find((d) => d.id === s.id)?.kind
      expect(s.type).toBe(kind === 'circuit-monitor' ? 'circuit_stray_wire' : 'shed_stray_wire')
      expect(s.startMs).toBeGreaterThanOrEqual(LOCAL_MIDNIGHT)
      expect(s.startMs).toBeLessThan(LOCAL_MIDNIGHT + 7 * DAY)
      expect(s.endMs - s.startMs).toBeGreaterThanOrEqual(2 * 60 * MIN)
    }
  })

  it('starts the first fault, outage and malformed message within firstWithinMs for a live demo', () => {
    const now = LOCAL_MIDNIGHT + 9 * 60 * MIN
    const plan = planScenarios(devices, all, 5, now, now + DAY, { firstWithinMs: 2 * MIN })
    const firsts = [...plan.values()].flatMap((p) => [
      ...p.injections.map((i) => i.startMs),
      ...p.offline.map((o) => o.startMs),
      ...p.malformed.map((m) => m.atMs),
    ])
    expect(Math.min(...firsts)).toBeLessThanOrEqual(now + 2 * MIN)
    // every kind gets something: the first device of each kind is always chosen
    for (const kind of ['charging-pile', 'circuit-monitor', 'daycare-sensor', 'outdoor-display']) {
      const first = devices.find((d) => d.kind === kind)?.id as string
      expect(plan.get(first)?.injections.length ?? 0).toBeGreaterThan(0)
    }
  })

  it('rejects an unknown scenario name with the list of known ones', () => {
    expect(() => parseScenarios('stray-wire,fire')).toThrow(/unknown scenario "fire".*stray-wire, offline/)
    expect(parseScenarios('')).toEqual([])
  })
})

describe('malformed messages', () => {
  const circuit = sizedEstate({ piles: 0, circuits: 1, sensors: 0, displays: 0 }, 1).devices[0]
  if (!circuit) throw new Error('no circuit')

  it.each(MALFORMED_VARIANTS.filter((v) => v !== 'hostile_strings'))(
    '%s is rejected by the protocol while the valid reading after it still goes out',
    (variant) => {
      const msgs = createDeviceModel(circuit, 1).step(LOCAL_MIDNIGHT)
      const raw = applyMalformed(variant, msgs)
      expect(raw).toHaveLength(2)
      const [bad, good] = raw
      expect(bad?.valid).toBe(false)
      expect(good?.valid).toBe(true)
      expect(protocolError('circuit-monitor', 'telemetry', JSON.parse(good?.payload ?? ''))).toBeUndefined()
      const payload = bad?.payload ?? ''
      if (variant === 'huge_number') expect(payload).toContain(':1e999')
      let parsed: unknown
      try {
        parsed = JSON.parse(payload)
      } catch {
        return // bad_json: not JSON at all
      }
      const ts = (parsed as { ts?: unknown }).ts
      const tooBig = Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES
      const future = typeof ts === 'number' && ts - LOCAL_MIDNIGHT > 5 * MIN
      const schema = protocolError('circuit-monitor', 'telemetry', parsed)
      expect(tooBig || future || schema !== undefined).toBe(true)
    },
  )

  it('keeps hostile strings valid so that they must be stored verbatim', () => {
    const msgs = createDeviceModel(circuit, 1).step(LOCAL_MIDNIGHT)
    const [hostile] = applyMalformed('hostile_strings', msgs)
    const body = JSON.parse(hostile?.payload ?? '')
    expect(hostile?.valid).toBe(true)
    expect(body.circuit).toBe(HOSTILE_TEXT.slice(0, 64))
    expect(body.circuit).toMatch(/\n.*,.*=.*"/s)
    expect(protocolError('circuit-monitor', 'telemetry', body)).toBeUndefined()
  })
})

describe('estates', () => {
  it('describes two communities with 10–12-port sheds, corridor circuits, a day-care centre and displays', () => {
    const e = demoEstate(1)
    expect(new Set(e.sites.map((s) => s.community)).size).toBe(2)
    for (const kind of ['charging-shed', 'building', 'daycare-centre', 'display']) {
      expect(e.sites.some((s) => s.kind === kind)).toBe(true)
    }
    for (const d of e.devices) {
      expect(d.id).toMatch(DEVICE_ID_RE)
      expect(e.sites.some((s) => s.id === d.siteId)).toBe(true)
      if (d.kind === 'charging-pile') expect([10, 11, 12]).toContain(d.ports)
    }
    expect(new Set(e.devices.map((d) => d.id)).size).toBe(e.devices.length)
    expect(demoEstate(1)).toEqual(e)
  })

  it('sizes an estate to the requested counts with unique, valid ids', () => {
    const e = sizedEstate({ piles: 20, circuits: 40, sensors: 10, displays: 5 }, 42)
    const count = (k: string) => e.devices.filter((d) => d.kind === k).length
    expect([
      count('charging-pile'),
      count('circuit-monitor'),
      count('daycare-sensor'),
      count('outdoor-display'),
    ]).toEqual([20, 40, 10, 5])
    expect(new Set(e.devices.map((d) => d.id)).size).toBe(75)
    for (const d of e.devices) expect(d.id).toMatch(DEVICE_ID_RE)
  })
})

describe('in-flight window', () => {
  it('hands out at most `limit` slots and wakes waiters in order as slots are released', () => {
    const w = createInFlightWindow(2)
    const woken: string[] = []
    expect(w.tryAcquire()).toBe(true)
    expect(w.tryAcquire()).toBe(true)
    const a = () => woken.push('a') && w.tryAcquire()
    const b = () => woken.push('b') && w.tryAcquire()
    expect(w.tryAcquire(a)).toBe(false)
    expect(w.tryAcquire(b)).toBe(false)
    expect(w.tryAcquire(a)).toBe(false)
    w.release()
    expect(woken).toEqual(['a'])
    expect(w.used).toBe(2)
    w.release()
    expect(woken).toEqual(['a', 'b'])
    expect(w.highWater).toBe(2)
    expect(() => createInFlightWindow(0)).toThrow(RangeError)
  })
})
