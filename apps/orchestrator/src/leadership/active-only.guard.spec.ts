import { ExecutionContext } from '@nestjs/common';
import { ApiError } from '../runs-api/api-error';
import { ActiveOnlyGuard } from './active-only.guard';
import { Leadership } from './leadership';
import { OrchestratorLease } from './orchestrator-lease';

function lease(holder: string | undefined): OrchestratorLease {
  return {
    name: 'orchestrator-b',
    start: async () => undefined,
    stop: async () => undefined,
    holder: async () => holder,
  };
}

function http(method: string, path: string): ExecutionContext {
  return {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => ({ method, path }) }),
  } as unknown as ExecutionContext;
}

describe('ActiveOnlyGuard', () => {
  it('lets a standby serve reads and everything outside /api/runs', async () => {
    const guard = new ActiveOnlyGuard(new Leadership(lease('orchestrator-a')));
    expect(await guard.canActivate(http('GET', '/api/runs'))).toBe(true);
    expect(await guard.canActivate(http('GET', '/api/runs/dco-2040-01-01'))).toBe(true);
    expect(await guard.canActivate(http('GET', '/api/events'))).toBe(true);
  });

  it('refuses a change on a standby with 503 API.NOT_ACTIVE naming the active orchestrator', async () => {
    const guard = new ActiveOnlyGuard(new Leadership(lease('orchestrator-a')));
    const error = await guard.canActivate(http('POST', '/api/runs/dco-2040-01-01/approve')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect([(error as ApiError).code, (error as ApiError).status]).toEqual(['API.NOT_ACTIVE', 503]);
    expect((error as ApiError).message).toContain('the active one is orchestrator-a');
  });

  it('says so when no active orchestrator is known (a takeover in progress)', async () => {
    const guard = new ActiveOnlyGuard(new Leadership(lease(undefined)));
    const error = (await guard.canActivate(http('POST', '/api/runs')).catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('API.NOT_ACTIVE');
    expect(error.message).toContain('no active orchestrator is known');
  });

  it('lets the active orchestrator take changes', async () => {
    const leadership = new Leadership(lease('orchestrator-b'));
    leadership.set('active');
    expect(await new ActiveOnlyGuard(leadership).canActivate(http('POST', '/api/runs'))).toBe(true);
  });
});
