import { describe, expect, it } from 'vitest';
import { formatProblem } from '@organism/shared';
import { problemsOf, reported } from './config-problems-test-kit.ts';
import { parseConfig } from './load-config.ts';

/** Each problem of `text` as organism.yaml, as `formatProblem` prints it. */
const said = (text: string): string[] => problemsOf(parseConfig(text, 'organism.yaml')).map(formatProblem);

describe('YAML that does not parse', () => {
  it('reports the syntax error at the line and column the parser gives', () => {
    const problems = problemsOf(parseConfig('name: a\nlisteners: [] ]\n', 'organism.yaml'));
    expect(problems.map(formatProblem)).toEqual([
      'organism.yaml:2:15: invalid YAML: Unexpected flow-seq-end token in YAML stream: "]"',
    ]);
  });

  it('reports a [ or { never closed where it opens, and which line it ran into', async () => {
    // The parser finds the `]` missing at the next item (5:3); the fix is on the line that opened it.
    expect(await reported('syntax-error.yaml')).toEqual([
      'syntax-error.yaml:4:12: invalid YAML: this [ is never closed: its ] is missing before line 5',
    ]);
    const cases: [string, string][] = [
      [
        'name: a\nlisteners: []\npump: {maxDepth: 5\n',
        '3:7: invalid YAML: this { is never closed: its } is missing before the end of the file',
      ],
      [
        'name: a\nlisteners: []\nx: [1, [2, 3]\ny: 1\n',
        '3:4: invalid YAML: this [ is never closed: its ] is missing before line 4',
      ],
      [
        'name: a\nlisteners:\n  - peers: [a,\n      b\n    name: x\n',
        '3:12: invalid YAML: this [ is never closed: its ] is missing before line 5',
      ],
    ];
    for (const [text, problem] of cases) expect(said(text)).toEqual([`organism.yaml:${problem}`]);
  });

  it('reports a quoted string never closed where it opens, not at the end of the file it ran to', () => {
    const rest = 'a quoted string may run on over lines, so all that follows reads as part of it';
    const cases: [string, string][] = [
      [
        'name: "demo\ndescription: x\nlisteners: []\n',
        `1:7: invalid YAML: this string has no closing ": ${rest}`,
      ],
      [
        "name: demo\ndescription: 'it\nlisteners: []\n",
        `2:14: invalid YAML: this string has no closing ': ${rest}`,
      ],
      // The one never closed, after others that are.
      [
        "name: 'demo'\ndescription: \"a\"\nlisteners:\n  - name: 'x'\n    description: \"y\n",
        `5:18: invalid YAML: this string has no closing ": ${rest}`,
      ],
      // An escaped quote does not close it.
      [
        'name: demo\nlisteners:\n  - name: "a\\"\n    peers: []\n',
        `3:11: invalid YAML: this string has no closing ": ${rest}`,
      ],
    ];
    for (const [text, problem] of cases) expect(said(text)).toEqual([`organism.yaml:${problem}`]);
    // Inside a flow sequence the string swallows its `]` too, and later brackets' ends: said is the string.
    expect(
      problemsOf(parseConfig('name: demo\nx: [1, 2\nlisteners: "a\n', 'organism.yaml'))[0],
    ).toMatchObject({
      line: 3,
      column: 12,
    });
    const [problem] = problemsOf(parseConfig('name: demo\nlisteners: ["a, b]\n', 'organism.yaml'));
    expect(problem).toMatchObject({ line: 2, column: 13 });
    expect(problem?.message).toBe(
      `invalid YAML: this string has no closing ": ${rest} (and 1 more YAML error after it, which may only follow from this one)`,
    );
  });

  it('says only the first of a cascade of syntax errors, and how many follow it; every key written twice', () => {
    // One missing `]`: the parser reads what follows wrongly, six errors in all, the first found at 3:3
    // ("Block collections are not allowed within flow collections"); said is the `[` they follow from.
    const text =
      'name: demo\nlisteners: [\n  - name: greeter\n    payload:\n      schema: s.xsd\n  - name: x\n';
    const problems = problemsOf(parseConfig(text, 'organism.yaml'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 2, column: 12 });
    expect(problems[0]?.message).toBe(
      'invalid YAML: this [ is never closed: its ] is missing before the end of the file (and 5 more YAML errors after it, which may only follow from this one)',
    );
    // Before a syntax error of its own, the first found is said, with those after it.
    const [early] = problemsOf(parseConfig('name: a\nx: - y\nlisteners: [\n  - a\n', 'organism.yaml'));
    expect(early).toMatchObject({ line: 2 });
    expect(early?.message).toMatch(/^invalid YAML: .* \(and \d+ more YAML errors? after it/);
    const twice = problemsOf(
      parseConfig('name: a\nname: b\nlisteners: []\nlisteners: []\n', 'organism.yaml'),
    );
    expect(twice.map((p) => [p.line, p.message])).toEqual([
      [
        2,
        'invalid YAML: the key "name" is written twice in this map, first on line 1: a map holds each key once',
      ],
      [
        4,
        'invalid YAML: the key "listeners" is written twice in this map, first on line 3: a map holds each key once',
      ],
    ]);
  });

  it('says the commonest slips as the slip, where it is fixed, not in the parser’s words', () => {
    // A description holding ": " ("Nested mappings are not allowed in compact mappings").
    expect(said('name: demo\ndescription: Greets: loudly  # hello\nlisteners: []\n')).toEqual([
      'organism.yaml:2:14: invalid YAML: this value holds a colon and a space, which YAML reads as a key of its own: put the value in quotes ("Greets: loudly")',
    ]);
    // A key indented under one that has a value: said at that key, not at the value before it.
    expect(said('name: demo\nlisteners:\n  - name: greeter\n     payload: x\n')).toEqual([
      'organism.yaml:4:6: invalid YAML: this line is indented deeper than the key on line 3, which already has a value ("greeter"): line its key up with that one (and 1 more YAML error after it, which may only follow from this one)',
    ]);
    // A key with no colon ("Implicit keys need to be on a single line"; in a list item, "Implicit map keys
    // need to be followed by map values").
    const noColon =
      'invalid YAML: this line has no ":" after its key (a key and its value are written "key: value")';
    expect(said('name: demo\nlisteners\n  - name: x\n')).toEqual([`organism.yaml:2:1: ${noColon}`]);
    expect(said('name: demo\nlisteners:\n  - name: a\n    handler\n')).toEqual([
      `organism.yaml:4:5: ${noColon}`,
    ]);
    // No space after a key's colon: said at the colon.
    expect(said('name: demo\npump:\n  maxDepth:5\n  queueSize: 9\nlisteners: []\n')).toEqual([
      'organism.yaml:3:11: invalid YAML: this ":" has no space after it, so YAML reads "maxDepth:5" as one word, not a key and its value: write "maxDepth: 5"',
    ]);
    // A quote inside a string of the same quotes ends it ("Unexpected scalar at node end"): said at that quote.
    expect(said('name: demo\ndescription: "He said "hi""\nlisteners: []\n')).toEqual([
      `organism.yaml:2:23: invalid YAML: this " ends the string, so what follows it is left over: inside "…" write a " as \\", or put the value in '…'`,
    ]);
    expect(said("name: demo\ndescription: 'it's'\nlisteners: []\n")).toEqual([
      `organism.yaml:2:17: invalid YAML: this ' ends the string, so what follows it is left over: inside '…' write a ' as '', or put the value in "…"`,
    ]);
    // An alias to no anchor, at the alias.
    expect(said('name: demo\nlisteners: *nope\n')).toEqual([
      'organism.yaml:2:12: invalid YAML: Unresolved alias (the anchor must be set before the alias): nope',
    ]);
    // A list begun on its key's line ("Unexpected block-seq-ind on same line with key").
    expect(said('name: demo\nlisteners: - a\n')[0]).toMatch(
      /^organism\.yaml:2:12: invalid YAML: a list cannot begin on the line of its key: put "- a" on the next line, indented under the key \(and 1 more/,
    );
    // A tab in the indentation is said at the tab ("Tabs are not allowed as indentation").
    const tab =
      'invalid YAML: this line is indented with a tab, and YAML indents with spaces only: write spaces in its place';
    expect(said('name: demo\nlisteners:\n  \t- a\n')).toEqual([`organism.yaml:3:3: ${tab}`]);
    expect(said('name: demo\npump:\n\tmaxDepth: 5\nlisteners: []\n')).toEqual([`organism.yaml:3:1: ${tab}`]);
    // A value too long to show back is only told to be quoted.
    const long = `note: ${'word '.repeat(15)}and: more`;
    expect(said(`name: demo\n${long}\nlisteners: []\n`)[0]).toMatch(/: put the value in quotes$/);
    // A key that opens a string: the string, not the key that runs on over lines.
    expect(said('name: demo\n"listeners: []\n')[0]).toMatch(
      /^organism\.yaml:2:1: invalid YAML: this string has no closing ": /,
    );
  });

  it("says a key left of the file's first key, which set the top level's column, as the spaces to take off", () => {
    // "Unexpected scalar at node end", at the key: a file pasted with its indentation, say.
    expect(said('  name: demo\nlisteners: []\n')[0]).toMatch(
      /^organism\.yaml:2:1: invalid YAML: this key is indented 0 spaces, and the file's first key, "name" \(line 1\), is indented 2: the keys of a file's top level line up with its first, so take the 2 spaces before "name" off \(and 3 more/,
    );
    // Comments and blank lines above the first key are skipped; a key indented less is offered both ways.
    expect(said('# demo\n\n    name: demo\n  listeners: []\n')[0]).toMatch(
      /^organism\.yaml:4:3: invalid YAML: this key is indented 2 spaces, and the file's first key, "name" \(line 3\), is indented 4: .* so take the 2 spaces before "name" off, or indent this key 4 \(/,
    );
    // A file indented as a whole is one map, as YAML reads it.
    expect(parseConfig('  name: demo\n  listeners: []\n', 'organism.yaml').ok).toBe(true);
  });

  it('says why a value holds a "-" and what follows it: an item indented under the one above runs on from it', () => {
    const note =
      '(YAML reads "- shouter" on line 4 as more of this text, not as a list item: a "-" indented under a value continues it; line it up with the list\'s other "-" to make it an item)';
    // Legal YAML (a plain value runs on over the lines indented under it): the problem is the value's.
    expect(said('name: demo\nlisteners:\n  - greeter\n    - shouter\n')).toEqual([
      `organism.yaml:3:5 listeners[0]: expected a map of keys, got text "greeter - shouter" ${note}`,
    ]);
    // Every problem with such a value says it; a value quoted, or on one line, says nothing more.
    const peers = (list: string): string[] =>
      said(`name: demo\nlisteners:\n  - name: a\n    description: d\n    peers:\n${list}`).filter((p) =>
        p.includes('peers[0]'),
      );
    const ranOn = peers('      - b\n        - c\n');
    expect(ranOn).toHaveLength(2);
    for (const p of ranOn)
      expect(p).toMatch(
        /^organism\.yaml:6:9 listeners\[0\]\.peers\[0\]: .*"b - c".* \(YAML reads "- c" on line 7 as more/,
      );
    expect(peers('      - "b - c"\n').join('\n')).not.toContain('YAML reads');
    expect(peers('      - b - c\n').join('\n')).not.toContain('YAML reads');
  });

  it('says a key or a list item out of line as the indentation that would fix it, at the key', () => {
    // "All mapping items must start at the same column": between two keys' columns, both offered.
    expect(said('name: demo\npump:\n  maxDepth: 5\n queueSize: 9\nlisteners: []\n')).toEqual([
      'organism.yaml:4:2: invalid YAML: this key is indented 1 space, and no key above it is: indent it 2 to go with "maxDepth" (line 3), or 0 to go with "pump" (line 2)',
    ]);
    // "Sequence item without - indicator": between a list item's "-" and its keys.
    expect(said('name: demo\nlisteners:\n  - name: a\n    timeout: 1s\n   retry: 2\n')).toEqual([
      'organism.yaml:5:4: invalid YAML: this key is indented 3 spaces, and no key above it is: indent it 4 to go with "timeout" (line 4), or 0 to go with "listeners" (line 2)',
    ]);
    // Deeper than a map's keys, shallower than the keys of the map inside it; a block scalar's text
    // and a comment between are not keys (the parser says this one at the comment).
    const nested =
      'name: demo\nlisteners:\n  - name: a\n    description: |\n      one: two\n    payload:\n      schema: a.xsd\n      # the root\n     root: a\n';
    expect(said(nested)).toEqual([
      'organism.yaml:9:6: invalid YAML: this key is indented 5 spaces, and no key above it is: indent it 6 to go with "schema" (line 7), or 4 to go with "payload" (line 6)',
    ]);
    // At a list item's "-": meant for the item, or beside the list's key.
    expect(said('name: demo\nlisteners:\n  - name: a\n  handler: a.ts\n')).toEqual([
      'organism.yaml:4:3: invalid YAML: this key lines up with the "-" on line 3, not with the keys of that item: indent it 4 to go with "name" (line 3), or 0 to go with "listeners" (line 2)',
    ]);
    expect(said('name: demo\nlisteners: []\ntags:\n  - a\n  b: c\n')).toEqual([
      'organism.yaml:5:3: invalid YAML: this key lines up with the "-" on line 4: begin it with "- " to make it an item of that list, or indent it 0 to go with "tags" (line 3)',
    ]);
    // An item with no "-".
    expect(said('name: demo\nlisteners:\n  - name: a\n    peers:\n      - b\n      c\n')[0]).toMatch(
      /^organism\.yaml:6:7: invalid YAML: this line lines up with the "-" on line 5 but has none of its own: begin it with "- " to make it an item of that list \(and 1 more/,
    );
    // A "-" out of line with the items above it, deeper or shallower ("All sequence items must start at
    // the same column"; "A block sequence may not be used as an implicit map key").
    for (const [dash, column, more] of [
      ['   -', 4, ''],
      [' -', 2, ' (and 2 more YAML errors after it, which may only follow from this one)'],
    ] as const)
      expect(said(`name: demo\nlisteners:\n  - name: a\n${dash} name: b\n`)).toEqual([
        `organism.yaml:4:${column}: invalid YAML: this "-" is indented ${column - 1} ${column === 2 ? 'space' : 'spaces'}, and no "-" above it is: indent it 2 to go with the item on line 3${more}`,
      ]);
    // A list item among keys ("A block sequence may not be used as an implicit map key").
    expect(said('name: demo\nlisteners: []\npump:\n  maxDepth: 5\n  - y\n')[0]).toMatch(
      /^organism\.yaml:5:3: invalid YAML: this list item lines up with the key "maxDepth" \(line 4\): one level holds keys or list items, not both; put the list under a key of its own \(and 2 more/,
    );
    // A line out of line that is neither a key nor an item: the parser's words.
    expect(said('name: demo\npump:\n  maxDepth: 5\n queue\nlisteners: []\n')).toEqual([
      'organism.yaml:4:2: invalid YAML: All mapping items must start at the same column (and 1 more YAML error after it, which may only follow from this one)',
    ]);
  });

  it('rejects a key written twice in one map', async () => {
    expect(await reported('duplicate-yaml-key.yaml')).toEqual([
      'duplicate-yaml-key.yaml:3:1: invalid YAML: the key "name" is written twice in this map, first on line 1: a map holds each key once',
    ]);
    // In a listener, and in a flow map: the first of the two is in the same map, not another.
    const text =
      'name: a\nlisteners:\n  - name: x\n    handler: h.ts\n  - name: y\n    handler: h.ts\n    retry: {maxAttempts: 2, maxAttempts: 3}\n    handler: g.ts\n';
    expect(said(text)).toEqual([
      'organism.yaml:7:29: invalid YAML: the key "maxAttempts" is written twice in this map, first on line 7: a map holds each key once',
      'organism.yaml:8:5: invalid YAML: the key "handler" is written twice in this map, first on line 6: a map holds each key once',
    ]);
  });

  it('rejects more than one document in the file', () => {
    const problems = problemsOf(parseConfig('name: a\nlisteners: []\n---\nname: b\n', 'organism.yaml'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'organism.yaml', line: 3, column: 1 });
    expect(problems[0]?.message).toMatch(/^invalid YAML: .*multiple documents/);
  });

  it('says YAML nested thousands deep is nested too deep, and where, not that a stack overflowed', () => {
    for (const text of [
      `name: deep\nlisteners: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
      `name: deep\nlisteners:\n${Array.from({ length: 5000 }, (_, i) => `${'  '.repeat(i + 1)}-\n`).join('')}`,
    ]) {
      const problems = problemsOf(parseConfig(text, 'organism.yaml'));
      expect(problems).toHaveLength(1);
      const [problem] = problems;
      expect(problem?.line).toBeGreaterThan(1);
      expect(problem?.message).toBe(
        `invalid YAML: nested too deep to read (lists or maps inside one another, still going deeper at line ${problem?.line})`,
      );
    }
  });

  it('refuses alias expansion that would blow up in memory', () => {
    const aliases = Array.from(
      { length: 12 },
      (_, i) => `l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(', ')}]`,
    );
    const text = ['l0: &l0 boom', ...aliases, 'name: bomb', 'listeners: []'].join('\n');
    const problems = problemsOf(parseConfig(text, 'organism.yaml'));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/^invalid YAML: .*alias/i);
  });
});
