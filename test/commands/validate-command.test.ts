// The pure check of a command against its device's kind (protocol: Commands table).
import { describe, expect, it } from 'vitest'
import { validateCommand } from '../../commands/validate-command.ts'
import type { CourtyardError } from '../../domain/errors.ts'
import type { DeviceKind } from '../../domain/protocol.ts'

describe('validateCommand', () => {
  it.each<[DeviceKind, string, unknown, Record<string, unknown>]>([
    ['charging-pile', 'stop_port', { port: 3, reason: 'overheat' }, { port: 3, reason: 'overheat' }],
    ['charging-pile', 'stop_port', { port: 3 }, { port: 3 }],
    ['charging-pile', 'enable_port', { port: 64 }, { port: 64 }],
    ['charging-pile', 'disable_port', { port: 1 }, { port: 1 }],
    ['outdoor-display', 'set_power', { on: false }, { on: false }],
    ['outdoor-display', 'set_brightness', { pct: 0 }, { pct: 0 }],
    ['circuit-monitor', 'ping', {}, {}],
    ['daycare-sensor', 'ping', undefined, {}],
  ])('accepts %s %s %j', (kind, name, args, sent) => {
    expect(validateCommand(kind, name, args)).toEqual({ name, args: sent })
  })

  it.each<[DeviceKind, string, unknown, RegExp]>([
    [
      'circuit-monitor',
      'stop_port',
      { port: 1 },
      /a circuit-monitor does not take the command "stop_port"; it takes ping/,
    ],
    ['charging-pile', 'set_power', { on: true }, /it takes stop_port, enable_port, disable_port, ping/],
    ['outdoor-display', 'reboot', {}, /does not take the command "reboot"/],
    ['charging-pile', 'stop_port', {}, /args of stop_port is missing port/],
    ['charging-pile', 'stop_port', { port: 0 }, /args\/port of stop_port must be >= 1/],
    ['charging-pile', 'stop_port', { port: 65 }, /args\/port/],
    ['charging-pile', 'stop_port', { port: 2.5 }, /args\/port/],
    ['charging-pile', 'enable_port', { port: 1, force: true }, /has unknown property force/],
    ['outdoor-display', 'set_brightness', { pct: 101 }, /args\/pct of set_brightness must be <= 100/],
    ['outdoor-display', 'set_power', { on: 'no' }, /args\/on/],
    ['charging-pile', 'ping', [], /args of ping must be object/],
    ['charging-pile', 'ping', { x: 1 }, /unknown property x/],
  ])('refuses %s %s %j as BAD_REQUEST', (kind, name, args, message) => {
    let err: CourtyardError | undefined
    try {
      validateCommand(kind, name, args)
    } catch (e) {
      err = e as CourtyardError
    }
    expect(err?.code).toBe('BAD_REQUEST')
    expect(err?.status).toBe(400)
    expect(err?.message).toMatch(message)
  })
})
