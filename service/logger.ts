// The service's logger, one definition for the main thread and the alert engine's worker thread (which
// writes its own lines to the same stdout). JSON lines for machines; on a terminal, readable lines
// through pino-pretty, run in-process and synchronously (not as a pino transport, whose worker thread
// would lose the last lines at process.exit and interleave with the alert thread's).
import { isatty } from 'node:tty'
import { type DestinationStream, destination as fileDestination, type Logger, pino } from 'pino'
import { PinoPretty } from 'pino-pretty'

export type LogFormat = 'json' | 'pretty'

/** LOG_FORMAT when set; otherwise pretty on a terminal and JSON when stdout is a pipe or a file. */
export function chooseLogFormat(configured: LogFormat | undefined, stdoutIsTTY: boolean): LogFormat {
  return configured ?? (stdoutIsTTY ? 'pretty' : 'json')
}

export function createLogger(opts: {
  level: string
  format: LogFormat
  /** a file descriptor (default 1, stdout) or a stream */
  destination?: number | DestinationStream
}): Logger {
  const options = {
    level: opts.level,
    redact: {
      paths: ['secret', 'password', 'token', '*.secret', '*.password', '*.token'],
      censor: '[redacted]',
    },
  }
  const dest = opts.destination ?? 1
  switch (opts.format) {
    case 'json':
      // one write per line, so the two threads' lines never mix
      return pino(options, typeof dest === 'number' ? fileDestination({ fd: dest, sync: true }) : dest)
    case 'pretty':
      return pino(
        options,
        PinoPretty({
          destination: dest,
          sync: true,
          colorize: typeof dest === 'number' && isatty(dest),
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,component,thread',
          messageFormat: '{if component}{component}: {end}{msg}',
          singleLine: true,
        }),
      )
    default: {
      const never: never = opts.format
      throw new Error(`unknown log format ${String(never)}`)
    }
  }
}
