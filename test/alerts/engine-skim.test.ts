// The engine's short way through a circuit monitor's reading (alerts/engine-skim.ts) against the long
// one: wherever skimCircuitReading answers a `ts`, decodeMessage accepts the payload as a circuit-monitor
// reading with that `ts`; and the rules reach the same states and signals from skimmed readings as from
// decoded ones (readsTelemetryFields says when a reading may be skimmed).
import { describe, expect, it } from 'vitest'
import { SKIM_UNSURE, skimCircuitReading } from '../../alerts/engine-skim.ts'
import { evaluateDevice, readsTelemetryFields } from '../../alerts/rules/index.ts'
import type { DeviceRuleState, RuleSignal } from '../../alerts/types.ts'
import { circuitPayload } from '../../bench/circuit-payload.ts'
import { decodeMessage } from '../../domain/decode-message.ts'
import type { CircuitMonitorTelemetry } from '../../domain/protocol.ts'
import { CIRCUIT_KIND, CIRCUIT_TOPIC, circuitFixture } from './circuit-reading-support.ts'

const TS = Date.UTC(2026, 0, 5, 0, 0, 0)

/** decodeMessage's verdict at the reading's own time (the engine checks the ts window itself) */
function decodedTs(payload: Buffer, ts: number): number | string {
  const r = decodeMessage(CIRCUIT_TOPIC, payload, CIRCUIT_KIND, ts)
  if (!r.ok) return r.reason
  return r.value.type === 'telemetry' ? r.value.reading.ts : r.value.type
}

/** A small deterministic generator (mulberry32): the same cases on every run. */
function random(seed: number) {
  let a = seed
  const next = () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!
  return { next, pick }
}

const NUMBERS = [
  '0',
  '1',
  '-1',
  '0.62',
  '-0.62',
  '0.99999999999999999999',
  '1.0',
  '-0',
  '-0.0',
  '228.3',
  '999999999',
  '999999999.9999',
  '1000000000',
  '1000000001',
  '-999999999.5',
  '01',
  '1.',
  '.5',
  '1e3',
  '1E-2',
  '+1',
  '1.5e400',
  '--1',
  '0x10',
  'NaN',
  'true',
  'null',
  '"12"',
]
const INTEGERS = [
  String(TS),
  '0',
  '7',
  '123456789012345',
  '1234567890123456',
  '8640000000000000',
  '8640000000000001',
  '9007199254740991',
  '9007199254740993',
  '-1',
  '1.0',
  '1e3',
  '007',
  `${TS}.5`,
  '"1"',
]
const STRINGS = [
  '"B3-stairwell"',
  '""',
  `"${'x'.repeat(64)}"`,
  `"${'x'.repeat(65)}"`,
  '"caf\\u00e9"',
  '"a\\"b"',
  '"走廊"',
  '"tab\tinside"',
  '123',
  'null',
]
const KINDS = [
  '"circuit-monitor"',
  '"charging-pile"',
  '"circuit-monitorx"',
  '"Circuit-monitor"',
  '"lamp"',
  '1',
]
const SPACE = ['', '', '', ' ', '\n', '\t', '\r\n ', '\u00a0']
const NUMERIC_FIELDS = ['voltageV', 'currentA', 'powerW', 'powerFactor', 'currentThdPct', 'energyKWh']

/** A payload written by hand, so that fields can repeat, be missing, or hold anything. */
function randomPayload(r: ReturnType<typeof random>): string {
  const fields: [string, string][] = []
  if (r.next() < 0.95) fields.push(['ts', r.next() < 0.9 ? INTEGERS[0]! : r.pick(INTEGERS)])
  if (r.next() < 0.95)
    fields.push(['seq', r.next() < 0.9 ? String(Math.floor(r.next() * 1e6)) : r.pick(INTEGERS)])
  if (r.next() < 0.95) fields.push(['kind', r.next() < 0.9 ? KINDS[0]! : r.pick(KINDS)])
  if (r.next() < 0.6) fields.push(['circuit', r.next() < 0.8 ? STRINGS[0]! : r.pick(STRINGS)])
  for (const f of NUMERIC_FIELDS)
    if (r.next() < 0.7) fields.push([f, r.next() < 0.92 ? r.pick(NUMBERS.slice(0, 4)) : r.pick(NUMBERS)])
  if (r.next() < 0.1) fields.push([r.pick(['extra', 'powerw', '__proto__', 'ts ']), r.pick(NUMBERS)])
  if (r.next() < 0.1 && fields.length > 0) fields.push(r.pick(fields))
  for (let i = fields.length - 1; i > 0; i--) {
    const j = Math.floor(r.next() * (i + 1))
    ;[fields[i], fields[j]] = [fields[j]!, fields[i]!]
  }
  const sp = () => (r.next() < 0.85 ? '' : r.pick(SPACE))
  const key = (k: string) =>
    r.next() < 0.02 ? `"${k.slice(0, 1)}\\u00${k.charCodeAt(1).toString(16)}${k.slice(2)}"` : `"${k}"`
  const body = fields.map(([k, v]) => `${sp()}${key(k)}${sp()}:${sp()}${v}${sp()}`).join(',')
  const text = `${sp()}{${body}}${sp()}`
  return r.next() < 0.05 ? `${text}${r.pick(['}', ',', 'x', '{}'])}` : text
}

