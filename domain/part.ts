// The one shape of every long-running part (broker, spool, ingest, alerts, notify, commands, API):
// `start(deps)` gives back a running part that the service stops in the reverse order of starting, and
// that may report its health for `/readyz` and offer the HTTP layer what its routes adapt.

export interface PartHealth {
  /** false makes the node not ready (`/readyz` answers 503) */
  ok: boolean
  /**
   * What is wrong, one entry per problem, in words an operator can act on; each fires an operator alert
   * (`key` names it from one check to the next). A part not ok without problems fires one under its name.
   */
  problems?: { key: string; summary: string }[]
  [detail: string]: unknown
}

export interface RunningPart {
  stop(): Promise<void> | void
  health?(): PartHealth | Promise<PartHealth>
}
