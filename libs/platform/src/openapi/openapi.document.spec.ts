import { Controller, Get, Logger, LoggerService } from '@nestjs/common';
import { buildOpenApiDocument } from './openapi.document';

@Controller('probe')
class ProbeController {
  @Get()
  read(): string {
    return 'ok';
  }
}

describe('buildOpenApiDocument', () => {
  afterEach(() => Logger.overrideLogger(false));

  it('describes the controllers it is given', async () => {
    const document = await buildOpenApiDocument({ service: 'probe' }, [ProbeController]);
    expect(Object.keys(document.paths)).toEqual(['/probe']);
  });

  it("leaves the process's Nest logger in place: the service's log lines after its start still reach it", async () => {
    const lines: string[] = [];
    const processLogger: LoggerService = {
      log: (message: string) => void lines.push(`log ${message}`),
      warn: (message: string) => void lines.push(`warn ${message}`),
      error: (message: string) => void lines.push(`error ${message}`),
    };
    Logger.overrideLogger(processLogger);

    await buildOpenApiDocument({ service: 'probe' }, [ProbeController]);
    new Logger('Saga').log('dco-2026-12-06: Detecting -> ApplyingInfra');

    expect(lines).toEqual(['log dco-2026-12-06: Detecting -> ApplyingInfra']);
  });
});
