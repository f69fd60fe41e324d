/**
 * Logging in and out. The page posts the user name and password (JSON) to /api/login; the Explorer opens
 * an RPC client session for that user on the node (the node checks the password and throttles guesses)
 * and answers with the session cookie and the CSRF token. /api/session tells a reloaded page who is logged
 * in and its token; /api/logout closes the RPC client.
 */
import type { Hono } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { z } from 'zod'
import type { ExplorerEnv } from './explorer-env.js'
import { SESSION_COOKIE } from './explorer-env.js'
import type { ExplorerSession, ExplorerSessions } from './explorer-sessions.js'
import { failure, refusal } from './http-errors.js'

const LoginSchema = z.strictObject({ user: z.string().min(1).max(256), password: z.string().max(1024) })

export function sessionView(session: ExplorerSession) {
  return { user: session.user, node: session.node, csrf: session.csrf }
}

export function addLoginRoutes(app: Hono<ExplorerEnv>, sessions: ExplorerSessions, secure: boolean): void {
  app.post('/api/login', async (c) => {
    const parsed = LoginSchema.safeParse(await c.req.json().catch(() => undefined))
    if (!parsed.success) return refusal(c, 400, 'EXPLORER_REQUEST', 'Send { "user", "password" } as JSON to log in.')
    try {
      const previous = getCookie(c, SESSION_COOKIE)
      if (previous !== undefined) sessions.end(previous)
      const session = await sessions.login(parsed.data.user, parsed.data.password)
      setCookie(c, SESSION_COOKIE, session.id, { httpOnly: true, sameSite: 'Strict', path: '/', secure })
      return c.json(sessionView(session))
    } catch (error) {
      return failure(c, error)
    }
  })
  app.get('/api/session', (c) => c.json(sessionView(c.get('session'))))
  app.post('/api/logout', (c) => {
    sessions.end(c.get('session').id)
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure })
    return c.body(null, 204)
  })
}
