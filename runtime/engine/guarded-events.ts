/**
 * An event stream whose subscribers may throw: rxjs reports an error thrown by a subscriber by rethrowing
 * it from a timer, where nothing catches it and a node process ends. Here every callback a caller
 * subscribes with (directly, or as the onFlowEnd and onSessionAction options) runs guarded: what it throws
 * is reported (logged by the node) and the stream, its other subscribers and the node carry on.
 * Subscribers that rxjs operators create (behind `pipe`) pass through as they are.
 */
import { Observable, type Observer, Subscriber, type Subscription } from 'rxjs'

/** `fn`, with what it throws handed to `report` instead of escaping. */
export function guarded<A extends unknown[]>(fn: (...args: A) => void, report: (error: unknown) => void): (...args: A) => void {
  return (...args) => {
    try {
      fn(...args)
    } catch (error) {
      report(error)
    }
  }
}

export class GuardedObservable<T> extends Observable<T> {
  constructor(
    source: Observable<T>,
    private readonly report: (error: unknown) => void,
  ) {
    super((subscriber) => source.subscribe(subscriber))
  }

  override subscribe(
    observerOrNext?: Partial<Observer<T>> | ((value: T) => void) | null,
    error?: ((error: unknown) => void) | null,
    complete?: (() => void) | null,
  ): Subscription {
    if (observerOrNext instanceof Subscriber) return super.subscribe(observerOrNext)
    const observer: Partial<Observer<T>> =
      typeof observerOrNext === 'function' || observerOrNext == null
        ? { next: observerOrNext ?? undefined, error: error ?? undefined, complete: complete ?? undefined }
        : observerOrNext
    const guard = <A extends unknown[]>(fn: ((...args: A) => void) | undefined) => (fn ? guarded(fn.bind(observer), this.report) : undefined)
    return super.subscribe({ next: guard(observer.next), error: guard(observer.error), complete: guard(observer.complete) })
  }
}
