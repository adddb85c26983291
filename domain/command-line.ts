// Our command lines (npm run bench, eval:stray-wire, dashboards:build): a mistyped option gets what is
// wrong and the usage on one screen, not a stack trace; `--help` prints the usage.

/** Prints `message` and the usage, and exits 2 (a usage error). */
export function usageError(message: string, usage: string): never {
  console.error(`${message}\n\n${usage}`)
  process.exit(2)
}

/** Runs `parse` (node:util's parseArgs); an option it does not know is a usage error. */
export function parseOrUsage<T extends { values: { help?: boolean | undefined } }>(
  parse: () => T,
  usage: string,
): T {
  let parsed: T
  try {
    parsed = parse()
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) usageError((e as Error).message, usage)
    throw e
  }
  if (parsed.values.help) {
    console.log(usage)
    process.exit(0)
  }
  return parsed
}
