// The command service against a real broker, a real service client and a simulated pile answering
// through the simulator's model.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCommandService } from '../../commands/command-service.ts'
import type { CourtyardError } from '../../domain/errors.ts'
import { topics } from '../../domain/topics.ts'
import {
  type CommandHarness,
  log,
  type SimulatedPile,
  startCommandHarness,
  until,
} from './command-harness.ts'

// short enough to keep the suite quick, long enough for a loaded machine to ack in time
const TIMEOUT_MS = 1500

describe('command service', () => {
  let h: CommandHarness
  let pile: SimulatedPile
  // the audit's clock; it starts at the real time, since the pile checks expiresAt against its own
  const start = Date.now()
  let clock = start
  beforeAll(async () => {
    h = await startCommandHarness({ timeoutMs: TIMEOUT_MS, now: () => (clock += 1000) })
    pile = await h.pile('pile-1')
  })
  afterAll(async () => {
    await h?.close()
  })
  const row0 = (id: string) => {
    const row = h.commands.getCommand('acme', id)
    if (!row) throw new Error(`no audit row for ${id}`)
    return row
  }

  it('publishes the command, resolves with the pile ack and audits who, what, when and the result', async () => {
    pile.mode = 'answer'
    let atArrival: unknown
    pile.onCommand = (cmd) => {
      atArrival = h.commands.getCommand('acme', cmd.id)
    }
    const result = await h.commands.send({
      deviceId: 'pile-1',
      name: 'stop_port',
      args: { port: 3, reason: 'operator' },
      by: 'token:acme ops',
    })
    pile.onCommand = undefined
    expect(result).toEqual({ id: expect.stringMatching(/^cmd-/), ok: true, result: 'ok' })
    const cmd = pile.received.at(-1)
    expect(cmd).toEqual({
      id: result.id,
      name: 'stop_port',
      args: { port: 3, reason: 'operator' },
      ts: row0(result.id).requestedAt,
      expiresAt: row0(result.id).requestedAt + 10_000,
    })
    // the audit row existed before the device saw the command
    expect(atArrival).toMatchObject({ id: result.id, result: 'pending' })
    const row = h.commands.getCommand('acme', result.id)
    expect(row).toMatchObject({
      deviceId: 'pile-1',
      tenantId: 'acme',
      name: 'stop_port',
      args: { port: 3, reason: 'operator' },
      by: 'token:acme ops',
      result: 'ok',
    })
    expect(row?.error).toBeUndefined()
    expect(row?.requestedAt).toBeGreaterThan(start)
    expect(row?.ackAt).toBeGreaterThan(row?.requestedAt ?? Number.POSITIVE_INFINITY)
  })

  it('resolves ok:false with the reason when the pile refuses, audited as an error', async () => {
    pile.mode = 'answer'
    // the simulated pile has 10 ports
    const result = await h.commands.send({
      deviceId: 'pile-1',
      name: 'disable_port',
      args: { port: 12 },
      by: 'auto',
    })
    expect(result).toMatchObject({ ok: false, result: 'error', error: 'no port 12' })
    expect(h.commands.getCommand('acme', result.id)).toMatchObject({
      result: 'error',
      error: 'no port 12',
      by: 'auto',
      ackAt: expect.any(Number),
    })
  })

  it('times out when the pile never answers, and records a late ack when it finally comes', async () => {
    pile.mode = 'silent'
    const result = await h.commands.send({ deviceId: 'pile-1', name: 'ping', args: {}, by: 'token:acme ops' })
    expect(result).toEqual({ id: result.id, ok: false, error: 'timeout', result: 'timeout' })
    expect(pile.received.at(-1)?.id).toBe(result.id)
    const row = h.commands.getCommand('acme', result.id)
    expect(row).toMatchObject({ result: 'timeout', error: 'timeout' })
    expect(row?.ackAt).toBeUndefined()

    await pile.client.publishAsync(topics.commandAck('pile-1'), JSON.stringify({ id: result.id, ok: true }), {
      qos: 1,
    })
    await until(() => h.commands.getCommand('acme', result.id)?.lateAck === true)
    expect(h.commands.getCommand('acme', result.id)).toMatchObject({
      result: 'ok',
      lateAck: true,
      ackAt: expect.any(Number),
    })
  })

  it('ignores an ack for the command that comes from another device', async () => {
    const other = await h.pile('pile-2', 'silent')
    pile.mode = 'silent'
    const before = pile.received.length
    const sending = h.commands.send({ deviceId: 'pile-1', name: 'ping', args: {}, by: 'token:acme ops' })
    await until(() => pile.received.length > before)
    const id = pile.received.at(-1)!.id
    let delivered = false
    const seen = (topic: string) => {
      if (topic === topics.commandAck('pile-2')) delivered = true
    }
    h.service.on('message', seen)
    await other.client.publishAsync(topics.commandAck('pile-2'), JSON.stringify({ id, ok: true }), { qos: 1 })
    // the forged ack did reach the service (so ignoring it was a decision, not a lost message)
    await until(() => delivered)
    h.service.off('message', seen)
    const result = await sending
    expect(result).toMatchObject({ id, ok: false, result: 'timeout' })
    expect(h.commands.getCommand('acme', id)?.lateAck).toBeUndefined()
  })

  it.each([
    [
      'a command the kind does not take',
      'pile-1',
      'set_power',
      { on: false },
      'BAD_REQUEST',
      /does not take/,
    ],
    ['a missing argument', 'pile-1', 'stop_port', { reason: 'x' }, 'BAD_REQUEST', /missing port/],
    [
      'an unknown argument',
      'screen-1',
      'set_power',
      { on: true, dim: 3 },
      'BAD_REQUEST',
      /unknown property dim/,
    ],
    ['an unknown device', 'pile-9', 'ping', {}, 'DEVICE_UNKNOWN', /pile-9/],
  ])(
    'refuses %s before auditing or publishing anything',
    async (_what, deviceId, name, args, code, message) => {
      const before = pile.received.length
      const audited = h.db.prepare('SELECT count(*) AS n FROM device_commands').get() as { n: number }
      const err = (await h.commands.send({ deviceId, name, args, by: 'token:acme ops' }).then(
        () => undefined,
        (e: unknown) => e,
      )) as CourtyardError
      expect(err?.code).toBe(code)
      expect(err.message).toMatch(message)
      expect(h.db.prepare('SELECT count(*) AS n FROM device_commands').get()).toEqual(audited)
      expect(pile.received.length).toBe(before)
    },
  )

  it('marks a command still waiting as interrupted when the service stops, and after a restart', async () => {
    pile.mode = 'silent'
    // a second service on the same alerts.db and client, with a wait that outlives the test
    const first = createCommandService({
      mqtt: h.service,
      db: h.db,
      registry: h.registry,
      log,
      metrics: h.metrics,
      timeoutMs: 60_000,
      isConnected: h.broker.isConnected,
    })
    await first.ready
    const waiting = first.send({ deviceId: 'pile-1', name: 'ping', args: {}, by: 'auto' })
    await until(() => pile.received.some((c) => first.getCommand('acme', c.id)?.result === 'pending'))
    const id = pile.received.at(-1)!.id
    await first.close()
    expect(await waiting).toMatchObject({ id, ok: false, result: 'interrupted' })
    expect(h.commands.getCommand('acme', id)).toMatchObject({ result: 'interrupted' })

    // a row left pending by a process that died is settled by the next one to open alerts.db
    h.db.prepare("UPDATE device_commands SET result = 'pending', error = NULL WHERE id = ?").run(id)
    const second = createCommandService({
      mqtt: h.service,
      db: h.db,
      registry: h.registry,
      log,
      metrics: h.metrics,
      isConnected: h.broker.isConnected,
    })
    expect(second.getCommand('acme', id)).toMatchObject({ result: 'interrupted' })
    await second.close()
  })

  it('counts commands by name, origin and result in the metrics registry', async () => {
    const text = await h.metrics.metrics()
    expect(text).toMatch(/courtyard_commands_total\{name="stop_port",origin="user",result="ok"\} 1/)
    expect(text).toMatch(/courtyard_commands_total\{name="disable_port",origin="auto",result="error"\} 1/)
    expect(text).toMatch(/courtyard_commands_total\{name="ping",origin="user",result="timeout"\} 2/)
    expect(text).toMatch(/courtyard_command_ack_seconds_count\{name="stop_port"\} 1/)
  })
})
