/**
 * like-client.js: a dependency-free client for like buttons, as an ES module. See README.md and like-client.d.ts.
 *
 * The button turns at once; the request goes out in the background with a request ID that every retry reuses, so a
 * retry is never applied twice. A click that cannot be sent waits in Storage (localStorage by default) and is sent
 * again with backoff, at once when the browser comes back online or the tab comes back into view, and after a reload.
 * Counts of the contents on screen are read again on an interval and when the tab comes back, without overwriting a
 * click that is still on its way.
 */

const USER_ID = /^[1-9][0-9]{0,18}$/;
const MAX_USER_ID = 9223372036854775807n;

/**
 * Formats a count compactly for its locale: 999, 1.2K, 3.4M (en), 1,2 k (fr) ...
 *
 * @param {number} count a whole number of zero or more
 * @param {string|string[]} [locales] BCP 47 locale(s); the browser's by default
 * @returns {string}
 */
export function formatCount(count, locales) {
  return new Intl.NumberFormat(locales, { notation: 'compact', maximumFractionDigits: 1 }).format(count);
}

/**
 * Formats a count exactly for its locale, with grouping: 1,234,567 (en).
 *
 * @param {number} count a whole number of zero or more
 * @param {string|string[]} [locales] BCP 47 locale(s); the browser's by default
 * @returns {string}
 */
export function formatExactCount(count, locales) {
  return new Intl.NumberFormat(locales, { maximumFractionDigits: 0 }).format(count);
}

export class LikeClient extends EventTarget {
  #userId;
  #baseUrl;
  #csrfToken;
  #headers;
  #storage;
  #fetch;
  #minBackoffMs;
  #maxBackoffMs;
  #refreshMs;
  #key;
  /** content -> {liked: boolean|null, count: number|null, sync, reason} */
  #states = new Map();
  /** content -> a number that changes whenever a click or its answer changes what the content shows */
  #epochs = new Map();
  #inFlight = new Set();
  #timers = new Map();
  #watched = [];
  #reachable = null;
  #lastRefusal = null;
  #loadTimer = null;
  #loadAttempt = 0;
  #refreshTimer = null;
  #memoryQueue = {};
  #listeners = [];
  #closed = false;

