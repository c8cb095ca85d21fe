import { describe, expect, it } from 'vitest';
import {
  localNames,
  PayloadXPath,
  unknownFunction,
  XPATH_REACH_UP_TEXT,
  XPATH_STEPS_PER_PAYLOAD,
  XPathTooCostly,
} from './payload-xpath.ts';
import { reachesUpInPredicate } from './xpath-functions.ts';

const order = (total: number): string =>
  `<order xmlns="urn:organism:demo:orders" xmlns:a="urn:organism:demo:address" id="o-1" a:kind="x > y"><customer>ACME</customer><a:city>Springfield</a:city><total>${total}</total></order>`;

function compiled(expression: string): PayloadXPath {
  const c = PayloadXPath.compile(expression);
  if (!c.ok) throw new Error(c.message);
  return c.xpath;
}

describe('PayloadXPath', () => {
  it('matches payloads by local names, whatever their namespaces, and says what matched', () => {
    const x = compiled('/order[total > 100]');
    try {
      expect(x.test(order(150))).toBe('order: ACME · Springfield · 150');
      expect(x.test(order(50))).toBeNull();
    } finally {
      x.dispose();
    }
    const city = compiled('//city');
    expect(city.test(order(1))).toBe('city: Springfield');
    city.dispose();
    const kind = compiled('/order/@kind');
    expect(kind.test(order(1))).toBe('kind: x > y');
    kind.dispose();
  });

  it('reads numbers, strings and booleans as XPath boolean() does', () => {
    for (const [expr, want] of [
      ['count(//total)', '1'],
      ['count(//nothing)', null],
      ['string(/order/@id)', 'o-1'],
      ['string(/order/@missing)', null],
      ['/order/total = 7', 'true'],
      ['/order/total = 8', null],
    ] as const) {
      const x = compiled(expr);
      expect(x.test(order(7)), expr).toBe(want);
      x.dispose();
    }
  });

  it('refuses a malformed expression and one it cannot evaluate, saying why', () => {
    expect(PayloadXPath.compile('/order[')).toEqual({
      ok: false,
      message: 'not an XPath 1.0 expression: invalid expression',
    });
    expect(PayloadXPath.compile('nosuch(1)')).toEqual({
      ok: false,
      message:
        "not an XPath 1.0 expression: no function nosuch() (XPath 1.0's own, such as contains() or count(), only)",
    });
    // libxml2 alone would accept it: the predicate is evaluated only on an order.
    expect(PayloadXPath.compile('/order[foo(line)]')).toMatchObject({
      ok: false,
      message: expect.stringContaining('no function foo()') as string,
    });
    expect(PayloadXPath.compile('/o:order')).toEqual({
      ok: false,
      message: 'the XPath cannot be evaluated: undefined namespace prefix: o',
    });
  });

  it('tells the calls of functions XPath 1.0 has from those it has not, reading past strings', () => {
    for (const ok of [
      '/order[count(line) > 2 and (total > 100)]',
      '//line[starts-with(sku, "A") or not(contains(note, \'foo(\'))]',
      'child::node()[self::text() or self::comment()]',
      'sum(//qty) div count(//qty) mod 2',
      '/a[local-name() = "b" and normalize-space(string(.)) != substring-after(c, "x(")]',
      '/a[processing-instruction("p")]',
    ])
      expect(unknownFunction(ok), ok).toBeUndefined();
    expect(unknownFunction('/a[foo(b)]')).toBe('foo');
    expect(unknownFunction('/a[exsl:node-set(b)]')).toBe('exsl:node-set');
    expect(unknownFunction('/a[contains(b, "c") and matches (b, "d")]')).toBe('matches');
  });

  it('stops an evaluation past its step bound, and counts the steps of those it lets finish', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `<line><qty>${i}</qty></line>`).join('');
    const orders = `<orders>${lines}</orders>`;
    // Linear in the payload: well inside the bound, and counted.
    const linear = compiled('//line[qty > 398]');
    expect(linear.test(orders)).toBe('line: 399');
    expect(linear.spent).toBeGreaterThan(400);
    expect(linear.spent).toBeLessThan(XPATH_STEPS_PER_PAYLOAD / 10);
    linear.dispose();
    // The whole payload walked for every node (1,200 × 1,200), then once more inside: stopped, in
    // milliseconds rather than the minutes it would take.
    for (const expr of ['count(//*[count(//*) > 0])', 'count(//*[count(//*[count(//*) > 0]) > 0])']) {
      const costly = compiled(expr);
      expect(() => costly.test(orders), expr).toThrow(XPathTooCostly);
      expect(costly.spent, expr).toBeGreaterThanOrEqual(XPATH_STEPS_PER_PAYLOAD);
      // A filter's matches() reads it as not matching; the next payload is evaluated afresh.
      expect(costly.matches(orders), expr).toBe(false);
      expect(costly.test('<orders><line/></orders>'), expr).toBe('2');
      costly.dispose();
    }
  });

  it("keeps a filter whose predicate reaches up to the payload's top within milliseconds on a large payload", () => {
    // 60,000 small elements (1 MB, the default maxMessageBytes): each predicate below takes the whole
    // payload's text for every element it tries, one step apiece, a minute or more unbounded.
    const big = `<r>${'<a>xxxxxxxxxx</a>'.repeat(60_000)}</r>`;
    for (const expr of [
      "//*[contains(string(/), 'zzz')]",
      "//a[contains(.., 'zzz')]",
      "//a[contains(ancestor::r, 'zzz')]",
      '//a[. = /r]',
    ]) {
      const filter = compiled(expr);
      expect(filter.matches(big), expr).toBe(false);
      // Stopped after the few steps its text allows (unbounded, this test would time out).
      expect(filter.spent, expr).toBeLessThan(XPATH_REACH_UP_TEXT / big.length + 64);
      // On a small payload it reads as it always did.
      expect(filter.matches('<r><a>zzz</a></r>'), expr).toBe(true);
      filter.dispose();
    }
    // A selection that stays below has the full bound, as before: on 20,000 elements, about 200,000 steps.
    const plain = compiled("//a[contains(., 'zzz')]");
    expect(plain.matches(`<r>${'<a>xxxxxxxxxx</a>'.repeat(20_000)}<a>zzz</a></r>`)).toBe(true);
    plain.dispose();
  });

  it('tells a predicate that reaches up to the top of the payload from one that stays below', () => {
    for (const up of [
      "//*[contains(string(/), 'x')]",
      '//a[. = //b]',
      '/r/a[/r/limit > 1]',
      '//a[contains(.., "x")]',
      '//a[ancestor::r]',
      '//a[parent::r]',
      '//a[x and /r]',
      '//a[b[/r]]',
      '//a[x or //y]',
      '//a[(/r)]',
    ])
      expect(reachesUpInPredicate(up), up).toBe(true);
    for (const below of [
      '/order[total > 100]',
      "/order/@priority = 'urgent'",
      '//line[qty > 5]/../id',
      '//a[b//c]',
      '//a[.//c = "/x"]',
      '//a[count(b) > 2]/ancestor::r',
      "//a[contains(., '..')]",
      '//a[and/b]',
      '//a[following-sibling::b]',
      'string(/)',
    ])
      expect(reachesUpInPredicate(below), below).toBe(false);
  });

  it('does not match a payload it cannot parse', () => {
    const x = compiled('/a');
    expect(x.test('<a>')).toBeNull();
    x.dispose();
  });
});

describe('localNames', () => {
  it('drops prefixes and namespace declarations and keeps everything else', () => {
    expect(
      localNames('<p:a xmlns:p="urn:p" xmlns="urn:d" p:id="1" b="x&gt;y"><p:b>t &lt; u</p:b><c></c></p:a>'),
    ).toBe('<a id="1" b="x&gt;y"><b>t &lt; u</b><c></c></a>');
  });
});
