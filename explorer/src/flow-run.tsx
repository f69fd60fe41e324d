/**
 * A flow's run on its page: the messages its journal records (the node's flowMessages, loaded by the flow's
 * page with useFlowMessages) as a numbered sequence diagram and, under it, the same messages as a list;
 * choosing one shows its payload as JSON. On a sub-flow's page (`focus`), only the messages of the sessions
 * opened in that sub-flow (or in sub-flows nested in it), numbered among themselves.
 * Without InvokeRpc.flowMessages the node refuses the history: the page says so and draws the session actions
 * the Explorer saw on the live feed instead, as it does for a finished flow, whose history the node no
 * longer keeps.
 */
import { useState } from 'preact/hooks'
import type { Unread } from './flow-messages.js'
import { messageDiagram, messageStep } from './message-diagram.js'
import { MermaidView } from './mermaid-view.js'
import { runDiagram } from './run-diagram.js'
import { type SubFlowPath, within } from './sub-flows.js'
import type { FlowMessage, FlowMessageHistory, ObservedAction } from './types.js'

interface Props {
  readonly node: string
  readonly history: FlowMessageHistory | null
  readonly unread: Unread | null
  /** The sub-flow the page is focused on; none for the whole flow. */
  readonly focus: SubFlowPath
  /** The session actions the Explorer saw since it connected (the fallback drawing). */
  readonly actions: readonly ObservedAction[]
}

export function FlowRun({ node, history, unread, focus, actions }: Props) {
  const [chosen, setChosen] = useState<string | null>(null)
  const messages = history && !history.finished ? history.messages.filter((m) => within(m.subFlows, focus)) : null
  const whole = history?.messages.length ?? 0
  const selected = messages?.find((m) => m.journalKey === chosen)
  return (
    <section class="run" aria-label="Run">
      <h3>Run</h3>
      {unread?.permission && (
        <p class="note" role="note">
          Not permitted to view this flow’s messages and their payloads ({unread.permission} is not granted to you); the diagram shows only the session actions
          the Explorer saw since it connected.
        </p>
      )}
      {unread && !unread.permission && <p class="muted">Messages not shown: {unread.text}</p>}
      {history?.finished && (
        <p class="muted">The flow finished: the node keeps no message history for finished flows. The diagram shows what the Explorer saw while it ran.</p>
      )}
      {messages && focus.length > 0 && (
        <p class="muted">
          The messages of sub-flow {focus.join(' › ')}: {messages.length} of the flow’s {whole}.
        </p>
      )}
      {messages ? (
        messages.length === 0 ? (
          <p class="muted">{focus.length > 0 ? 'This sub-flow has' : 'The flow has'} sent and received no message yet.</p>
        ) : (
          <>
            <MermaidView text={messageDiagram(node, messages)} label="The flow's messages as a sequence diagram" />
            <ol class="messages" aria-label="Messages">
              {messages.map((m) => (
                <li key={m.journalKey} class={m.journalKey === chosen ? 'chosen' : ''}>
                  <button type="button" aria-pressed={m.journalKey === chosen} onClick={() => setChosen(m.journalKey === chosen ? null : m.journalKey)}>
                    {m.direction === 'sent' ? `to ${m.counterparty}` : `from ${m.counterparty}`}: {messageStep(m)}
                  </button>
                </li>
              ))}
            </ol>
            {selected && <MessageDetail message={selected} number={messages.indexOf(selected) + 1} />}
          </>
        )
      ) : focus.length > 0 ? (
        <p class="muted">Without the flow’s messages the Explorer cannot tell which session actions were the sub-flow’s.</p>
      ) : actions.length === 0 ? (
        <p class="muted">No session action seen since the Explorer connected.</p>
      ) : (
        <MermaidView text={runDiagram(node, actions)} label="The flow's run as a sequence diagram" />
      )}
    </section>
  )
}

function MessageDetail({ message: m, number }: { readonly message: FlowMessage; readonly number: number }) {
  return (
    <section class="message" aria-label="Message">
      <h4>
        {number}. {m.direction === 'sent' ? 'Sent to' : 'Received from'} {m.counterparty}: {messageStep(m)}
      </h4>
      <p class="muted">
        Session <code>{m.sessionId}</code> as {m.role}
        {m.subFlows ? ` in sub-flow ${m.subFlows.join(' › ')}` : ''}, message {m.seq} of its direction, journal key <code>{m.journalKey}</code>
      </p>
      {m.kind === 'data' &&
        (m.payloadKept ? (
          <pre class="payload">{JSON.stringify(m.payload, null, 2) ?? 'undefined'}</pre>
        ) : (
          <p class="muted">
            Payload not kept: the node keeps what it sent only until the peer acknowledged it. To keep sent payloads for the life of each flow, run the node
            with <code>"keepSentPayloads": true</code> in its node.json (NodeOptions.keepSentPayloads).
          </p>
        ))}
      {m.kind === 'choice' && (
        <p>
          {m.branch === undefined
            ? 'A choice; which branch is not kept once the peer acknowledged it (unless the node runs with "keepSentPayloads": true).'
            : `Chose the branch ${m.branch}.`}
        </p>
      )}
      {m.kind === 'end' && <p>The session’s end: {m.direction === 'sent' ? 'this flow' : 'the peer'} reached the end of the protocol.</p>}
      {m.kind === 'error' && (
        <pre class="payload">{JSON.stringify(m.exception ?? { note: 'the peer failed with an error its protocol does not declare' }, null, 2)}</pre>
      )}
    </section>
  )
}
