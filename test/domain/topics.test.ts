import { describe, expect, it } from 'vitest'
import { parseDeviceTopic } from '../../domain/topics.ts'

describe('parseDeviceTopic', () => {
  it.each([
    ['devices/pile-01/telemetry', { deviceId: 'pile-01', channel: 'telemetry' }],
    ['devices/pile-01/commands/ack', { deviceId: 'pile-01', channel: 'commands/ack' }],
    ['devices/ab/telemetry', undefined],
    ['devices/pile 01/telemetry', undefined],
    ['devices/pile-01/', undefined],
    ['devices/pile-01', undefined],
    ['$SYS/x/y', undefined],
  ])('splits %s', (topic, expected) => {
    expect(parseDeviceTopic(topic)).toEqual(expected)
  })
})
