// The broker part of a node: aedes on its listeners, in the shape every part has.
import type { PartHealth, RunningPart } from '../domain/part.ts'
import { type BrokerDeps, createBroker } from './broker.ts'
import type { BrokerHandle } from './types.ts'

export interface BrokerPart extends BrokerHandle, RunningPart {
  health(): PartHealth
}

export async function startBroker(deps: BrokerDeps): Promise<BrokerPart> {
  const broker = await createBroker(deps)
  return {
    get ports() {
      return broker.ports
    },
    listen: broker.listen,
    listening: broker.listening,
    aedes: broker.aedes,
    connectedDevices: broker.connectedDevices,
    isConnected: broker.isConnected,
    connectInternal: broker.connectInternal,
    close: broker.close,
    // not ready until devices can connect
    health: () => ({
      ok: broker.listening(),
      listening: broker.listening(),
      connectedDevices: broker.connectedDevices(),
    }),
    stop: () => broker.close(),
  }
}
