// The shell's device names (stores/device-names.ts) for any component that says where an alert is.
import { createContext } from 'preact'
import { useContext } from 'preact/hooks'

export interface DeviceNames {
  /** the device's name, or undefined: not known (yet), none given, or not listed (decommissioned) */
  nameOf(id: string): string | undefined
}

/** outside a shell (a page rendered on its own): ids */
export const DeviceNamesContext = createContext<DeviceNames>({ nameOf: () => undefined })

export const useDeviceNames = (): DeviceNames => useContext(DeviceNamesContext)
