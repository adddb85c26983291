// The demo's terminal reminder follows the service's "payload rejected" warnings: it comes after a burst
// of malformed messages the service rejects, not after one of valid hostile strings, which it stores.
import { describe, expect, it } from 'vitest'
import { demoReminderTimes } from '../../service/demo.ts'
import type { ScenarioPlan } from '../../simulators/index.ts'

const plan = (malformed: { atMs: number; variant: string }[]): ScenarioPlan =>
  new Map([['pile-1', { injections: [], offline: [], malformed }]]) as unknown as ScenarioPlan

describe('the demo terminal reminder', () => {
  it('comes a few seconds after each burst of rejected messages', () => {
    const at = demoReminderTimes(
      plan([
        { atMs: 1_000, variant: 'bad_json' },
        { atMs: 2_000, variant: 'oversize' },
        { atMs: 1_000_000, variant: 'schema_violation' },
      ]),
    )
    expect(at).toEqual([7_000, 1_005_000])
  })

  it('does not come after a burst of valid hostile strings only: the service warned of nothing', () => {
    const at = demoReminderTimes(
      plan([
        { atMs: 1_000, variant: 'hostile_strings' },
        { atMs: 1_000_000, variant: 'bad_json' },
      ]),
    )
    expect(at).toEqual([1_005_000])
  })
})
