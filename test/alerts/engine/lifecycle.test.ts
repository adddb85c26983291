import { describe, expect, it } from 'vitest'
import { decideAcknowledge, decideManualClear, decideSignal, signalKey } from '../../../alerts/lifecycle.ts'
import type { StoredAlert } from '../../../alerts/store.ts'
import type { RuleDevice, RuleSignal } from '../../../alerts/types.ts'

const device: RuleDevice = {
  id: 'pile-1',
  kind: 'charging-pile',
  siteId: 'shed-a',
  tenantId: 'acme',
  reportIntervalS: 60,
}
const open: StoredAlert = {
  id: 'al-1',
  tenantId: 'acme',
  key: 'port:2',
  type: 'port_overheat',
  severity: 'major',
  state: 'active',
  deviceId: 'pile-1',
  siteId: 'shed-a',
  port: 2,
  message: 'port 2 at 66 °C',
  raisedAt: 1000,
  count: 1,
  lastValue: 66,
  updatedAt: 1000,
}
const raise = (over: Partial<Extract<RuleSignal, { action: 'raise' }>> = {}): RuleSignal => ({
  action: 'raise',
  type: 'port_overheat',
  port: 2,
  severity: 'major',
  at: 2000,
  message: 'port 2 hot',
  value: 66,
  ...over,
})

describe('signalKey', () => {
  it.each([
    [{ port: 3 }, 'port:3'],
    [{ port: 3, key: 'leakage' }, 'port:3:leakage'],
    [{}, ''],
    [{ key: 'co2' }, 'co2'],
    [{ type: 'device_offline' as const, port: 3 }, ''],
  ])('keys %j as %j', (over, key) => {
    expect(signalKey(raise({ port: undefined, ...over }))).toBe(key)
  })
})

describe('decideSignal', () => {
  const cases: [string, StoredAlert | undefined, RuleSignal, object | undefined][] = [
    [
      'raises a new alert at the signal time',
      undefined,
      raise(),
      { insert: true, alert: { raisedAt: 2000, count: 1, state: 'active' }, transition: { kind: 'raised' } },
    ],
    [
      'bumps count silently on the same value and severity',
      open,
      raise(),
      { insert: false, alert: { count: 2, updatedAt: 2000 }, transition: undefined },
    ],
    [
      'records a repeat with a new value',
      open,
      raise({ value: 67 }),
      { alert: { count: 2, lastValue: 67, severity: 'major' }, transition: { kind: 'repeated', value: 67 } },
    ],
    [
      'records a severity rise',
      open,
      raise({ severity: 'critical', value: 76 }),
      { alert: { severity: 'critical' }, transition: { kind: 'severity_changed', severity: 'critical' } },
    ],
    [
      'never lowers severity while open',
      { ...open, severity: 'critical' },
      raise({ value: 66.5 }),
      { alert: { severity: 'critical' }, transition: { kind: 'repeated' } },
    ],
    [
      'clears with the signal time, by system',
      open,
      { action: 'clear', type: 'port_overheat', port: 2, at: 3000 },
      {
        alert: { state: 'cleared', clearedAt: 3000, clearedBy: 'system' },
        transition: { kind: 'cleared', by: 'system' },
      },
    ],
    [
      'ignores a clear without an open alert',
      undefined,
      { action: 'clear', type: 'port_overheat', port: 2, at: 3000 },
      undefined,
    ],
    [
      'leaves alerts that only staff clear to staff',
      { ...open, type: 'emergency_call' },
      { action: 'clear', type: 'emergency_call', at: 3000 },
      undefined,
    ],
  ]
  it.each(cases)('%s', (_name, current, signal, expected) => {
    const d = decideSignal(current, signal, device, () => 'al-new')
    if (expected === undefined) expect(d).toBeUndefined()
    else expect({ ...d, transition: d?.transition }).toMatchObject(expected)
  })
})

describe('manual decisions', () => {
  it('acknowledges only an active alert and clears any open one', () => {
    expect(decideAcknowledge(open, 'user:a', 5000, 'n')).toMatchObject({
      alert: { state: 'acknowledged', acknowledgedAt: 5000 },
      transition: { note: 'n' },
    })
    expect(decideAcknowledge({ ...open, state: 'acknowledged' }, 'user:a', 5000)).toBeUndefined()
    expect(decideManualClear({ ...open, state: 'acknowledged' }, 'user:b', 6000)).toMatchObject({
      alert: { state: 'cleared', clearedBy: 'user:b', clearedAt: 6000 },
    })
    expect(decideManualClear({ ...open, state: 'cleared' }, 'user:b', 6000)).toBeUndefined()
  })
})
