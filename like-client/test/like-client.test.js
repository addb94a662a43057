// Unit tests of like-client.js's logic on Node's own test runner (node --test), against a fake API in memory.
// The browser tests (examples' LikeButtonBrowserIT) drive the same module in Chromium against the real demo server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';

// what a browser has and Node.js 18 lacks
globalThis.crypto ??= webcrypto;
globalThis.CustomEvent ??= class CustomEvent extends Event {
  constructor(type, init) { super(type, init); this.detail = init?.detail ?? null; }
};
const { LikeClient, formatCount, formatExactCount } = await import('../like-client.js');

class MemoryStorage {
  constructor() { this.map = new Map(); }
  getItem(k) { return this.map.has(k) ? this.map.get(k) : null; }
  setItem(k, v) { this.map.set(k, String(v)); }
  removeItem(k) { this.map.delete(k); }
}

/** A fake like API: likes per content, a switch for being down, and answers to override. */
class FakeApi {
  constructor() {
    this.likes = new Map(); // content -> Set of users
    this.down = false;
    this.override = null; // (path, body) -> {status, body} | null
    this.calls = [];
    this.seen = new Set();
  }
  count(content) { return this.likes.get(content)?.size ?? 0; }
  fetch = async (url, init = {}) => {
    const path = url.split('?')[0];
    const body = init.body ? JSON.parse(init.body) : null;
    this.calls.push({ path, body, headers: init.headers });
    if (this.down) throw new TypeError('Failed to fetch');
    const over = this.override?.(path, body);
    if (over) return response(over.status, over.body, over.headers);
    if (path === '/api/feed') {
      const contents = decodeURIComponent(url.split('contents=')[1]).split(',');
      return response(200, { stale: false, items: contents.map((c) => ({ content: c, count: this.count(c), liked: !!this.likes.get(c)?.has('u') })) });
    }
    if (this.seen.has(body.requestId)) return response(200, { status: 'DUPLICATE_REQUEST', liked: this.likes.get(body.content)?.has('u') ?? false, count: this.count(body.content) });
    this.seen.add(body.requestId);
    const set = this.likes.get(body.content) ?? new Set();
    this.likes.set(body.content, set);
    if (path === '/api/like') set.add('u'); else set.delete('u');
    return response(200, { status: 'APPLIED', liked: set.has('u'), count: set.size });
  };
}

function response(status, body, headers = {}) {
  return {
    ok: status >= 200 && status < 300,
    status,
    headers: { get: (name) => headers[name] ?? null },
    json: async () => (typeof body === 'string' ? JSON.parse(body) : body),
  };
}

function client(api, storage = new MemoryStorage(), events = new EventTarget(), extra = {}) {
  return new LikeClient({ userId: '42', fetch: api.fetch, storage, events, refreshMs: 0, minBackoffMs: 10_000, ...extra });
}

const settle = () => new Promise((r) => setTimeout(r, 20));

test('user ids are decimal strings: ids above 2^53 keep their digits, numbers are refused', () => {
  const api = new FakeApi();
  const c = new LikeClient({ userId: '9007199254740993', fetch: api.fetch, storage: null, events: null, refreshMs: 0 });
  assert.equal(c.userId, '9007199254740993');
  c.close();
  assert.throws(() => new LikeClient({ userId: 9007199254740993, fetch: api.fetch, events: null }), /decimal string/);
  assert.throws(() => new LikeClient({ userId: '9223372036854775808', fetch: api.fetch, events: null }), /64-bit/);
  assert.throws(() => new LikeClient({ userId: '0', fetch: api.fetch, events: null }), /userId/);
  assert.equal(new LikeClient({ userId: 7n, fetch: api.fetch, events: null, refreshMs: 0 }).userId, '7');
});

