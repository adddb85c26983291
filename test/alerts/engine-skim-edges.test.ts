// Review (review48e) of the engine's skim: JSON's edge cases, and every one-byte edit of a device's
// reading, each checked against decodeMessage. Wherever skimCircuitReading answers a `ts`, decodeMessage
// must accept the payload with that same `ts`; answering SKIM_UNSURE is always allowed.
import { describe, expect, it } from 'vitest'
import { SKIM_UNSURE, skimCircuitReading } from '../../alerts/engine-skim.ts'
import { circuitPayload } from '../../bench/circuit-payload.ts'
import { decodeMessage } from '../../domain/decode-message.ts'
import { CircuitMonitorTelemetry, MAX_PAYLOAD_BYTES } from '../../domain/protocol.ts'
import { CIRCUIT_KIND, CIRCUIT_TOPIC } from './circuit-reading-support.ts'

const TS = Date.UTC(2026, 0, 5, 0, 0, 0)

/** The skim's answer, and whether decodeMessage agrees with it (at the reading's own time). */
function verdict(payload: Buffer): { skim: number; agrees: boolean; decoded: number | string } {
  const skim = skimCircuitReading(payload)
  const r = decodeMessage(CIRCUIT_TOPIC, payload, CIRCUIT_KIND, skim === SKIM_UNSURE ? TS : skim)
  const decoded = !r.ok ? r.reason : r.value.type === 'telemetry' ? r.value.reading.ts : r.value.type
  return { skim, agrees: skim === SKIM_UNSURE || decoded === skim, decoded }
}

const base = (fields: string) => `{"ts":${TS},"seq":1,"kind":"circuit-monitor"${fields}}`

