/** The public API of colloquy: the protocol DSL, the IR, and the runtime pieces generated code uses. */
export * from './protocol/index.js'
export * from './engine/index.js'
export { createNode } from './create-node.js'
export * from './store/index.js'
export * from './network/index.js'
export * from './transport/index.js'
export * from './process/index.js'
export * from './rpc/index.js'
