export { protocolIR, protocolHash, type ProtocolIR, type IRStep, type JsonSchema } from './protocol-ir.js'
export { buildStateTable, stepNumber, type StateTable, type StateEntry } from './state-table.js'
export { canonicalJson } from './canonical-json.js'
