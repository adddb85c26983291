import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Registry } from 'prom-client'
import { afterAll, describe, expect, it } from 'vitest'
import { InfluxWriteError } from '../../influx/index.ts'
import { createDeadLetterSink } from '../../ingest/dead-letter.ts'
import { createIngestMetrics } from '../../ingest/metrics.ts'
import { createWriteBatcher } from '../../ingest/write-batcher.ts'
import type { SpoolPosition } from '../../spool/types.ts'
import { silentLog, tempDir, until } from './helpers.ts'

// These tests drive the batcher's ordering and error-handling decisions with a scripted `write`;
// the same paths against a real InfluxDB (outage, 413, partial write) are in ingest.test.ts.

interface PendingWrite {
  lines: string[]
  resolve: () => void
  reject: (e: unknown) => void
}

const tmp = tempDir('batcher')
afterAll(() => tmp.remove())

function setup(opts: { maxBatch: number; maxInflight: number; write?: (lines: string[]) => Promise<void> }) {
  const pending: PendingWrite[] = []
  const durable: SpoolPosition[] = []
  const deadLetterPath = join(tmp.dir, `dl-${Math.random()}.jsonl`)
  const write =
    opts.write ??
    ((lines: string[]) => new Promise<void>((resolve, reject) => pending.push({ lines, resolve, reject })))
  const batcher = createWriteBatcher({
    // the batcher posts bytes (the request body it built), annotations post strings
    influx: { write: (body: string | Uint8Array) => write(Buffer.from(body).toString('utf8').split('\n')) },
    deadLetters: createDeadLetterSink(deadLetterPath),
    log: silentLog,
    metrics: createIngestMetrics(new Registry()),
    maxBatch: opts.maxBatch,
    flushIntervalMs: 10_000,
    maxInflight: opts.maxInflight,
    onDurable: (pos) => durable.push(pos),
    retry: { baseMs: 1, capMs: 5 },
  })
  return { batcher, pending, durable, deadLetterPath }
}

const pos = (n: number): SpoolPosition => ({ segment: 0, offset: n })

