/** The error base class every Colloquy error derives from, and the general-purpose kinds built on it. */
export { ColloquyError, isColloquyError, type ColloquyErrorOptions } from './colloquy-error.js'
export { InternalError } from './internal-error.js'
export { InvalidOptionError } from './invalid-option-error.js'
export { UsageError } from './usage-error.js'
