// Named API credentials: the entries accepted and refused at boot, roles in order, tokens matched by their hash; the
// fixed-window rate limiter.
import { ApiCredential, findCredential, hasRole, parseApiCredentials, sha256Hex } from './api-credentials';
import { RateLimiter } from './rate-limiter';

const hash = (token: string) => sha256Hex(token);

describe('API credentials', () => {
  it('reads name:role:sha256 entries separated by commas or lines, with comments', () => {
    const credentials = parseApiCredentials(
      `alice:operator:${hash('a-token')}\n# the dashboard wall\nwall:viewer:${hash('w-token')}, root:admin:${hash('r')}`,
    );
    expect(credentials.map(({ name, role }) => `${name}:${role}`)).toEqual([
      'alice:operator',
      'wall:viewer',
      'root:admin',
    ]);
    expect(findCredential(credentials, 'w-token')?.name).toBe('wall');
    expect(findCredential(credentials, 'w-token ')).toBeUndefined();
    expect(findCredential(credentials, '')).toBeUndefined();
  });

  it('lets one name hold two tokens during a rotation', () => {
    const credentials = parseApiCredentials(`alice:operator:${hash('old')},alice:operator:${hash('new')}`);
    expect([findCredential(credentials, 'old')?.name, findCredential(credentials, 'new')?.name]).toEqual([
      'alice',
      'alice',
    ]);
  });

  it.each([
    ['a plain token instead of its hash', 'alice:operator:my-secret-token'],
    ['an unknown role', `alice:root:${hash('x')}`],
    ['a name with spaces', `Alice Smith:viewer:${hash('x')}`],
    ['a missing role', `alice:${hash('x')}`],
    ['an extra field', `alice:viewer:${hash('x')}:x`],
    ['one name with two roles', `alice:viewer:${hash('x')},alice:admin:${hash('y')}`],
  ])('refuses %s with CONFIG.INVALID, never echoing a hash', (_label, text) => {
    let error: unknown;
    try {
      parseApiCredentials(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'CONFIG.INVALID' });
    expect(String((error as Error).message)).not.toMatch(/[0-9a-f]{64}/);
    expect(String((error as Error).message)).not.toContain('my-secret-token');
  });

  it('orders the roles viewer < operator < admin', () => {
    const as = (role: ApiCredential['role']) => ({ role });
    expect(hasRole(as('viewer'), 'viewer')).toBe(true);
    expect(hasRole(as('viewer'), 'operator')).toBe(false);
    expect(hasRole(as('operator'), 'viewer')).toBe(true);
    expect(hasRole(as('operator'), 'admin')).toBe(false);
    expect(hasRole(as('admin'), 'operator')).toBe(true);
  });
});

describe('rate limiter', () => {
  it('allows the limit per key and minute, then says how long to wait', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(2, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('b')]).toEqual([undefined, undefined, undefined]);
    now += 15_000;
    expect(limiter.take('a')).toBe(45);
    now += 45_000;
    expect(limiter.take('a')).toBeUndefined();
  });
});
