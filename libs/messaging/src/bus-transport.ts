// Starts the bus transport inside a Nest application: its command controllers' handlers consume from the bus.
import { INestApplication } from '@nestjs/common';
import { MicroserviceOptions } from '@nestjs/microservices';
import { BusTransportOptions, BusTransportServer } from './bus-transport.server';

/**
 * Connects the transport to the app (a hybrid app: HTTP and the bus), runs the app's lifecycle hooks first so that
 * handlers only run on initialised providers, and subscribes. `app.close()` stops the subscriptions.
 */
export async function startBusTransport(
  app: INestApplication,
  options: BusTransportOptions,
): Promise<BusTransportServer> {
  const server = new BusTransportServer(options);
  app.connectMicroservice<MicroserviceOptions>({ strategy: server });
  await app.init();
  await app.startAllMicroservices();
  return server;
}
