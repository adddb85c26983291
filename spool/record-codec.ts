// On-disk record framing (little-endian):
//   [u32 len][u32 crc32][u64 arrivalMs][u16 topicLen][topic utf8][payload]
// `len` counts the bytes after the crc field (10 + topicLen + payloadLen); the crc covers exactly those
// bytes, so a torn write (short tail, zero-filled tail, stale bytes) fails the length or the crc check.
import { crc32 } from './crc32.ts'

export const RECORD_HEADER_BYTES = 18
/** Bytes of a record outside `len`: the len and crc fields themselves. */
export const RECORD_PREFIX_BYTES = 8
const MIN_LEN = 10
/** Sanity bound on one record; the broker caps packets at 64 KiB, so anything near this is garbage. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024
const MAX_TOPIC_BYTES = 0xffff
const TWO_32 = 2 ** 32

/** Upper bound of the encoded size, to reserve buffer space before encoding. */
export function maxEncodedSize(topic: string, payload: Uint8Array): number {
  return RECORD_HEADER_BYTES + topic.length * 3 + payload.length
}

/**
 * Encodes one record at `buf[off]` (caller reserved `maxEncodedSize` bytes).
 * Returns the bytes written, or -1 when the topic or the record is too long to frame.
 */
export function encodeRecord(
  buf: Buffer,
  off: number,
  topic: string,
  payload: Uint8Array,
  arrivalMs: number,
): number {
  const topicStart = off + RECORD_HEADER_BYTES
  const topicLen = buf.write(topic, topicStart, 'utf8')
  if (topicLen > MAX_TOPIC_BYTES) return -1
  const len = MIN_LEN + topicLen + payload.length
  if (len + RECORD_PREFIX_BYTES > MAX_RECORD_BYTES) return -1
  buf.set(payload, topicStart + topicLen)
  buf.writeUInt32LE(len, off)
  buf.writeUInt32LE(arrivalMs % TWO_32, off + 8)
  buf.writeUInt32LE(Math.floor(arrivalMs / TWO_32), off + 12)
  buf.writeUInt16LE(topicLen, off + 16)
  buf.writeUInt32LE(crc32(buf, off + 8, off + 8 + len), off + 4)
  return RECORD_PREFIX_BYTES + len
}

export enum Frame {
  /** a whole, valid record; the view is filled */
  Ok = 0,
  /** fewer bytes than the record needs: a write in progress or a torn tail */
  Incomplete = 1,
  /** impossible length or crc mismatch */
  Corrupt = 2,
}

/** Reusable decode result (one per reader, not one per record). */
export class RecordView {
  end = 0
  arrivalMs = 0
  topicStart = 0
  topicEnd = 0
  payloadStart = 0
  /** bytes needed from `off` for the record when Incomplete (0 if even the length is missing) */
  need = 0
}

/** Frames the record at `buf[off, limit)`. */
export function decodeRecord(buf: Buffer, off: number, limit: number, view: RecordView): Frame {
  if (limit - off < RECORD_PREFIX_BYTES) {
    view.need = 0
    return Frame.Incomplete
  }
  const len = buf.readUInt32LE(off)
  if (len < MIN_LEN || len + RECORD_PREFIX_BYTES > MAX_RECORD_BYTES) return Frame.Corrupt
  const end = off + RECORD_PREFIX_BYTES + len
  if (end > limit) {
    view.need = RECORD_PREFIX_BYTES + len
    return Frame.Incomplete
  }
  if (crc32(buf, off + 8, end) !== buf.readUInt32LE(off + 4)) return Frame.Corrupt
  const topicLen = buf.readUInt16LE(off + 16)
  if (MIN_LEN + topicLen > len) return Frame.Corrupt
  view.end = end
  view.arrivalMs = buf.readUInt32LE(off + 8) + buf.readUInt32LE(off + 12) * TWO_32
  view.topicStart = off + RECORD_HEADER_BYTES
  view.topicEnd = view.topicStart + topicLen
  view.payloadStart = view.topicEnd
  return Frame.Ok
}

/** Length of the longest prefix of `buf` made of whole, valid records (recovery of a torn tail). */
export function validPrefixLength(buf: Buffer): number {
  const view = new RecordView()
  let off = 0
  while (off < buf.length && decodeRecord(buf, off, buf.length, view) === Frame.Ok) off = view.end
  return off
}

/**
 * How many of the whole records at the start of `buf[0, len)` fit in `budget` bytes, and their size.
 * Reads only the length fields: `buf` holds records this process encoded.
 */
export function recordsWithin(buf: Buffer, len: number, budget: number): { records: number; bytes: number } {
  let off = 0
  let records = 0
  while (off + RECORD_PREFIX_BYTES <= len) {
    const end = off + RECORD_PREFIX_BYTES + buf.readUInt32LE(off)
    if (end > len || end > budget) break
    off = end
    records++
  }
  return { records, bytes: off }
}
