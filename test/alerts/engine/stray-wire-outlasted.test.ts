// Through the real alert engine and API: a charger the size of the circuit's fridge, on a watts-only
// meter, is taken for one of the fridge's runs at first, then raised once it has held far longer than
// any of them, with the reason in its message; the circuit's learned loads show how long the fridge runs.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startWattsOnlyCircuit, type WattsOnlyCircuit } from './watts-only-circuit.ts'

const MIN = 60_000
/** 2026-01-05 08:00 at UTC+8. */
const T0 = Date.UTC(2026, 0, 5, 0, 0, 0)
let c: WattsOnlyCircuit
const readings = (fromMs: number, minutes: number, powerW: number) => c.readings(fromMs, minutes, powerW)
const open = () => c.openStray()

beforeAll(async () => {
  c = await startWattsOnlyCircuit('circuit-9', 'B1-basement', inject('influxUrl'))
})
afterAll(async () => {
  await c?.close()
})

describe('stray-wire: a load that outlasts every run of the compressor it was taken for', () => {
  it('learns how long the fridge runs, then raises a charger of its size that holds far longer', async () => {
    // a fridge of 130 W: 25–35 min on, 35 min off, a dozen times
    let t = T0
    await readings(t, 10, 0)
    t += 10 * MIN
    for (let i = 0; i < 14; i++) {
      const on = 25 + (i % 3) * 5
      await readings(t, on, 130)
      t += on * MIN
      await readings(t, 35, 0)
      t += 35 * MIN
    }
    // its first runs were raised (nothing knew it yet) and cleared; none is open now
    expect(await open()).toEqual([])
    const learned = (await c.app.call('GET', '/api/v1/devices/circuit-9/stray-wire/learned', c.manager)).body
      .items as { kind: string; levelW: number; longestMin?: number; timedRuns?: number }[]
    const fridge = learned.find((s) => s.kind === 'compressor')
    expect(fridge?.levelW).toBeGreaterThan(120)
    // each of its runs counted once (its first two were raised, the others taken for it and followed)
    expect(fridge?.timedRuns).toBeGreaterThanOrEqual(12)
    expect(fridge?.timedRuns).toBeLessThanOrEqual(14)
    expect(fridge?.longestMin).toBeGreaterThanOrEqual(34)
    expect(fridge?.longestMin).toBeLessThanOrEqual(36)

    // a bike charger drawing the fridge's 132 W: taken for a fridge run for as long as one lasts
    await readings(t, 45, 132)
    expect(await open(), 'within a fridge run, no alert').toEqual([])
    await readings(t + 45 * MIN, 60, 132)
    const raised = await open()
    expect(raised).toHaveLength(1)
    expect(raised[0]!.message).toMatch(
      /the size of this circuit's compressor of 1[23]\d W, but on for \d+ min/,
    )
    expect(raised[0]!.message).toMatch(/longer than any of its \d+ runs seen whole \(longest 3\d min\)/)
  })
})
