/**
 * How the Explorer answers a failure: an HTTP status from the error's code (a refused login 401, a missing
 * permission 403, a throttled address 429, a node out of reach 502, an unknown flow 404, anything the node
 * refused as invalid 400) and `{ error: { code, name, message, permission? } }`, the message as the node
 * wrote it, so the page shows what to do next.
 */
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

const statusByCode: Readonly<Record<string, ContentfulStatusCode>> = {
  RPC_AUTHENTICATION: 401,
  RPC_PERMISSION: 403,
  RPC_THROTTLED: 429,
  RPC_CONNECTION: 502,
  FLOW_NOT_FOUND: 404,
}

export interface ErrorBody {
  readonly error: { readonly code: string; readonly name: string; readonly message: string; readonly permission?: string }
}

export function errorBody(error: unknown): ErrorBody {
  const e = error as { code?: unknown; name?: unknown; message?: unknown; permission?: unknown }
  return {
    error: {
      code: typeof e?.code === 'string' ? e.code : 'INTERNAL',
      name: typeof e?.name === 'string' ? e.name : 'Error',
      message: typeof e?.message === 'string' ? e.message : String(error),
      ...(typeof e?.permission === 'string' ? { permission: e.permission } : {}),
    },
  }
}

export function statusOf(error: unknown): ContentfulStatusCode {
  const code = (error as { code?: unknown })?.code
  if (typeof code !== 'string') return 500
  return statusByCode[code] ?? 400
}

/** Answers `error` as JSON with its status. */
export function failure(c: Context, error: unknown): Response {
  return c.json(errorBody(error), statusOf(error))
}

/** A refusal of the Explorer's own (no session, bad CSRF token, foreign origin). */
export function refusal(c: Context, status: 400 | 401 | 403 | 404, code: string, message: string): Response {
  return c.json({ error: { code, name: 'ExplorerRequestError', message } } satisfies ErrorBody, status)
}
