// Per-test resources for ingest integration tests: an own InfluxDB database, an own real spool, and
// cleanup in reverse order of creation (ingest stops before its spool and database go away).
import { join } from 'node:path'
import { afterEach, inject } from 'vitest'
import { createInfluxClient, type InfluxClient, quoteIdent } from '../../influx/index.ts'
import { type IngestConfig, type IngestHandle, startIngest } from '../../ingest/index.ts'
import type { SpoolReader, SpoolWriter } from '../../spool/index.ts'
import { openSpool, tempDir } from './helpers.ts'

// run last-registered first: ingest stops before its spool and database go away
export const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (let c = cleanups.pop(); c; c = cleanups.pop()) await c()
})

export async function newDb(name: string): Promise<InfluxClient> {
  const db = `ingest_${name}_${process.pid}_${Date.now()}`
  const client = createInfluxClient({ url: inject('influxUrl'), db })
  await client.ensureDatabase()
  cleanups.push(async () => {
    await client.query(`DROP DATABASE ${quoteIdent(db)}`).catch(() => {})
    await client.close()
  })
  return client
}

export async function newSpool(): Promise<{ dir: string; writer: SpoolWriter; reader: SpoolReader }> {
  const tmp = tempDir('ingest')
  const { writer, reader } = await openSpool(join(tmp.dir, 'spool'))
  cleanups.push(async () => {
    await writer.close()
    await reader.close()
    tmp.remove()
  })
  return { dir: tmp.dir, writer, reader }
}

export const config = (dir: string, extra: Partial<IngestConfig> = {}): IngestConfig => ({
  maxBatch: 5000,
  flushIntervalMs: 50,
  maxInflight: 3,
  deadLetterPath: join(dir, 'dead-letter.jsonl'),
  retry: { baseMs: 20, capMs: 200 },
  ...extra,
})

export function start(deps: Parameters<typeof startIngest>[0]): IngestHandle {
  const h = startIngest(deps)
  cleanups.push(() => h.stop())
  return h
}

export async function count(client: InfluxClient, q: string): Promise<number> {
  const s = await client.query(q)
  return (s[0]?.values[0]?.[1] as number | undefined) ?? 0
}
