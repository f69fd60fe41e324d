/**
 * The broker side of a network, made on start when missing: the stream holding every `<prefix>.to.>`
 * subject on disk with work-queue retention (a message is removed once its consumer acknowledged it, so
 * nothing stays behind), and this party's durable pull consumer on its own subject: explicit acknowledgement,
 * redelivery after `ackWaitMs`, no limit on deliveries. Every node of a network runs the same code, so the
 * first one to start creates the stream and the others find it.
 */
import { AckPolicy, DeliverPolicy, DiscardPolicy, type JetStreamManager, type NatsError, RetentionPolicy, StorageType, nanos } from 'nats'
import type { NatsSettings } from './nats-network-options.js'
import { NatsTransportError } from './nats-errors.js'
import { consumerName, partySubject, streamSubjects } from './subjects.js'

const STREAM_NOT_FOUND = 10059
const STREAM_NAME_IN_USE = 10058
const CONSUMER_NOT_FOUND = 10014

const apiCode = (error: unknown): number | undefined => (error as NatsError)?.api_error?.err_code

export async function ensureStream(jsm: JetStreamManager, settings: NatsSettings): Promise<void> {
  const subjects = streamSubjects(settings.subjectPrefix)
  try {
    const info = await jsm.streams.info(settings.stream)
    if (!subjects.every((s) => info.config.subjects?.includes(s))) {
      throw new NatsTransportError(
        `The NATS stream ${settings.stream} exists but holds the subjects ${JSON.stringify(info.config.subjects)}, not ${subjects.join(', ')}; ` +
          'give this network its own stream name (network.stream) or the subject prefix of that stream (network.subjectPrefix).',
      )
    }
    return
  } catch (error) {
    if (apiCode(error) !== STREAM_NOT_FOUND) throw error
  }
  try {
    await jsm.streams.add({
      name: settings.stream,
      subjects,
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      duplicate_window: nanos(settings.duplicateWindowMs),
    })
  } catch (error) {
    if (apiCode(error) !== STREAM_NAME_IN_USE) throw error // another node created it meanwhile: use that one
  }
}

export async function ensureConsumer(jsm: JetStreamManager, settings: NatsSettings, party: string): Promise<string> {
  const name = consumerName(party)
  const ackWait = nanos(settings.ackWaitMs)
  try {
    const info = await jsm.consumers.info(settings.stream, name)
    if (info.config.ack_wait !== ackWait) await jsm.consumers.update(settings.stream, name, { ack_wait: ackWait })
    return name
  } catch (error) {
    if (apiCode(error) !== CONSUMER_NOT_FOUND) throw error
  }
  await jsm.consumers.add(settings.stream, {
    durable_name: name,
    filter_subject: partySubject(settings.subjectPrefix, party),
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: ackWait,
    max_deliver: -1,
    max_ack_pending: 10_000,
  })
  return name
}
