/**
 * The code a node process runs: its flows, its responders and the protocols it declares. An app module
 * default-exports `nodeApp({...})`; the node config names the module.
 */
import { pathToFileURL } from 'node:url'
import type { DeclaredProtocol } from '../engine/declared-versions.js'
import type { Flow } from '../engine/flow.js'
import { ColloquyError } from '../protocol/errors/colloquy-error.js'
import type { ResponderRegistration } from '../protocol/session/protocol-family.js'

export interface NodeApp {
  /** Flows this node can start (by name, e.g. from the config's `start` list) and resume. */
  readonly flows: readonly Flow[]
  /** Responders answering sessions other nodes initiate. */
  readonly responders: readonly ResponderRegistration[]
  /** The protocols its flows initiate (generated objects, e.g. `[TwoPartyTrade]`), so the node can refuse a build that dropped a version flows in flight use. */
  readonly protocols?: readonly DeclaredProtocol[]
}

/** Declares a node app; gives the module's default export its type. */
export function nodeApp(app: {
  readonly flows?: readonly Flow[]
  readonly responders?: readonly ResponderRegistration[]
  readonly protocols?: readonly DeclaredProtocol[]
}): NodeApp {
  return Object.freeze({ flows: app.flows ?? [], responders: app.responders ?? [], ...(app.protocols ? { protocols: app.protocols } : {}) })
}

/** The node's app module failed to load, or does not default-export a `nodeApp({...})`. */
export class NodeAppError extends ColloquyError {
  override readonly name = 'NodeAppError'
  readonly code = 'NODE_APP'
}

export async function loadNodeApp(modulePath: string): Promise<NodeApp> {
  let loaded: { default?: unknown }
  try {
    loaded = (await import(pathToFileURL(modulePath).href)) as { default?: unknown }
  } catch (error) {
    throw new NodeAppError(`${modulePath}: the node app failed to load: ${(error as Error)?.stack ?? String(error)}`, { cause: error })
  }
  const app = loaded.default as Partial<NodeApp> | undefined
  if (!app || !Array.isArray(app.flows) || !Array.isArray(app.responders)) {
    throw new NodeAppError(
      `${modulePath}:1:1: the node app has no default export made by nodeApp({ flows, responders }); add \`export default nodeApp({ ... })\`.`,
      {
        location: { file: modulePath, line: 1, column: 1 },
      },
    )
  }
  return app as NodeApp
}
