/**
 * The Explorer's HTTP application (Hono): the built page and its assets, and the JSON API under /api.
 * Every response carries a strict Content-Security-Policy (scripts and styles from the Explorer only, no
 * framing). Every /api request but the login needs the session cookie; every state-changing request also
 * needs the session's CSRF token in a header, JSON, and an Origin (when the browser sends one) equal to the
 * Explorer's own, so another site can neither read nor act with an operator's session.
 */
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import { getCookie } from 'hono/cookie'
import { CSRF_HEADER, type ExplorerEnv, SESSION_COOKIE } from './explorer-env.js'
import { ExplorerSessions } from './explorer-sessions.js'
import { addFlowRoutes } from './flow-routes.js'
import { addHospitalRoutes } from './hospital-routes.js'
import { refusal } from './http-errors.js'
import { addLiveRoutes } from './live-routes.js'
import { addLoginRoutes } from './login-routes.js'
import { addNetworkRoutes } from './network-routes.js'

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Mermaid writes style attributes and <style> elements into the diagrams it renders.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ')

export function explorerApp(
  sessions: ExplorerSessions,
  options: { readonly assets: string; readonly secure: boolean; readonly lockfile?: string | undefined },
): Hono<ExplorerEnv> {
  const app = new Hono<ExplorerEnv>()
  app.use('*', async (c, next) => {
    await next()
    c.header('content-security-policy', CONTENT_SECURITY_POLICY)
    c.header('x-content-type-options', 'nosniff')
    c.header('referrer-policy', 'no-referrer')
    c.header('x-frame-options', 'DENY')
    if (c.req.path.startsWith('/api/')) c.header('cache-control', 'no-store')
  })
  app.use('/api/*', async (c, next) => {
    const changes = c.req.method !== 'GET' && c.req.method !== 'HEAD'
    if (changes) {
      const origin = c.req.header('origin')
      if (origin !== undefined && origin !== new URL(c.req.url).origin)
        return refusal(c, 403, 'EXPLORER_ORIGIN', `A request from ${origin} may not act on this Explorer; use the Explorer's own page.`)
      if (!(c.req.header('content-type') ?? '').startsWith('application/json'))
        return refusal(c, 400, 'EXPLORER_REQUEST', 'State-changing requests carry JSON (content-type application/json).')
    }
    if (c.req.path === '/api/login') return next()
    const session = sessions.find(getCookie(c, SESSION_COOKIE))
    if (!session) return refusal(c, 401, 'EXPLORER_SESSION', 'Not logged in, or the session expired; log in with a user of the node.')
    if (changes && !ExplorerSessions.csrfMatches(session, c.req.header(CSRF_HEADER)))
      return refusal(c, 403, 'EXPLORER_CSRF', `The request lacks this session's CSRF token (${CSRF_HEADER}); reload the page and try again.`)
    c.set('session', session)
    return next()
  })
  addLoginRoutes(app, sessions, options.secure)
  addFlowRoutes(app, sessions.history)
  addLiveRoutes(app)
  addNetworkRoutes(app, sessions.history, options.lockfile)
  addHospitalRoutes(app)
  app.all('/api/*', (c) => refusal(c, 404, 'EXPLORER_NOT_FOUND', `There is no ${c.req.method} ${c.req.path} in the Explorer's API.`))
  app.use('/assets/*', serveStatic({ root: options.assets }))
  // Every other path is the page: it routes by its hash.
  app.get('*', serveStatic({ root: options.assets, rewriteRequestPath: () => '/index.html' }))
  return app
}
