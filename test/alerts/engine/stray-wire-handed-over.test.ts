// Through the real alert engine and API: on a watts-only meter, a crew answers the first alert of a
// basement fridge "not charging: compressor". Once the circuit has learned the fridge from its own runs,
// the crew's answer is handed over to it (loads of that size are judged by the fridge's timed runs), and
// the circuit's learned loads say so; undoing the learned fridge gives the crew's answer back.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startWattsOnlyCircuit, type WattsOnlyCircuit } from './watts-only-circuit.ts'

const MIN = 60_000
/** 2026-01-05 08:00 at UTC+8. */
const T0 = Date.UTC(2026, 0, 5, 0, 0, 0)
const DEVICE = 'circuit-7'
let c: WattsOnlyCircuit

interface Learned {
  id: string
  kind: string
  source: 'learned' | 'crew'
  levelW: number
  handedTo?: string[]
}

const readings = (fromMs: number, minutes: number, powerW: number) => c.readings(fromMs, minutes, powerW)
const learned = async () =>
  (await c.app.call('GET', `/api/v1/devices/${DEVICE}/stray-wire/learned`, c.manager)).body.items as Learned[]

beforeAll(async () => {
  c = await startWattsOnlyCircuit(DEVICE, 'B2-basement', inject('influxUrl'))
})
afterAll(async () => {
  await c?.close()
})

describe("stray-wire: a crew's compressor handed over to the one the circuit learned", () => {
  it('lists the learned fridge beside the crew answer it took over, and gives it back when undone', async () => {
    let t = T0
    await readings(t, 10, 0)
    t += 10 * MIN
    // the fridge's first run: nothing knows it yet, so it is raised; the crew answers it
    await readings(t, 30, 130)
    const first = await c.openStray()
    expect(first).toHaveLength(1)
    const answered = await c.app.call('POST', `/api/v1/alerts/${first[0]!.id}/clear`, c.manager, {
      notCharging: 'compressor',
      note: 'the basement fridge',
    })
    expect(answered.status).toBe(200)
    // while the fridge's first run is on, the crew's answer holds such loads back on its own
    const crewOnly = (await learned()).find((s) => s.source === 'crew')
    expect(crewOnly).toMatchObject({ kind: 'compressor', levelW: 130 })
    expect(crewOnly!.handedTo).toBeUndefined()
    t += 30 * MIN
    await readings(t, 35, 0)
    t += 35 * MIN

    // a dozen more runs: the circuit learns the fridge from them
    for (let i = 0; i < 12; i++) {
      const on = 25 + (i % 3) * 5
      await readings(t, on, 130)
      t += on * MIN
      await readings(t, 35, 0)
      t += 35 * MIN
    }
    const items = await learned()
    const fridge = items.find((s) => s.source === 'learned' && s.kind === 'compressor')
    expect(fridge, JSON.stringify(items)).toBeDefined()
    const crew = items.find((s) => s.source === 'crew')!
    expect(crew.handedTo).toEqual([fridge!.id])

    // undo the learned fridge: the crew's answer is what holds such loads back again
    const undone = await c.app.call(
      'DELETE',
      `/api/v1/devices/${DEVICE}/stray-wire/learned/${fridge!.id}`,
      c.manager,
    )
    expect(undone.status).toBe(200)
    const back = (undone.body.items as Learned[]).find((s) => s.source === 'crew')!
    expect(back.handedTo).toBeUndefined()
  })
})
