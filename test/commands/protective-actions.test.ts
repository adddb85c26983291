// Automatic stop_port on a critical overheat: an alert change on the real bus type, the real command
// service and broker, and a simulated pile that receives and acks it.
import { EventEmitter } from 'node:events'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AlertBusEvents, AlertChange } from '../../alerts/types.ts'
import { createProtectiveActions, type ProtectiveActions } from '../../commands/protective-actions.ts'
import type { Alert } from '../../domain/alerts.ts'
import { type CommandHarness, log, type SimulatedPile, startCommandHarness } from './command-harness.ts'

const T0 = 1_763_712_000_000

function overheat(
  alertId: string,
  over: Partial<Alert> = {},
  change: Partial<AlertChange> = {},
): AlertChange {
  const alert: Alert = {
    id: alertId,
    type: 'port_overheat',
    severity: 'critical',
    state: 'active',
    deviceId: 'pile-1',
    siteId: 'acme-shed',
    port: 3,
    message: 'port 3 at 76.2 °C',
    raisedAt: T0,
    lastValue: 76.2,
    count: 1,
    updatedAt: T0,
    ...over,
  }
  return {
    alert,
    transition: { alertId, kind: 'raised', at: T0, by: 'system', severity: 'critical' },
    tenantId: 'acme',
    command: { name: 'stop_port', args: { port: 3, reason: 'port 3 at 76.2 °C (critical overheat)' } },
    ...change,
  }
}

describe('protective actions', () => {
  let h: CommandHarness
  let pile: SimulatedPile
  let bus: EventEmitter<AlertBusEvents>
  let actions: ProtectiveActions
  const recorded: { alertId: string; kind: string; by: string; detail: Record<string, unknown> }[] = []
  beforeAll(async () => {
    h = await startCommandHarness({ timeoutMs: 1500 })
    pile = await h.pile('pile-1')
    bus = new EventEmitter<AlertBusEvents>()
    actions = createProtectiveActions({
      bus,
      commands: h.commands,
      log,
      record: (alertId, kind, by, detail) => recorded.push({ alertId, kind, by, detail }),
    })
  })
  afterAll(async () => {
    actions?.close()
    await h?.close()
  })

  it('sends stop_port as auto with the alert id on a critical overheat, and the audit shows it on the alert', async () => {
    bus.emit('change', overheat('alert-hot-1'))
    // the bus is not held up: nothing is audited or published while emit() runs
    expect(h.commands.listCommandsForAlert('alert-hot-1')).toEqual([])
    await actions.idle()

    expect(pile.received).toEqual([
      {
        id: expect.any(String),
        name: 'stop_port',
        args: { port: 3, reason: 'port 3 at 76.2 °C (critical overheat)' },
      },
    ])
    expect(h.commands.listCommandsForAlert('alert-hot-1')).toEqual([
      expect.objectContaining({
        id: pile.received[0]!.id,
        deviceId: 'pile-1',
        name: 'stop_port',
        by: 'auto',
        alertId: 'alert-hot-1',
        result: 'ok',
        ackAt: expect.any(Number),
      }),
    ])
    // the step on the alert's history (the engine's record)
    expect(recorded).toEqual([
      {
        alertId: 'alert-hot-1',
        kind: 'command',
        by: 'auto',
        detail: {
          name: 'stop_port',
          args: { port: 3, reason: 'port 3 at 76.2 °C (critical overheat)' },
          result: { id: pile.received[0]!.id, ok: true, result: 'ok' },
        },
      },
    ])
    // and on the device's audit, as the API lists it
    const res = await h.call('GET', '/api/v1/devices/pile-1/commands')
    expect(res.body.items[0]).toMatchObject({ by: 'auto', alertId: 'alert-hot-1', result: 'ok' })
  })

  it('sends it once per alert: repeats and a restarted listener do not send it again', async () => {
    const repeat = overheat('alert-hot-1', { count: 2, lastValue: 77.1 })
    bus.emit('change', { ...repeat, transition: { ...repeat.transition, kind: 'repeated' } })
    await actions.idle()
    // a new process: the audit in alerts.db remembers
    const bus2 = new EventEmitter<AlertBusEvents>()
    const again = createProtectiveActions({ bus: bus2, commands: h.commands, log })
    bus2.emit('change', overheat('alert-hot-1'))
    await again.idle()
    again.close()
    expect(pile.received).toHaveLength(1)
    expect(h.commands.listCommandsForAlert('alert-hot-1')).toHaveLength(1)
  })

  it('sends it once when two changes of one alert arrive back to back, before the first is audited', async () => {
    const before = pile.received.length
    bus.emit(
      'change',
      overheat('alert-hot-5', { port: 6 }, { command: { name: 'stop_port', args: { port: 6 } } }),
    )
    bus.emit(
      'change',
      overheat('alert-hot-5', { port: 6, count: 2 }, { command: { name: 'stop_port', args: { port: 6 } } }),
    )
    await actions.idle()
    expect(pile.received.length).toBe(before + 1)
    expect(h.commands.listCommandsForAlert('alert-hot-5')).toHaveLength(1)
  })

  it('sends nothing for a change without a command or for a cleared alert', async () => {
    const before = pile.received.length
    bus.emit('change', overheat('alert-warm-1', { severity: 'major' }, { command: undefined }))
    bus.emit(
      'change',
      overheat(
        'alert-hot-2',
        { state: 'cleared', clearedAt: T0 + 600_000 },
        { transition: { alertId: 'alert-hot-2', kind: 'cleared', at: T0 + 600_000, by: 'system' } },
      ),
    )
    await actions.idle()
    expect(pile.received.length).toBe(before)
    expect(h.commands.listCommandsForAlert('alert-warm-1')).toEqual([])
    expect(h.commands.listCommandsForAlert('alert-hot-2')).toEqual([])
  })

  it('records a pile that does not answer as a timeout on the alert, without throwing on the bus', async () => {
    pile.mode = 'silent'
    bus.emit(
      'change',
      overheat('alert-hot-3', { port: 4 }, { command: { name: 'stop_port', args: { port: 4 } } }),
    )
    await actions.idle()
    pile.mode = 'answer'
    expect(pile.received.at(-1)).toMatchObject({ name: 'stop_port', args: { port: 4 } })
    expect(h.commands.listCommandsForAlert('alert-hot-3')).toEqual([
      expect.objectContaining({ by: 'auto', result: 'timeout' }),
    ])
  })

  it('logs and drops a command the device does not take, leaving the bus and other alerts working', async () => {
    bus.emit('change', overheat('alert-odd-1', {}, { command: { name: 'set_power', args: { on: false } } }))
    bus.emit(
      'change',
      overheat('alert-hot-4', { port: 5 }, { command: { name: 'stop_port', args: { port: 5 } } }),
    )
    await actions.idle()
    expect(h.commands.listCommandsForAlert('alert-odd-1')).toEqual([])
    expect(h.commands.listCommandsForAlert('alert-hot-4')).toEqual([
      expect.objectContaining({ result: 'ok' }),
    ])
  })
})
