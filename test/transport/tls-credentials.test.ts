/**
 * The self-signed certificates of TLS peer links: of the identity's own key, naming the party, and always
 * in a DER form OpenSSL accepts (a random serial must not start with a zero byte).
 */
import { X509Certificate } from 'node:crypto'
import { createSecureContext } from 'node:tls'
import { describe, expect, it } from 'vitest'
import { generateIdentity } from '../../runtime/transport/identity.js'
import { selfSignedCertificate } from '../../runtime/transport/tls-credentials.js'

describe('selfSignedCertificate', () => {
  it("is of the identity's key, self-signed, and names the party", () => {
    const alice = generateIdentity('Alice, "the buyer"')
    const certificate = new X509Certificate(selfSignedCertificate(alice))
    expect(certificate.publicKey.equals(alice.publicKey)).toBe(true)
    expect(certificate.verify(alice.publicKey)).toBe(true)
    expect(certificate.subject).toContain('Alice')
  })

  it('is accepted by OpenSSL whatever serial it draws', () => {
    const identity = generateIdentity('Bob')
    const key = identity.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    // About one serial in 256 had a redundant leading zero byte; 2,000 draws meet one almost surely.
    for (let i = 0; i < 2000; i++) createSecureContext({ key, cert: selfSignedCertificate(identity) })
  })
})
