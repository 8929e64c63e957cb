// Unit spec of waitFor: returns the first truthy value, retries thrown errors, times out with the description and the last error.
import { CodedError } from '../../contracts/src/errors';
import { abortWaiting, waitFor, WaitTimeoutError, withDeadline } from './wait-for';

describe('waitFor', () => {
  it('returns the first value that is neither undefined nor false', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls < 3 ? undefined : `ready after ${calls}`), {
      // Only stops a hang: on a loaded machine the two 1 ms pauses may take seconds.
      timeoutMs: 20_000,
      intervalMs: 1,
      description: 'three calls',
    });
    expect(value).toBe('ready after 3');
  });

  it('treats a thrown error as "not yet" and reports the last one on timeout', async () => {
    const failure = await waitFor(
      () => {
        throw new Error('connection refused');
      },
      { timeoutMs: 30, intervalMs: 5, description: 'the broker' },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WaitTimeoutError);
    expect((failure as WaitTimeoutError).message).toBe(
      'timed out after 30 ms waiting for the broker; last error: connection refused',
    );
  });

  it('stops at once on abortWaiting and rethrows that error', async () => {
    let calls = 0;
    const fatal = new Error('process exited');
    await expect(
      waitFor(
        () => {
          calls += 1;
          abortWaiting(fatal);
        },
        { timeoutMs: 5000, intervalMs: 1, description: 'a dead process' },
      ),
    ).rejects.toBe(fatal);
    expect(calls).toBe(1);
  });

  it('honours an abort signal', async () => {
    const controller = new AbortController();
    const waiting = waitFor(() => false, {
      timeoutMs: 5000,
      intervalMs: 5,
      description: 'never',
      signal: controller.signal,
    });
    controller.abort(new Error('test over'));
    await expect(waiting).rejects.toThrow('test over');
  });
});

describe('withDeadline', () => {
  it("answers the work's outcome when it comes first, its failure included", async () => {
    await expect(withDeadline(Promise.resolve(7), 1_000, () => new Error('late'))).resolves.toBe(7);
    await expect(withDeadline(Promise.reject(new Error('broken')), 1_000, () => new Error('late'))).rejects.toThrow(
      'broken',
    );
  });

  it('fails with the deadline error when the work does not answer in time', async () => {
    const never = new Promise<number>(() => undefined);
    await expect(
      withDeadline(never, 10, () => new CodedError('DASHBOARD.INFRA_TIMEOUT', 'no answer')),
    ).rejects.toMatchObject({
      code: 'DASHBOARD.INFRA_TIMEOUT',
    });
  });
});
