// Command lines split like a POSIX shell would quote them, with nothing a shell would expand.
import { describe, expect, it } from 'vitest';
import { splitCommand } from '../../../../src/bridges/translate/split-command.js';

describe('splitCommand', () => {
  it('splits on whitespace and keeps quoted spaces', () => {
    expect(splitCommand(`npx -y  "my server" --name 'a b'`)).toEqual([
      'npx',
      '-y',
      'my server',
      '--name',
      'a b',
    ]);
  });

  it('joins adjacent quoted and bare parts into one word and keeps empty quoted words', () => {
    expect(splitCommand(`--opt="x y"z '' ""`)).toEqual(['--opt=x yz', '', '']);
  });

  it('applies backslash escapes outside and inside double quotes, none inside single quotes', () => {
    expect(splitCommand(String.raw`a\ b "c\"d\\e\n" 'f\g'`)).toEqual(['a b', 'c"d\\e\\n', 'f\\g']);
    expect(splitCommand('a \\\n b')).toEqual(['a', 'b']);
  });

  it('expands nothing: variables, globs and operators stay literal', () => {
    expect(splitCommand('echo $HOME *.ts ; rm -rf / | cat')).toEqual([
      'echo',
      '$HOME',
      '*.ts',
      ';',
      'rm',
      '-rf',
      '/',
      '|',
      'cat',
    ]);
  });

  it('refuses unterminated quotes and a trailing backslash', () => {
    expect(() => splitCommand(`node "server.js`)).toThrow(/unterminated " quote/);
    expect(() => splitCommand(`node 'server.js`)).toThrow(/unterminated ' quote/);
    expect(() => splitCommand('node \\')).toThrow(/lone backslash/);
  });

  it('returns no words for a blank line', () => {
    expect(splitCommand('  \t ')).toEqual([]);
  });
});
