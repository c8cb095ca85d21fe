import { describe, expect, it } from 'vitest';
import { clientErrorAnswer, forwardedFor, pathProblem, serverOptions } from '../../../server.mjs';

const request = (remoteAddress: string | undefined, header?: string | string[]) => ({
  socket: { remoteAddress } as never,
  headers: header === undefined ? {} : { 'x-forwarded-for': header },
});

describe("the console's server (server.mjs)", () => {
  it('appends the address a request came from to X-Forwarded-For, after any hops it already had', () => {
    expect(forwardedFor(request('198.51.100.4'))).toBe('198.51.100.4');
    expect(forwardedFor(request('198.51.100.4', '203.0.113.7'))).toBe('203.0.113.7, 198.51.100.4');
    expect(forwardedFor(request('::1', ['203.0.113.7', '10.0.0.2']))).toBe('203.0.113.7, 10.0.0.2, ::1');
    expect(forwardedFor(request('198.51.100.4', '  '))).toBe('198.51.100.4');
    // A socket already gone has no address: the hops are passed on as they came.
    expect(forwardedFor(request(undefined, '203.0.113.7'))).toBe('203.0.113.7');
    expect(forwardedFor(request(undefined))).toBeUndefined();
  });

  it('takes -p and -H as `next start` does, and refuses anything else saying what', () => {
    expect(serverOptions([], {})).toEqual({ port: 3000, hostname: undefined });
    expect(serverOptions(['-p', '8080', '-H', '0.0.0.0'])).toEqual({ port: 8080, hostname: '0.0.0.0' });
    expect(serverOptions(['--port', '0', '--hostname', '::1'])).toEqual({ port: 0, hostname: '::1' });
    expect(() => serverOptions(['-p', 'http'])).toThrow('-p must be a port number (0-65535), not "http"');
    expect(() => serverOptions(['-p', '70000'])).toThrow('not "70000"');
    expect(() => serverOptions(['-p'])).toThrow('not ""');
    expect(() => serverOptions(['-p', ''])).toThrow('not ""');
    expect(() => serverOptions(['-p', '80.5'])).toThrow('not "80.5"');
    expect(() => serverOptions(['-H'])).toThrow('-H needs a host name or address');
    expect(() => serverOptions(['--turbo'])).toThrow('unknown argument "--turbo"');
  });

  it('takes the port from PORT when -p is not given, as next start does', () => {
    expect(serverOptions([], { PORT: '4100' })).toEqual({ port: 4100, hostname: undefined });
    expect(serverOptions(['-p', '4200'], { PORT: '4100' }).port).toBe(4200);
    expect(serverOptions(['-p', '4200'], { PORT: 'web' }).port).toBe(4200);
    expect(serverOptions([], {}).port).toBe(3000);
    expect(() => serverOptions([], { PORT: 'web' })).toThrow(
      'PORT must be a port number (0-65535), not "web"',
    );
    expect(() => serverOptions([], { PORT: '' })).toThrow('PORT must be a port number (0-65535), not ""');
  });

  it('refuses a path whose percent-escapes are not UTF-8, naming it, and passes every other', () => {
    expect(pathProblem('/trpc/%ZZ')).toBe('the path "/trpc/%ZZ" is not valid percent-encoded UTF-8');
    expect(pathProblem('/messages/%E0%A4%A?x=1')).toBe(
      'the path "/messages/%E0%A4%A" is not valid percent-encoded UTF-8',
    );
    expect(pathProblem('/messages/%C3%A9')).toBeUndefined();
    expect(pathProblem('/search?q=%ZZ')).toBeUndefined(); // the query is the page's to read
    expect(pathProblem('/')).toBeUndefined();
    expect(pathProblem(undefined)).toBeUndefined();
    expect(pathProblem(`/${'%ZZ'.repeat(100)}`)?.length).toBeLessThan(260);
  });

  it('says what node:http refused before Next.js saw it, where node:http answers an empty body', () => {
    const refused = (code: string, reason?: string) =>
      clientErrorAnswer(Object.assign(new Error('Parse Error'), { code, reason }));
    const overflow = refused('HPE_HEADER_OVERFLOW');
    expect(overflow.status).toBe('431 Request Header Fields Too Large');
    expect(overflow.text).toMatch(
      /^the request's headers are larger than \d+ KiB, the most the console reads/,
    );
    expect(refused('ERR_HTTP_REQUEST_TIMEOUT').status).toBe('408 Request Timeout');
    expect(refused('HPE_INVALID_METHOD', 'Invalid method encountered')).toEqual({
      status: '400 Bad Request',
      text: 'the request is not valid HTTP: Invalid method encountered',
    });
  });
});
