// Writes a build into a directory, replacing what an earlier build left there (a dashboard that was
// removed from the code must disappear from the output too).
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { BuiltFile } from './render.ts'

export async function writeBuild(dir: string, files: readonly BuiltFile[]): Promise<void> {
  // only the tree the build owns
  await rm(join(dir, 'provisioning'), { recursive: true, force: true })
  for (const f of files) {
    const path = join(dir, ...f.path.split('/'))
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, f.content)
  }
}
