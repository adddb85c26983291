// Dead letters: lines InfluxDB refused for good (4xx other than 413), appended as JSON lines with the
// reason, so they can be inspected or replayed by hand. Synced before the spool checkpoint may pass
// them: a dead letter is the only copy once the spool segment is dropped.
import { mkdir, open } from 'node:fs/promises'
import { dirname } from 'node:path'
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../domain/private-files.ts'

export interface DeadLetter {
  reason: string
  status: number
  error: string
  line: string
}

export interface DeadLetterSink {
  write(entries: DeadLetter[], atMs: number): Promise<void>
  close(): Promise<void>
}

export function createDeadLetterSink(path: string): DeadLetterSink {
  let handle: Awaited<ReturnType<typeof open>> | undefined
  // appends are serialised so that concurrent batches never interleave partial JSON lines
  let chain: Promise<void> = Promise.resolve()

  async function append(text: string): Promise<void> {
    if (!handle) {
      await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE })
      // private: the raw payloads of refused device messages
      handle = await open(path, 'a', PRIVATE_FILE_MODE)
      await handle.chmod(PRIVATE_FILE_MODE)
    }
    await handle.write(text)
    await handle.datasync()
  }

  return {
    write(entries, atMs) {
      if (entries.length === 0) return Promise.resolve()
      let text = ''
      const at = new Date(atMs).toISOString()
      for (const e of entries) text += `${JSON.stringify({ at, ...e })}\n`
      const next = chain.then(() => append(text))
      chain = next.catch(() => {})
      return next
    },
    async close() {
      await chain
      await handle?.close()
      handle = undefined
    },
  }
}
