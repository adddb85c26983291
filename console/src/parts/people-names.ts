// The shell's people names (stores/people-names.ts) for any component that says who acted.
import { createContext } from 'preact'
import { useContext } from 'preact/hooks'
import type { PeopleNames } from './actor.ts'

/** outside a shell (a page rendered on its own): usernames as recorded */
export const PeopleNamesContext = createContext<PeopleNames>({ displayNameOf: () => undefined })

export const usePeopleNames = (): PeopleNames => useContext(PeopleNamesContext)
