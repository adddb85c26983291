// The device names a console shell keeps (stores/device-names.ts): asked on first need and kept; asked
// again, at most once a minute, for a device the last answer did not list (provisioned since); a device
// listed without a name, or not listed at all (decommissioned), does not ask at every render. Pure store
// logic against a scripted answerer; the pages using it are tested in Chromium (not-charging.test.ts).
import { describe, expect, it } from 'vitest'
import { createDeviceNames } from '../../console/src/stores/device-names.ts'

function answerer() {
  const s = { devices: [] as { id: string; name?: string }[], fail: false, asked: 0 }
  const api = {
    get: async <T>(path: string): Promise<T> => {
      expect(path).toBe('/devices')
      s.asked++
      if (s.fail) throw new Error('no answer')
      return { items: s.devices.map((d) => ({ ...d })) } as T
    },
  }
  return { s, api }
}
const settled = async () => {
  for (let i = 0; i < 3; i++) await Promise.resolve()
}
const MIN = 60_000

describe('device names', () => {
  it('asks once and keeps the answer; a device provisioned since is named a minute on', async () => {
    let t = 0
    const { s, api } = answerer()
    s.devices = [{ id: 'circuit-b3', name: '6号楼楼梯间' }]
    const names = createDeviceNames({ api, now: () => t })
    expect(names.nameOf('circuit-b3')).toBeUndefined()
    expect(names.nameOf('circuit-b3')).toBeUndefined()
    await settled()
    expect(names.nameOf('circuit-b3')).toBe('6号楼楼梯间')
    s.devices.push({ id: 'circuit-b4', name: '7号楼楼梯间' })
    t = 30_000
    expect(names.nameOf('circuit-b4')).toBeUndefined()
    expect(s.asked).toBe(1)
    t = 61_000
    names.nameOf('circuit-b4')
    await settled()
    expect(names.nameOf('circuit-b4')).toBe('7号楼楼梯间')
    expect(s.asked).toBe(2)
  })

  it('a device listed without a name shows its id and asks nothing more, however long the page stays open', async () => {
    let t = 0
    const { s, api } = answerer()
    s.devices = [{ id: 'circuit-b3', name: '6号楼楼梯间' }, { id: 'pile-9' }]
    const names = createDeviceNames({ api, now: () => t })
    names.nameOf('pile-9')
    await settled()
    // a kiosk re-renders every 15 s for an hour
    for (t = 0; t <= 60 * MIN; t += 15_000) expect(names.nameOf('pile-9')).toBeUndefined()
    expect(s.asked).toBe(1)
  })

  it('a device no answer lists (decommissioned) asks again only every ten minutes, not every minute', async () => {
    let t = 0
    const { s, api } = answerer()
    s.devices = [{ id: 'circuit-b3', name: '6号楼楼梯间' }]
    const names = createDeviceNames({ api, now: () => t })
    names.nameOf('gone-1')
    await settled()
    for (t = 0; t <= 60 * MIN; t += 15_000) {
      names.nameOf('gone-1')
      await settled()
    }
    // the first asking, then one every ten minutes (an hour: six more)
    expect(s.asked).toBeLessThanOrEqual(7)
    expect(s.asked).toBeGreaterThanOrEqual(6)
  })

  it('a failed answer is asked again a minute later for the devices it was asked about', async () => {
    let t = 0
    const { s, api } = answerer()
    s.devices = [{ id: 'circuit-b3', name: '6号楼楼梯间' }]
    s.fail = true
    const names = createDeviceNames({ api, now: () => t })
    names.nameOf('circuit-b3')
    await settled()
    s.fail = false
    t = 61_000
    names.nameOf('circuit-b3')
    await settled()
    expect(names.nameOf('circuit-b3')).toBe('6号楼楼梯间')
    expect(s.asked).toBe(2)
  })
})
