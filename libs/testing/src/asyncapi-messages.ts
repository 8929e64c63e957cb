// Checks messages against the bus's AsyncAPI document as the official parser reads it: one JSON-schema validator per
// registered message type, from the payload schema the parser resolves.
import { AsyncAPIDocumentInterface, Parser } from '@asyncapi/parser';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ALL_MESSAGE_TYPES } from '@dco/contracts';

export interface AsyncApiMessageCheck {
  document: AsyncAPIDocumentInterface;
  validators: Map<string, ValidateFunction>;
  /** The schema errors of one message, as `<type> <path> <problem>`; empty when it conforms. */
  errorsOf(message: unknown): string[];
}

export async function asyncApiMessageCheck(asyncApiDocument: object): Promise<AsyncApiMessageCheck> {
  const parsed = await new Parser().parse(JSON.stringify(asyncApiDocument));
  const errors = parsed.diagnostics.filter((diagnostic) => diagnostic.severity === 0);
  if (!parsed.document || errors.length)
    throw new Error(`the AsyncAPI document does not parse: ${errors.map((error) => error.message).join('; ')}`);
  const document = parsed.document;
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  const validators = new Map<string, ValidateFunction>();
  for (const message of document.messages()) {
    const payload = message.payload()?.json();
    if (payload && (ALL_MESSAGE_TYPES as string[]).includes(message.id()))
      validators.set(message.id(), ajv.compile(payload));
  }
  const errorsOf = (value: unknown): string[] => {
    const type = (value as { type?: string }).type ?? '';
    const check = validators.get(type);
    if (!check) return [`no schema for type ${type}`];
    return check(value) ? [] : (check.errors ?? []).map((error) => `${type} ${error.instancePath} ${error.message}`);
  };
  return { document, validators, errorsOf };
}
