/** A Mermaid diagram rendered from its text (Mermaid's strict security level: no scripts, no links out of the page). */
import mermaid from 'mermaid'
import { useEffect, useRef, useState } from 'preact/hooks'

mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'neutral' })

let counter = 0

export function MermaidView({ text, label }: { readonly text: string; readonly label: string }) {
  const target = useRef<HTMLDivElement>(null)
  const [error, setError] = useState('')
  useEffect(() => {
    let current = true
    mermaid.render(`mermaid-${++counter}`, text).then(
      ({ svg }) => {
        if (current && target.current) target.current.innerHTML = svg
        setError('')
      },
      (e: unknown) => current && setError(e instanceof Error ? e.message : String(e)),
    )
    return () => {
      current = false
    }
  }, [text])
  return (
    <figure class="diagram" aria-label={label}>
      <div ref={target} />
      {error && <p class="error">The diagram could not be drawn: {error}</p>}
    </figure>
  )
}
