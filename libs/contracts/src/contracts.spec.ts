import {
  ALL_MESSAGE_TYPES,
  CodedError,
  FIXTURE_DATA,
  createMessage,
  fixtureMessage,
  parseMessage,
  serializeMessage,
} from './index';

const parse = (value: unknown) => parseMessage(JSON.stringify(value));

describe('parseMessage', () => {
  it.each(ALL_MESSAGE_TYPES)('accepts the %s fixture and keeps its data', (type) => {
    const message = fixtureMessage(type);
    const result = parseMessage(serializeMessage(message));
    expect(result).toEqual({ ok: true, message: expect.objectContaining({ type, data: FIXTURE_DATA[type] }) });
  });

  it.each([
    ['invalid JSON', '{"type":', 'MSG.INVALID_JSON'],
    ['a JSON array', '[]', 'MSG.NOT_AN_ENVELOPE'],
    ['null', 'null', 'MSG.NOT_AN_ENVELOPE'],
    ['no data', JSON.stringify({ type: 'DailyTick' }), 'MSG.NOT_AN_ENVELOPE'],
    ['an unknown type', JSON.stringify({ ...fixtureMessage('DailyTick'), type: 'Nope' }), 'MSG.UNKNOWN_TYPE'],
    [
      'a future version',
      JSON.stringify({ ...fixtureMessage('DcoCompleted'), schemaVersion: 9 }),
      'MSG.UNKNOWN_VERSION',
    ],
    [
      'an old version without upcaster',
      JSON.stringify({ ...fixtureMessage('DcoCompleted'), schemaVersion: 0 }),
      'MSG.VALIDATION_FAILED',
    ],
    ['a bad run id', JSON.stringify({ ...fixtureMessage('RunDco'), runId: 'run-1' }), 'MSG.VALIDATION_FAILED'],
    ['a bad event id', JSON.stringify({ ...fixtureMessage('RunDco'), eventId: 'x' }), 'MSG.VALIDATION_FAILED'],
    [
      'a bad day',
      JSON.stringify(fixtureMessage('RunDco', { data: { day: '2026-13-01', afterRollback: false } })),
      'MSG.VALIDATION_FAILED',
    ],
    [
      'a float amount',
      JSON.stringify(fixtureMessage('DcoCompleted', { data: { ...FIXTURE_DATA.DcoCompleted, offered: '1.5' } })),
      'MSG.VALIDATION_FAILED',
    ],
    // ValidateNested alone used to walk into a nested array and accept it, so a handler got an array for a Change.
    [
      'a list nested in a change list',
      JSON.stringify(
        fixtureMessage('ChangesDetected', { data: { ...FIXTURE_DATA.ChangesDetected, changes: [[]] } } as never),
      ),
      'MSG.VALIDATION_FAILED',
    ],
    [
      'an unknown failure code',
      JSON.stringify(fixtureMessage('DcoFailed', { data: { failure: { code: 'X.Y', message: 'm' } } } as never)),
      'MSG.VALIDATION_FAILED',
    ],
  ])('rejects %s', (_label, bytes, code) => {
    const result = parseMessage(bytes);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('rejects an oversized payload before parsing it', () => {
    const result = parseMessage(Buffer.alloc(300 * 1024, 0x20));
    expect(!result.ok && result.error.code).toBe('MSG.TOO_LARGE');
  });

  it('names the invalid nested property', () => {
    const bad = fixtureMessage('ChangesDetected', {
      data: {
        ...FIXTURE_DATA.ChangesDetected,
        changes: [{ ...FIXTURE_DATA.ChangesDetected.changes[0], risk: 'extreme' }],
      },
    } as never);
    const result = parse(bad);
    expect(!result.ok && result.error.message).toContain('changes.0.risk');
  });

  it('strips fields a data class does not declare', () => {
    const result = parse(
      fixtureMessage('RunDco', { data: { day: '2026-11-26', afterRollback: false, injected: 1 } } as never),
    );
    expect(result.ok && result.message.data).toEqual({ day: '2026-11-26', afterRollback: false });
  });

  it('keeps the partial identity of a rejected message for dead-lettering', () => {
    const result = parse({ ...fixtureMessage('RunDco'), schemaVersion: 7 });
    expect(!result.ok && result.error.partial).toEqual(
      expect.objectContaining({ type: 'RunDco', runId: 'dco-2026-11-26' }),
    );
  });
});

describe('upcasting', () => {
  it('reads a DailyTick v1 as v2', () => {
    const v1 = { ...fixtureMessage('DailyTick'), schemaVersion: 1, data: { date: '2026-11-25' } };
    const result = parse(v1);
    expect(result.ok && result.message).toEqual(
      expect.objectContaining({
        schemaVersion: 2,
        data: { day: '2026-11-25', trigger: 'schedule', scheduledAt: v1.occurredAt },
      }),
    );
  });

  it('rejects a v1 tick whose old shape is invalid', () => {
    const result = parse({ ...fixtureMessage('DailyTick'), schemaVersion: 1, data: { date: 'yesterday' } });
    expect(!result.ok && result.error.code).toBe('MSG.VALIDATION_FAILED');
  });
});

describe('createMessage', () => {
  it('fills ids, version, causation and continues the trace', () => {
    const cause = fixtureMessage('DetectChanges', {
      traceparent: '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01',
    });
    const message = createMessage(
      'ChangesDetected',
      FIXTURE_DATA.ChangesDetected,
      { runId: cause.runId, producer: 'detector', causedBy: cause },
      {
        clock: { now: () => new Date('2026-11-26T06:01:00Z') },
        ids: { next: () => '11111111-1111-4111-8111-111111111111' },
      },
    );
    expect(message).toEqual(
      expect.objectContaining({
        causationId: cause.eventId,
        traceparent: cause.traceparent,
        schemaVersion: 1,
        occurredAt: '2026-11-26T06:01:00.000Z',
      }),
    );
    expect(parseMessage(serializeMessage(message)).ok).toBe(true);
  });
});

describe('CodedError.toFailure', () => {
  const failedEvent = (error: CodedError) =>
    parseMessage(
      serializeMessage(
        createMessage(
          'DbMigrationFailed',
          { failure: error.toFailure(), phase: 'restore' },
          { runId: 'dco-2026-01-01', producer: 'db-migrator' },
          {
            clock: { now: () => new Date('2026-01-01T06:00:00Z') },
            ids: { next: () => '11111111-1111-4111-8111-111111111111' },
          },
        ),
      ),
    );

  it('keeps a known failure code, so the failure event is valid', () => {
    const parsed = failedEvent(new CodedError('DB.RESERVED_NAME', 'node 1 uses __dcoX'));
    expect(parsed).toMatchObject({ ok: true, message: { data: { failure: { code: 'DB.RESERVED_NAME' } } } });
  });

  it('turns a code outside FAILURE_CODES into INTERNAL.UNEXPECTED naming it, instead of an event that would be dead-lettered', () => {
    const parsed = failedEvent(new CodedError('CONFIG.INVALID', 'DCO_NEO4J_FLEET_TAGS is bad'));
    expect(parsed).toMatchObject({
      ok: true,
      message: {
        data: { failure: { code: 'INTERNAL.UNEXPECTED', message: 'CONFIG.INVALID: DCO_NEO4J_FLEET_TAGS is bad' } },
      },
    });
  });
});
