// Review (review48e): readsTelemetryFields is the engine's only promise that a skimmed reading ({ ts,
// kind } alone) leaves the rules where the decoded one would. Comparing end states only catches a rule
// that reads a field where the scenario happens to make the answer differ; here every reading the
// promise says is not read is handed over as a reading that throws on any field but `ts` and `kind`, so
// a rule that starts reading one (an overload rule on powerW, the circuit's name in a message) fails at
// once, whatever the values.
import { describe, expect, it } from 'vitest'
import { evaluateDevice, readsTelemetryFields, skimLikely } from '../../alerts/rules/index.ts'
import type { DeviceRuleState } from '../../alerts/types.ts'
import type { CircuitMonitorTelemetry } from '../../domain/protocol.ts'
import { circuitFixture } from './circuit-reading-support.ts'

const TS = Date.UTC(2026, 0, 5, 18, 0, 0)
const SKIMMED_FIELDS = new Set<string | symbol>(['ts', 'kind'])

/** What the engine hands on for a skimmed reading, made to throw where a rule reads past it. */
function skimmedReading(ts: number): CircuitMonitorTelemetry {
  return new Proxy({ ts, kind: 'circuit-monitor' } as CircuitMonitorTelemetry, {
    get(target, key, receiver) {
      if (!SKIMMED_FIELDS.has(key)) throw new Error(`a skimmed reading's ${String(key)} was read`)
      return Reflect.get(target, key, receiver)
    },
    has(_target, key) {
      throw new Error(`a skimmed reading was asked for ${String(key)}`)
    },
    ownKeys() {
      throw new Error("a skimmed reading's fields were listed")
    },
  })
}

/** A meter every `everyS` s, some readings late or repeated, some without watts, a silence, a charger. */
function readings(everyS: number, seed: number): CircuitMonitorTelemetry[] {
  const out: CircuitMonitorTelemetry[] = []
  let a = seed
  const rnd = () => {
    a = (a * 1103515245 + 12345) % 2147483648
    return a / 2147483648
  }
  let ts = TS
  for (let i = 0; i < (3 * 3600) / everyS; i++) {
    ts += everyS * 1000
    // a silence of 20 min (past the offline timeout) half way
    if (i === Math.floor(1800 / everyS)) ts += 20 * 60_000
    const charging = ts > TS + 40 * 60_000 && ts < TS + 130 * 60_000
    const powerW = 60 + (charging ? 180 - ((ts - TS) / 60_000) * 0.4 : 0) + rnd() * 6
    const r: CircuitMonitorTelemetry = {
      ts,
      seq: i,
      kind: 'circuit-monitor',
      circuit: 'B3-stairwell',
      powerW,
      powerFactor: charging ? 0.62 : 0.95,
      currentThdPct: charging ? 78 : 8,
    }
    const roll = rnd()
    if (roll < 0.03)
      out.push({ ...r, ts: ts - 30_000 }) // late
    else if (roll < 0.05 && out.length > 0)
      out.push(out[out.length - 1]!) // redelivered
    else if (roll < 0.07) {
      const { powerW: _, ...noWatts } = r
      out.push(noWatts) // no watts: the detector skips it
    } else out.push(r)
  }
  return out
}

describe('readsTelemetryFields (review48e)', () => {
  const { device, settings, message } = circuitFixture()

  it.each([
    [1, 1],
    [5, 2],
    [12, 3],
    [30, 4],
    [49, 5],
  ])('no rule reads a field but ts of a reading it says it will not read (every %i s)', (everyS, seed) => {
    let full: DeviceRuleState = {}
    let skim: DeviceRuleState = {}
    let skimmed = 0
    for (const t of readings(everyS, seed)) {
      const arrivalMs = Math.max(t.ts, TS) + 300
      const a = evaluateDevice(full, {
        device: { ...device, reportIntervalS: everyS },
        msg: message(t),
        arrivalMs,
        settings,
      })
      const short = !readsTelemetryFields(skim, 'circuit-monitor', t.ts)
      if (short) skimmed++
      const b = evaluateDevice(skim, {
        device: { ...device, reportIntervalS: everyS },
        msg: message(short ? skimmedReading(t.ts) : t),
        arrivalMs,
        settings,
      })
      expect(b.signals).toEqual(a.signals)
      expect(b.state).toEqual(a.state)
      full = a.state
      skim = b.state
    }
    // the short way is taken where the meter is faster than the detector's 50 s, and for late readings
    expect(skimmed).toBeGreaterThan(everyS < 25 ? 100 : 5)
  })

  it.each([
    [60, 0, 0],
    [5, 0.85, 0.95],
    [1, 0.95, 1],
  ])('a skim is tried where it is likely to be taken (a meter every %i s)', (everyS, least, most) => {
    // skimLikely is asked before the reading's ts is known; a meter reporting once a minute (domain.md)
    // has every reading taken by the detector, so trying a skim first would only add to its full decode
    let state: DeviceRuleState = {}
    let tried = 0
    let skimmable = 0
    let missed = 0
    const all = readings(everyS, 7).filter((t) => t.powerW !== undefined)
    for (const t of all) {
      const likely = skimLikely(state, 'circuit-monitor')
      const can = !readsTelemetryFields(state, 'circuit-monitor', t.ts)
      if (likely) tried++
      if (can) skimmable++
      if (can && !likely) missed++
      state = evaluateDevice(state, {
        device: { ...device, reportIntervalS: everyS },
        msg: message(t),
        arrivalMs: t.ts + 300,
        settings,
      }).state
    }
    // once a minute: tried only after a reading that came early (the generator's late ones, 3 %)
    if (everyS >= 50) expect(tried).toBeLessThan(0.05 * all.length)
    else {
      // most of what could be skimmed is tried (all but the reading after each one the detector took),
      // and what is tried is mostly skimmed (all but the reading the detector takes, one in 50 s)
      expect(skimmable - missed).toBeGreaterThanOrEqual(least * skimmable)
      expect(skimmable - missed).toBeLessThanOrEqual(most * skimmable)
      expect(tried - (skimmable - missed)).toBeLessThan(((everyS * 1.5) / 50) * tried)
    }
    expect(skimLikely(state, 'charging-pile')).toBe(false)
    expect(skimLikely({}, 'circuit-monitor')).toBe(false)
  })
})