  /**
   * @param {import('./like-client.js').LikeClientOptions} options see like-client.d.ts
   */
  constructor(options) {
    super();
    const {
      userId, baseUrl = '', csrfToken = null, headers = {}, storage = globalThis.localStorage,
      fetch: fetchImpl = globalThis.fetch?.bind(globalThis), minBackoffMs = 1000, maxBackoffMs = 30000,
      refreshMs = 30000, events = globalThis,
    } = options ?? {};
    const id = typeof userId === 'bigint' ? userId.toString() : userId;
    if (typeof id !== 'string' || !USER_ID.test(id) || BigInt(id) > MAX_USER_ID) {
      throw new TypeError('userId must be a positive 64-bit id as a decimal string (numbers above 2^53 lose '
        + `digits in JavaScript), but was ${String(userId)}`);
    }
    if (typeof fetchImpl !== 'function') throw new TypeError('fetch must be a function');
    for (const [name, value] of [['minBackoffMs', minBackoffMs], ['maxBackoffMs', maxBackoffMs], ['refreshMs', refreshMs]]) {
      if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number >= 0, but was ${value}`);
    }
    this.#userId = id;
    this.#baseUrl = baseUrl;
    this.#csrfToken = csrfToken;
    this.#headers = { ...headers };
    this.#storage = storage ?? null;
    this.#fetch = fetchImpl;
    this.#minBackoffMs = minBackoffMs;
    this.#maxBackoffMs = Math.max(minBackoffMs, maxBackoffMs);
    this.#refreshMs = refreshMs;
    this.#key = `like-queue:${id}`;
    this.#listen(events, 'online', () => this.retryNow());
    this.#listen(events, 'focus', () => this.#wake());
    this.#listen(events, 'storage', (e) => { if (e.key === this.#key) this.#otherTabChanged(); });
    this.#listen(events?.document, 'visibilitychange', () => {
      if (events.document.visibilityState === 'visible') this.#wake();
    });
    if (refreshMs > 0) {
      this.#refreshTimer = setInterval(() => {
        if (events?.document?.visibilityState !== 'hidden') this.refresh();
      }, refreshMs);
    }
  }

  /** The signed-in user this client queues clicks for, as a decimal string. */
  get userId() {
    return this.#userId;
  }

  /**
   * What to show for a content.
   *
   * @param {string} content e.g. "post:42"
   * @returns {import('./like-client.js').ContentState}
   */
  state(content) {
    const s = this.#states.get(content);
    const waiting = this.#queue()[content];
    return {
      liked: s ? s.liked : null,
      count: s ? s.count : null,
      sync: s ? s.sync : 'unknown',
      reason: s ? s.reason : null,
      pending: waiting !== undefined,
    };
  }

  /**
   * The connection and the queue, for a page-wide status line.
   *
   * @returns {import('./like-client.js').ClientStatus}
   */
  status() {
    const queue = this.#queue();
    let waiting = 0;
    for (const entry of Object.values(queue)) if (entry.attempt > 0) waiting++;
    let unknown = 0;
    let later = 0;
    for (const s of this.#states.values()) {
      if (s.liked === null) unknown++;
      if (s.sync === 'later') later++;
    }
    return {
      reachable: this.#reachable,
      pending: Object.keys(queue).length,
      sending: this.#inFlight.size,
      waiting,
      unknown,
      later,
      lastRefusal: this.#lastRefusal,
    };
  }

  /** How many clicks have not been answered by the server yet (in this tab or another). */
  pending() {
    return Object.keys(this.#queue()).length;
  }

  /**
   * Reads the server's state of these contents and keeps them among those {@link refresh} reads again. A click that
   * has not been answered yet wins over what the server says. If the server cannot be reached, the contents show
   * as unknown (or as their waiting click) and are read again with backoff. Then sends what waits.
   *
   * @param {string[]} contents e.g. ["post:1", "post:2"]
   * @returns {Promise<boolean>} whether the server answered
   */
  async load(contents) {
    for (const content of contents) {
      if (!this.#states.has(content)) this.#states.set(content, { liked: null, count: null, sync: 'unknown', reason: null });
      if (!this.#watched.includes(content)) this.#watched.push(content);
    }
    const ok = await this.#read(contents);
    if (ok) {
      this.#loadAttempt = 0;
    } else if (!this.#closed && this.#loadTimer === null) {
      this.#loadAttempt++;
      this.#loadTimer = setTimeout(() => { this.#loadTimer = null; this.load(this.#watched); }, this.#backoff(this.#loadAttempt));
    }
    const queue = this.#queue();
    for (const content of contents) {
      const waiting = queue[content];
      if (waiting && !this.#inFlight.has(content)) this.#showWaiting(content, waiting);
      this.#emitState(content);
    }
    this.#emitStatus();
    this.flush(ok);
    return ok;
  }

  /**
   * Sets the contents that {@link refresh} reads (those on screen, say); contents not loaded yet are loaded.
   *
   * @param {string[]} contents
   */
  watch(contents) {
    this.#watched = [...new Set(contents)];
  }

  /**
   * Reads the watched contents again (live counts). Contents with a click on its way keep the click's state; their
   * count follows the server's, adjusted for the click.
   *
   * @returns {Promise<boolean>} whether the server answered
   */
  async refresh() {
    if (this.#watched.length === 0) return true;
    const ok = await this.#read(this.#watched);
    this.#emitStatus();
    return ok;
  }

  /**
   * The user clicked: turns the state at once and sends the change.
   *
   * @param {string} content
   * @returns {boolean} whether the content is now liked
   */
  toggle(content) {
    const liked = !(this.#states.get(content)?.liked ?? false);
    this.#show(content, liked);
    const s = this.#states.get(content);
    s.sync = 'sending';
    s.reason = null;
    this.#lastRefusal = null;
    this.#bump(content);
    const queue = this.#queue();
    queue[content] = { action: liked ? 'like' : 'unlike', requestId: newRequestId(), attempt: 0, nextAt: 0 };
    this.#save(queue);
    this.#emitState(content);
    this.#emitStatus();
    this.#send(content);
    return liked;
  }

  /** Sends every waiting click now, whatever its backoff, and reads unknown contents again. */
  retryNow() {
    if (this.#loadTimer !== null) {
      clearTimeout(this.#loadTimer);
      this.#loadTimer = null;
      this.load(this.#watched);
    }
    this.flush(true);
  }

  /**
   * Sends every waiting click whose backoff is over.
   *
   * @param {boolean} [now] send them all, whatever their backoff
   */
  flush(now = false) {
    const queue = this.#queue();
    if (now) {
      for (const content of Object.keys(queue)) {
        queue[content].nextAt = 0;
        const timer = this.#timers.get(content);
        if (timer !== undefined) clearTimeout(timer);
        this.#timers.delete(content);
      }
      this.#save(queue);
    }
    for (const content of Object.keys(queue)) this.#send(content);
  }

  /** Stops timers and listeners. Waiting clicks stay in storage for the next page. */
  close() {
    this.#closed = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    if (this.#loadTimer !== null) clearTimeout(this.#loadTimer);
    if (this.#refreshTimer !== null) clearInterval(this.#refreshTimer);
    for (const [target, type, fn] of this.#listeners) target.removeEventListener(type, fn);
    this.#listeners = [];
  }

  #listen(target, type, fn) {
    if (!target?.addEventListener) return;
    target.addEventListener(type, fn);
    this.#listeners.push([target, type, fn]);
  }

  #wake() {
    this.retryNow();
    this.refresh();
  }

  async #read(contents) {
    const epochs = new Map(contents.map((c) => [c, this.#epochs.get(c) ?? 0]));
    let items;
    try {
      const url = `${this.#baseUrl}/api/feed?contents=${contents.map(encodeURIComponent).join(',')}`;
      const res = await this.#fetch(url, { cache: 'no-store', credentials: 'same-origin', headers: this.#headers });
      if (!res.ok) {
        this.#reached(res.status < 500 && res.status !== 429);
        return false;
      }
      const body = await res.json();
      if (!body || !Array.isArray(body.items)) throw new TypeError('the feed answer has no items');
      items = body.items;
    } catch (e) {
      this.#reached(false);
      return false;
    }
    const queue = this.#queue();
    for (const item of items) {
      if (!item || typeof item.content !== 'string' || !validState(item) || !epochs.has(item.content)) continue;
      const content = item.content;
      if ((this.#epochs.get(content) ?? 0) !== epochs.get(content)) continue; // a click or its answer came since
      const waiting = queue[content];
      const s = this.#states.get(content) ?? { liked: null, count: null, sync: 'unknown', reason: null };
      if (waiting || this.#inFlight.has(content)) {
        const intent = waiting ? waiting.action === 'like' : s.liked;
        s.liked = intent;
        s.count = Math.max(0, item.count + (intent && !item.liked ? 1 : !intent && item.liked ? -1 : 0));
        if (waiting && (s.sync === 'unknown' || s.sync === 'saved')) s.sync = waiting.attempt > 0 ? 'waiting' : 'sending';
      } else {
        if (s.sync === 'unknown' || (s.sync === 'later' && s.liked === item.liked)) s.sync = 'saved';
        s.liked = item.liked;
        s.count = item.count;
      }
      this.#states.set(content, s);
      this.#emitState(content);
    }
    this.#reached(true);
    return true;
  }

  #reached(ok) {
    const wasDown = this.#reachable === false;
    this.#reachable = ok;
    if (ok && wasDown) {
      this.flush(true); // the first answer after an outage: send what waits at once
      if (this.#loadTimer !== null) {
        clearTimeout(this.#loadTimer);
        this.#loadTimer = null;
        queueMicrotask(() => this.load(this.#watched));
      }
    }
  }

  /** Shows a click that waits (stored by this page earlier, or by another tab) over what is known. */
  #showWaiting(content, entry) {
    const s = this.#states.get(content) ?? { liked: null, count: null, sync: 'unknown', reason: null };
    this.#states.set(content, s);
    this.#show(content, entry.action === 'like');
    if (entry.attempt > 0) {
      s.sync = 'waiting';
      s.reason = s.reason ?? (this.#reachable === false ? 'offline' : 'server-unavailable');
    } else {
      s.sync = 'sending';
    }
  }

  #show(content, liked) {
    const s = this.#states.get(content) ?? { liked: null, count: null, sync: 'unknown', reason: null };
    if (s.liked !== null && s.liked !== liked && s.count !== null) s.count = Math.max(0, s.count + (liked ? 1 : -1));
    s.liked = liked;
    this.#states.set(content, s);
  }

  #bump(content) {
    this.#epochs.set(content, (this.#epochs.get(content) ?? 0) + 1);
  }

  async #send(content) {
    if (this.#closed || this.#inFlight.has(content)) return; // one request per content at a time
    const entry = this.#queue()[content];
    if (!entry) return;
    const wait = entry.nextAt - Date.now();
    if (wait > 0) {
      this.#schedule(content, wait);
      return;
    }
    this.#inFlight.add(content);
    this.#emitStatus();
    let outcome;
    try {
      const headers = { ...this.#headers, 'Content-Type': 'application/json' };
      if (this.#csrfToken) headers['X-CSRF-Token'] = this.#csrfToken;
      const res = await this.#fetch(`${this.#baseUrl}/api/${entry.action}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers,
        body: JSON.stringify({ content, requestId: entry.requestId }),
      });
      const body = await res.json().catch(() => null);
      if (res.ok) {
        outcome = { done: true, later: res.status === 202, body: validState(body) ? body : null };
      } else if (res.status === 429 || res.status >= 500) {
        const after = Number(res.headers.get('Retry-After')) * 1000 || 0;
        const reason = res.status === 429 ? 'rate-limited' : 'server-unavailable';
        outcome = { retry: true, after, reason, reached: res.status === 429 };
      } else {
        outcome = { refused: true, reason: (body && typeof body.error === 'string' && body.error) || `HTTP ${res.status}` };
      }
    } catch (e) {
      outcome = { retry: true, after: 0, reason: 'offline', reached: false };
    } finally {
      this.#inFlight.delete(content);
    }
    const queue = this.#queue();
    const current = queue[content];
    const stillLatest = current !== undefined && current.requestId === entry.requestId;
    // no click waits any more: another tab had it answered while this request was on its way
    const settledElsewhere = current === undefined;
    const s = this.#states.get(content) ?? { liked: null, count: null, sync: 'unknown', reason: null };
    this.#states.set(content, s);
    if (outcome.retry) {
      this.#reached(outcome.reached);
      if (settledElsewhere) {
        s.sync = 'saved';
        s.reason = null;
        this.#read([content]);
      } else if (stillLatest) {
        current.attempt += 1;
        current.nextAt = Date.now() + Math.max(outcome.after, this.#backoff(current.attempt));
        this.#save(queue);
        s.sync = 'waiting';
        s.reason = outcome.reason;
      }
    } else {
      if (stillLatest) {
        delete queue[content];
        this.#save(queue);
      }
      this.#reached(true);
      if (stillLatest || settledElsewhere) {
        this.#bump(content);
        if (outcome.refused) {
          s.sync = 'refused';
          s.reason = outcome.reason;
          this.#lastRefusal = { content, reason: outcome.reason };
          this.#emitState(content);
          this.#emitStatus();
          await this.#read([content]); // show the server's truth
          return;
        }
        s.sync = outcome.later ? 'later' : 'saved';
        s.reason = null;
        if (outcome.body) {
          s.liked = outcome.body.liked;
          s.count = outcome.body.count;
        } else {
          this.#read([content]); // a 2xx without a usable state: read it
        }
      }
    }
    this.#emitState(content);
    this.#emitStatus();
    if (this.#queue()[content]) this.#send(content); // a newer click, or the retry's timer
  }

  #backoff(attempt) {
    const base = Math.min(this.#maxBackoffMs, this.#minBackoffMs * 2 ** Math.min(30, attempt - 1));
    return base * (0.75 + Math.random() / 2);
  }

  #schedule(content, wait) {
    if (this.#timers.has(content)) return;
    this.#timers.set(content, setTimeout(() => { this.#timers.delete(content); this.#send(content); }, wait));
  }

  #otherTabChanged() {
    const queue = this.#queue();
    const gone = [];
    for (const [content, s] of this.#states) {
      const waiting = queue[content];
      if (waiting) {
        if (!this.#inFlight.has(content)) this.#showWaiting(content, waiting);
        this.#bump(content);
      } else if ((s.sync === 'sending' || s.sync === 'waiting') && !this.#inFlight.has(content)) {
        gone.push(content); // sent by another tab
      }
      this.#emitState(content);
    }
    if (gone.length > 0) {
      for (const content of gone) Object.assign(this.#states.get(content), { sync: 'saved', reason: null });
      this.#read(gone).then(() => { for (const c of gone) this.#emitState(c); this.#emitStatus(); });
    }
    this.#emitStatus();
    this.flush();
  }

  #emitState(content) {
    this.dispatchEvent(new CustomEvent('state', { detail: { content, state: this.state(content) } }));
  }

  #emitStatus() {
    this.dispatchEvent(new CustomEvent('status', { detail: this.status() }));
  }

  #queue() {
    if (!this.#storage) return { ...this.#memoryQueue };
    try {
      const parsed = JSON.parse(this.#storage.getItem(this.#key) || '{}');
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
    } catch (e) {
      return { ...this.#memoryQueue };
    }
  }

  #save(queue) {
    this.#memoryQueue = { ...queue };
    if (!this.#storage) return;
    try {
      if (Object.keys(queue).length === 0) this.#storage.removeItem(this.#key);
      else this.#storage.setItem(this.#key, JSON.stringify(queue));
    } catch (e) {
      // storage full or denied: the queue lives on in memory for this page
    }
  }
}

function validState(body) {
  return body !== null && typeof body === 'object' && typeof body.liked === 'boolean'
    && Number.isSafeInteger(body.count) && body.count >= 0;
}

function newRequestId() {
  if (globalThis.crypto?.randomUUID) return globalThis.crypto.randomUUID();
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
