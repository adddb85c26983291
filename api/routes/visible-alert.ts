// An alert as a principal may see it: another tenant's alert answers 404 like an unknown id, never 403
// (api/auth.ts), on every route that names an alert (its detail, ack, clear, its notifications).
import type { AlertStore, StoredAlert } from '../../alerts/index.ts'
import { CourtyardError } from '../../domain/errors.ts'
import type { Principal } from '../auth.ts'

export function visibleAlert(store: Pick<AlertStore, 'get'>, p: Principal, id: string): StoredAlert {
  const a = store.get(id)
  if (!a || (p.tenantId !== null && a.tenantId !== p.tenantId))
    throw new CourtyardError('NOT_FOUND', `alert ${id} does not exist`)
  return a
}
