// The spool's file system: what it has free for us, and the reserve the writer keeps there so that
// checkpoints and a new segment file always fit (spool-writer.ts). The lag monitor uses the same figures
// to say how much the spool can still hold.
import { statfs } from 'node:fs/promises'

const MAX_DEFAULT_RESERVE = 64 * 1024 * 1024

/** What the spool's file system has free for us, and the reserve to keep there. */
export interface DiskRoom {
  availableBytes: number
  reserveBytes: number
}
export async function diskRoom(dir: string, reserveBytes: number | undefined): Promise<DiskRoom> {
  const fs = await statfs(dir)
  const total = fs.blocks * fs.bsize
  return {
    availableBytes: fs.bavail * fs.bsize,
    reserveBytes: reserveBytes ?? Math.min(MAX_DEFAULT_RESERVE, Math.floor(total / 10)),
  }
}
