// The set of consumers a spool serves: what the service runs now, learnt when the writer opens. It is
// kept in `consumers.json` (the readers may live in other threads or processes) and pruning counts
// exactly these consumers' checkpoints:
// - a consumer of the set holds its place from the moment the spool opens: one that has no checkpoint yet
//   (ingest on a fresh install whose InfluxDB has refused every write so far) gets one at the oldest
//   retained record, so no other consumer's commit can delete what it has not read;
// - a checkpoint of a consumer outside the set (alerts switched off after a run with them) is removed, so
//   it no longer holds every segment until the spool is full.
// A NEW consumer on an existing spool starts at the oldest retained record, never at the head: for ingest
// that is the only choice that loses nothing; for a newly enabled alert engine it replays what the spool
// still holds, which is safe because the engine skips records at or before the position stored in
// alerts.db, and rules evaluate on event time.
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { PRIVATE_FILE_MODE } from '../domain/private-files.ts'
import {
  CONSUMER_NAME_RE,
  checkpointFile,
  consumerOfFile,
  createCheckpointIfMissing,
} from './checkpoint-file.ts'
import { fsyncDir, listSegments } from './segment-files.ts'

export const CONSUMERS_FILE = 'consumers.json'

/** Throws on a name that cannot be a checkpoint file name, or a repeated one. */
export function validateConsumers(consumers: readonly string[]): void {
  if (consumers.length === 0) throw new Error('a spool needs at least one consumer')
  for (const c of consumers) {
    if (!CONSUMER_NAME_RE.test(c)) throw new Error(`spool consumer name ${JSON.stringify(c)} is invalid`)
  }
  if (new Set(consumers).size !== consumers.length) throw new Error('spool consumer names repeat')
}

/**
 * Makes `consumers` the spool's consumer set: records it, gives each consumer without a checkpoint one at
 * the oldest retained record, and removes the checkpoints of consumers outside it.
 */
export async function adoptConsumers(dir: string, consumers: readonly string[], log: Logger): Promise<void> {
  validateConsumers(consumers)
  // the set first: from here on pruning counts a consumer of the set even before its checkpoint exists
  await writeConsumerSet(dir, consumers)
  const oldest = (await listSegments(dir))[0] ?? 0
  for (const consumer of consumers) {
    if (await createCheckpointIfMissing(dir, { segment: oldest, offset: 0 }, consumer)) {
      log.info({ consumer, segment: oldest }, 'spool consumer added: starts at the oldest retained record')
    }
  }
  const kept = new Set(consumers.map(checkpointFile))
  for (const name of await readdir(dir)) {
    // left by a crash inside createCheckpointIfMissing
    if (/^checkpoint.*\.new$/.test(name)) await unlink(join(dir, name)).catch(() => undefined)
    const consumer = consumerOfFile(name)
    if (consumer === undefined || kept.has(name)) continue
    await unlink(join(dir, name)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err
    })
    log.info(
      { consumer, checkpoint: name },
      'retired spool consumer checkpoint removed: it no longer holds segments',
    )
  }
  await fsyncDir(dir)
}

async function writeConsumerSet(dir: string, consumers: readonly string[]): Promise<void> {
  const tmp = join(dir, `${CONSUMERS_FILE}.tmp`)
  const fh = await open(tmp, 'w', PRIVATE_FILE_MODE)
  try {
    await fh.writeFile(JSON.stringify({ consumers }))
    await fh.sync()
  } finally {
    await fh.close()
  }
  await rename(tmp, join(dir, CONSUMERS_FILE))
  await fsyncDir(dir)
}

/**
 * The spool's consumer set; undefined when no writer recorded one (a spool opened without a set, as
 * tests and benches do: pruning then counts every checkpoint file present).
 */
export async function readConsumerSet(dir: string): Promise<string[] | undefined> {
  let text: string
  try {
    text = await readFile(join(dir, CONSUMERS_FILE), 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  try {
    const v = JSON.parse(text) as { consumers?: unknown }
    if (
      Array.isArray(v.consumers) &&
      v.consumers.every((c) => typeof c === 'string' && CONSUMER_NAME_RE.test(c))
    )
      return v.consumers as string[]
  } catch {
    // fall through: a torn set cannot happen (rename), an edited one protects everything below
  }
  // unreadable: count every checkpoint present, which never deletes what a consumer still needs
  return undefined
}
