/**
 * A node's identity on the network: its party name and an Ed25519 key pair. The private key lives in a
 * PEM file readable only by the node's user (mode 0600: a key file its group or others may read is
 * refused); the public key goes into the network map as base64 SPKI DER. A node only reads its key
 * (`loadIdentity`); keys are created by `colloquy identity` (`loadOrCreateIdentity`, `rotateIdentity`).
 */
import { type KeyObject, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { chmodSync, closeSync, fstatSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { ColloquyError } from '../protocol/errors/colloquy-error.js'
import { KeyFileMissingError, KeyFilePermissionsError } from './key-file-errors.js'

export interface NodeIdentity {
  /** The party name, as listed in the network map. */
  readonly name: string
  readonly privateKey: KeyObject
  readonly publicKey: KeyObject
}

/** The node's key file cannot be read, created or used; the message says which file and what to do. */
export class IdentityError extends ColloquyError {
  override readonly name = 'IdentityError'
  readonly code = 'IDENTITY'
}

/** A fresh identity that exists only in memory (tests, benchmarks). */
export function generateIdentity(name: string): NodeIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  return { name, privateKey, publicKey }
}

/**
 * Reads the node's private key from `keyFile`. A missing file is refused (KEY_FILE_MISSING), never
 * replaced; so is a file its group or others may read or write (KEY_FILE_PERMISSIONS). `configFile`
 * names the node.json in the advice to run `colloquy identity`.
 */
export function loadIdentity(name: string, keyFile: string, configFile = '<node.json>'): NodeIdentity {
  const pem = readKeyFile(name, keyFile)
  if (pem === undefined) {
    throw new KeyFileMissingError(
      `The key file ${keyFile} of ${name} does not exist, and a node never creates its own key; run \`colloquy identity --config ${configFile}\` to create it, ` +
        'then publish the public key it prints in the network map of every peer (or restore the lost key file from a backup).',
    )
  }
  return identityFromPem(name, pem, keyFile)
}

/**
 * Reads the node's private key from `keyFile`, or creates one there (mode 0600, written to a temporary
 * file and linked into place, so a crash never leaves a half-written key). For `colloquy identity`.
 */
export function loadOrCreateIdentity(name: string, keyFile: string): NodeIdentity {
  let pem = readKeyFile(name, keyFile)
  if (pem === undefined) {
    const identity = generateIdentity(name)
    if (writeKeyFile(keyFile, pemOf(identity), 'link')) return identity
    pem = readKeyFile(name, keyFile)! // another process created it first: use that key
  }
  return identityFromPem(name, pem, keyFile)
}

/**
 * Replaces the key in `keyFile` with a new one and keeps the old key as `<keyFile>.old` (refused while an
 * earlier `.old` is still there). The running node keeps signing with the key it loaded until it restarts.
 */
export function rotateIdentity(name: string, keyFile: string, configFile = '<node.json>'): { readonly identity: NodeIdentity; readonly oldKeyFile: string } {
  const old = loadIdentity(name, keyFile, configFile)
  const oldKeyFile = `${keyFile}.old`
  const identity = generateIdentity(name)
  if (!writeKeyFile(oldKeyFile, pemOf(old), 'link')) {
    throw new IdentityError(
      `Cannot rotate the key of ${name}: ${oldKeyFile} still holds the key of an earlier rotation; once every peer's network map lists the current key, remove ${oldKeyFile} and rotate again.`,
    )
  }
  writeKeyFile(keyFile, pemOf(identity), 'rename')
  return { identity, oldKeyFile }
}

/** Parses a PEM private key; `source` names where it came from in errors. */
export function identityFromPem(name: string, pem: string, source = 'the given PEM text'): NodeIdentity {
  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' })
  } catch (error) {
    throw new IdentityError(
      `${source} does not hold a PEM private key (${(error as Error).message}); replace it with an Ed25519 key in PKCS#8 PEM, or remove it and create one with \`colloquy identity\`.`,
    )
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new IdentityError(
      `${source} holds a key of type ${privateKey.asymmetricKeyType ?? 'unknown'}, but nodes sign with Ed25519; create one with \`openssl genpkey -algorithm ed25519 -out ${source}\`, or remove the file and create one with \`colloquy identity\`.`,
    )
  }
  return { name, privateKey, publicKey: createPublicKey(privateKey) }
}

/** The public key as it is written in the network map: base64 of the SPKI DER encoding. */
export function publicKeyText(identity: Pick<NodeIdentity, 'publicKey'>): string {
  return identity.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')
}

function pemOf(identity: NodeIdentity): string {
  return identity.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
}

/** The key file's text; undefined when it does not exist. Refuses a file its group or others may use. */
function readKeyFile(name: string, keyFile: string): string | undefined {
  let fd: number
  try {
    fd = openSync(keyFile, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw unreadable(name, keyFile, error)
  }
  try {
    let pem: string
    try {
      pem = readFileSync(fd, 'utf8')
    } catch (error) {
      throw unreadable(name, keyFile, error)
    }
    // Checked on the open file, so the mode seen is that of the key read. Windows has no such mode bits.
    const mode = fstatSync(fd).mode & 0o777
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new KeyFilePermissionsError(
        `The key file ${keyFile} of ${name} has mode ${mode.toString(8).padStart(4, '0')}: its group or others may read or change it, and whoever reads it can sign as ${name}. ` +
          `Run \`chmod 600 ${keyFile}\` so only the node's user can read it (and rotate the key if someone else may have read it).`,
      )
    }
    return pem
  } finally {
    closeSync(fd)
  }
}

function unreadable(name: string, keyFile: string, error: unknown): IdentityError {
  const code = (error as NodeJS.ErrnoException).code
  return new IdentityError(
    `Cannot read the key file ${keyFile} of ${name} (${code ?? (error as Error).message}); check its permissions (the node's user must own it, mode 0600).`,
  )
}

/**
 * Writes the key under a temporary name (mode 0600, synced) and moves it into place: `link` fails when the
 * target exists (false: two processes creating at once keep one key), `rename` replaces it.
 */
function writeKeyFile(keyFile: string, pem: string, place: 'link' | 'rename'): boolean {
  const temp = join(dirname(keyFile), `.${basename(keyFile)}.${process.pid}.tmp`)
  try {
    const fd = openSync(temp, 'w', 0o600)
    try {
      writeSync(fd, pem)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    chmodSync(temp, 0o600) // openSync's mode is masked by the umask
    if (place === 'link') linkSync(temp, keyFile)
    else renameSync(temp, keyFile)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    throw new IdentityError(`Cannot create the key file ${keyFile} (${code ?? (error as Error).message}); make sure its directory exists and is writable.`)
  } finally {
    rmSync(temp, { force: true })
  }
}
