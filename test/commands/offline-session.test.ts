// Item 9 of the hardening issue: a command to a device that is offline with a persistent session
// (clean=false) must not be queued by the broker and run on reconnect. A real mqtt.js device with
// clean=false disconnects; a command is attempted through the API and published straight at the broker
// as the service; the device reconnects to its session and must receive nothing but what is sent after.
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Command } from '../../domain/protocol.ts'
import { topics } from '../../domain/topics.ts'
import { type CommandHarness, type SimulatedPile, startCommandHarness, until } from './command-harness.ts'

describe('commands and persistent sessions', () => {
  let h: CommandHarness
  let pile: SimulatedPile
  beforeAll(async () => {
    h = await startCommandHarness({ timeoutMs: 1500 })
    pile = await h.pile('pile-1')
  })
  afterAll(async () => {
    await h?.close()
  })

  /** pile-2 as a device that keeps its session (clean=false) and records every command it gets. */
  async function persistentPile(received: Command[]): Promise<MqttClient> {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${h.broker.ports.mqtt}`, {
      clientId: 'pile-2',
      username: 'pile-2',
      password: h.secrets.get('pile-2'),
      clean: false,
      reconnectPeriod: 0,
    })
    client.on('message', (topic, payload) => {
      if (topic !== topics.commands('pile-2')) return
      const cmd = JSON.parse(payload.toString()) as Command
      received.push(cmd)
      client.publish(topics.commandAck('pile-2'), JSON.stringify({ id: cmd.id, ok: true }), { qos: 1 })
    })
    return client
  }

  it('queues nothing for an offline persistent session: on reconnect the device gets only new commands', async () => {
    const received: Command[] = []
    const first = await persistentPile(received)
    await first.subscribeAsync(topics.commands('pile-2'), { qos: 1 })
    // the broker says `offline` on the status topic once it has processed the disconnect
    let offline = false
    const onStatus = (topic: string, payload: Buffer) => {
      if (topic === topics.status('pile-2') && payload.toString() === 'offline') offline = true
    }
    h.service.on('message', onStatus)
    await h.service.subscribeAsync(topics.status('pile-2'), { qos: 1 })
    await first.endAsync()
    await until(() => offline)
    h.service.off('message', onStatus)

    // through the API: refused at once, nothing audited
    const res = await h.call('POST', '/api/v1/devices/pile-2/commands', {
      body: { name: 'stop_port', args: { port: 3, reason: 'stale' } },
    })
    expect(res.status).toBe(409)
    expect(res.body.error).toBe('DEVICE_OFFLINE')
    // straight at the broker as the service, the way a v1.0 command service did (QoS 1), and at QoS 0
    const stale = { id: 'stale-qos1', name: 'stop_port', args: { port: 3 } }
    await h.service.publishAsync(topics.commands('pile-2'), JSON.stringify(stale), { qos: 1 })
    await h.service.publishAsync(topics.commands('pile-2'), JSON.stringify({ ...stale, id: 'stale-qos0' }), {
      qos: 0,
    })

    const again = await persistentPile(received)
    try {
      // the session (and its subscription) survived: anything queued in it would be delivered now
      expect(again.connected).toBe(true)
      const fresh = await h.call('POST', '/api/v1/devices/pile-2/commands', { body: { name: 'ping' } })
      expect(fresh).toEqual({ status: 200, body: { id: expect.any(String), ok: true } })
      // delivery on one connection is in order: a queued command would have come before this one
      expect(received.map((c) => c.id)).toEqual([fresh.body.id])
    } finally {
      await again.endAsync(true)
    }
  })

  it('drops a retained or QoS 1 command even to a connected device: no broker copy outlives the connection', async () => {
    const before = pile.received.length
    await h.service.publishAsync(
      topics.commands('pile-1'),
      JSON.stringify({ id: 'kept-1', name: 'ping', args: {} }),
      { qos: 1 },
    )
    await h.service.publishAsync(
      topics.commands('pile-1'),
      JSON.stringify({ id: 'kept-2', name: 'ping', args: {} }),
      { qos: 0, retain: true },
    )
    const res = await h.call('POST', '/api/v1/devices/pile-1/commands', { body: { name: 'ping' } })
    expect(res.status).toBe(200)
    expect(pile.received.slice(before).map((c) => c.id)).toEqual([res.body.id])
    const refused = await h.metrics.getSingleMetricAsString('courtyard_broker_refused_publishes_total')
    expect(refused).toMatch(/reason="command-qos"\} [1-9]/)
    expect(refused).toMatch(/reason="command-retained"\} [1-9]/)
  })
})
