/** The Hono environment of the Explorer's routes: the logged-in session, set by the session guard (explorer-app.ts). */
import type { ExplorerSession } from './explorer-sessions.js'

export interface ExplorerEnv {
  Variables: { session: ExplorerSession }
}

/** The session cookie's name: HttpOnly, SameSite=Strict, Path=/, Secure over HTTPS. */
export const SESSION_COOKIE = 'colloquy_explorer'

/** The header a state-changing request carries the session's CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token'
