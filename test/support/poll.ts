// Waiting in tests: poll a condition until it holds, with a deadline — never a fixed sleep.

/** Polls `fn` until it returns something other than undefined/false; throws after `timeoutMs`. */
export async function pollUntil<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000)
  let last: unknown
  for (;;) {
    try {
      const v = await fn()
      if (v !== undefined && v !== false) return v
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${opts.what ?? 'condition'}${last ? `: ${String(last)}` : ''}`)
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100))
  }
}

/** `pollUntil` for a boolean condition. */
export async function until(
  check: () => boolean | Promise<boolean>,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<void> {
  await pollUntil(check, { intervalMs: 5, timeoutMs: 10_000, ...opts })
}
