// DCO_NPM_REGISTRY_URL: what boots and what is refused.
import { parseRegistryUrl } from './registry-url';

describe('parseRegistryUrl', () => {
  it.each([
    ['https://registry.npmjs.org', 'https://registry.npmjs.org'],
    ['https://registry.npmjs.org/', 'https://registry.npmjs.org'],
    ['http://127.0.0.1:14873', 'http://127.0.0.1:14873'],
    ['https://npm.example.com/repository/npm-proxy/', 'https://npm.example.com/repository/npm-proxy'],
  ])('accepts %s', (text, expected) => {
    expect(parseRegistryUrl(text)).toBe(expected);
  });

  it.each([
    ['registry.npmjs.org', 'http(s) URL'],
    ['ftp://registry.example.com', 'http or https'],
    ['https://user:secret@registry.example.com', 'credentials'],
    ['https://registry.example.com/?token=x', 'no query'],
  ])('refuses %s', (text, why) => {
    expect(() => parseRegistryUrl(text)).toThrow(why);
  });
});
