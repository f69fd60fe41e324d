/**
 * Live updates as server-sent events: /api/live/flows relays the user's state-machines feed (flows added,
 * progressed, ended) and /api/live/flows/:id/progress one flow's progress. A comment line every 15 s keeps
 * proxies from closing a quiet stream; the stream ends when the page leaves or the session ends.
 */
import type { Hono } from 'hono'
import { type SSEStreamingApi, streamSSE } from 'hono/streaming'
import type { Observable, Subscription } from 'rxjs'
import type { ExplorerEnv } from './explorer-env.js'
import { errorBody } from './http-errors.js'
import { toPlainJson } from './plain-json.js'

export function addLiveRoutes(app: Hono<ExplorerEnv>): void {
  app.get('/api/live/flows', (c) => {
    const { feed } = c.get('session')
    return streamSSE(c, (stream) => {
      if (feed.refusal) return stream.writeSSE({ event: 'refused', data: JSON.stringify(errorBody(feed.refusal)) })
      return relay(stream, feed.updates, 'flow')
    })
  })
  app.get('/api/live/flows/:id/progress', (c) => {
    const progress = c.get('session').client.progress(c.req.param('id'))
    return streamSSE(c, (stream) => relay(stream, progress, 'progress'))
  })
}

/** Writes each value of `source` as an event until the source ends or the page goes away. */
function relay(stream: SSEStreamingApi, source: Observable<unknown>, event: string): Promise<void> {
  return new Promise<void>((resolve) => {
    let subscription: Subscription | undefined
    let finished = false
    const keepAlive = setInterval(() => void stream.write(': keep-alive\n\n'), 15_000)
    const finish = () => {
      if (finished) return
      finished = true
      clearInterval(keepAlive)
      subscription?.unsubscribe()
      resolve()
    }
    subscription = source.subscribe({
      next: (value) => void stream.writeSSE({ event, data: toPlainJson(value) }),
      error: (error) => void stream.writeSSE({ event: 'refused', data: JSON.stringify(errorBody(error)) }).finally(finish),
      complete: () => void stream.writeSSE({ event: 'end', data: '{}' }).finally(finish),
    })
    if (finished) subscription.unsubscribe()
    stream.onAbort(finish)
  })
}
