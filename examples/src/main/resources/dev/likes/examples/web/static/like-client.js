/**
 * like-client.js: a dependency-free like-button client for the like API. Copy it into your app.
 *
 * - toggle() flips the state at once (optimistic) and sends the request in the background;
 * - every click carries a request ID, and a retry reuses it, so a retry is never applied twice;
 * - a request that fails (network down, server down, 429, 5xx) waits in localStorage and is retried with
 *   exponential backoff, also after a page reload; clicks on one content while it waits collapse to the last one;
 * - when the server answers the latest click, the UI settles on the server's state and count.
 *
 * API used: POST {baseUrl}/api/like and /api/unlike with {"user", "content", "requestId"} -> {"liked", "count"};
 *           GET {baseUrl}/api/feed?user=U&contents=a,b -> {"items": [{"content", "count", "liked"}], "stale"}.
 */
export class LikeClient {
  /**
   * @param {object} options
   * @param {number} options.userId the signed-in user
   * @param {string} [options.baseUrl] where the API lives, '' for this origin
   * @param {Storage} [options.storage] where waiting requests are kept (localStorage)
   * @param {(content: string, state: {liked: boolean, count: number|null, pending: boolean}) => void} [options.onState]
   * @param {(pending: number) => void} [options.onQueue] told how many requests wait
   */
  constructor({ userId, baseUrl = '', storage = globalThis.localStorage, onState = () => {}, onQueue = () => {},
                fetch: fetchImpl = globalThis.fetch.bind(globalThis), minBackoffMs = 500, maxBackoffMs = 30000 }) {
    if (!Number.isSafeInteger(userId) || userId <= 0) throw new Error('userId must be a positive integer');
    this.userId = userId;
    this.baseUrl = baseUrl;
    this.storage = storage;
    this.onState = onState;
    this.onQueue = onQueue;
    this.fetch = fetchImpl;
    this.minBackoffMs = minBackoffMs;
    this.maxBackoffMs = maxBackoffMs;
    this.key = 'like-queue:' + userId;
    this.states = new Map();
    this.inFlight = new Set();
    this.timers = new Map();
    globalThis.addEventListener?.('online', () => this.flush(true));
  }

  /** The state shown for a content: {liked, count (null if unknown), pending}. */
  state(content) {
    const s = this.states.get(content) || { liked: false, count: null };
    return { liked: s.liked, count: s.count, pending: content in this.#queue() };
  }

  /** How many requests wait to be sent. */
  pending() {
    return Object.keys(this.#queue()).length;
  }

  /**
   * Loads the server's state of these contents; a click still waiting to be sent wins over it. Then sends what waits.
   * Resolves to whether the server answered.
   */
  async load(contents) {
    let ok = false;
    try {
      const url = `${this.baseUrl}/api/feed?user=${this.userId}&contents=${contents.map(encodeURIComponent).join(',')}`;
      const res = await this.fetch(url, { cache: 'no-store' });
      if (res.ok) {
        const body = await res.json();
        for (const item of body.items) this.states.set(item.content, { liked: item.liked, count: item.count });
        ok = true;
      }
    } catch (e) { /* offline: show what we know */ }
    const queue = this.#queue();
    for (const content of contents) {
      const waiting = queue[content];
      if (waiting) this.#apply(content, waiting.action === 'like');
      this.#emit(content);
    }
    this.flush(true);
    return ok;
  }

  /** The user clicked: flip at once, remember the intent, send it. */
  toggle(content) {
    const liked = !this.state(content).liked;
    this.#apply(content, liked);
    const queue = this.#queue();
    queue[content] = { action: liked ? 'like' : 'unlike', requestId: newRequestId(), attempt: 0, nextAt: 0 };
    this.#save(queue);
    this.#emit(content);
    this.#send(content);
    return liked;
  }

  /** Sends every waiting request whose backoff is over (all of them if now is true). */
  flush(now = false) {
    const queue = this.#queue();
    for (const content of Object.keys(queue)) {
      if (now) queue[content].nextAt = 0;
    }
    if (now) this.#save(queue);
    for (const content of Object.keys(queue)) this.#send(content);
  }

  #apply(content, liked) {
    const s = this.states.get(content) || { liked: false, count: null };
    if (s.liked !== liked && s.count !== null) s.count = Math.max(0, s.count + (liked ? 1 : -1));
    s.liked = liked;
    this.states.set(content, s);
  }

  async #send(content) {
    if (this.inFlight.has(content)) return; // one request per content at a time: the next goes when it returns
    const entry = this.#queue()[content];
    if (!entry) return;
    const wait = entry.nextAt - Date.now();
    if (wait > 0) return this.#schedule(content, wait);
    this.inFlight.add(content);
    let outcome;
    try {
      const res = await this.fetch(`${this.baseUrl}/api/${entry.action}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ user: this.userId, content, requestId: entry.requestId }),
      });
      if (res.ok) outcome = { done: true, body: await res.json() };
      else if (res.status === 429 || res.status >= 500) outcome = { retry: true, after: Number(res.headers.get('Retry-After')) * 1000 || 0 };
      else outcome = { rejected: true };
    } catch (e) {
      outcome = { retry: true, after: 0 }; // network down or server gone
    } finally {
      this.inFlight.delete(content);
    }
    const queue = this.#queue();
    const current = queue[content];
    const stillLatest = current && current.requestId === entry.requestId;
    if (outcome.done || outcome.rejected) {
      if (stillLatest) {
        delete queue[content];
        this.#save(queue);
        if (outcome.done) this.states.set(content, { liked: outcome.body.liked, count: outcome.body.count });
        else await this.load([content]); // the server refused it: show the server's truth
      }
    } else if (stillLatest) {
      current.attempt += 1;
      const backoff = Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** (current.attempt - 1));
      current.nextAt = Date.now() + Math.max(outcome.after, backoff * (0.75 + Math.random() / 2));
      this.#save(queue);
    }
    this.#emit(content);
    if (this.#queue()[content]) this.#send(content); // a newer click, or the retry's timer
  }

  #schedule(content, wait) {
    if (this.timers.has(content)) return;
    this.timers.set(content, setTimeout(() => { this.timers.delete(content); this.#send(content); }, wait));
  }

  #emit(content) {
    this.onState(content, this.state(content));
    this.onQueue(this.pending());
  }

  #queue() {
    try { return JSON.parse(this.storage.getItem(this.key) || '{}'); } catch (e) { return {}; }
  }

  #save(queue) {
    if (Object.keys(queue).length === 0) this.storage.removeItem(this.key);
    else this.storage.setItem(this.key, JSON.stringify(queue));
  }
}

function newRequestId() {
  if (globalThis.crypto?.randomUUID) return globalThis.crypto.randomUUID();
  let id = '';
  for (let i = 0; i < 32; i++) id += Math.floor(Math.random() * 16).toString(16);
  return id;
}
