// Topics that are not well-formed UTF-8 (MQTT-1.5.3-1), sent as raw bytes by a device speaking raw MQTT
// over TCP: mqtt-packet decodes them with U+FFFD in place of the bad bytes, and the broker refuses them
// with their own reason instead of spooling them for ingest to reject later as `unknown_topic`.
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { until } from '../support/poll.ts'
import { type Harness, qos1Publish, rawDevice, startHarness, subscribePacket } from './helpers.ts'

const OWN = 'devices/utf8-dev-1/'
/** ill-formed UTF-8: a lone continuation byte, a truncated sequence, an overlong `/`, an encoded surrogate */
const BAD_SUFFIXES = [
  Buffer.from([0x80]),
  Buffer.from([0x74, 0xc3]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
]
const badTopic = (suffix: Buffer) => Buffer.concat([Buffer.from(`${OWN}telemetry`), suffix])

const lines: Array<{ msg: string; reason?: string; clientId?: string; topic?: string }> = []
let h: Harness
beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()))
      cb()
    },
  })
  h = await startHarness({ log: pino({ level: 'warn' }, sink) })
  h.directory.addDevice('utf8-dev-1', 'secret-u').addDevice('utf8-dev-2', 'secret-v')
})
afterAll(async () => {
  await h?.close()
})

/** Whether the bytes the device received so far hold `packet` (a PUBACK, a SUBACK). */
const got = (received: Buffer[], packet: number[]) => Buffer.concat(received).includes(Buffer.from(packet))

describe('a topic that is not well-formed UTF-8', () => {
  it('is refused, counted and logged with its reason; the connection and the readings around it go on', async () => {
    await h.drain()
    const raw = await rawDevice(h.broker.ports.mqtt, {
      clientId: 'utf8-dev-1',
      password: 'secret-u',
      keepaliveS: 60,
    })
    expect(raw.returnCode).toBe(0)
    raw.socket.write(qos1Publish(`${OWN}telemetry`, '{"before":1}', 1))
    BAD_SUFFIXES.forEach((suffix, i) => {
      raw.socket.write(qos1Publish(badTopic(suffix), '{"bad":1}', 10 + i))
    })
    raw.socket.write(qos1Publish(`${OWN}telemetry`, '{"after":1}', 2))
    // every publish is acknowledged (a refused one is dropped, MQTT-3.3.5-2), the last one too: the
    // broker did not close the connection on the bad ones
    await until(() => got(raw.received, [0x40, 0x02, 0x00, 0x02]), { what: 'PUBACK of the last publish' })
    for (let i = 0; i < BAD_SUFFIXES.length; i++)
      expect(got(raw.received, [0x40, 0x02, 0x00, 10 + i])).toBe(true)
    expect(raw.socket.destroyed).toBe(false)

    const spooled = (await h.drain()).filter((e) => e.topic.startsWith(OWN))
    expect(spooled.map((e) => `${e.topic} ${e.payload}`)).toEqual([
      `${OWN}telemetry {"before":1}`,
      `${OWN}telemetry {"after":1}`,
    ])
    const text = await h.metrics.metrics()
    expect(text).toContain(
      `courtyard_broker_refused_publishes_total{reason="malformed-utf8"} ${BAD_SUFFIXES.length}`,
    )
    // the first refusal of a connection is logged, with the reason and the topic as decoded
    expect(lines.filter((l) => l.msg === 'publish refused')).toEqual([
      expect.objectContaining({
        clientId: 'utf8-dev-1',
        reason: 'malformed-utf8',
        topic: `${OWN}telemetry\uFFFD`,
      }),
    ])
    raw.socket.destroy()
  })

  it('is refused as a subscription filter (SUBACK 0x80) and as a Will topic (CONNACK 5)', async () => {
    const raw = await rawDevice(h.broker.ports.mqtt, {
      clientId: 'utf8-dev-2',
      password: 'secret-v',
      keepaliveS: 60,
    })
    raw.socket.write(
      subscribePacket(Buffer.concat([Buffer.from('devices/utf8-dev-2/'), Buffer.from([0xff])]), 7),
    )
    raw.socket.write(subscribePacket('devices/utf8-dev-2/commands', 8))
    await until(() => got(raw.received, [0x90, 0x03, 0x00, 0x08, 0x01]), {
      what: 'SUBACK of the good filter',
    })
    expect(got(raw.received, [0x90, 0x03, 0x00, 0x07, 0x80])).toBe(true)
    raw.socket.destroy()
    await raw.closed

    const withWill = await rawDevice(h.broker.ports.mqtt, {
      clientId: 'utf8-dev-2',
      password: 'secret-v',
      keepaliveS: 60,
      will: {
        topic: Buffer.concat([Buffer.from('devices/utf8-dev-2/status'), Buffer.from([0xfe])]),
        payload: 'offline',
      },
    })
    expect(withWill.returnCode).toBe(5)
    withWill.socket.destroy()
  })
})