test('a click shows at once as sending, then saved with the server\'s count', async () => {
  const api = new FakeApi();
  api.likes.set('post:1', new Set(['a', 'b']));
  const c = client(api);
  await c.load(['post:1']);
  assert.deepEqual(c.state('post:1'), { liked: false, count: 2, sync: 'saved', reason: null, pending: false });
  c.toggle('post:1');
  assert.equal(c.state('post:1').liked, true);
  assert.equal(c.state('post:1').count, 3);
  assert.equal(c.state('post:1').sync, 'sending');
  assert.equal(c.status().waiting, 0, 'a request on its way is not "waiting"');
  await settle();
  assert.deepEqual(c.state('post:1'), { liked: true, count: 3, sync: 'saved', reason: null, pending: false });
  c.close();
});

test('a 2xx answer without a usable state does not show "undefined": the content is read again', async () => {
  const api = new FakeApi();
  const c = client(api);
  await c.load(['post:1']);
  api.override = (path) => (path === '/api/like' ? { status: 200, body: {} } : null);
  c.toggle('post:1');
  await settle();
  assert.equal(c.state('post:1').count, 0, 'the fake did not apply it; the feed says 0');
  assert.equal(typeof c.state('post:1').liked, 'boolean');
  assert.equal(c.pending(), 0);
  c.close();
});

test('202 is "will show later", 400 is refused with the server\'s reason, 429 waits as rate-limited', async () => {
  const api = new FakeApi();
  const c = client(api);
  await c.load(['post:1', 'post:2', 'post:3']);
  api.override = (path, body) => {
    if (body?.content === 'post:1') return { status: 202, body: { status: 'ACCEPTED', liked: true, count: 1 } };
    if (body?.content === 'post:2') return { status: 400, body: { error: 'content post:2 is closed' } };
    if (body?.content === 'post:3') return { status: 429, body: { error: 'slow down' }, headers: { 'Retry-After': '5' } };
    return null;
  };
  c.toggle('post:1');
  c.toggle('post:2');
  c.toggle('post:3');
  await settle();
  assert.equal(c.state('post:1').sync, 'later');
  assert.equal(c.status().later, 1);
  assert.deepEqual(c.state('post:2'), { liked: false, count: 0, sync: 'refused', reason: 'content post:2 is closed', pending: false });
  assert.deepEqual(c.status().lastRefusal, { content: 'post:2', reason: 'content post:2 is closed' });
  assert.equal(c.state('post:3').sync, 'waiting');
  assert.equal(c.state('post:3').reason, 'rate-limited');
  assert.equal(c.state('post:3').liked, true, 'the click is kept');
  assert.equal(c.status().waiting, 1);
  c.close();
});

test('offline: the click waits in storage and goes at once on "online", with the same request ID', async () => {
  const api = new FakeApi();
  const storage = new MemoryStorage();
  const events = new EventTarget();
  const c = client(api, storage, events);
  await c.load(['post:1']);
  api.down = true;
  c.toggle('post:1');
  await settle();
  assert.equal(c.state('post:1').sync, 'waiting');
  assert.equal(c.state('post:1').reason, 'offline');
  assert.equal(c.status().reachable, false);
  const stored = JSON.parse(storage.getItem('like-queue:42'));
  assert.equal(stored['post:1'].action, 'like');
  api.down = false;
  events.dispatchEvent(new Event('online'));
  await settle();
  assert.equal(c.pending(), 0);
  assert.equal(api.count('post:1'), 1);
  const sent = api.calls.filter((x) => x.path === '/api/like').map((x) => x.body.requestId);
  assert.equal(sent.length, 2);
  assert.equal(sent[0], sent[1], 'the retry reuses the request ID');
  c.close();
});

test('focus, and the page coming back into view, send waiting clicks at once and read the counts again', async () => {
  const api = new FakeApi();
  const events = new EventTarget();
  events.document = new EventTarget();
  events.document.visibilityState = 'visible';
  const c = client(api, new MemoryStorage(), events);
  await c.load(['post:1']);
  api.down = true;
  c.toggle('post:1');
  await settle();
  assert.equal(c.status().waiting, 1);
  api.down = false;
  events.dispatchEvent(new Event('focus'));
  await settle();
  assert.equal(c.pending(), 0, 'sent on focus, not after its 10 s backoff');
  api.likes.get('post:1').add('other');
  events.document.dispatchEvent(new Event('visibilitychange'));
  await settle();
  assert.equal(c.state('post:1').count, 2, 'read again when the page is visible again');
  c.close();
});

