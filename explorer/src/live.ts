/** Server-sent events from the Explorer as a Preact hook: `onEvent` for each event, and whether the stream is up or was refused. */
import { useEffect, useRef, useState } from 'preact/hooks'

export type LiveState = 'connecting' | 'live' | 'refused' | 'ended'

export function useLive(url: string | null, onEvent: (type: string, data: unknown) => void): { state: LiveState; refusal: string } {
  const [state, setState] = useState<LiveState>('connecting')
  const [refusal, setRefusal] = useState('')
  const handler = useRef(onEvent)
  handler.current = onEvent
  useEffect(() => {
    if (url === null) return
    setState('connecting')
    const source = new EventSource(url)
    const relay = (type: string) => (event: MessageEvent<string>) => handler.current(type, JSON.parse(event.data))
    source.onopen = () => setState('live')
    for (const type of ['flow', 'progress']) source.addEventListener(type, relay(type))
    source.addEventListener('refused', (event: MessageEvent<string>) => {
      setRefusal((JSON.parse(event.data) as { error?: { message?: string } }).error?.message ?? 'refused')
      setState('refused')
      source.close()
    })
    source.addEventListener('end', () => {
      setState('ended')
      source.close()
    })
    return () => source.close()
  }, [url])
  return { state, refusal }
}
