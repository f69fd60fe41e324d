/**
 * The Explorer's logins: each browser session holds its own RPC client, opened with the user's name and
 * password on the node's RPC endpoint, so every action runs as that user with that user's permissions.
 * A session is known by a random id (the HttpOnly cookie) and carries a CSRF token the page sends on every
 * state-changing request. Sessions idle longer than `idleMs` are closed, as are the oldest beyond `max`.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { RpcClient } from '../rpc/client/rpc-client-api.js'
import { RunHistory } from './run-history.js'
import { SessionFeed } from './session-feed.js'

export interface ExplorerSession {
  readonly id: string
  readonly user: string
  readonly node: string
  readonly csrf: string
  readonly client: RpcClient
  /** The user's state-machines feed, shared by the page's live views. */
  readonly feed: SessionFeed
  lastSeen: number
}

export interface SessionLimits {
  /** Close a session after this long without a request (default 30 minutes). */
  readonly idleMs?: number
  /** At most this many sessions at once; a new login closes the least recently used (default 64). */
  readonly max?: number
}

export type Connector = (user: string, password: string) => Promise<RpcClient>

export class ExplorerSessions {
  private readonly sessions = new Map<string, ExplorerSession>()
  private readonly idleMs: number
  private readonly max: number
  private readonly sweeper: NodeJS.Timeout

  constructor(
    private readonly connect: Connector,
    /** The session actions seen on any session's feed, for the flow page's sequence diagram. */
    readonly history: RunHistory = new RunHistory(),
    limits: SessionLimits = {},
  ) {
    this.idleMs = limits.idleMs ?? 30 * 60_000
    this.max = limits.max ?? 64
    this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, this.idleMs)).unref()
  }

  /** Logs in on the node; rejects with the RPC client's error (RpcAuthenticationError, RpcThrottledError, RpcConnectionError). */
  async login(user: string, password: string): Promise<ExplorerSession> {
    const client = await this.connect(user, password)
    const session: ExplorerSession = {
      id: randomBytes(32).toString('base64url'),
      user,
      node: client.node,
      csrf: randomBytes(32).toString('base64url'),
      client,
      feed: new SessionFeed(client, this.history),
      lastSeen: Date.now(),
    }
    this.sessions.set(session.id, session)
    // A client that gave up reconnecting (the node stayed away) ends its session: the user logs in again.
    client.onConnectionChange((state) => {
      if (state === 'closed') this.end(session.id)
    })
    while (this.sessions.size > this.max) this.end([...this.sessions.values()].sort((a, b) => a.lastSeen - b.lastSeen)[0]!.id)
    return session
  }

  /** The live session with this id (and marks it used), or undefined. */
  find(id: string | undefined): ExplorerSession | undefined {
    if (id === undefined) return undefined
    const session = this.sessions.get(id)
    if (!session) return undefined
    if (Date.now() - session.lastSeen > this.idleMs) {
      this.end(id)
      return undefined
    }
    session.lastSeen = Date.now()
    return session
  }

  /** True when `token` is the session's CSRF token (compared in constant time). */
  static csrfMatches(session: ExplorerSession, token: string | undefined): boolean {
    if (token === undefined) return false
    const given = Buffer.from(token)
    const expected = Buffer.from(session.csrf)
    return given.length === expected.length && timingSafeEqual(given, expected)
  }

  end(id: string): void {
    const session = this.sessions.get(id)
    if (!session) return
    this.sessions.delete(id)
    session.feed.close()
    session.client.close()
  }

  closeAll(): void {
    clearInterval(this.sweeper)
    for (const id of [...this.sessions.keys()]) this.end(id)
  }

  private sweep(): void {
    const now = Date.now()
    for (const session of [...this.sessions.values()]) if (now - session.lastSeen > this.idleMs) this.end(session.id)
  }
}
