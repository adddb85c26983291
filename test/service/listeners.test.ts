import { Writable } from 'node:stream'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { createListeners } from '../../service/listeners.ts'

function capture() {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l))
      cb()
    },
  })
  return { log: pino({ level: 'info' }, stream), lines }
}

const flushLogs = () => new Promise((r) => setImmediate(r))

describe('createListeners', () => {
  it('tells every listener though one throws, and logs each failing listener once', async () => {
    const { log, lines } = capture()
    const listeners = createListeners(log, 'rejected-message')
    let told = 0
    listeners.add(() => {
      throw new Error('terminal gone')
    })
    listeners.add(() => {
      told++
    })
    listeners.add(() => {
      throw new Error('second gone')
    })
    for (let i = 0; i < 3; i++) expect(() => listeners.tell()).not.toThrow()
    expect(told).toBe(3)
    await flushLogs()
    const failed = lines.filter((l) => l.msg === 'rejected-message listener failed (logged once)')
    expect(failed.map((l) => (l.err as { message: string }).message)).toEqual([
      'terminal gone',
      'second gone',
    ])
  })

  it('stops telling a listener once it is removed', () => {
    const { log } = capture()
    const listeners = createListeners(log, 'rejected-message')
    let told = 0
    const remove = listeners.add(() => {
      told++
    })
    listeners.tell()
    remove()
    listeners.tell()
    expect(told).toBe(1)
  })
})
