// Test fixture for the health comparison's integration spec: a real HTTP service standing in for an ECS service's tasks
// (the emulator runs none). Its latency follows the image ECS says the service runs, as a release's would, and it
// exposes real prom-client metrics (request counter, request and Neo4j query duration histograms) on /metrics; a
// traffic loop keeps requests flowing so the windows have something to measure.
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { Counter, Histogram, Registry, linearBuckets } from 'prom-client';
import { EcsServices } from '@dco/aws';

export interface LatencyService {
  url: string;
  close(): Promise<void>;
}

/** /<service>/work answers after latencyMsByImage[the image ECS runs]; /<service>/health and /<service>/metrics as a service does. */
export async function startLatencyService(
  ecs: EcsServices,
  cluster: string,
  latencyMsByImage: Record<string, number>,
): Promise<LatencyService> {
  const registries = new Map<string, ReturnType<typeof serviceMetrics>>();
  const metricsOf = (service: string) => {
    const known = registries.get(service) ?? serviceMetrics();
    registries.set(service, known);
    return known;
  };
  // The image is read from ECS at most every 100 ms: a rollout or rollback changes the latency within that.
  const images = new Map<string, { at: number; image: Promise<string> }>();
  const imageOf = (service: string) => {
    const cached = images.get(service);
    if (cached && Date.now() - cached.at < 100) return cached.image;
    const image = ecs
      .describeService(cluster, service)
      .then(async (status) => (await ecs.describeTaskDefinition(status?.taskDefinition ?? ''))?.image ?? 'unknown');
    images.set(service, { at: Date.now(), image });
    return image;
  };

  const server: Server = createServer((request, response) => {
    const [, service, kind] = (request.url ?? '').split('/');
    const metrics = metricsOf(service);
    if (kind === 'health') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (kind === 'metrics') {
      void metrics.registry.metrics().then((body) => {
        response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body);
      });
      return;
    }
    const started = performance.now();
    void (async () => {
      const latencyMs = latencyMsByImage[await imageOf(service)] ?? 0;
      // The service's own latency, half of it in its "Neo4j query": what the spec controls through the image.
      const queryStarted = performance.now();
      await delay(latencyMs / 2);
      metrics.neo4jQueryDuration.observe((performance.now() - queryStarted) / 1000);
      await delay(latencyMs / 2);
      response.writeHead(200).end('done');
      metrics.requests.inc({ code: '200' });
      metrics.requestDuration.observe((performance.now() - started) / 1000);
    })();
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

function serviceMetrics() {
  const registry = new Registry();
  const registers = [registry];
  // 10 ms resolution up to 1 s: enough to tell 200 ms from 400 ms.
  const buckets = linearBuckets(0.01, 0.01, 100);
  return {
    registry,
    requests: new Counter({ name: 'http_requests_total', help: 'requests', labelNames: ['code'], registers }),
    requestDuration: new Histogram({ name: 'http_request_duration_seconds', help: 'latency', buckets, registers }),
    neo4jQueryDuration: new Histogram({
      name: 'dco_neo4j_query_duration_seconds',
      help: 'queries',
      buckets,
      registers,
    }),
  };
}

/** Requests to url from `concurrency` clients, one after the other each, until stopped. */
export function startTraffic(url: string, concurrency: number): { stop(): Promise<void> } {
  let running = true;
  const client = async () => {
    while (running) {
      await fetch(url, { signal: AbortSignal.timeout(5_000) })
        .then((response) => response.arrayBuffer())
        .catch(() => undefined);
    }
  };
  const clients = Array.from({ length: concurrency }, client);
  return {
    async stop() {
      running = false;
      await Promise.all(clients);
    },
  };
}
