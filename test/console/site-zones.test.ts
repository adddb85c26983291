// A site's clock in the console: asked once per site, kept once answered, and asked again a minute after
// a failed answer (a blip, a restarting service, a session paused under the sign-in form), not at every
// render and not never. Pure store logic against a scripted answerer.
import { describe, expect, it } from 'vitest'
import { createSiteZones } from '../../console/src/stores/site-zones.ts'

describe('site zones', () => {
  it('asks a site again a minute after a failed answer, and keeps the answer once it comes', async () => {
    let t = 0
    const asked: string[] = []
    let fail = true
    const api = {
      get: async <T>(path: string): Promise<T> => {
        asked.push(path)
        if (fail) throw new Error('no answer')
        return { effective: { utcOffsetMin: 420 } } as T
      },
    }
    const zones = createSiteZones({ api, now: () => t })
    expect(zones.offsetOf('s1')).toBe(480)
    await Promise.resolve()
    await Promise.resolve()
    // renders right after the failure do not ask again
    t = 30_000
    expect(zones.offsetOf('s1')).toBe(480)
    expect(asked).toHaveLength(1)
    // a minute after it, the next render asks again, and the answer is kept
    fail = false
    t = 61_000
    zones.offsetOf('s1')
    expect(asked).toHaveLength(2)
    await Promise.resolve()
    await Promise.resolve()
    expect(zones.offsetOf('s1')).toBe(420)
    t = 10 * 60_000
    zones.offsetOf('s1')
    expect(asked).toHaveLength(2)
  })
})
