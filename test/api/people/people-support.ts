// Signing in and holding live sockets against the real API, as a browser or integration would.
import { io as ioClient, type Socket } from 'socket.io-client'
import type { Harness } from '../api-harness.ts'

export async function signIn(
  base: string,
  username: string,
  password: string,
  headers: Record<string, string> = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers and assert on them
): Promise<{ status: number; body: any; cookie?: string; setCookie?: string; headers: Headers }> {
  const res = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username, password }),
  })
  const setCookie = res.headers.getSetCookie()[0]
  return {
    status: res.status,
    body: await res.json(),
    setCookie,
    cookie: setCookie?.split(';')[0],
    headers: res.headers,
  }
}

/** A request with the session cookie instead of a token. */
export const asCookie =
  (h: Harness, cookie: string) =>
  (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    h.call(method, path, { token: null, body, headers: { cookie, ...headers } })

/** A live socket that resolves once connected, or rejects with the server's refusal. */
export function connectLive(
  base: string,
  opts: { token?: string; cookie?: string; origin?: string },
): Promise<Socket> {
  const headers: Record<string, string> = {}
  if (opts.cookie) headers.cookie = opts.cookie
  if (opts.origin) headers.origin = opts.origin
  const socket = ioClient(base, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    auth: opts.token === undefined ? {} : { token: opts.token },
    extraHeaders: headers,
  })
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket))
    socket.once('connect_error', (err: Error & { data?: { message?: string } }) => {
      socket.close()
      reject(new Error(err.data?.message ?? err.message))
    })
  })
}

/** Resolves with the reason when the server disconnects the socket. */
export const disconnected = (socket: Socket): Promise<string> =>
  new Promise((resolve) => socket.once('disconnect', (reason) => resolve(reason)))
