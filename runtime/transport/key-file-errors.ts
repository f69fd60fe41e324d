/**
 * The two ways a configured key file is refused before its key is used: it is missing (a node never makes
 * its own key: only `colloquy identity` does, so a lost key is never silently replaced by one no peer
 * knows), or others on the machine may read or change it (anyone who can read it can sign as the node).
 */
import { ColloquyError } from '../protocol/errors/colloquy-error.js'

/** The key file is readable or writable by its group or by others; the message names the chmod that fixes it. */
export class KeyFilePermissionsError extends ColloquyError {
  override readonly name = 'KeyFilePermissionsError'
  readonly code = 'KEY_FILE_PERMISSIONS'
}

/** The configured key file does not exist; the message says how to create it and that its public key must be published. */
export class KeyFileMissingError extends ColloquyError {
  override readonly name = 'KeyFileMissingError'
  readonly code = 'KEY_FILE_MISSING'
}
