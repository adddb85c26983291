// The fan-out phase's arithmetic (bench/fanout-stats.ts): percentiles over merged histograms, and loss
// counted per watching client and device, not in aggregate (a surplus elsewhere must not hide a gap).
import { describe, expect, it } from 'vitest'
import { deliveryOf, mergedLatency } from '../../bench/fanout-stats.ts'

describe('mergedLatency', () => {
  it('takes nearest-rank percentiles over every client histogram together', () => {
    // 98 readings at 5 ms in one child, 2 at 700 ms in another: p99 is the first of the slow ones
    const l = mergedLatency([[[5, 98]], [[700, 2]]])
    expect(l).toEqual({ count: 100, p50: 5, p90: 5, p99: 700, max: 700 })
  })

  it('rounds the rank up (nearest rank), as the other phases do', () => {
    expect(
      mergedLatency([
        [
          [1, 1],
          [2, 1],
        ],
        [[3, 1]],
      ]).p50,
    ).toBe(2)
  })

  it('is NaN without readings', () => {
    expect(mergedLatency([[]]).p99).toBeNaN()
  })
})

describe('deliveryOf', () => {
  const siteOf = new Map([
    ['d1', 'a'],
    ['d2', 'a'],
    ['d3', 'b'],
  ])
  const acked = { d1: 10, d2: 10, d3: 5 }

  it('expects every acked reading of the watched site once per watching client', () => {
    const r = deliveryOf({
      watching: ['a', 'a', 'b'],
      received: [{ d1: 10, d2: 10 }, { d1: 10, d2: 10 }, { d3: 5 }],
      siteOf,
      acked,
    })
    expect(r).toEqual({ expected: 45, received: 45, missing: 0, extra: 0 })
  })

  it('counts a gap on one device even when another device arrived twice', () => {
    const r = deliveryOf({ watching: ['a'], received: [{ d1: 20, d2: 0 }], siteOf, acked })
    expect(r).toEqual({ expected: 20, received: 20, missing: 10, extra: 10 })
  })

  it('counts readings of a device outside the watched site as extra', () => {
    const r = deliveryOf({ watching: ['b'], received: [{ d3: 5, d1: 1 }], siteOf, acked })
    expect(r).toEqual({ expected: 5, received: 6, missing: 0, extra: 1 })
  })
})
