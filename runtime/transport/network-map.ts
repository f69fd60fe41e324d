/**
 * The network map: every party's name, TCP address and Ed25519 public key. A node accepts connections
 * only from parties listed here and checks every frame against the listed key.
 *
 *   { "parties": [{ "name": "Alice", "address": "127.0.0.1:7001", "publicKey": "<base64 SPKI DER>" }] }
 */
import { type KeyObject, createPublicKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import type { PartyRoster } from '../network/network.js'
import { ColloquyError } from '../protocol/errors/colloquy-error.js'
import { PARTY_NAME_RULE, partyNameProblem } from '../protocol/party-name.js'

export interface PartyEntry {
  readonly name: string
  /** As written in the map: host:port. */
  readonly address: string
  readonly host: string
  readonly port: number
  /** Base64 SPKI DER, as written in the map. */
  readonly publicKey: string
  readonly key: KeyObject
}

/** The network map cannot be read, is malformed, or does not list this node as its key file says. */
export class NetworkMapError extends ColloquyError {
  override readonly name = 'NetworkMapError'
  readonly code = 'NETWORK_MAP'
}

const partySchema = z.object({
  name: z.string().min(1, 'must be a non-empty party name'),
  address: z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7001 or [::1]:7001'),
  publicKey: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64 (the SPKI DER of an Ed25519 public key)'),
})
const mapSchema = z.object({ parties: z.array(partySchema) })

export class NetworkMap {
  readonly parties: readonly PartyEntry[]
  private readonly byName: ReadonlyMap<string, PartyEntry>

  constructor(
    parties: readonly PartyEntry[],
    /** The file the map was read from (`loadNetworkMap`), named in errors; undefined for a map given as data. */
    readonly file?: string,
  ) {
    this.parties = parties
    this.byName = new Map(parties.map((p) => [p.name, p]))
  }

  party(name: string): PartyEntry | undefined {
    return this.byName.get(name)
  }

  /** The parties as a network answers `roster()` with: sorted, and the map file they come from. */
  roster(): PartyRoster {
    return {
      parties: this.parties.map((p) => p.name).sort(),
      source: this.file === undefined ? 'the network map' : `the network map ${this.file}`,
      remedy: 'add the party to the network map',
    }
  }

  /** The JSON text of this map, as `loadNetworkMap` reads it. */
  toJSON(): { parties: { name: string; address: string; publicKey: string }[] } {
    return { parties: this.parties.map(({ name, address, publicKey }) => ({ name, address, publicKey })) }
  }
}

/** Reads and checks a network map file. */
export function loadNetworkMap(file: string): NetworkMap {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new NetworkMapError(
      `Cannot read the network map ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check the path given to the node.`,
    )
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new NetworkMapError(`The network map ${file} is not valid JSON (${(error as Error).message}); fix the syntax.`)
  }
  return new NetworkMap(parseNetworkMap(json, file).parties, file)
}

/** Checks a map given as data; `source` names it in errors (a file path, or a description). */
export function parseNetworkMap(json: unknown, source = 'the network map'): NetworkMap {
  const parsed = mapSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const [top, index, field] = issue.path
    const where =
      top === 'parties' && typeof index === 'number'
        ? `party #${index}${field !== undefined ? ` field '${String(field)}'` : ''}`
        : issue.path.length > 0
          ? `'${issue.path.join('.')}'`
          : 'the top level'
    throw new NetworkMapError(
      `${source}: ${where} ${issue.message}. Expected { "parties": [{ "name": "...", "address": "host:port", "publicKey": "<base64 SPKI DER>" }] }.`,
    )
  }
  const names = new Map<string, number>()
  const keys = new Map<string, number>()
  const parties = parsed.data.parties.map((entry, index): PartyEntry => {
    const problem = partyNameProblem(entry.name)
    if (problem !== undefined)
      throw new NetworkMapError(`${source}: party #${index} field 'name' ${JSON.stringify(entry.name)} ${problem}; ${PARTY_NAME_RULE}. Rename the party.`)
    const at = `${source}: party #${index} ('${entry.name}')`
    const sameName = names.get(entry.name)
    if (sameName !== undefined) throw new NetworkMapError(`${at} has the same name as party #${sameName}; party names must be unique, remove or rename one.`)
    names.set(entry.name, index)
    const key = publicKeyFrom(entry.publicKey, at)
    const canonical = key.export({ type: 'spki', format: 'der' }).toString('base64')
    const sameKey = keys.get(canonical)
    if (sameKey !== undefined) throw new NetworkMapError(`${at} field 'publicKey' is also the key of party #${sameKey}; each party needs its own key pair.`)
    keys.set(canonical, index)
    const split = entry.address.lastIndexOf(':')
    const host = entry.address.slice(0, split).replace(/^\[(.*)\]$/, '$1')
    const port = Number(entry.address.slice(split + 1))
    if (port < 1 || port > 65535) throw new NetworkMapError(`${at} field 'address' has port ${port}; use a port from 1 to 65535.`)
    return { name: entry.name, address: entry.address, host, port, publicKey: entry.publicKey, key }
  })
  return new NetworkMap(parties)
}

function publicKeyFrom(text: string, at: string): KeyObject {
  let key: KeyObject
  try {
    key = createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' })
  } catch (error) {
    throw new NetworkMapError(
      `${at} field 'publicKey' is not an SPKI DER public key (${(error as Error).message}); copy the base64 key the party's node prints.`,
    )
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new NetworkMapError(
      `${at} field 'publicKey' is a key of type ${key.asymmetricKeyType ?? 'unknown'}; nodes sign with Ed25519, copy the key the party's node prints.`,
    )
  }
  return key
}
