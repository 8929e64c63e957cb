import { MigrationProgressReporter } from './migration-progress.reporter';

describe('MigrationProgressReporter', () => {
  it('keeps the migration going when a progress publish fails (broker restarting), with nothing left unhandled', async () => {
    const published: string[] = [];
    let brokerDown = true;
    const emit = jest.fn(async (_type: string, data: { phase: string; done: number }) => {
      if (brokerDown) throw new Error('KafkaJSConnectionClosedError: connection closed');
      published.push(`${data.phase}:${data.done}`);
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const reporter = new MigrationProgressReporter({ emit } as never);
      reporter.listener({ phase: 'restore', done: 0, total: 10 });
      reporter.listener({ phase: 'restore', done: 5, total: 10 });
      await reporter.flushed();
      brokerDown = false;
      reporter.listener({ phase: 'validate', done: 10, total: 10 });
      await expect(reporter.flushed()).resolves.toBeUndefined();
      await new Promise((resolve) => setImmediate(resolve));
      expect(reporter.failedPublishes).toBe(2);
      expect(published).toEqual(['validate:10']);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('reports each phase change, then at most every 10 %', async () => {
    const seen: string[] = [];
    const reporter = new MigrationProgressReporter({
      emit: async (_type: string, data: { phase: string; done: number }) =>
        void seen.push(`${data.phase}:${data.done}`),
    } as never);
    for (let done = 0; done <= 100; done += 1) reporter.listener({ phase: 'restore', done, total: 100 });
    reporter.listener({ phase: 'validate', done: 0, total: 100 });
    await reporter.flushed();
    expect(seen).toEqual([
      'restore:0',
      'restore:10',
      'restore:20',
      'restore:30',
      'restore:40',
      'restore:50',
      'restore:60',
      'restore:70',
      'restore:80',
      'restore:90',
      'restore:100',
      'validate:0',
    ]);
  });
});
