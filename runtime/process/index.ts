export { nodeApp, loadNodeApp, NodeAppError, type NodeApp } from './node-app.js'
export { readNodeConfig, NodeConfigError, type NodeConfig, type StartRequest } from './node-config.js'
export { startNodeProcess, type RunningNode } from './node-process.js'
export type { NodeEvent, EventSink } from './node-events.js'
