// The one shape of every long-running part (broker, spool, ingest, alerts, notify, commands, API):
// `start(deps)` gives back a running part that the service stops in the reverse order of starting, and
// that may report its health for `/readyz` and offer the HTTP layer what its routes adapt.

export interface PartHealth {
  /** false makes the node not ready (`/readyz` answers 503) */
  ok: boolean
  [detail: string]: unknown
}

export interface RunningPart {
  stop(): Promise<void> | void
  health?(): PartHealth | Promise<PartHealth>
}
