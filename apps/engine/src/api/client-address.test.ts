import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { AddressRanges, isAddressRange } from '../net/address-range.ts';
import { clientAddress } from './client-address.ts';

const request = (peer: string, forwardedFor?: string): IncomingMessage =>
  ({
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }) as unknown as IncomingMessage;

describe('clientAddress', () => {
  it('believes X-Forwarded-For from loopback (the console beside the engine): its last hop names the browser', () => {
    expect(clientAddress(request('127.0.0.1', '198.51.100.7'))).toBe('198.51.100.7');
    expect(clientAddress(request('::ffff:127.0.0.1', '198.51.100.7'))).toBe('198.51.100.7');
    expect(clientAddress(request('::1', 'forged, 198.51.100.7'))).toBe('198.51.100.7');
    expect(clientAddress(request('127.0.0.1'))).toBe('127.0.0.1');
  });

  it('ignores X-Forwarded-For from any other peer, which could have forged it', () => {
    expect(clientAddress(request('203.0.113.9', '198.51.100.7'))).toBe('203.0.113.9');
    expect(clientAddress(request('::ffff:203.0.113.9', '198.51.100.7'))).toBe('203.0.113.9');
  });

  it('believes it from server.trustedProxies, by address or range, and looks past each trusted hop', () => {
    const trusted = ['10.0.0.5', '192.168.0.0/16', 'fd00::/8'];
    // A console on another machine.
    expect(clientAddress(request('10.0.0.5', '198.51.100.7'), trusted)).toBe('198.51.100.7');
    expect(clientAddress(request('::ffff:10.0.0.5', '198.51.100.7'), trusted)).toBe('198.51.100.7');
    expect(clientAddress(request('fd00::2', '2001:db8::1'), trusted)).toBe('2001:db8::1');
    // A browser → a reverse proxy (192.168.1.1) → the console (10.0.0.5) → the engine; what the browser
    // wrote itself, before the first untrusted hop, is not read.
    expect(clientAddress(request('10.0.0.5', 'forged, 198.51.100.7, 192.168.1.1'), trusted)).toBe(
      '198.51.100.7',
    );
    // Every hop trusted: the first of them.
    expect(clientAddress(request('10.0.0.5', '192.168.1.1'), trusted)).toBe('192.168.1.1');
    // Not in the list: not believed.
    expect(clientAddress(request('10.0.0.6', '198.51.100.7'), trusted)).toBe('10.0.0.6');
  });
});

describe('address ranges', () => {
  it('accepts addresses and CIDR ranges of both families, and nothing else', () => {
    for (const ok of ['10.0.0.5', '10.0.0.0/8', '0.0.0.0/0', '::1', 'fd00::/8', '2001:db8::/128'])
      expect(isAddressRange(ok), ok).toBe(true);
    for (const bad of [
      '',
      'console.internal',
      '10.0.0.0/33',
      '::/129',
      '10.0.0.0/',
      '10.0.0.0/8/8',
      '10.0.0.0/x',
    ])
      expect(isAddressRange(bad), bad).toBe(false);
  });

  it('matches an address inside a range, written in either form', () => {
    const ranges = new AddressRanges(['10.0.0.0/8', '2001:db8::/32']);
    expect(ranges.contains('10.200.3.4')).toBe(true);
    expect(ranges.contains('::ffff:10.200.3.4')).toBe(true);
    expect(ranges.contains('11.0.0.1')).toBe(false);
    expect(ranges.contains('2001:db8:1::9')).toBe(true);
    expect(ranges.contains('not an address')).toBe(false);
  });
});
