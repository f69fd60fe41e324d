/**
 * Whether an answer fits what a client reads: a frame of at most MAX_FRAME_BYTES that decodes within
 * RPC_JSON_LIMITS (rpc-protocol.ts). The server checks before it sends, because a client meets a larger answer
 * badly: `ws` closes the connection on a frame over its maxPayload, and the client reconnects and asks again,
 * for ever; a frame over the tagged JSON limits it drops, and the request never ends. An answer that does not
 * fit fails its request with RpcAnswerTooLargeError instead (rpc-connection.ts).
 */
import { decodeTaggedJson } from '../codec/tagged-json.js'
import { RpcAnswerTooLargeError } from './rpc-errors.js'
import { MAX_FRAME_BYTES, RPC_JSON_LIMITS } from './rpc-protocol.js'

/** Below this many characters only nesting deeper than the depth limit could break a limit; that is not checked. */
const DECODE_FROM = 256 * 1024

const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1)

/** Why the encoded answer `text` is more than a client reads, or undefined when it fits. */
export function answerProblem(text: string): string | undefined {
  if (text.length < DECODE_FROM) return undefined
  const bytes = Buffer.byteLength(text)
  if (bytes > MAX_FRAME_BYTES) return `it is ${mib(bytes)} MiB, more than the ${mib(MAX_FRAME_BYTES)} MiB an RPC frame carries`
  try {
    decodeTaggedJson(text, [], (reason) => new RpcAnswerTooLargeError(reason), RPC_JSON_LIMITS)
    return undefined
  } catch (error) {
    return `a client cannot read it (${(error as Error).message})`
  }
}