/** [payload, what the skim must answer: a ts, SKIM_UNSURE, or 'either' (only agreement is asked)] */
const CASES: [string, number | 'unsure' | 'either'][] = [
  // escapes in keys and values
  [`{"t\\u0073":${TS},"seq":1,"kind":"circuit-monitor"}`, 'unsure'],
  [base(',"circuit":"a\\"b"'), 'unsure'],
  [base(',"circuit":"a\\/b"'), 'unsure'],
  [`{"ts":${TS},"seq":1,"kind":"circuit\\u002dmonitor"}`, 'unsure'],
  // duplicates: JSON.parse keeps the last
  [`{"ts":${TS},"seq":1,"kind":"circuit-monitor","ts":${TS + 5}}`, 'unsure'],
  [`{"ts":${TS},"seq":1,"kind":"circuit-monitor","seq":-1}`, 'unsure'],
  [base(',"powerW":1,"powerW":1e300'), 'unsure'],
  [base(',"powerFactor":0.5,"powerFactor":2'), 'unsure'],
  [base(',"circuit":"a","circuit":1'), 'unsure'],
  // -0 and friends
  [base(',"powerW":-0'), TS],
  [base(',"powerW":-0.0'), TS],
  [base(',"powerFactor":-0'), TS],
  [base(',"currentThdPct":-0'), 'unsure'],
  [`{"ts":-0,"seq":1,"kind":"circuit-monitor"}`, 'unsure'],
  [`{"ts":${TS},"seq":-0,"kind":"circuit-monitor"}`, 'unsure'],
  // exponents: 1e3 is an integer to the schema, the skim leaves it
  [`{"ts":1.7675712e12,"seq":1,"kind":"circuit-monitor"}`, 'unsure'],
  [`{"ts":${TS},"seq":1e3,"kind":"circuit-monitor"}`, 'unsure'],
  [base(',"powerW":1e3'), 'unsure'],
  [base(',"powerW":1.5E+2'), 'unsure'],
  [base(',"powerW":1e9999'), 'unsure'],
  // numbers at and past the bounds
  [base(',"powerW":999999999.9999999999'), TS], // rounds to 1e9: still inside (maximum is inclusive)
  [base(',"powerW":-999999999.99999999999999'), TS],
  [base(',"powerW":1000000000'), 'unsure'],
  [base(',"powerW":1000000000.5'), 'unsure'],
  [base(',"powerFactor":0.99999999999999999999'), TS], // 1 as a double: inside
  [base(',"powerFactor":1'), 'unsure'],
  [base(',"powerFactor":1.0000000000000001'), 'unsure'],
  [base(',"powerFactor":-1.5'), 'unsure'],
  [base(',"currentThdPct":999999999.5'), TS],
  [`{"ts":999999999999999,"seq":1,"kind":"circuit-monitor"}`, 999999999999999],
  [`{"ts":8640000000000001,"seq":1,"kind":"circuit-monitor"}`, 'unsure'],
  [`{"ts":${TS},"seq":9007199254740993,"kind":"circuit-monitor"}`, 'unsure'],
  [`{"ts":${TS}.0,"seq":1,"kind":"circuit-monitor"}`, 'unsure'],
  [`{"ts":${TS}.5,"seq":1,"kind":"circuit-monitor"}`, 'unsure'],
  [`{"ts":0${TS},"seq":1,"kind":"circuit-monitor"}`, 'unsure'],
  [base(',"powerW":01'), 'unsure'],
  [base(',"powerW":1.'), 'unsure'],
  [base(',"powerW":.5'), 'unsure'],
  [base(',"powerW":+1'), 'unsure'],
  [base(',"powerW":-'), 'unsure'],
  [base(',"powerW":NaN'), 'unsure'],
  [base(',"powerW":Infinity'), 'unsure'],
  [base(',"powerW":null'), 'unsure'], // protocol: omitted, never null
  [base(',"powerW":"1"'), 'unsure'],
  [base(',"powerW":true'), 'unsure'],
  // whitespace: JSON's four, and what is not JSON's
  [`\t\r\n {\t"ts"\n:\r${TS} ,"seq" : 1,"kind":"circuit-monitor"\n}\n`, TS],
  [`\u00a0${base('')}`, 'unsure'],
  [`\u000b${base('')}`, 'unsure'],
  [`\u000c${base('')}`, 'unsure'],
  [`${base('')}\u0000`, 'unsure'],
  // a BOM: JSON.parse refuses it, so must the skim
  [`\ufeff${base('')}`, 'unsure'],
  // nested objects and arrays, anywhere
  [base(',"extra":{"ts":1}'), 'unsure'],
  [base(',"powerW":{"v":1}'), 'unsure'],
  [base(',"powerW":[1]'), 'unsure'],
  [`{"ts":${TS},"seq":1,"kind":"circuit-monitor","nested":{"kind":"charging-pile"}}`, 'unsure'],
  [`[${base('')}]`, 'unsure'],
  // required fields missing, the protocol's optional ones absent
  [`{"ts":${TS},"seq":1}`, 'unsure'],
  [`{"ts":${TS},"kind":"circuit-monitor"}`, 'unsure'],
  [`{"seq":1,"kind":"circuit-monitor"}`, 'unsure'],
  [base(''), TS],
  [`{"kind":"circuit-monitor","seq":1,"ts":${TS}}`, TS],
  // the wrong kind, a kind of another device, one spelled alike
  [`{"ts":${TS},"seq":1,"kind":"charging-pile"}`, 'unsure'],
  [`{"ts":${TS},"seq":1,"kind":"circuit-monitor "}`, 'unsure'],
  [`{"ts":${TS},"seq":1,"kind":"Circuit-monitor"}`, 'unsure'],
  // unknown fields (additionalProperties: true): decodeMessage accepts, the skim leaves them
  [base(',"firmware":"1.2"'), 'unsure'],
  [base(',"__proto__":1'), 'unsure'],
  [base(',"constructor":1'), 'unsure'],
  [base(',"powerw":1'), 'unsure'],
  // strings: the circuit's length, control characters, non-ASCII
  [base(`,"circuit":"${'x'.repeat(64)}"`), TS],
  [base(`,"circuit":"${'x'.repeat(65)}"`), 'unsure'],
  [base(',"circuit":"a\tb"'), 'unsure'],
  [base(',"circuit":"a\u007fb"'), 'unsure'],
  [base(',"circuit":"走廊"'), 'unsure'],
  [base(',"circuit":""'), TS],
  // JSON syntax around the fields
  [`{"ts":${TS},"seq":1,"kind":"circuit-monitor",}`, 'unsure'],
  [`{"ts":${TS},,"seq":1,"kind":"circuit-monitor"}`, 'unsure'],
  [`{"ts":${TS} "seq":1,"kind":"circuit-monitor"}`, 'unsure'],
  [`{"ts"${TS},"seq":1,"kind":"circuit-monitor"}`, 'unsure'],
  [`{"ts":${TS},"seq":1,"kind":"circuit-monitor"}}`, 'unsure'],
  [`{"ts":${TS},"seq":1,"kind":"circuit-monitor"`, 'unsure'],
  [`{"ts":${TS},"seq":1,"kind":"circuit-monitor"}{}`, 'unsure'],
  [`{'ts':${TS},"seq":1,"kind":"circuit-monitor"}`, 'unsure'],
  ['{}', 'unsure'],
  ['', 'unsure'],
  // the payload limit: 16 KiB and one byte more, of valid JSON
  [base(`,"circuit":"a"${' '.repeat(16 * 1024 - base(',"circuit":"a"').length)}`), TS],
  [base(`,"circuit":"a"${' '.repeat(16 * 1024 + 1 - base(',"circuit":"a"').length)}`), 'unsure'],
  [base(`,"powerW":0.${'1'.repeat(16 * 1024 - base(',"powerW":0.').length)}`), TS],
]

