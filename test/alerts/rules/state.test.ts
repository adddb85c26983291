import { describe, expect, it } from 'vitest'
import { evaluateDevice } from '../../../alerts/rules/index.ts'
import { device, settings } from './rules-support.ts'

describe('the rules’ per-device state', () => {
  it('shares its empty nested values between devices that have only said online', () => {
    const online = (deviceId: string) =>
      evaluateDevice(
        {},
        {
          device: { ...device('charging-pile'), id: deviceId },
          msg: { type: 'status', deviceId, online: true, source: 'device' },
          arrivalMs: 1_000,
          settings: settings(),
        },
      ).state as Record<string, unknown>
    const a = online('pile-a')
    const b = online('pile-b')
    expect(a).not.toBe(b)
    expect(a.lastMessageAt).toBe(1_000)
    // the engine keeps one state per device in memory: the empty holds, stops, event times, recent events,
    // smoke and tamper are one copy for all of them, frozen so that no rule can change them in place
    for (const key of ['holds', 'stopSent', 'eventTs', 'recentEvents', 'smoke', 'tamper']) {
      expect(a[key], key).toBe(b[key])
      expect(Object.isFrozen(a[key]), key).toBe(true)
    }
  })
})
