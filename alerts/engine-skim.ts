// The alert engine's short way through a circuit monitor's reading: most readings only move the device's
// clock (its last message, its last reading time), because the stray-wire detector takes one reading in
// 50 s (rules/stray-wire.ts) and a device may report every few seconds. Such a reading still has to be
// one that decodeMessage accepts (a rejected message is not the device speaking), but the rules read no
// field of it but `ts`. JSON.parse and the schema check of every such reading were a third of the
// engine's CPU per message.
//
// skimCircuitReading answers from the payload's bytes alone, for the shape devices send: one flat object
// of the protocol's circuit-monitor fields, each once, plain ASCII strings without escapes, numbers
// written plainly. For such a payload it returns `ts`, and only where decodeMessage would accept it as a
// valid circuit-monitor reading with that `ts` (test/alerts/engine-skim.test.ts compares the two on
// payloads bent every way). For anything else, an unknown field, an escape, an exponent, a number near a
// schema bound, a duplicated field, it returns SKIM_UNSURE and the engine decodes in full: the short way
// never rejects, it only leaves the question to decodeMessage.
import { MAX_PAYLOAD_BYTES } from '../domain/protocol.ts'

/** the payload is not in the plain shape this reads: decode it in full */
export const SKIM_UNSURE = -1

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN = 0x7b
const CLOSE = 0x7d
const MINUS = 0x2d
const DOT = 0x2e
const ZERO = 0x30
const NINE = 0x39

/** The fields of a circuit-monitor reading (domain/protocol.ts CircuitMonitorTelemetry) and their bounds. */
enum Field {
  Ts = 0,
  Seq = 1,
  Kind = 2,
  Circuit = 3,
  /** a number in ±1e9 (voltageV, currentA, powerW, energyKWh) */
  Signed = 4,
  /** powerFactor, in [-1, 1] */
  Unit = 5,
  /** currentThdPct, in [0, 1e9] */
  NonNegative = 6,
}

const FIELDS: readonly (readonly [name: string, field: Field])[] = [
  ['ts', Field.Ts],
  ['seq', Field.Seq],
  ['kind', Field.Kind],
  ['circuit', Field.Circuit],
  ['voltageV', Field.Signed],
  ['currentA', Field.Signed],
  ['powerW', Field.Signed],
  ['energyKWh', Field.Signed],
  ['powerFactor', Field.Unit],
  ['currentThdPct', Field.NonNegative],
]
/** the field a key of each length can be (voltageV and currentA share theirs) */
const CANDIDATE: readonly number[] = (() => {
  const byLength: number[] = []
  for (let f = FIELDS.length - 1; f >= 0; f--) byLength[FIELDS[f]![0].length] = f
  return Array.from(byLength, (f) => f ?? -1)
})()
const VOLTAGE = 4
const KIND = 'circuit-monitor'
/** protocol: `circuit` is text of at most 64 characters (ASCII here: one byte each) */
const CIRCUIT_MAX = 64
/** integers of at most 15 digits are below both `ts`'s and `seq`'s maximum and exact as doubles */
const INT_DIGITS_MAX = 15
/** a number's integer part of at most 9 digits is inside ±1e9 */
const BOUNDED_DIGITS_MAX = 9

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09

/** The index in FIELDS of the key in `b[start, end)`, or -1: one candidate by its length, then compared. */
function fieldAt(b: Uint8Array, start: number, end: number): number {
  const len = end - start
  const f = len < CANDIDATE.length ? CANDIDATE[len]! : -1
  // the two of eight letters differ in their first
  const g = f === VOLTAGE && b[start] !== 0x76 ? VOLTAGE + 1 : f
  if (g < 0) return -1
  const name = FIELDS[g]![0]
  for (let i = 0; i < len; i++) if (b[start + i] !== name.charCodeAt(i)) return -1
  return g
}

/** End of a plain string's contents from `i` (after its opening quote): printable ASCII, no escape; -1 otherwise. */
function plainStringEnd(b: Uint8Array, i: number, end: number): number {
  for (; i < end; i++) {
    const c = b[i]!
    if (c === QUOTE) return i
    // a control character is no JSON, an escape or a non-ASCII byte is left to decodeMessage
    if (c < 0x20 || c > 0x7e || c === BACKSLASH) return -1
  }
  return -1
}

