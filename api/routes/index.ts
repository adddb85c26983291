// Every /api/v1 route plugin, registered in this one place behind the same authentication. The core
// routes (admin, people, sessions, tokens, sites, devices, device data) always; a part's routes when the
// node runs that part and hands the API what they adapt.
import type { FastifyInstance } from 'fastify'
import type { CommandService } from '../../commands/index.ts'
import type { NotifyStores } from '../../notify/index.ts'
import type { RouteContext } from '../context.ts'
import { adminRoutes } from './admin.ts'
import { type AlertActions, alertRoutes } from './alerts.ts'
import { commandRecord, commandRoutes } from './commands.ts'
import { deviceDataRoutes } from './device-data.ts'
import { deviceRoutes } from './devices.ts'
import { notifyRoutes } from './notify/notify-routes.ts'
import type { PeopleDeps } from './people-deps.ts'
import { peopleNameRoutes } from './people-names.ts'
import { reportRoutes } from './reports.ts'
import { sessionRoutes } from './session.ts'
import { siteRoutes } from './sites.ts'
import { strayWireLearnedRoutes } from './stray-wire-learned.ts'
import { tokenRoutes } from './tokens.ts'
import { userRoutes } from './users.ts'

/** What the node's parts offer the HTTP layer; a part left out has no routes. */
export interface PartRoutes {
  /** the alert engine (or its stand-in on the main thread) */
  alerts?: AlertActions
  commands?: CommandService
  notify?: NotifyStores
}

export async function registerV1Routes(
  v1: FastifyInstance,
  ctx: RouteContext,
  people: PeopleDeps,
  parts: PartRoutes,
) {
  await v1.register(adminRoutes, { ctx })
  await v1.register(sessionRoutes, { ctx, people })
  await v1.register(userRoutes, { ctx, people })
  await v1.register(peopleNameRoutes, { ctx })
  await v1.register(tokenRoutes, { ctx, people })
  await v1.register(siteRoutes, { ctx })
  await v1.register(deviceRoutes, { ctx })
  await v1.register(deviceDataRoutes, { ctx })
  const { alerts, commands, notify } = parts
  if (commands) await v1.register(commandRoutes, { ctx, commands })
  if (notify) await v1.register(notifyRoutes, { ctx, notify, alerts: alerts?.store })
  if (alerts) {
    await v1.register(alertRoutes, {
      ctx,
      engine: alerts,
      commandsForAlert: commands && ((id) => commands.listCommandsForAlert(id).map(commandRecord)),
    })
    await v1.register(strayWireLearnedRoutes, { ctx, engine: alerts })
  }
  await v1.register(reportRoutes, { ctx, alerts: alerts?.store })
}
