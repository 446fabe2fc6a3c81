/**
 * The `WebhookTransport` port: POSTs a webhook body over HTTP(S), with a guard against server-side
 * request forgery. Unless `allowPrivate` is set (FORECASTQL_WEBHOOK_ALLOW_PRIVATE), a webhook may
 * not reach loopback, private (RFC 1918, fc00::/7), link-local (169.254/16 — cloud metadata —,
 * fe80::/10), carrier-grade NAT, benchmarking, multicast, reserved or unspecified addresses. The
 * guard runs when a webhook is created (its host name resolved) and again inside every connection
 * (`lookup`), so a name that later resolves to a private address (DNS rebinding) is refused at
 * send time too. Redirects are not followed (a 3xx counts as a failed attempt).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import type { PostOutcome, WebhookTransport } from '../app/alerts/ports.js';

/** Address ranges a webhook may not reach unless private addresses are allowed. */
export function blockedAddresses(): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.0.2.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
  ] as const) {
    list.addSubnet(net, prefix, 'ipv4');
  }
  for (const [net, prefix] of [
    ['::', 128],
    ['::1', 128],
    ['fc00::', 7],
    ['fe80::', 10],
    ['ff00::', 8],
    ['2001:db8::', 32],
    ['64:ff9b::', 96],
  ] as const) {
    list.addSubnet(net, prefix, 'ipv6');
  }
  return list;
}

const BLOCKED = blockedAddresses();

/** Whether `address` (IPv4 or IPv6, IPv4-mapped included) is outside what webhooks may reach by default. */
export function isBlockedAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return BLOCKED.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export interface WebhookTransportOptions {
  /** Allow private, loopback and link-local addresses (default false; tests and closed networks). */
  readonly allowPrivate: boolean;
}

/** The host of a URL as `lookup` and `isIP` want it (IPv6 literals without brackets). */
const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

export function createWebhookTransport(options: WebhookTransportOptions): WebhookTransport {
  const refuse = (address: string): string | null =>
    !options.allowPrivate && isBlockedAddress(address)
      ? `it resolves to ${address}, a private, loopback, link-local or reserved address. Give a public URL (set FORECASTQL_WEBHOOK_ALLOW_PRIVATE=true to allow private networks).`
      : null;

  /** `lookup` for http.request that refuses blocked addresses at connect time. */
  const guardedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 4);
      const list = addresses as LookupAddress[];
      const bad = list.map((a) => refuse(a.address)).find((r) => r !== null);
      if (bad) return callback(new Error(`Webhook refused: ${hostname} ${bad}`), '', 4);
      if (lookupOptions.all) return callback(null, list as never);
      const first = list[0];
      if (!first) return callback(new Error(`${hostname} has no address`), '', 4);
      return callback(null, first.address, first.family);
    });
  };

  return {
    async refusal(url) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'only http:// and https:// URLs are called.';
      const host = hostOf(url);
      if (isIP(host) !== 0) return refuse(host);
      if (options.allowPrivate) return null;
      if (/^localhost$|\.localhost$/i.test(host)) return refuse('127.0.0.1');
      try {
        const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
          dnsLookup(host, { all: true }, (err, a) => (err ? reject(err) : resolve(a))),
        );
        for (const a of addresses) {
          const r = refuse(a.address);
          if (r !== null) return r;
        }
        return null;
      } catch {
        // An unknown name now may exist later; every delivery is guarded again at connect time.
        return null;
      }
    },

    post(url, headers, body, timeoutMs) {
      return new Promise<PostOutcome>((resolve) => {
        const host = hostOf(url);
        if (isIP(host) !== 0) {
          const r = refuse(host);
          if (r !== null) return resolve({ error: `refused: ${r}` });
        }
        const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
        const req = request(
          url,
          {
            method: 'POST',
            headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
            timeout: timeoutMs,
            lookup: guardedLookup,
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
            res.on('error', (e) => resolve({ error: e.message }));
          },
        );
        req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.on('error', (e) => resolve({ error: e.message }));
        req.end(body);
      });
    },
  };
}
