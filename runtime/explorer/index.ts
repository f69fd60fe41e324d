/** The Explorer, the operators' web page of a node (runtime/explorer/explorer-server.ts). */
export { ExplorerServer, type ExplorerServerOptions } from './explorer-server.js'
export type { SessionLimits } from './explorer-sessions.js'
