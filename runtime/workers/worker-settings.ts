/**
 * How a worker keeps its lease and claims flows: the lease length (renewed every third of it, and the time
 * after which a silent worker's flows are taken over) and the claim batch. Checked with zod; a bad value
 * throws InvalidOptionError naming it and its range.
 */
import { z } from 'zod'
import { InvalidOptionError } from '../protocol/errors/invalid-option-error.js'

export interface WorkerSettings {
  /** How long a worker's lease lasts without renewal (database time). Default 10 s. */
  readonly leaseMs: number
  /** How many flows one takeover transaction claims. Default 500. */
  readonly claimBatch: number
}

export const workerSettingsSchema = z.strictObject({
  leaseMs: z.number().int().min(300).max(600_000).default(10_000),
  claimBatch: z.number().int().min(1).max(100_000).default(500),
}) satisfies z.ZodType<WorkerSettings>

/** `options` with defaults filled in; throws InvalidOptionError naming the first bad setting. */
export function workerSettings(options: Partial<WorkerSettings> = {}): WorkerSettings {
  const parsed = workerSettingsSchema.safeParse(options)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  throw new InvalidOptionError(
    `The worker setting ${issue.path.join('.') || '(settings)'} is invalid: ${issue.message}. Fix it in the store's workers section.`,
  )
}