test('a load while unreachable shows unknown, and the first answer after the outage loads and sends', async () => {
  const api = new FakeApi();
  api.likes.set('post:1', new Set(['a']));
  api.down = true;
  const c = client(api);
  assert.equal(await c.load(['post:1', 'post:2']), false);
  assert.equal(c.state('post:1').liked, null);
  assert.equal(c.state('post:1').sync, 'unknown');
  assert.equal(c.status().unknown, 2);
  c.toggle('post:2');
  await settle();
  api.down = false;
  c.retryNow();
  await settle();
  assert.deepEqual(c.state('post:1'), { liked: false, count: 1, sync: 'saved', reason: null, pending: false });
  assert.equal(c.state('post:2').liked, true);
  assert.equal(c.pending(), 0);
  assert.equal(c.status().unknown, 0);
  c.close();
});

test('a refresh updates counts but does not undo a click still on its way', async () => {
  const api = new FakeApi();
  const c = client(api);
  await c.load(['post:1']);
  api.down = true;
  c.toggle('post:1');
  await settle();
  api.down = false;
  api.likes.set('post:1', new Set(['a', 'b', 'c'])); // others liked it meanwhile
  // the queued click is not due for 10 s; a refresh comes first
  api.override = (path) => (path === '/api/like' ? { status: 503, body: { error: 'down' } } : null);
  await c.refresh();
  assert.equal(c.state('post:1').liked, true, 'the click wins');
  assert.equal(c.state('post:1').count, 4, 'three others and this click');
  c.close();
});

test('another tab sending the click clears this tab\'s waiting state', async () => {
  const api = new FakeApi();
  const storage = new MemoryStorage();
  const eventsA = new EventTarget();
  const a = client(api, storage, eventsA);
  await a.load(['post:1']);
  api.down = true;
  a.toggle('post:1');
  await settle();
  assert.equal(a.status().waiting, 1);
  api.down = false;
  const b = client(api, storage, new EventTarget());
  await b.load(['post:1']); // sends the stored click
  await settle();
  assert.equal(b.pending(), 0);
  const e = new Event('storage');
  e.key = 'like-queue:42';
  eventsA.dispatchEvent(e);
  await settle();
  assert.equal(a.pending(), 0);
  assert.equal(a.status().waiting, 0);
  assert.deepEqual(a.state('post:1'), { liked: true, count: 1, sync: 'saved', reason: null, pending: false });
  a.close();
  b.close();
});

test('a request whose click another tab had answered meanwhile still settles this tab', async () => {
  const api = new FakeApi();
  const storage = new MemoryStorage();
  let release;
  const gate = new Promise((r) => { release = r; });
  const direct = api.fetch;
  api.fetch = async (url, init) => { if (url.includes('/api/like')) await gate; return direct(url, init); };
  const c = client(api, storage);
  await c.load(['post:1']);
  c.toggle('post:1');
  await settle();
  storage.removeItem('like-queue:42'); // another tab sent the same click and removed it
  release();
  await settle();
  assert.deepEqual(c.state('post:1'), { liked: true, count: 1, sync: 'saved', reason: null, pending: false });
  c.close();
});

test('clicks while one is on its way collapse to the last intent', async () => {
  const api = new FakeApi();
  const c = client(api);
  await c.load(['post:1']);
  for (let i = 0; i < 7; i++) c.toggle('post:1');
  await settle();
  await settle();
  assert.equal(c.pending(), 0);
  assert.equal(api.count('post:1'), 1);
  assert.deepEqual(c.state('post:1'), { liked: true, count: 1, sync: 'saved', reason: null, pending: false });
  c.close();
});

test('counts are compact and locale-aware', () => {
  assert.equal(formatCount(999, 'en'), '999');
  assert.equal(formatCount(1234, 'en'), '1.2K');
  assert.equal(formatCount(3_400_000, 'en'), '3.4M');
  assert.equal(formatExactCount(1234567, 'en'), '1,234,567');
  assert.equal(formatExactCount(1234567, 'de'), '1.234.567');
});
