import { describe, expect, it } from 'vitest'
import { createTopicParser } from '../../alerts/engine-topics.ts'
import { type DeviceTopic, parseDeviceTopic } from '../../domain/topics.ts'

/** a parser over `parseDeviceTopic` that counts its calls */
function counted(perGeneration: number) {
  const calls = { n: 0 }
  const parse = (topic: string): DeviceTopic | undefined => {
    calls.n++
    return parseDeviceTopic(topic)
  }
  return { parse: createTopicParser({ perGeneration, parse }), calls }
}

describe('createTopicParser', () => {
  it('answers as parseDeviceTopic does, for device topics, others, and long ones, met once or again', () => {
    const topics = [
      'devices/circ-1/telemetry',
      'devices/circ-1/status/will',
      'devices/x/telemetry',
      'other/circ-1/telemetry',
      'devices/circ-1/',
      `devices/${'a'.repeat(64)}/telemetry`,
      `devices/${'a'.repeat(65)}/telemetry`,
      `devices/circ-1/${'x'.repeat(200)}`,
    ]
    const { parse } = counted(3)
    for (let round = 0; round < 4; round++)
      for (const t of topics) expect(parse(t), t).toEqual(parseDeviceTopic(t))
  })

  it('keeps topics in use while others go by, more than a generation holds', () => {
    // 90 devices, each its telemetry every round and its status one round in ten, in generations of
    // 100: over 30 rounds, 90 + 270 status topics met. Emptying one map when full (as first written)
    // parsed the whole fleet's telemetry again every few rounds
    const parsed: string[] = []
    const parse = createTopicParser({
      perGeneration: 100,
      parse: (topic) => {
        parsed.push(topic)
        return parseDeviceTopic(topic)
      },
    })
    for (let round = 0; round < 30; round++)
      for (let d = 0; d < 90; d++) {
        parse(`devices/circ-${d}/telemetry`)
        if ((d + round) % 10 === 0) parse(`devices/circ-${d}/status/r${round}`)
      }
    expect(parsed.filter((t) => t.endsWith('/telemetry'))).toHaveLength(90)
    expect(parsed).toHaveLength(90 + 270)
  })

  it('lets go of topics no longer met: one from long ago is parsed again', () => {
    const { parse, calls } = counted(100)
    parse('devices/gone-1/telemetry')
    for (let d = 0; d < 250; d++) parse(`devices/circ-${d}/telemetry`)
    const before = calls.n
    parse('devices/gone-1/telemetry')
    expect(calls.n).toBe(before + 1)
  })
})
