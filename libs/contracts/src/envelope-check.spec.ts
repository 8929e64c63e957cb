import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { EnvelopeHeader } from './envelope';
import { headerPasses } from './envelope-check';
import { fixtureMessage } from './index';
import { parseMessage } from './parse';

const base = {
  ...fixtureMessage('RunDco'),
  causationId: '0b0e2a6c-3a52-4c1a-9d1e-6f2f7c1d2e3f',
  traceparent: '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01',
};

/** Values for each header field, valid and invalid, including the edges of the decorators (null, wrong types). */
const VARIANTS: Record<string, unknown[]> = {
  eventId: [
    'x',
    '',
    42,
    null,
    undefined,
    '00000000-0000-0000-0000-000000000000',
    'F826560B-E8E4-438C-9671-F198ADD1810C',
    'f826560b-e8e4-938c-9671-f198add1810c',
  ],
  type: ['', 7, null, undefined],
  schemaVersion: [0, -1, 1.5, '1', null, undefined, 2, Number.NaN],
  occurredAt: [
    '2026-02-30T00:00:00Z',
    '2026-11-26',
    '2026-11-26 06:00:00Z',
    'yesterday',
    0,
    null,
    '2026-11-26T06:00:00+01:00',
    '2024-02-29T00:00:00.000Z',
  ],
  producer: ['nobody', 'scheduler', 'external', null, 1],
  runId: ['run-1', 'dco-2026-11-26-r2', 'dco-2026-11-26-rx', null, 5, 'xdco-2026-11-26'],
  causationId: [null, undefined, 'x', '', 3],
  traceparent: [null, undefined, '00-xyz', '', 1],
  data: [[], null, 'x', {}, 3],
};

const classAccepts = (record: Record<string, unknown>) =>
  validateSync(plainToInstance(EnvelopeHeader, record), { forbidUnknownValues: false }).length === 0;

describe('headerPasses (the hand-called header predicates)', () => {
  it('accepts a valid header', () => {
    expect(headerPasses(base)).toBe(true);
  });

  it.each(Object.entries(VARIANTS).flatMap(([field, values]) => values.map((value) => [field, value] as const)))(
    "agrees with EnvelopeHeader's decorators on %s = %p",
    (field, value) => {
      const record = { ...base, [field]: value } as Record<string, unknown>;
      expect(headerPasses(record)).toBe(classAccepts(record));
    },
  );

  it("still words a header rejection with the decorators' messages", () => {
    const result = parseMessage(JSON.stringify({ ...base, eventId: 'x', producer: 'nobody' }));
    expect(!result.ok && result.error.code).toBe('MSG.VALIDATION_FAILED');
    expect(!result.ok && result.error.message).toBe(
      'eventId: eventId must be a UUID, producer: producer must be one of the following values: scheduler, orchestrator, detector, infra-deployer, db-migrator, dco-runner, cli, external',
    );
  });
});
