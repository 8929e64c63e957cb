// `dco seed | allocate | offering show | offering verify` against the real Neo4j, including a tampered ledger.
import { systemClock } from '@dco/contracts';
import { createNeo4jDriver, DEFAULT_NEO4J_URI, demoAccountId } from '@dco/dco';
import { stackNeo4jCredentials } from '@dco/testing';
import { uniqueTestDay } from '../../../../libs/dco/src/ledger/dco-ledger.contract';
import { deleteLedgerTestData } from '../../../../libs/dco/src/neo4j/neo4j-ledger-test-data';
import { EXIT } from '../cli-error';
import { runCli } from '../main';

const NEO4J_URI = process.env.NEO4J_URI ?? DEFAULT_NEO4J_URI;
const driver = createNeo4jDriver({ uri: NEO4J_URI, ...stackNeo4jCredentials() });
const day = uniqueTestDay();
const prefix = `cli-${systemClock.now().getTime().toString(36)}-`;
const ACCOUNTS = 300;

let logs: string[] = [];
let errors: string[] = [];
async function dco(...args: string[]): Promise<number> {
  logs = [];
  errors = [];
  return runCli([...args, '--neo4j', NEO4J_URI]);
}

beforeEach(() => {
  jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args.join(' ')));
  jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')));
});
afterEach(() => jest.restoreAllMocks());
afterAll(async () => {
  await deleteLedgerTestData(driver, {
    days: [day],
    accountIds: Array.from({ length: ACCOUNTS }, (_, index) => demoAccountId(prefix, index)),
  });
  await driver.close();
});

describe('dco offering commands on Neo4j', () => {
  it('seeds a deterministic day, dry-runs, allocates, shows and verifies it', async () => {
    expect(
      await dco(
        'seed',
        '--accounts',
        String(ACCOUNTS),
        '--contributions',
        '2000',
        '--day',
        day,
        '--seed',
        '5',
        '--account-prefix',
        prefix,
        '--cap-every',
        '10',
        '--cap',
        '1000000000000000000',
      ),
    ).toBe(EXIT.OK);
    expect(logs[0]).toMatch(new RegExp(`^seeded ${ACCOUNTS} accounts and 2000 contributions for ${day}`));

    expect(await dco('allocate', '--day', day, '--amount', '50000000000000000000000', '--dry-run', '--json')).toBe(
      EXIT.OK,
    );
    const plan = JSON.parse(logs[0]) as {
      resultHash: string;
      existing: string | null;
      allocated: string;
      undistributed: string;
    };
    expect(plan.existing).toBeNull();
    expect(await dco('offering', 'show', day)).toBe(EXIT.NOT_FOUND);

    expect(
      await dco('allocate', '--day', day, '--amount', '50000000000000000000000', '--batch-size', '64', '--json'),
    ).toBe(EXIT.OK);
    const result = JSON.parse(logs[0]) as { resultHash: string; reused: boolean; allocated: string };
    expect(result).toEqual(
      expect.objectContaining({ resultHash: plan.resultHash, reused: false, allocated: plan.allocated }),
    );

    expect(await dco('offering', 'show', day, '--json')).toBe(EXIT.OK);
    expect(JSON.parse(logs[0])).toEqual(
      expect.objectContaining({
        day,
        status: 'COMPLETED',
        offered: '50000000000000000000000',
        resultHash: plan.resultHash,
      }),
    );

    expect(await dco('offering', 'verify', day)).toBe(EXIT.OK);
    expect(logs[0]).toContain(`offering of ${day} verified`);
  });

  it('reports a tampered allocation and exits non-zero', async () => {
    const session = driver.session();
    try {
      await session.run(
        `MATCH (:Offering {day: $day})<-[:OF]-(p:AllocationPage) WITH p ORDER BY p.first LIMIT 1
         SET p.amounts = ['99999999999999999999999999'] + tail(p.amounts)`,
        { day },
      );
    } finally {
      await session.close();
    }
    expect(await dco('offering', 'verify', day, '--json')).toBe(EXIT.FAILURE);
    const report = JSON.parse(logs[0]) as { ok: boolean; violations: string[] };
    expect(report.ok).toBe(false);
    expect(report.violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^allocations sum to \d+ but the offering records \d+ allocated$/),
        expect.stringMatching(/^hash of the stored allocations [0-9a-f]{64} != recorded result hash/),
      ]),
    );
    expect(errors.join('\n')).toContain('DCO.VERIFY_FAILED');
  });

  it('refuses to seed the same contributions twice and to verify an unknown day', async () => {
    expect(
      await dco(
        'seed',
        '--accounts',
        '3',
        '--contributions',
        '3',
        '--day',
        day,
        '--seed',
        '5',
        '--account-prefix',
        prefix,
      ),
    ).toBe(EXIT.FAILURE);
    expect(errors.join('\n')).toMatch(new RegExp(`^DCO.INVALID_INPUT: contribution ${day}-5-0 is duplicated`));
    expect(await dco('offering', 'verify', '2026-13-01')).toBe(EXIT.USAGE);
    expect(await dco('offering', 'verify', uniqueTestDay())).toBe(EXIT.NOT_FOUND);
    expect(errors.join('\n')).toMatch(/^DCO.OFFERING_NOT_FOUND: no offering for /);
    expect(await dco('allocate', '--day', day)).toBe(process.env.DCO_DAILY_AMOUNT ? EXIT.OK : EXIT.USAGE);
  });
});
