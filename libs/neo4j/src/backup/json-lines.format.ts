// Splits a byte stream of JSON Lines (the backup, the bulk patch) into its lines, at '\n' only.
// node:readline is not used: since Node 24 it also ends a line at U+2028 and U+2029, which JSON.stringify leaves
// unescaped inside strings, so a record holding one would be cut in two.
import { StringDecoder } from 'node:string_decoder';

/** The lines of `input` without their '\n'; a last line without one is yielded too, an empty end is not. */
export async function* jsonLines(input: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of input) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n', start)) {
      yield pending.slice(start, end);
      start = end + 1;
    }
    pending = pending.slice(start);
  }
  pending += decoder.end();
  if (pending) yield pending;
}
