import { describe, expect, it } from 'vitest';
import { XmlLibError } from 'libxml2-wasm';
import type { ErrorDetail } from 'libxml2-wasm';
import { MAX_PROBLEMS, problemsFromXmlError } from './xml-problems.ts';

const detail = (over: Partial<ErrorDetail>): ErrorDetail => ({
  message: 'boom\n',
  level: 2,
  line: 0,
  col: 0,
  ...over,
});

describe('problemsFromXmlError', () => {
  it('turns each libxml2 detail into a problem with a trimmed message, line, column and path', () => {
    const err = new XmlLibError('ignored', [
      detail({ message: 'first\n', line: 3, col: 7, xpath: '/a/b' }),
      detail({ message: '  second  ', line: 9, col: 1 }),
    ]);
    expect(problemsFromXmlError(err)).toEqual([
      { message: 'first', line: 3, column: 7, path: '/a/b' },
      { message: 'second', line: 9, column: 1 },
    ]);
  });

  it('lists the first 100 problems, then one that counts the rest', () => {
    const many = Array.from({ length: 22_000 }, (_, i) => detail({ message: `p${i}`, line: i + 1 }));
    const problems = problemsFromXmlError(new XmlLibError('x', many));
    expect(problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(problems[MAX_PROBLEMS - 1]).toEqual({ message: 'p99', line: 100 });
    expect(problems.at(-1)).toEqual({ message: 'and 21,900 more problems (the first 100 are listed)' });
  });

  it('clips a message and a path over 1,000 characters, a path keeping its end', () => {
    const name = 'n'.repeat(5_000);
    const [problem] = problemsFromXmlError(
      new XmlLibError('x', [detail({ message: `Element '${name}': not expected.`, xpath: `/${name}/b[2]` })]),
    );
    expect(problem?.message).toHaveLength(1_000);
    expect(problem?.message).toMatch(/^Element 'nnn.*…$/);
    expect(problem?.path).toHaveLength(1_000);
    expect(problem?.path).toMatch(/^…n+\/b\[2\]$/);
  });

  it('leaves out line and column when libxml2 does not know the line', () => {
    expect(problemsFromXmlError(new XmlLibError('x', [detail({ line: 0, col: 5 })]))).toEqual([
      { message: 'boom' },
    ]);
  });

  it('leaves out the column the validator gives as 0 (it knows only the line)', () => {
    expect(problemsFromXmlError(new XmlLibError('x', [detail({ line: 8, col: 0 })]))).toEqual([
      { message: 'boom', line: 8 },
    ]);
  });

  it("keeps libxml2's file name unless the caller names the file", () => {
    const err = new XmlLibError('x', [detail({ file: '/from/libxml2.xsd', line: 1, col: 2 })]);
    expect(problemsFromXmlError(err)).toEqual([
      { message: 'boom', file: '/from/libxml2.xsd', line: 1, column: 2 },
    ]);
    expect(problemsFromXmlError(err, '/given.xsd')).toEqual([
      { message: 'boom', file: '/given.xsd', line: 1, column: 2 },
    ]);
  });

  it('falls back to the error message when libxml2 gave no details', () => {
    expect(problemsFromXmlError(new XmlLibError(' Failed to parse XML\n', []), '/f.xml')).toEqual([
      { message: 'Failed to parse XML', file: '/f.xml' },
    ]);
  });

  it('handles ordinary errors and non-error values', () => {
    expect(problemsFromXmlError(new TypeError('bad input '))).toEqual([{ message: 'bad input' }]);
    expect(problemsFromXmlError('plain string', '/f.xml')).toEqual([
      { message: 'plain string', file: '/f.xml' },
    ]);
  });
});
