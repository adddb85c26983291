import { describe, expect, it } from 'vitest'
import { createDecodedCache } from '../../spool/decoded-cache.ts'
import type { SpoolEntry } from '../../spool/types.ts'

const now = Date.now()
const entry = (offset: number, payload: object, segment = 0): SpoolEntry => ({
  topic: 'devices/circ-1/telemetry',
  payload: Buffer.from(JSON.stringify(payload)),
  arrivalMs: now,
  pos: { segment, offset },
})
const reading = (seq: number) => ({
  ts: now - 1000,
  seq,
  kind: 'circuit-monitor',
  voltageV: 230,
  currentA: 0.2,
  powerW: 40 + seq,
})
const circuit = { kind: 'circuit-monitor' as const }

describe('createDecodedCache', () => {
  it('gives the second consumer of a record the first one’s decoded message, the same object', () => {
    const decode = createDecodedCache(1024)
    const e = entry(300, reading(1))
    const first = decode(e, circuit)
    const second = decode({ ...e, payload: Buffer.from('not even json') }, circuit)
    expect(first.ok && second.ok && second.value === first.value).toBe(true)
  })

  it('decodes again for another position, another segment, or a device known as another kind', () => {
    const decode = createDecodedCache(1024)
    decode(entry(300, reading(1)), circuit)
    expect(decode(entry(600, reading(2)), circuit)).toMatchObject({
      ok: true,
      value: { reading: { seq: 2 } },
    })
    expect(decode(entry(300, reading(3), 1), circuit)).toMatchObject({
      ok: true,
      value: { reading: { seq: 3 } },
    })
    expect(decode(entry(300, reading(1)), { kind: 'daycare-sensor' })).toMatchObject({
      ok: false,
      reason: 'kind_mismatch',
    })
  })

  it('hands a result to one second consumer: a third look at the record decodes again', () => {
    const decode = createDecodedCache(1024)
    const e = entry(1200, reading(5))
    const first = decode(e, circuit)
    expect(decode(e, circuit)).toBe(first)
    const third = decode(e, circuit)
    expect(third).not.toBe(first)
    expect(third).toEqual(first)
  })

  it('never caches a rejection: a consumer that knows the device decodes for itself', () => {
    const decode = createDecodedCache(1024)
    const e = entry(900, reading(4))
    expect(decode(e, undefined)).toMatchObject({ ok: false, reason: 'unknown_device' })
    expect(decode(e, circuit)).toMatchObject({ ok: true })
  })
})
