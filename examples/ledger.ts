/** A toy ledger for the examples: deterministic transaction ids and signatures, no real cryptography. */
import { createHash } from 'node:crypto'

export function sign(signer: string, txId: string): { signer: string; txId: string; signature: string } {
  return { signer, txId, signature: createHash('sha256').update(`${signer}:${txId}`).digest('hex').slice(0, 32) }
}

export function transactionId(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 24)
}
