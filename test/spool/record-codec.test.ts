import { describe, expect, it } from 'vitest'
import { crc32 } from '../../spool/crc32.ts'
import {
  decodeRecord,
  encodeRecord,
  Frame,
  maxEncodedSize,
  RecordView,
  validPrefixLength,
} from '../../spool/record-codec.ts'

function encode(topic: string, payload: Buffer, arrivalMs = 1_763_712_000_123): Buffer {
  const buf = Buffer.alloc(maxEncodedSize(topic, payload))
  const n = encodeRecord(buf, 0, topic, payload, arrivalMs)
  return buf.subarray(0, n)
}

describe('crc32', () => {
  it.each([
    ['', 0],
    ['a', 0xe8b7be43],
    ['123456789', 0xcbf43926],
    ['The quick brown fox jumps over the lazy dog', 0x414fa339],
  ])('matches the IEEE reference value for %j', (text, expected) => {
    expect(crc32(Buffer.from(text))).toBe(expected)
  })

  it('gives the same value for every split of the tail handled byte by byte', () => {
    const data = Buffer.from('abcdefghijklmnopqrstuvwxyz0123456789')
    const whole = crc32(data)
    for (let start = 0; start < 4; start++) {
      const shifted = Buffer.concat([Buffer.alloc(start, 0xff), data])
      expect(crc32(shifted, start)).toBe(whole)
    }
  })
})

describe('record framing', () => {
  it('round-trips topic, payload and a 64-bit arrival time', () => {
    const rec = encode('devices/pile-001/telemetry', Buffer.from('{"ts":1}'), 2 ** 40 + 7)
    const view = new RecordView()
    expect(decodeRecord(rec, 0, rec.length, view)).toBe(Frame.Ok)
    expect(view.end).toBe(rec.length)
    expect(view.arrivalMs).toBe(2 ** 40 + 7)
    expect(rec.toString('utf8', view.topicStart, view.topicEnd)).toBe('devices/pile-001/telemetry')
    expect(rec.toString('utf8', view.payloadStart, view.end)).toBe('{"ts":1}')
  })

  it('counts a multi-byte topic in bytes, not characters', () => {
    const rec = encode('devices/d01/状态', Buffer.from('x'))
    const view = new RecordView()
    expect(decodeRecord(rec, 0, rec.length, view)).toBe(Frame.Ok)
    expect(rec.toString('utf8', view.topicStart, view.topicEnd)).toBe('devices/d01/状态')
  })

  it('refuses a topic longer than a u16 length can frame', () => {
    const buf = Buffer.alloc(maxEncodedSize('x'.repeat(70_000), Buffer.alloc(0)))
    expect(encodeRecord(buf, 0, 'x'.repeat(70_000), Buffer.alloc(0), 1)).toBe(-1)
  })

  const rec = encode('devices/abc/telemetry', Buffer.from('{"seq":1}'))
  const flipped = Buffer.from(rec)
  flipped[rec.length - 1]! ^= 0x01
  const badLen = Buffer.from(rec)
  badLen.writeUInt32LE(3, 0)
  it.each([
    ['a whole record', rec, rec.length, Frame.Ok],
    ['a record cut inside its body', rec, rec.length - 1, Frame.Incomplete],
    ['a record cut inside its length field', rec, 3, Frame.Incomplete],
    ['a record with a flipped payload bit', flipped, flipped.length, Frame.Corrupt],
    ['a record with an impossible length', badLen, badLen.length, Frame.Corrupt],
    ['zero-filled bytes', Buffer.alloc(64), 64, Frame.Corrupt],
  ])('classifies %s', (_name, buf, limit, expected) => {
    expect(decodeRecord(buf, 0, limit, new RecordView())).toBe(expected)
  })

  it('finds the valid prefix before a torn tail', () => {
    const a = encode('devices/abc/telemetry', Buffer.from('one'))
    const b = encode('devices/abc/telemetry', Buffer.from('two'))
    const c = encode('devices/abc/telemetry', Buffer.from('three'))
    expect(validPrefixLength(Buffer.concat([a, b, c]))).toBe(a.length + b.length + c.length)
    expect(validPrefixLength(Buffer.concat([a, b, c.subarray(0, 10)]))).toBe(a.length + b.length)
    expect(validPrefixLength(Buffer.concat([a, Buffer.alloc(40)]))).toBe(a.length)
  })
})
