// The service's logger, one definition for the main thread and the alert engine's worker thread (which
// writes its own lines to the same stdout).
import { type DestinationStream, type Logger, pino } from 'pino'

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: {
      paths: ['secret', 'password', 'token', '*.secret', '*.password', '*.token'],
      censor: '[redacted]',
    },
  }
  return destination ? pino(options, destination) : pino(options)
}
