/**
 * A node's identity on the network: its party name and an Ed25519 key pair. The private key lives in a
 * PEM file readable only by the node's user; the public key goes into the network map as base64 SPKI DER.
 */
import { type KeyObject, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { chmodSync, closeSync, fsyncSync, linkSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { ColloquyError } from '../protocol/errors/colloquy-error.js'

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
 * Reads the node's private key from `keyFile`, or creates one there (mode 0600, written to a temporary
 * file and linked into place, so a crash never leaves a half-written key).
 */
export function loadOrCreateIdentity(name: string, keyFile: string): NodeIdentity {
  let pem: string
  try {
    pem = readFileSync(keyFile, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'ENOENT') {
      throw new IdentityError(
        `Cannot read the key file ${keyFile} of ${name} (${code ?? (error as Error).message}); check its permissions, or remove it to create a new key (peers must then get the new public key in their network map).`,
      )
    }
    const identity = generateIdentity(name)
    const created = writeKeyFile(keyFile, identity.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)
    if (created) return identity
    pem = readFileSync(keyFile, 'utf8') // another process created it first: use that key
  }
  return identityFromPem(name, pem, keyFile)
}

/** Parses a PEM private key; `source` names where it came from in errors. */
export function identityFromPem(name: string, pem: string, source = 'the given PEM text'): NodeIdentity {
  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' })
  } catch (error) {
    throw new IdentityError(
      `${source} does not hold a PEM private key (${(error as Error).message}); replace it with an Ed25519 key in PKCS#8 PEM, or remove it to let the node create one.`,
    )
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new IdentityError(
      `${source} holds a key of type ${privateKey.asymmetricKeyType ?? 'unknown'}, but nodes sign with Ed25519; create one with \`openssl genpkey -algorithm ed25519 -out ${source}\`, or remove the file to let the node create one.`,
    )
  }
  return { name, privateKey, publicKey: createPublicKey(privateKey) }
}

/** The public key as it is written in the network map: base64 of the SPKI DER encoding. */
export function publicKeyText(identity: Pick<NodeIdentity, 'publicKey'>): string {
  return identity.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')
}

/** Writes the key under a temporary name and links it into place; false when the file appeared meanwhile. */
function writeKeyFile(keyFile: string, pem: string): boolean {
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
    // link, unlike rename, fails when the target exists: two nodes starting at once keep one key.
    linkSync(temp, keyFile)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    throw new IdentityError(`Cannot create the key file ${keyFile} (${code ?? (error as Error).message}); make sure its directory exists and is writable.`)
  } finally {
    rmSync(temp, { force: true })
  }
}
