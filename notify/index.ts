// Notifications to crews: what the service wires (service/service.ts) and the API registers (api/app.ts).

export { notifyRoutes } from '../api/routes/notify/notify-routes.ts'
export { createNotifyConfigStore, type NotifyConfigStore } from './config-store.ts'
export { migrateNotifyTables } from './migrate.ts'
export { createNotifier, DEFAULT_GROUP_WINDOW_MS, type Notifier, type NotifierDeps } from './notifier.ts'
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './routing.ts'
export type { FetchLike, MailTransport } from './senders.ts'
export * from './types.ts'
