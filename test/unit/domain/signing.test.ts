import { Webhook } from 'standardwebhooks';

import {
  sign,
  signatureHeaders,
  signingKey,
  verifyWebhook,
} from '../../../server/src/domain/signing';

const WHSEC = `whsec_${Buffer.from('0123456789abcdef01234567').toString('base64')}`;
const NOW = new Date('2026-11-22T10:00:00Z');
const body = JSON.stringify({ paths: ['/blog/hello'], tags: [], layouts: [], events: [] });

describe('signing key', () => {
  it.each([
    [WHSEC, Buffer.from('0123456789abcdef01234567')],
    ['plain secret', Buffer.from('plain secret', 'utf8')],
    ['whsecret-without-underscore', Buffer.from('whsecret-without-underscore', 'utf8')],
  ])('%s', (secret, key) => {
    expect(signingKey(secret).equals(key)).toBe(true);
  });

  it('rejects a whsec_ secret without a key', () => {
    expect(() => signingKey('whsec_')).toThrow(/holds no base64 key/);
  });
});

describe('signatures agree with the standardwebhooks package', () => {
  it.each([[WHSEC], ['a plain utf-8 secret ✓']])('secret %s', (secret) => {
    const headers = signatureHeaders(secret, 'msg_abc', body, NOW);
    // standardwebhooks takes the whsec_ form or raw bytes; give it the same key either way.
    const wh = new Webhook(secret.startsWith('whsec_') ? secret : Buffer.from(secret, 'utf8').toString('base64'));
    expect(wh.sign('msg_abc', NOW, body)).toBe(headers['webhook-signature']);
    jest.useFakeTimers({ now: NOW });
    try {
      expect(wh.verify(body, headers)).toEqual(JSON.parse(body));
    } finally {
      jest.useRealTimers();
    }
  });

  it('verifies what standardwebhooks signs', () => {
    const wh = new Webhook(WHSEC);
    const signature = wh.sign('msg_1', NOW, body);
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(NOW.getTime() / 1000), 'webhook-signature': signature };
    expect(verifyWebhook(WHSEC, headers, body, { now: NOW })).toEqual(JSON.parse(body));
  });
});

describe('verifyWebhook', () => {
  const good = signatureHeaders(WHSEC, 'msg_1', body, NOW);

  it('accepts a fetch Headers object and a Buffer body', () => {
    expect(verifyWebhook(WHSEC, new Headers(good), Buffer.from(body), { now: NOW })).toEqual(JSON.parse(body));
  });

  it('accepts one of several signatures (secret rotation)', () => {
    const rotated = { ...good, 'webhook-signature': `v1,AAAA ${good['webhook-signature']}` };
    expect(verifyWebhook(WHSEC, rotated, body, { now: NOW })).toBeTruthy();
  });

  it.each([
    ['a changed body', good, body.replace('hello', 'hellO'), /no matching signature/],
    ['another secret', good, body, /no matching signature/, 'whsec_b3RoZXIgc2VjcmV0IGtleSBieXRlcw=='],
    ['a missing header', { ...good, 'webhook-id': undefined }, body, /missing webhook-id/],
    ['an old timestamp', signatureHeaders(WHSEC, 'msg_1', body, new Date(NOW.getTime() - 301_000)), body, /more than 300 s/],
    ['a bad timestamp', { ...good, 'webhook-timestamp': '12a' }, body, /not a unix time/],
    ['an unknown version', { ...good, 'webhook-signature': good['webhook-signature'].replace('v1,', 'v2,') }, body, /no matching/],
  ])('rejects %s', (_, headers, raw, message, secret = WHSEC) => {
    expect(() => verifyWebhook(secret as string, headers as any, raw as string, { now: NOW })).toThrow(message as RegExp);
  });

  it('signs id, timestamp and body together', () => {
    expect(sign(WHSEC, 'a', 1, 'b')).not.toBe(sign(WHSEC, 'a', 2, 'b'));
    expect(sign(WHSEC, 'a', 1, 'b')).not.toBe(sign(WHSEC, 'c', 1, 'b'));
  });
});
