// A page's one live store: created when the page opens (or its key changes), started, disposed on leave.
import { useEffect, useMemo } from 'preact/hooks'

export function usePageStore<S extends { start(): Promise<void>; dispose(): void }>(
  make: () => S,
  key: string,
): S {
  const store = useMemo(make, [key])
  useEffect(() => {
    void store.start()
    return () => store.dispose()
  }, [store])
  return store
}
