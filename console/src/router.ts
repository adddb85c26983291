// Client routes (History API). The server answers the same paths with index.html
// (api/console-assets.ts CLIENT_ROUTES): keep the two lists in step.
import { signal } from '@preact/signals'

export type Route =
  | { name: 'estate' }
  | { name: 'alerts' }
  | { name: 'alert'; id: string }
  | { name: 'site'; id: string }
  | { name: 'device'; id: string }
  | { name: 'reports' }
  | { name: 'not-found' }

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent)
  const [head, id, ...rest] = parts
  if (!head) return { name: 'estate' }
  if (rest.length) return { name: 'not-found' }
  if (head === 'alerts') return id ? { name: 'alert', id } : { name: 'alerts' }
  if (head === 'sites' && id) return { name: 'site', id }
  if (head === 'devices' && id) return { name: 'device', id }
  if (head === 'reports' && !id) return { name: 'reports' }
  return { name: 'not-found' }
}

export const location$ = signal({ pathname: location.pathname, search: location.search })
addEventListener('popstate', () => {
  location$.value = { pathname: location.pathname, search: location.search }
})

/** Navigates inside the console, keeping `lang` and `kiosk` from the current query. */
export function navigate(path: string): void {
  const keep = new URLSearchParams()
  const cur = new URLSearchParams(location.search)
  for (const k of ['kiosk']) {
    const v = cur.get(k)
    if (v) keep.set(k, v)
  }
  const qs = keep.toString()
  history.pushState(null, '', qs ? `${path}?${qs}` : path)
  location$.value = { pathname: location.pathname, search: location.search }
  scrollTo(0, 0)
}

/** Props for an <a> that navigates without a reload but stays a real link (new tab, copy). */
export function linkTo(path: string) {
  return {
    href: path,
    onClick: (e: MouseEvent) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
      e.preventDefault()
      navigate(path)
    },
  }
}
