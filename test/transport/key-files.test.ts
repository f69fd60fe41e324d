/**
 * Key files as an attacker on the same machine, or a careless restore, would leave them: a key its group
 * or others may read is refused with the chmod that fixes it; a missing key is never replaced by a fresh
 * one; a rotation keeps the old key and writes the new one with mode 0600.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { exitCodeOf } from '../../runtime/protocol/errors/exit-codes.js'
import * as transport from '../../runtime/transport/index.js'

const { loadOrCreateIdentity, publicKeyText } = transport

let dir: string
afterEach(() => rmSync(dir, { recursive: true, force: true }))
const temp = () => (dir = mkdtempSync(join(tmpdir(), 'colloquy-key-files-')))

describe('key file permissions', () => {
  it.each(['0644', '0640', '0604', '0660', '0602'])('refuses a key file of mode %s, naming the file and `chmod 600`', (octal) => {
    const mode = Number.parseInt(octal, 8)
    const file = join(temp(), 'alice.key')
    loadOrCreateIdentity('Alice', file)
    chmodSync(file, mode)
    let thrown: unknown
    try {
      loadOrCreateIdentity('Alice', file)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(Error)
    expect((thrown as { code?: string }).code).toBe('KEY_FILE_PERMISSIONS')
    expect(exitCodeOf(thrown, 1)).toBe(2)
    expect((thrown as Error).message).toContain(`The key file ${file} of Alice has mode ${octal}`)
    expect((thrown as Error).message).toContain(`Run \`chmod 600 ${file}\``)
    chmodSync(file, 0o600)
    expect(publicKeyText(loadOrCreateIdentity('Alice', file))).toMatch(/^[A-Za-z0-9+/]+=*$/)
    chmodSync(file, 0o400) // read-only for the owner is fine too
    expect(() => transport.loadIdentity('Alice', file)).not.toThrow()
  })
})

describe('a missing key file', () => {
  it('is refused by loadIdentity, which creates nothing and says to run colloquy identity and publish the key', () => {
    const file = join(temp(), 'bob.key')
    expect(() => transport.loadIdentity('Bob', file, '/etc/colloquy/bob.json')).toThrow(transport.KeyFileMissingError)
    expect(() => transport.loadIdentity('Bob', file, '/etc/colloquy/bob.json')).toThrow(
      `The key file ${file} of Bob does not exist, and a node never creates its own key; run \`colloquy identity --config /etc/colloquy/bob.json\` to create it, then publish the public key it prints in the network map of every peer`,
    )
    expect(existsSync(file)).toBe(false)
  })
})

describe('rotateIdentity', () => {
  it('writes a new 0600 key, keeps the old one as .old, and refuses a second rotation while .old is there', () => {
    const file = join(temp(), 'carol.key')
    const before = publicKeyText(loadOrCreateIdentity('Carol', file))
    const { identity, oldKeyFile } = transport.rotateIdentity('Carol', file)
    expect(oldKeyFile).toBe(`${file}.old`)
    expect(publicKeyText(identity)).not.toBe(before)
    expect(publicKeyText(transport.loadIdentity('Carol', file))).toBe(publicKeyText(identity))
    expect(publicKeyText(transport.loadIdentity('Carol', oldKeyFile))).toBe(before)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(oldKeyFile).mode & 0o777).toBe(0o600)
    const current = readFileSync(file, 'utf8')
    expect(() => transport.rotateIdentity('Carol', file)).toThrow(`${oldKeyFile} still holds the key of an earlier rotation`)
    expect(readFileSync(file, 'utf8')).toBe(current)
  })
})
