/**
 * Deterministic message ids: derived from the session id and the sender's sequence number, so a
 * message produced again by a replay, or re-sent from the outbox, has the id of the original.
 */
export const messageIds = {
  init: (session: string) => `${session}/init`,
  confirm: (session: string) => `${session}/confirm`,
  reject: (session: string) => `${session}/reject`,
  /** The responder's notice that its hospital holds the init (one per session: a copy has the same id). */
  held: (session: string) => `${session}/held`,
  frame: (session: string, dir: 'i' | 'r', seq: number) => `${session}/${dir}${seq}`,
}