describe('createWriteBatcher', () => {
  it('reports a position durable only when every earlier batch is stored, whatever order writes finish in', async () => {
    const { batcher, pending, durable } = setup({ maxBatch: 2, maxInflight: 3 })
    for (let i = 1; i <= 6; i++) batcher.add([`l${i}`], pos(i))
    expect(pending.map((p) => p.lines)).toEqual([
      ['l1', 'l2'],
      ['l3', 'l4'],
      ['l5', 'l6'],
    ])
    pending[2]!.resolve()
    pending[1]!.resolve()
    await until(() => batcher.stats().inflight === 1)
    expect(durable).toEqual([])
    pending[0]!.resolve()
    await until(() => durable.length > 0)
    expect(durable).toEqual([pos(6)])
  })

  it('keeps at most maxInflight writes in flight and says when it has no room', async () => {
    const { batcher, pending } = setup({ maxBatch: 1, maxInflight: 2 })
    batcher.add(['a'], pos(1))
    batcher.add(['b'], pos(2))
    expect(batcher.hasRoom()).toBe(true)
    batcher.add(['c'], pos(3))
    expect(pending).toHaveLength(2)
    expect(batcher.hasRoom()).toBe(false)
    const room = batcher.waitForRoom()
    pending[0]!.resolve()
    await room
    expect(pending).toHaveLength(3)
  })

  it('never splits one record across batches', () => {
    const { batcher, pending } = setup({ maxBatch: 4, maxInflight: 4 })
    batcher.add(['a1', 'a2', 'a3'], pos(1))
    batcher.add(['b1', 'b2', 'b3'], pos(2))
    batcher.flush()
    expect(pending.map((p) => p.lines)).toEqual([
      ['a1', 'a2', 'a3'],
      ['b1', 'b2', 'b3'],
    ])
  })

  it('makes a record without lines durable only after the records before it', async () => {
    const { batcher, pending, durable } = setup({ maxBatch: 1, maxInflight: 2 })
    batcher.add(['a'], pos(1))
    batcher.add([], pos(2))
    batcher.flush()
    expect(durable).toEqual([])
    pending[0]!.resolve()
    await until(() => durable.length > 0)
    expect(durable.at(-1)).toEqual(pos(2))
  })

  it('retries server errors and unanswered writes until they succeed', async () => {
    let calls = 0
    const { batcher, durable } = setup({
      maxBatch: 10,
      maxInflight: 1,
      write: async () => {
        calls++
        if (calls === 1) throw new InfluxWriteError('down', { status: 0 })
        if (calls === 2) throw new InfluxWriteError('busy', { status: 503, retryAfterMs: 1 })
        if (calls === 3) throw new InfluxWriteError('auth', { status: 401 })
      },
    })
    batcher.add(['a'], pos(1))
    batcher.flush()
    await until(() => durable.length > 0)
    expect(calls).toBe(4)
    expect(batcher.stats()).toMatchObject({ retries: 3, deadLettered: 0, pointsWritten: 1 })
  })

  it('bisects a rejected batch down to the bad lines and dead-letters only those', async () => {
    const stored: string[] = []
    const { batcher, durable, deadLetterPath } = setup({
      maxBatch: 100,
      maxInflight: 2,
      write: async (lines) => {
        const bad = lines.filter((l) => l.includes('bad'))
        stored.push(...lines.filter((l) => !l.includes('bad')))
        if (bad.length > 0)
          throw new InfluxWriteError('partial', { status: 400, partial: true, body: 'partial write' })
      },
    })
    const lines = Array.from({ length: 20 }, (_, i) => (i === 3 || i === 14 ? `bad${i}` : `ok${i}`))
    for (const [i, l] of lines.entries()) batcher.add([l], pos(i + 1))
    batcher.flush()
    await until(() => durable.at(-1)?.offset === 20)
    const dead = readFileSync(deadLetterPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(dead.map((d) => [d.line, d.reason, d.status])).toEqual([
      ['bad3', 'partial_write', 400],
      ['bad14', 'partial_write', 400],
    ])
    expect(new Set(stored)).toEqual(new Set(lines.filter((l) => l.startsWith('ok'))))
  })

  it('halves a batch on 413 and dead-letters a single line that is still too large', async () => {
    const sizes: number[] = []
    const { batcher, durable, deadLetterPath } = setup({
      maxBatch: 100,
      maxInflight: 1,
      write: async (lines) => {
        sizes.push(lines.length)
        if (lines.join('\n').length > 20) throw new InfluxWriteError('too large', { status: 413 })
      },
    })
    const lines = ['aaaa', 'bbbb', 'cccc', 'dddd', 'x'.repeat(30), 'eeee']
    for (const [i, l] of lines.entries()) batcher.add([l], pos(i + 1))
    batcher.flush()
    await until(() => durable.at(-1)?.offset === 6)
    expect(sizes[0]).toBe(6)
    const dead = readFileSync(deadLetterPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(dead).toEqual([
      expect.objectContaining({ reason: 'too_large', status: 413, line: 'x'.repeat(30) }),
    ])
  })

  it('retries a batch with its own lines after later batches were stored and their buffers reused', async () => {
    const sent: string[][] = []
    let failFirst = true
    const { batcher, durable } = setup({
      maxBatch: 2,
      maxInflight: 3,
      write: async (lines) => {
        sent.push(lines)
        if (failFirst && lines[0] === 'a1') {
          failFirst = false
          // a later batch is stored while this one waits for its retry, and its buffer goes to a new batch
          await until(() => sent.some((l) => l[0] === 'b1'))
          throw new InfluxWriteError('down', { status: 0 })
        }
      },
    })
    for (const [i, l] of ['a1', 'a2', 'b1', 'b2'].entries()) batcher.add([l], pos(i + 1))
    await until(() => sent.length >= 2)
    for (const [i, l] of ['c1', 'c2', 'd1', 'd2'].entries()) batcher.add([l], pos(i + 5))
    await until(() => durable.at(-1)?.offset === 8)
    const batches = sent.map((l) => l.join(','))
    expect(new Set(batches)).toEqual(new Set(['a1,a2', 'b1,b2', 'c1,c2', 'd1,d2']))
    expect(batches.filter((b) => b === 'a1,a2')).toHaveLength(2)
  })

  it('gives up at drain time without reporting unstored records durable', async () => {
    const { batcher, durable } = setup({
      maxBatch: 10,
      maxInflight: 1,
      write: async () => {
        throw new InfluxWriteError('down', { status: 0 })
      },
    })
    batcher.add(['a'], pos(1))
    expect(await batcher.drain(50)).toBe(false)
    expect(durable).toEqual([])
  })
})
