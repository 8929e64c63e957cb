// One ordering of account ids for sorting, tie-breaks and hashing: UTF-16 code-unit order, independent of locale.

export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
