/** What arrives on a session and waits in its inbox until the flow receives it: a frame, the peer's end, or its error. */
import type { WireException } from '../network/wire.js'
import type { SessionFrame } from '../protocol/session/channel.js'

export type InboxEvent =
  | { readonly t: 'data'; readonly frame: SessionFrame }
  | { readonly t: 'end' }
  | { readonly t: 'error'; readonly exception: WireException | null }
