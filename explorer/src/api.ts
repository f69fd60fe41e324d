/**
 * The page's calls to the Explorer's API: JSON in and out, the session cookie sent by the browser, the
 * CSRF token in a header on every state-changing call. A failed call throws ApiError with the server's
 * code and message (for a missing permission, the node's words and the permission to grant).
 */

export interface SessionInfo {
  readonly user: string
  readonly node: string
  readonly csrf: string
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly permission?: string,
  ) {
    super(message)
  }
}

let csrf = ''

export function useSession(session: SessionInfo | null): void {
  csrf = session?.csrf ?? ''
}

async function call<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: method === 'POST' ? { 'content-type': 'application/json', 'x-csrf-token': csrf } : {},
    ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
  })
  if (response.status === 204) return undefined as T
  const data = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string; permission?: string } }
  if (!response.ok) throw new ApiError(response.status, data.error?.code ?? 'HTTP', data.error?.message ?? `HTTP ${response.status}`, data.error?.permission)
  return data as T
}

export const get = <T>(url: string) => call<T>('GET', url)
export const post = <T>(url: string, body?: unknown) => call<T>('POST', url, body)

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
