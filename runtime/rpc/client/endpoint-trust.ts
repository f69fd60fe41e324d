/**
 * How a client trusts a wss:// endpoint, from its connect options: `ca`, certificates to trust, with the URL's
 * host checked against the certificate as usual; or `certificate`, the endpoint's own certificate (PEM),
 * trusted as its own CA (with `ca` beside it, for a chain up to a root) and matched by what it is, not by the
 * names it carries: for a client on the node's machine that dials it over loopback, as the node's own Explorer
 * does, while the certificate names the machine (localhost, its public name) rather than 127.0.0.1.
 */
import { X509Certificate } from 'node:crypto'
import type { PeerCertificate } from 'node:tls'
import { RpcConnectionError } from '../rpc-errors.js'
import { InvalidOptionError } from '../../protocol/errors/invalid-option-error.js'

export interface EndpointTrustOptions {
  readonly url: string
  readonly ca?: string | Buffer
  readonly certificate?: string | Buffer
}

export interface EndpointTrust {
  readonly ca?: string | Buffer | (string | Buffer)[]
  readonly checkServerIdentity?: (host: string, presented: PeerCertificate) => Error | undefined
}

/** Throws InvalidOptionError when `certificate` is not a PEM certificate. */
export function endpointTrust(options: EndpointTrustOptions): EndpointTrust {
  if (options.certificate === undefined) return options.ca === undefined ? {} : { ca: options.ca }
  let expected: string
  try {
    expected = new X509Certificate(options.certificate).fingerprint256
  } catch (error) {
    throw new InvalidOptionError(
      `The certificate given for ${options.url} is not a PEM certificate (${(error as Error).message}); give the endpoint's certificate file (rpc.tls.cert of its node.json).`,
      { cause: error },
    )
  }
  return {
    ca: options.ca === undefined ? options.certificate : [options.certificate, options.ca],
    checkServerIdentity: (_host, presented) =>
      presented.fingerprint256 === expected
        ? undefined
        : new RpcConnectionError(
            `The endpoint ${options.url} presented a certificate (SHA-256 ${presented.fingerprint256}) other than the one given (SHA-256 ${expected}); give its current certificate (rpc.tls.cert of its node.json).`,
          ),
  }
}