describe('skimCircuitReading on JSON edge cases (review48e)', () => {
  it.each(CASES)('%#: answers as decodeMessage would', (text, want) => {
    const payload = Buffer.from(text)
    const v = verdict(payload)
    expect(v.agrees, `skim ${v.skim}, decode ${v.decoded}`).toBe(true)
    if (want === 'unsure') expect(v.skim).toBe(SKIM_UNSURE)
    else if (want !== 'either') expect(v.skim).toBe(want)
  })

  it('the 16 KiB limit is in bytes, as decodeMessage counts it', () => {
    const at = Buffer.from(base(`,"circuit":"a"${' '.repeat(16 * 1024 - base(',"circuit":"a"').length)}`))
    expect(at.length).toBe(16 * 1024)
    expect(verdict(at)).toMatchObject({ skim: TS, decoded: TS })
    const over = Buffer.concat([at, Buffer.from(' ')])
    expect(verdict(over)).toMatchObject({ skim: SKIM_UNSURE, decoded: 'payload_too_large' })
  })

  it('a view into a larger buffer is read within its own bounds', () => {
    // the spool hands the engine subarrays of its read buffer: bytes after the view are another record
    const text = base('')
    const big = Buffer.from(`${text}{"ts":1}`)
    expect(skimCircuitReading(big.subarray(0, text.length))).toBe(TS)
    const cut = Buffer.from(`{"ts":${TS},"seq":1,"kind":"circuit-monitor","powerW":12`)
    const joined = Buffer.concat([cut, Buffer.from('3}')])
    expect(skimCircuitReading(joined.subarray(0, cut.length))).toBe(SKIM_UNSURE)
  })

  it('every one-byte change, deletion and insertion of a device reading agrees with decodeMessage', () => {
    const seeds = [
      circuitPayload(TS, 17),
      base(',"powerFactor":-0.62,"currentThdPct":0,"voltageV":-1.5'),
      `{ "kind" : "circuit-monitor" , "seq" : 9 , "ts" : ${TS} }`,
    ]
    let answered = 0
    let cases = 0
    const disagreements: string[] = []
    for (const seed of seeds) {
      const b = Buffer.from(seed)
      const check = (p: Buffer) => {
        cases++
        const v = verdict(p)
        if (v.skim !== SKIM_UNSURE) answered++
        if (!v.agrees) disagreements.push(`${p.toString('latin1')} skim ${v.skim} decode ${v.decoded}`)
      }
      for (let i = 0; i <= b.length; i++) {
        for (let c = 0; c < 256; c++) {
          if (i < b.length) {
            const changed = Buffer.from(b)
            changed[i] = c
            check(changed)
          }
          check(Buffer.concat([b.subarray(0, i), Buffer.from([c]), b.subarray(i)]))
        }
        if (i < b.length) check(Buffer.concat([b.subarray(0, i), b.subarray(i + 1)]))
      }
    }
    expect(disagreements.slice(0, 5)).toEqual([])
    expect(answered).toBeGreaterThan(cases / 100)
  })
})

describe('the schema the skim copies (review48e)', () => {
  // engine-skim.ts keeps its own copy of CircuitMonitorTelemetry's fields and bounds. A schema change
  // (a new required field, a tighter bound, a field made an integer) would let the skim accept what
  // decodeMessage rejects, and the fuzz above only finds it if a generated value happens to cross the new
  // bound. This pins the copy: when it fails, engine-skim.ts's FIELDS and bounds must be read again.
  it('is the schema of the circuit monitor reading as the skim reads it', () => {
    const schema = CircuitMonitorTelemetry as unknown as {
      required: string[]
      additionalProperties: boolean
      properties: Record<string, Record<string, unknown>>
    }
    const shape = Object.fromEntries(
      Object.entries(schema.properties).map(([k, v]) => [
        k,
        Object.fromEntries(
          ['type', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'maxLength', 'const']
            .filter((f) => v[f] !== undefined)
            .map((f) => [f, v[f]]),
        ),
      ]),
    )
    const num = (minimum: number, maximum: number) => ({ type: 'number', minimum, maximum })
    expect({ required: [...schema.required].sort(), shape, limit: MAX_PAYLOAD_BYTES }).toEqual({
      required: ['kind', 'seq', 'ts'],
      shape: {
        ts: { type: 'integer', minimum: 0, maximum: 8_640_000_000_000_000 },
        seq: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
        kind: { type: 'string', const: 'circuit-monitor' },
        circuit: { type: 'string', maxLength: 64 },
        voltageV: num(-1e9, 1e9),
        currentA: num(-1e9, 1e9),
        powerW: num(-1e9, 1e9),
        powerFactor: num(-1, 1),
        currentThdPct: num(0, 1e9),
        energyKWh: num(-1e9, 1e9),
      },
      limit: 16 * 1024,
    })
  })
})
