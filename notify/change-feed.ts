// The hand-off from the alert engine to the notifier, made durable: the notifier plans the alerts' history
// (alert_transitions) in seq order and stores "planned up to seq N" (notify_cursor) in the same
// transaction as the plan. Every committed change is planned exactly once: a change announced on the bus
// to a process that died before planning it, or refused by a locked alerts.db, is still after the cursor
// at the next try; one already planned is before it. The bus only says when to look.
import type { Logger } from 'pino'
import type { AlertsDb, TransitionFeed } from '../alerts/index.ts'
import type { Alert } from '../domain/alerts.ts'
import type { AlertChange } from '../domain/bus.ts'

/** transitions planned per transaction: a page of raises costs ~15 ms of the event loop */
export const PLAN_PAGE = 250
/** pages planned before giving the event loop back (measured: ~53 µs of CPU a raise, so ~30 ms a slice);
 * a long outage's backlog continues right after */
export const PLAN_PAGES_PER_SLICE = 2

export interface ChangeFeedDeps {
  db: AlertsDb
  feed: TransitionFeed
  /** plans one change (notify-planner.ts onChange); inside the page's transaction */
  plan(change: AlertChange): void
  /** the latest text of a tracked alert (count, last value) for its next repeat */
  refreshSnapshot(alert: Alert): void
  log: Logger
  now: () => number
}

export type SliceResult = 'idle' | 'more' | 'refused'

/**
 * The database refused for a reason of its own (locked, disk full, I/O): the page is tried again whole
 * later. Anything else (a constraint, a bug) would fail the same way at every try.
 */
const refusedByDatabase = (err: unknown) =>
  /^SQLITE_(BUSY|LOCKED|FULL|IOERR|NOMEM|READONLY|CANTOPEN|INTERRUPT|PROTOCOL)/.test(
    String((err as { code?: unknown })?.code ?? ''),
  )

export function createChangeFeed(deps: ChangeFeedDeps) {
  const { db, feed, log } = deps
  const q = {
    get: db.prepare('SELECT seq FROM notify_cursor WHERE id = 1'),
    create: db.prepare('INSERT OR IGNORE INTO notify_cursor (id, seq, updated_at) VALUES (1, ?, ?)'),
    put: db.prepare('UPDATE notify_cursor SET seq = ?, updated_at = ? WHERE id = 1'),
  }
  const cursor = () => (q.get.get() as { seq: number } | undefined)?.seq

  // First start on a database from before the cursor: its history was notified (or not) by the old
  // notifier; paging crews now for every alert of the past would be noise, so the cursor starts at the end.
  db.transaction(() => {
    if (cursor() !== undefined) return
    const seq = feed.lastSeq()
    q.create.run(seq, deps.now())
    if (seq > 0)
      log.info(
        { seq },
        'notification cursor created at the end of the alert history: earlier changes not notified',
      )
  }).immediate()

  /** One page in one transaction: its changes planned and the cursor moved past them. */
  const page = (): number => {
    return db
      .transaction(() => {
        const from = cursor() ?? 0
        const { changes, lastSeq, unreadable } = feed.after(from, PLAN_PAGE)
        // skipped so that one bad row cannot hold every later change back, but never silently
        for (const u of unreadable)
          log.error({ seq: u.seq, err: u.error }, 'alert change unreadable: no notification planned for it')
        // a repeat only refreshes the text of the next page to the crew: once per alert, after the rest
        const snapshots = new Map<string, Alert>()
        for (const { seq, change } of changes) {
          const kind = change.transition.kind
          switch (kind) {
            case 'repeated':
              snapshots.set(change.alert.id, change.alert)
              continue
            case 'command':
            case 'notified':
              // steps in the history, not changes of the alert: nothing to tell
              continue
            case 'raised':
            case 'severity_changed':
            case 'acknowledged':
            case 'cleared':
              break
            default: {
              const never: never = kind
              throw new Error(`unknown transition kind ${String(never)}`)
            }
          }
          // a newer state is written now; an older snapshot must not overwrite it after
          snapshots.delete(change.alert.id)
          try {
            db.transaction(() => deps.plan(change))()
          } catch (err) {
            if (refusedByDatabase(err)) throw err
            // a change the planner cannot handle must not hold every later page back for good
            log.error(
              { err: (err as Error).message, seq, alertId: change.alert.id, kind },
              'alert change could not be planned: skipped',
            )
          }
        }
        for (const alert of snapshots.values()) deps.refreshSnapshot(alert)
        if (lastSeq > from) q.put.run(lastSeq, deps.now())
        return lastSeq - from
      })
      .immediate()
  }

  return {
    /** alert changes committed and not planned yet */
    backlog: () => Math.max(0, feed.lastSeq() - (cursor() ?? 0)),
    /**
     * Plans up to PLAN_PAGES_PER_SLICE pages. `more`: a page was full, call again soon; `refused`:
     * alerts.db refused (logged), the same changes are tried at the next call.
     */
    slice(): SliceResult {
      try {
        for (let i = 0; i < PLAN_PAGES_PER_SLICE; i++) {
          // read only: no write lock taken while there is nothing new (every tick, every bus event)
          if (feed.lastSeq() <= (cursor() ?? 0)) return 'idle'
          if (page() < PLAN_PAGE) return 'idle'
        }
        return 'more'
      } catch (err) {
        log.warn(
          { err: (err as Error).message },
          'alert changes not planned yet (alerts.db refused): tried again at the next tick',
        )
        return 'refused'
      }
    },
  }
}

export type ChangeFeed = ReturnType<typeof createChangeFeed>
