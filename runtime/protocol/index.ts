/**
 * `colloquy/protocol`: what protocol files and generated code import: the DSL, the IR and the typed
 * session states. Pure TypeScript: importing it loads no native module and no generator code.
 */
export * from './dsl/index.js'
export * from './ir/index.js'
export * from './session/index.js'
export * from './errors/index.js'