/** One byte changed, dropped or doubled. */
function mutate(b: Buffer, r: ReturnType<typeof random>): Buffer {
  const i = Math.floor(r.next() * b.length)
  const how = r.next()
  if (how < 0.4) {
    const c = Buffer.from(b)
    c[i] = Math.floor(r.next() * 256)
    return c
  }
  if (how < 0.7) return Buffer.concat([b.subarray(0, i), b.subarray(i + 1)])
  return Buffer.concat([b.subarray(0, i + 1), b.subarray(i)])
}

describe('skimCircuitReading', () => {
  it('reads the plain readings devices send', () => {
    for (let s = 0; s < 200; s++) {
      const payload = Buffer.from(circuitPayload(TS + s * 60_000, s))
      expect(skimCircuitReading(payload)).toBe(TS + s * 60_000)
      expect(decodedTs(payload, TS + s * 60_000)).toBe(TS + s * 60_000)
    }
    const spaced = Buffer.from(
      `\n{ "kind" : "circuit-monitor",\t"seq": 0, "ts": ${TS} , "powerW": -0.5 }\r\n`,
    )
    expect(skimCircuitReading(spaced)).toBe(TS)
  })

  it('answers a ts only where decodeMessage accepts the reading with that ts', () => {
    const r = random(20261207)
    let answered = 0
    let cases = 0
    for (let n = 0; n < 40_000; n++) {
      let payload: Buffer = Buffer.from(randomPayload(r))
      if (r.next() < 0.3) payload = mutate(payload, r)
      const ts = skimCircuitReading(payload)
      cases++
      if (ts === SKIM_UNSURE) continue
      answered++
      const decoded = decodedTs(payload, ts)
      if (decoded !== ts) throw new Error(`skimmed ${ts}, decoded ${decoded}: ${payload.toString('latin1')}`)
    }
    // the cases reach both ways
    expect(answered).toBeGreaterThan(cases / 20)
    expect(answered).toBeLessThan(cases / 2)
  })

  it('leaves what it cannot vouch for to decodeMessage', () => {
    const unsure = [
      `{"ts":${TS},"seq":1,"kind":"circuit-monitor","ts":${TS + 1}}`,
      `{"ts":${TS},"seq":1,"kind":"circuit-monitor","extra":1}`,
      `{"ts":${TS},"seq":1,"kind":"circuit-monitor","powerFactor":1}`,
      `{"ts":${TS},"seq":1,"kind":"circuit-monitor","powerW":1e3}`,
      `{"ts":${TS},"seq":1,"kind":"circuit-monitor","circuit":"caf\\u00e9"}`,
      `{"ts":${TS},"seq":1}`,
      `[{"ts":${TS},"seq":1,"kind":"circuit-monitor"}]`,
    ]
    for (const p of unsure) expect(skimCircuitReading(Buffer.from(p))).toBe(SKIM_UNSURE)
    expect(skimCircuitReading(Buffer.alloc(16 * 1024 + 1, 0x20))).toBe(SKIM_UNSURE)
  })
})

describe('readsTelemetryFields', () => {
  const { device, settings, message } = circuitFixture()

  it('skimmed readings leave the rules where decoded ones do', () => {
    // a meter reporting every 5 s (some late), a charger plugged in for an hour at the 20th minute
    const readings: CircuitMonitorTelemetry[] = []
    for (let i = 0; i < 12 * 120; i++) {
      const ts = TS + i * 5_000 - (i % 17 === 3 ? 12_000 : 0)
      const charging = i >= 12 * 20 && i < 12 * 80
      const powerW = 60 + (charging ? 180 - (i - 240) * 0.05 : 0) + (i % 7)
      readings.push({
        ts,
        seq: i,
        kind: 'circuit-monitor',
        powerW,
        powerFactor: charging ? 0.62 : 0.95,
        currentThdPct: charging ? 78 : 8,
      })
    }
    let full: DeviceRuleState = {}
    let skim: DeviceRuleState = {}
    const fullSignals: RuleSignal[] = []
    const skimSignals: RuleSignal[] = []
    let skimmed = 0
    for (const [i, t] of readings.entries()) {
      const arrivalMs = t.ts + 300
      const a = evaluateDevice(full, { device, msg: message(t), arrivalMs, settings })
      full = a.state
      fullSignals.push(...a.signals)
      const short = i > 0 && !readsTelemetryFields(skim, 'circuit-monitor', t.ts)
      if (short) skimmed++
      const reading = short ? ({ ts: t.ts, kind: 'circuit-monitor' } as CircuitMonitorTelemetry) : t
      const b = evaluateDevice(skim, { device, msg: message(reading), arrivalMs, settings })
      skim = b.state
      skimSignals.push(...b.signals)
      expect(skim).toEqual(full)
    }
    expect(skimSignals).toEqual(fullSignals)
    expect(fullSignals.some((s) => s.type === 'stray_wire_charging' && s.action === 'raise')).toBe(true)
    expect(skimmed).toBeGreaterThan(readings.length / 2)
  })

  it('reads every field of other kinds and of a first reading', () => {
    expect(readsTelemetryFields({}, 'circuit-monitor', TS)).toBe(true)
    const s = evaluateDevice(
      {},
      {
        device,
        msg: message({ ts: TS, seq: 0, kind: 'circuit-monitor', powerW: 60 }),
        arrivalMs: TS,
        settings,
      },
    ).state
    expect(readsTelemetryFields(s, 'charging-pile', TS + 1000)).toBe(true)
    expect(readsTelemetryFields(s, 'circuit-monitor', TS - 1000)).toBe(false)
  })
})
