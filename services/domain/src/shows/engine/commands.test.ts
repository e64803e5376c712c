import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './commands.ts';

/** What a command's file says of its keys and arguments: its locals, in order, and its header. */
const declared = (file: string) => {
  const lua = readFileSync(new URL(`./lua/${file}`, import.meta.url), 'utf8');
  const [header = '', body = ''] = lua.split(/\n\]\]\n/);
  const locals = (what: 'KEYS' | 'ARGV') =>
    [...body.matchAll(new RegExp(`^local (\\w+) = ${what}\\[(\\d+)\\]$`, 'gm'))].map((m) => ({ name: m[1]!, at: Number(m[2]) }));
  const listed = (what: 'KEYS' | 'ARGV') => [...header.matchAll(new RegExp(`^\\s+${what}\\[(\\d+)\\] (\\w+)`, 'gm'))].map((m) => m[2]!);
  return { body, keys: locals('KEYS'), argv: locals('ARGV'), headerKeys: listed('KEYS'), headerArgv: listed('ARGV') };
};

describe('the engine commands', () => {
  for (const [name, c] of Object.entries(COMMANDS)) {
    it(`${name}: its file and its caller agree on every key and argument`, () => {
      const d = declared(c.file);
      expect(d.keys.map((k) => k.name)).toEqual(c.keys.map((k) => `${k}Key`));
      expect(d.keys.map((k) => k.at)).toEqual(c.keys.map((_, i) => i + 1));
      expect(d.argv.map((a) => a.name)).toEqual([...c.argv]);
      expect(d.argv.map((a) => a.at)).toEqual(c.argv.map((_, i) => i + 1));
      expect(d.headerKeys.slice(0, c.keys.length)).toEqual([...c.keys]);
      expect(d.headerArgv.slice(0, c.argv.length)).toEqual([...c.argv]);
      // BullMQ's naming: <command>-<number of keys>.lua, but for the variadic open.
      if (name !== 'showOpen') expect(c.file).toBe(`${c.file.replace(/-\d+\.lua$/, '')}-${c.keys.length}.lua`);
      // Past the locals, the script says names, never positions.
      const rest = d.body.split('\n').filter((line) => !/^local \w+ = (KEYS|ARGV)\[\d+\]$/.test(line)).join('\n');
      if (name !== 'showOpen') expect(rest).not.toMatch(/KEYS\[|ARGV\[/);
    });
  }
});
