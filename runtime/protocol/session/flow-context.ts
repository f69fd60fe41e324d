/**
 * What a flow can do besides talking on its sessions: the flow context, its logger and the flow
 * definition. They are declared in channel.ts, next to the session channel they refer to and that refers
 * back to them (one module, so the two halves of the contract do not import each other).
 */
export type { FlowContext, FlowDefinition, FlowLogger } from './channel.js'
