// The healer's injection token and what it provides: the use case, its interval and how to close its clients.
import { Healer } from './healer.use-case';

export const HEALER = Symbol('Healer');

export interface HealerHandle {
  healer: Healer;
  intervalMs: number;
  close(): Promise<void>;
}
