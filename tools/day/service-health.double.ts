// The health endpoint the infra-deployer's probe polls for the ECS services of a scenario. The emulator runs no
// containers, so this stands in for the tasks: it answers from what ECS says the service runs, and a revision of a
// known-broken image answers 503, as a broken release would.
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { EcsServices } from '@dco/aws';

export interface ServiceHealthDouble {
  url: string;
  /** Every answer given, for the scenario report: service, image, status. */
  answers: Array<{ service: string; image: string; status: number }>;
  close(): Promise<void>;
}

export async function startServiceHealthDouble(
  ecs: EcsServices,
  cluster: string,
  brokenImages: readonly string[],
): Promise<ServiceHealthDouble> {
  const answers: ServiceHealthDouble['answers'] = [];
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const [, service, kind] = (request.url ?? '').split('/');
    if (!service || kind !== 'health') {
      response.writeHead(404).end();
      return;
    }
    const status = await ecs.describeService(cluster, service);
    const definition = status ? await ecs.describeTaskDefinition(status.taskDefinition) : undefined;
    const image = definition?.image ?? 'unknown';
    const code = !definition ? 503 : brokenImages.includes(image) ? 503 : 200;
    answers.push({ service, image, status: code });
    response.writeHead(code, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: code === 200 ? 'ok' : 'error', service, image }));
  };
  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: 'error', detail: (error as Error).message }));
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answers,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
