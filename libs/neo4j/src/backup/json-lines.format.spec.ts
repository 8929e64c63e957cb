// jsonLines: lines end at '\n' only, whatever the chunking, with U+2028/U+2029 kept inside a record.
import { Readable } from 'node:stream';
import { jsonLines } from './json-lines.format';

async function linesOf(chunks: (Buffer | string)[]): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of jsonLines(Readable.from(chunks))) lines.push(line);
  return lines;
}

describe('jsonLines', () => {
  it('keeps U+2028 and U+2029 inside a record (node:readline ends lines there since Node 24)', async () => {
    const records = [JSON.stringify(['s', 'a\u2028b']), JSON.stringify(['s', 'c\u2029d'])];
    expect(await linesOf([records.join('\n') + '\n'])).toEqual(records);
    expect((await linesOf([records.join('\n') + '\n'])).map((line) => JSON.parse(line) as unknown)).toEqual([
      ['s', 'a\u2028b'],
      ['s', 'c\u2029d'],
    ]);
  });

  it('joins lines and multi-byte characters cut across chunks', async () => {
    const bytes = Buffer.from('["😀",1]\n["é\u2028",2]\n');
    const chunks = [...bytes].map((byte) => Buffer.from([byte]));
    expect(await linesOf(chunks)).toEqual(['["😀",1]', '["é\u2028",2]']);
  });

  it('yields empty lines inside, a last line without its newline, and nothing for an empty input', async () => {
    expect(await linesOf(['a\n\nb'])).toEqual(['a', '', 'b']);
    expect(await linesOf([])).toEqual([]);
    expect(await linesOf(['\n'])).toEqual(['']);
  });
});