/** Digits from `i`: JSON's integer part (no leading zero), at most `max` of them; the index after, or -1. */
function digitsEnd(b: Uint8Array, i: number, end: number, max: number): number {
  const first = i
  while (i < end && b[i]! >= ZERO && b[i]! <= NINE) i++
  const n = i - first
  if (n === 0 || n > max || (n > 1 && b[first] === ZERO)) return -1
  return i
}

/**
 * `ts` of a circuit monitor's payload that decodeMessage accepts as a valid reading (before its `ts`
 * window, which the caller checks as decodeMessage does), or SKIM_UNSURE.
 */
export function skimCircuitReading(b: Uint8Array): number {
  const end = b.length
  if (end > MAX_PAYLOAD_BYTES) return SKIM_UNSURE
  let i = 0
  while (i < end && isSpace(b[i]!)) i++
  if (b[i] !== OPEN) return SKIM_UNSURE
  i++
  let seen = 0
  let ts = SKIM_UNSURE
  for (;;) {
    while (i < end && isSpace(b[i]!)) i++
    if (b[i] !== QUOTE) return SKIM_UNSURE
    const keyEnd = plainStringEnd(b, i + 1, end)
    if (keyEnd < 0) return SKIM_UNSURE
    const f = fieldAt(b, i + 1, keyEnd)
    // an unknown field (additionalProperties may hold anything) or one given twice (JSON.parse keeps the last)
    if (f < 0 || seen & (1 << f)) return SKIM_UNSURE
    seen |= 1 << f
    i = keyEnd + 1
    while (i < end && isSpace(b[i]!)) i++
    if (b[i] !== COLON) return SKIM_UNSURE
    i++
    while (i < end && isSpace(b[i]!)) i++
    const field = FIELDS[f]![1]
    if (field === Field.Kind || field === Field.Circuit) {
      if (b[i] !== QUOTE) return SKIM_UNSURE
      const valueEnd = plainStringEnd(b, i + 1, end)
      if (valueEnd < 0) return SKIM_UNSURE
      const len = valueEnd - i - 1
      if (field === Field.Circuit && len > CIRCUIT_MAX) return SKIM_UNSURE
      if (field === Field.Kind) {
        if (len !== KIND.length) return SKIM_UNSURE
        for (let k = 0; k < len; k++) if (b[i + 1 + k] !== KIND.charCodeAt(k)) return SKIM_UNSURE
      }
      i = valueEnd + 1
    } else if (field === Field.Ts || field === Field.Seq) {
      // a plain non-negative integer: decimals or an exponent (1e3 is an integer to the schema) go the long way
      const after = digitsEnd(b, i, end, INT_DIGITS_MAX)
      if (after < 0) return SKIM_UNSURE
      if (field === Field.Ts) {
        let v = 0
        for (let k = i; k < after; k++) v = v * 10 + (b[k]! - ZERO)
        ts = v
      }
      i = after
    } else {
      // a number inside the field's bounds whatever its digits: the integer part says so
      if (b[i] === MINUS) {
        if (field === Field.NonNegative) return SKIM_UNSURE
        i++
      }
      const intStart = i
      const after = digitsEnd(b, i, end, field === Field.Unit ? 1 : BOUNDED_DIGITS_MAX)
      if (after < 0) return SKIM_UNSURE
      // |powerFactor| < 1 when its integer part is 0 (1 and -1 themselves go the long way)
      if (field === Field.Unit && b[intStart] !== ZERO) return SKIM_UNSURE
      i = after
      if (b[i] === DOT) {
        i++
        const fracStart = i
        while (i < end && b[i]! >= ZERO && b[i]! <= NINE) i++
        if (i === fracStart) return SKIM_UNSURE
      }
    }
    while (i < end && isSpace(b[i]!)) i++
    if (b[i] === COMMA) {
      i++
      continue
    }
    if (b[i] !== CLOSE) return SKIM_UNSURE
    i++
    break
  }
  while (i < end && isSpace(b[i]!)) i++
  if (i !== end) return SKIM_UNSURE
  // required: ts, seq and kind
  if ((seen & 0b111) !== 0b111) return SKIM_UNSURE
  return ts
}
