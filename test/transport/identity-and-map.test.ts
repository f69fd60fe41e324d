/** Key files and network map files: created, read back, and refused with errors that say what to fix. */
import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  IdentityError,
  NetworkMapError,
  generateIdentity,
  loadNetworkMap,
  loadOrCreateIdentity,
  parseNetworkMap,
  publicKeyText,
} from '../../runtime/transport/index.js'

let dir: string
afterEach(() => rmSync(dir, { recursive: true, force: true }))
const temp = () => (dir = mkdtempSync(join(tmpdir(), 'colloquy-keys-')))

describe('loadOrCreateIdentity', () => {
  it('creates a 0600 PEM key once and reads the same key back', () => {
    const file = join(temp(), 'alice.key')
    const created = loadOrCreateIdentity('Alice', file)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/)
    expect(readdirSync(dir)).toEqual(['alice.key']) // no temporary file left behind
    const again = loadOrCreateIdentity('Alice', file)
    expect(again.name).toBe('Alice')
    expect(publicKeyText(again)).toBe(publicKeyText(created))
    expect(Buffer.from(publicKeyText(again), 'base64')).toHaveLength(44) // SPKI DER of an Ed25519 key
  })

  it('refuses a key file that is not an Ed25519 private key, naming the file and what to do', () => {
    const file = join(temp(), 'bob.key')
    writeFileSync(file, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
    expect(() => loadOrCreateIdentity('Bob', file)).toThrow(IdentityError)
    expect(() => loadOrCreateIdentity('Bob', file)).toThrow(
      `${file} holds a key of type ec, but nodes sign with Ed25519; create one with \`openssl genpkey -algorithm ed25519`,
    )
    writeFileSync(file, 'not a key\n')
    expect(() => loadOrCreateIdentity('Bob', file)).toThrow(
      new RegExp(`${file} does not hold a PEM private key .*remove it and create one with \`colloquy identity\``),
    )
  })

  it('refuses an unreadable key file and a missing directory', () => {
    const path = join(temp(), 'a-directory.key')
    mkdirSync(path)
    expect(() => loadOrCreateIdentity('Carol', path)).toThrow(new RegExp(`Cannot read the key file ${path} of Carol \\(EISDIR\\); check its permissions`))
    const nowhere = join(dir, 'missing', 'carol.key')
    expect(() => loadOrCreateIdentity('Carol', nowhere)).toThrow(
      new RegExp(`Cannot create the key file ${nowhere} \\(ENOENT\\); make sure its directory exists`),
    )
  })
})

describe('network map', () => {
  const alice = generateIdentity('Alice')
  const bob = generateIdentity('Bob')
  const entry = (name: string, address: string, key = name === 'Alice' ? alice : bob) => ({ name, address, publicKey: publicKeyText(key) })

  it('reads names, addresses and keys', () => {
    const file = join(temp(), 'network.json')
    writeFileSync(file, JSON.stringify({ parties: [entry('Alice', '127.0.0.1:7001'), entry('Bob', '[::1]:7002')] }))
    const map = loadNetworkMap(file)
    expect(map.party('Alice')).toMatchObject({ host: '127.0.0.1', port: 7001 })
    expect(map.party('Bob')).toMatchObject({ host: '::1', port: 7002, address: '[::1]:7002' })
    expect(map.party('Bob')!.key.equals(bob.publicKey)).toBe(true)
    expect(map.party('Carol')).toBeUndefined()
    expect(parseNetworkMap(map.toJSON()).parties.map((p) => p.name)).toEqual(['Alice', 'Bob'])
  })

  it('names the file and the offending entry and field', () => {
    const file = join(temp(), 'network.json')
    const write = (value: unknown) => writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value))
    write('{ "parties": [ ')
    expect(() => loadNetworkMap(file)).toThrow(new RegExp(`The network map ${file} is not valid JSON .*fix the syntax`))
    write({ parties: [entry('Alice', '127.0.0.1:7001'), { name: 'Bob', publicKey: publicKeyText(bob) }] })
    expect(() => loadNetworkMap(file)).toThrow(NetworkMapError)
    expect(() => loadNetworkMap(file)).toThrow(`${file}: party #1 field 'address'`)
    write({ parties: [entry('Alice', 'localhost')] })
    expect(() => loadNetworkMap(file)).toThrow(`${file}: party #0 field 'address' must be host:port`)
    write({ parties: [entry('Alice', '127.0.0.1:70000')] })
    expect(() => loadNetworkMap(file)).toThrow(`${file}: party #0 ('Alice') field 'address' has port 70000; use a port from 1 to 65535.`)
    write({ parties: [{ ...entry('Alice', '127.0.0.1:1'), publicKey: 'AAAA' }] })
    expect(() => loadNetworkMap(file)).toThrow(`${file}: party #0 ('Alice') field 'publicKey' is not an SPKI DER public key`)
    const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64')
    write({ parties: [{ ...entry('Alice', '127.0.0.1:1'), publicKey: ecKey }] })
    expect(() => loadNetworkMap(file)).toThrow(`${file}: party #0 ('Alice') field 'publicKey' is a key of type ec; nodes sign with Ed25519`)
    write({ peers: [] })
    expect(() => loadNetworkMap(file)).toThrow(`${file}: 'parties'`)
    expect(() => loadNetworkMap(join(dir, 'nope.json'))).toThrow(`Cannot read the network map ${join(dir, 'nope.json')} (ENOENT)`)
  })

  it('rejects duplicate names and duplicate keys', () => {
    expect(() => parseNetworkMap({ parties: [entry('Alice', 'a:1'), entry('Bob', 'b:2'), entry('Alice', 'c:3', bob)] }, 'map.json')).toThrow(
      "map.json: party #2 ('Alice') has the same name as party #0; party names must be unique",
    )
    expect(() => parseNetworkMap({ parties: [entry('Alice', 'a:1'), { ...entry('Bob', 'b:2'), publicKey: publicKeyText(alice) }] }, 'map.json')).toThrow(
      "map.json: party #1 ('Bob') field 'publicKey' is also the key of party #0; each party needs its own key pair.",
    )
  })
})
