// Two consumers of the spool in one process (ingest and the alert engine) read the same records moments
// apart. Each would parse and validate every payload; this direct-mapped cache, keyed by the record's
// spool position, lets the second reuse the first one's result. A miss only costs the decode it saves;
// a collision just overwrites. Only successful decodes are kept, with the device kind they were checked
// against, so a consumer that knows the device differently (a registry change in between) decodes again.
// The second consumer takes the result out: kept until overwritten, every decoded message lived long
// enough to be promoted to V8's old generation and was collected there, at a higher cost (about 0.3 µs
// per message in bench/alert-engine.ts --decoded).
import type { DecodeResult } from '../domain/decode-message.ts'
import { decodeMessage } from '../domain/decode-message.ts'
import type { DeviceKind } from '../domain/protocol.ts'
import type { SpoolEntry } from './types.ts'

export type DecodeEntry = (e: SpoolEntry, device: { kind: DeviceKind } | undefined) => DecodeResult

/** Without sharing: decode every entry. */
export const decodeEntry: DecodeEntry = (e, device) => decodeMessage(e.topic, e.payload, device, e.arrivalMs)

export function createDecodedCache(capacity = 1 << 16): DecodeEntry {
  const size = 2 ** Math.ceil(Math.log2(capacity))
  const keys = new Float64Array(size).fill(-1)
  const kinds: (DeviceKind | undefined)[] = new Array(size)
  // the whole result, not just the message: a hit then allocates nothing (results are never mutated)
  const results: (DecodeResult | undefined)[] = new Array(size)
  return (e, device) => {
    // segments are at most a few hundred MiB: segment × 2³² + offset is exact in a double
    const key = e.pos.segment * 4294967296 + e.pos.offset
    const slot = e.pos.offset & (size - 1)
    if (keys[slot] === key && device !== undefined && kinds[slot] === device.kind) {
      const hit = results[slot]!
      keys[slot] = -1
      results[slot] = undefined
      return hit
    }
    const r = decodeMessage(e.topic, e.payload, device, e.arrivalMs)
    if (r.ok && device !== undefined) {
      keys[slot] = key
      kinds[slot] = device.kind
      results[slot] = r
    }
    return r
  }
}
