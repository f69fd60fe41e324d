/** Hospital settings tests use to get the behaviour from before the hospital where a test is about something else. */
import type { NodeOptions } from '../../../runtime/engine/index.js'

/** Inits for a protocol without a responder are rejected at once instead of held (the unknown-responder staff member gives no diagnosis). */
export const rejectUnknownInits: NodeOptions['hospital'] = { staff: [{ name: 'unknown-responder', diagnose: () => undefined }] }

/** A replay that deviates from its journal fails the flow at once instead of being retried and kept. */
export const failOnReplayDeviation: NodeOptions['hospital'] = { staff: [{ name: 'replay-failure', diagnose: () => undefined }] }
