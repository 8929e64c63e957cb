// Configured outcomes for the in-memory stand-in of a stage, so tests drive failure paths from outside the process.
import { CodedError, ConfigError, FAILURE_CODES, FailureCode } from '@dco/contracts';

export type SimulatedBehaviour =
  | { kind: 'ok'; delayMs: number }
  | { kind: 'fail'; code: FailureCode; delayMs: number }
  | { kind: 'hang' };

/**
 * Parses `ok`, `ok:<delayMs>`, `fail:<CODE>`, `fail:<CODE>:<delayMs>` or `hang`.
 * Throws a CONFIG.INVALID error naming the variable otherwise.
 */
export function parseSimulatedBehaviour(variable: string, value: string | undefined): SimulatedBehaviour {
  const text = (value ?? 'ok').trim();
  const [kind, first, second] = text.split(':');
  const delay = (raw: string | undefined) => {
    if (raw === undefined) return 0;
    if (!/^\d+$/.test(raw)) throw invalid(variable, text);
    return Number(raw);
  };
  if (kind === 'ok' && second === undefined) return { kind: 'ok', delayMs: delay(first) };
  if (kind === 'hang' && first === undefined) return { kind: 'hang' };
  if (kind === 'fail' && FAILURE_CODES.includes(first as FailureCode)) {
    return { kind: 'fail', code: first as FailureCode, delayMs: delay(second) };
  }
  throw invalid(variable, text);
}

function invalid(variable: string, text: string): ConfigError {
  return new ConfigError(`${variable}="${text}" must be ok, ok:<ms>, fail:<FAILURE_CODE>[:<ms>] or hang`);
}

/**
 * Applies a behaviour: waits, then returns 'answer' or throws the coded failure; `hang` returns 'silent', meaning the
 * command is consumed but never answered (the saga's step timeout must catch it) without blocking the partition.
 */
export async function actOut(behaviour: SimulatedBehaviour, step: string): Promise<'answer' | 'silent'> {
  if (behaviour.kind === 'hang') return 'silent';
  if (behaviour.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
  if (behaviour.kind === 'fail') {
    throw new CodedError(behaviour.code, `${step} failed (simulated outcome ${behaviour.code})`);
  }
  return 'answer';
}
