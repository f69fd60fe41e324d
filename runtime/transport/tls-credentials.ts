/**
 * What a node presents on its TLS peer links: a self-signed X.509 certificate made at start from its
 * Ed25519 identity key (identity.ts), so the certificate's public key is the very key the network map
 * lists for the node. Peers trust no authority: they pin the certificate's key to the map's
 * (certificate-pin.ts). TLS 1.3 only; both sides present a certificate (docs/adr/0007-tls-peer-links.md).
 */
import { randomBytes, sign } from 'node:crypto'
import { type SecureContext, createSecureContext } from 'node:tls'
import { AsnConvert } from '@peculiar/asn1-schema'
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  Certificate,
  Name,
  RelativeDistinguishedName,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509'
import type { NodeIdentity } from './identity.js'

/** The secure context of a node's peer links, made once per TcpNetwork. */
export interface TlsCredentials {
  readonly secureContext: SecureContext
}

const ED25519_OID = '1.3.101.112'
const COMMON_NAME_OID = '2.5.4.3'
const DAY_MS = 24 * 60 * 60 * 1000

/**
 * A self-signed certificate of the identity's key, in PEM, naming the party. Valid from a day ago for ten
 * years: peers check its key against the network map, not its dates or issuer.
 */
export function selfSignedCertificate(identity: NodeIdentity): string {
  const ed25519 = new AlgorithmIdentifier({ algorithm: ED25519_OID }) // no parameters (RFC 8410)
  const name = new Name([
    new RelativeDistinguishedName([new AttributeTypeAndValue({ type: COMMON_NAME_OID, value: new AttributeValue({ utf8String: identity.name }) })]),
  ])
  const serial = randomBytes(16)
  serial[0] = (serial[0]! & 0x3f) | 0x40 // positive, and no leading zero byte (DER wants the shortest form)
  const now = Date.now()
  const tbsCertificate = new TBSCertificate({
    version: Version.v3,
    serialNumber: new Uint8Array(serial).buffer,
    signature: ed25519,
    issuer: name,
    validity: new Validity({ notBefore: new Date(now - DAY_MS), notAfter: new Date(now + 3650 * DAY_MS) }),
    subject: name,
    subjectPublicKeyInfo: AsnConvert.parse(identity.publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo),
  })
  const signatureValue = new Uint8Array(sign(null, Buffer.from(AsnConvert.serialize(tbsCertificate)), identity.privateKey)).buffer
  const der = Buffer.from(AsnConvert.serialize(new Certificate({ tbsCertificate, signatureAlgorithm: ed25519, signatureValue })))
  const lines = der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')
  return `-----BEGIN CERTIFICATE-----\n${lines}\n-----END CERTIFICATE-----\n`
}

/** The TLS 1.3 context of the node's peer links, presenting a certificate of its identity key. */
export function tlsCredentials(identity: NodeIdentity): TlsCredentials {
  const key = identity.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
  return { secureContext: createSecureContext({ key, cert: selfSignedCertificate(identity), minVersion: 'TLSv1.3' }) }
}
