// The SagaStore on the in-memory bus: snapshots are records of the broker's SagaState topic, committed with the outputs.
import { OutputRecord, InMemoryMessageBus } from '@dco/messaging';
import { RunState } from '@dco/saga';
import { SAGA_STATE_TOPIC, SagaStore } from './saga-store.port';
import { decodeSnapshot, encodeSnapshot, newestByRun } from './saga-snapshot.codec';

export class InMemorySagaStore implements SagaStore {
  constructor(
    private readonly bus: InMemoryMessageBus,
    private readonly topic = SAGA_STATE_TOPIC,
  ) {}

  async loadAll(): Promise<RunState[]> {
    const records = this.bus.broker.records(`${this.bus.topicPrefix}${this.topic}`);
    const states: RunState[] = [];
    const deleted = new Set<string>();
    for (const record of records) {
      if (record.key === null) continue;
      if (record.value === null) {
        deleted.add(record.key);
        continue;
      }
      deleted.delete(record.key);
      states.push(decodeSnapshot(record.key, record.value));
    }
    return newestByRun(states).filter((state) => !deleted.has(state.runId));
  }

  recordOf(state: RunState): OutputRecord {
    return { topic: this.topic, key: state.runId, value: encodeSnapshot(state) };
  }
}
