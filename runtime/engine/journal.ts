/**
 * The journal of one flow: what it recorded so far, consumed by the replay, and what it records now.
 * Every session action, step result, durable timer and sub-flow start is an entry at a journal key
 * (journal-key.ts); after a restart the flow runs again and each action finds its recorded result at
 * the same key instead of touching the network.
 */
import { encode } from '../store/codec.js'
import type { FlowStore } from '../store/flow-store.js'
import type { JournalEntry } from './journal-entry.js'

export class FlowJournal {
  /** Entries the flow has written: those it was rebuilt with and those recorded since (the hospital's "point"). */
  length: number

  constructor(
    private readonly store: Pick<FlowStore, 'putJournal'>,
    private readonly flowId: string,
    /** Journal entries not yet consumed by the replay. */
    private readonly replay: Map<string, JournalEntry>,
  ) {
    this.length = replay.size
  }

  /** Whether recorded entries remain for the replay to consume. */
  get replaying(): boolean {
    return this.replay.size > 0
  }

  /** The recorded entry at `key`, consumed; undefined when there is none (the action is live). */
  take(key: string): JournalEntry | undefined {
    const entry = this.replay.get(key)
    if (entry !== undefined) this.replay.delete(key)
    return entry
  }

  /** Records a live action in the current batch; returns the batch number. */
  record(key: string, entry: JournalEntry): number {
    this.length++
    return this.store.putJournal(this.flowId, key, encode(entry))
  }

  /** Journal entries the replay never asked for (non-empty at the end means the code changed). */
  unconsumed(): [string, JournalEntry][] {
    return [...this.replay]
  }
}
