import { describe, expect, it } from 'vitest'
import { keptPayload } from '../../broker/kept-payload.ts'

describe('keptPayload', () => {
  it('gives every device the same buffer for the protocol’s statuses', () => {
    const read = Buffer.from('xxonlineofflinexx')
    const online = keptPayload(read.subarray(2, 8))
    expect(String(online)).toBe('online')
    expect(keptPayload(Buffer.from('online'))).toBe(online)
    expect(String(keptPayload(read.subarray(8, 15)))).toBe('offline')
    expect(keptPayload(read.subarray(8, 15))).toBe(keptPayload('offline'))
  })

  it('copies any other payload out of the buffer it was read into', () => {
    const read = Buffer.from('xxgone for goodxx')
    const kept = keptPayload(read.subarray(2, 15))
    expect(String(kept)).toBe('gone for good')
    read.fill(0)
    expect(String(kept)).toBe('gone for good')
    expect(String(keptPayload('a string'))).toBe('a string')
  })
})
