// Public face of protective commands (issue 3, item 7), for the integrator (service/service.ts, api/app.ts)
// and the alert engine's `GET /alerts/{id}`.

export { CommandRecord, commandRecord, commandRoutes } from '../api/routes/commands.ts'
export {
  COMMAND_RESULTS,
  type CommandAuditRow,
  type CommandOutcome,
  migrateCommandTables,
} from './command-audit.ts'
export {
  ACK_FILTER,
  COMMAND_TIMEOUT_MS,
  type CommandService,
  createCommandService,
  type SentCommand,
} from './command-service.ts'
export { createProtectiveActions, type ProtectiveActions } from './protective-actions.ts'
export { validateCommand } from './validate-command.ts'
