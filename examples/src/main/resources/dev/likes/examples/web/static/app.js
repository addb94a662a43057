// The demo feed: a consumer of like-client.js, as another app would use it.
import { LikeClient, formatCount, formatExactCount } from './like-client.js';

const POSTS = 12;
const contents = Array.from({ length: POSTS }, (_, i) => `post:${i + 1}`);
// demo knobs, in ms: how often the counts on screen are read again (?refresh=2000, 15 s by default) and the first
// retry delay of a click that could not be sent (?backoff=5000, 1 s by default, doubling up to 30 s)
const knobs = new URLSearchParams(location.search);
const knob = (name, fallback) => Math.min(600000, Math.max(100, Number.parseInt(knobs.get(name), 10) || fallback));
const refreshMs = knob('refresh', 15000);
const minBackoffMs = knob('backoff', 1000);

const status = document.getElementById('sync-status');
const retry = document.getElementById('retry-now');
const who = document.getElementById('who');
const cards = new Map();
let changed = false;

if ('serviceWorker' in navigator) {
  // the app shell (this page, its script and style) from a cache, so that a reload while offline shows the feed
  navigator.serviceWorker.register('sw.js').catch(() => {});
}

/** The signed-in user: the server's answer, or offline the last one this browser saw; null if signed out. */
async function currentSession() {
  try {
    const res = await fetch('/api/session', { credentials: 'same-origin', cache: 'no-store' });
    if (res.status === 401) {
      localStorage.removeItem('like-session');
      return null;
    }
    if (res.ok) {
      const body = await res.json();
      if (typeof body.user === 'string' && typeof body.csrf === 'string') {
        localStorage.setItem('like-session', JSON.stringify({ user: body.user, csrf: body.csrf }));
        return body;
      }
    }
  } catch (e) {
    // offline or the server is down: fall through to the stored session
  }
  try {
    const stored = JSON.parse(localStorage.getItem('like-session'));
    if (stored && typeof stored.user === 'string' && typeof stored.csrf === 'string') return stored;
  } catch (e) {
    // nothing usable stored
  }
  return undefined;
}

function start({ user, csrf }) {
  who.textContent = `user ${user}`;
  document.body.dataset.user = user;
  const client = new LikeClient({ userId: user, csrfToken: csrf, refreshMs, minBackoffMs, maxBackoffMs: Math.max(30000, minBackoffMs) });
  client.addEventListener('state', (e) => render(e.detail.content, e.detail.state));
  client.addEventListener('status', (e) => renderStatus(e.detail));
  retry.addEventListener('click', () => client.retryNow());

  const feed = document.getElementById('feed');
  const template = document.getElementById('post-card');
  const visible = new Set();
  const observer = 'IntersectionObserver' in window
    ? new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) visible.add(entry.target.dataset.content);
        else visible.delete(entry.target.dataset.content);
      }
      client.watch(contents.filter((c) => visible.has(c)));
    })
    : null;
  for (const content of contents) {
    const card = template.content.firstElementChild.cloneNode(true);
    const n = content.split(':')[1];
    const slug = content.replace(':', '-');
    card.dataset.content = content;
    card.querySelector('.title').textContent = `Post #${n}`;
    card.querySelector('.text').textContent = 'A post in the demo feed. Like it, go offline, like another: nothing is lost.';
    const button = card.querySelector('button.like');
    button.id = `like-${slug}`;
    button.dataset.content = content;
    card.querySelector('.count').id = `count-${slug}`;
    card.querySelector('.note').id = `note-${slug}`;
    button.setAttribute('aria-describedby', `count-${slug} note-${slug}`);
    button.addEventListener('click', () => {
      changed = true;
      client.toggle(content);
      button.classList.remove('pop');
      void button.offsetWidth; // restart the animation
      button.classList.add('pop');
    });
    feed.appendChild(card);
    cards.set(content, card);
    observer?.observe(card);
    render(content, client.state(content));
  }
  client.load(contents).then(() => {
    renderStatus(client.status());
    document.body.dataset.ready = 'true';
  });
}

const NOTES = {
  sending: () => 'Saving…',
  later: () => 'Saved; it will show shortly.',
  refused: (reason) => `Not saved: ${reason}`,
  waiting: (reason) => ({
    offline: 'Waiting to be sent: offline.',
    'rate-limited': 'Waiting: too many changes at once; retrying.',
  }[reason] || 'Waiting: the server is unavailable; retrying.'),
  unknown: () => '', // the page-wide status says why counts show as –
  saved: () => '',
};

function render(content, s) {
  const card = cards.get(content);
  if (!card) return;
  const button = card.querySelector('button.like');
  button.setAttribute('aria-pressed', String(s.liked === true));
  button.classList.toggle('queued', s.sync === 'waiting');
  const count = card.querySelector('.count');
  const exact = s.count === null ? '' : formatExactCount(s.count);
  const shown = s.count === null ? '–' : formatCount(s.count);
  const noun = s.count === 1 ? 'like' : 'likes';
  count.querySelector('.visually-hidden').textContent = s.count === null ? ' likes: unknown'
    : shown === exact ? ` ${noun}` : ` ${noun} (${exact})`;
  count.querySelector('.n').textContent = shown;
  count.title = s.count === null ? 'Unknown until the server can be reached' : `${exact} ${noun}`;
  count.dataset.count = s.count === null ? '' : String(s.count);
  const note = card.querySelector('.note');
  note.textContent = (NOTES[s.sync] || NOTES.saved)(s.reason);
  card.dataset.sync = s.sync;
}

function renderStatus(st) {
  const waiting = (n) => `${n} change${n === 1 ? '' : 's'}`;
  if (st.reachable === false) {
    let text = "Can't reach the server.";
    if (st.pending > 0) text += ` ${waiting(st.pending)} waiting; ${st.pending === 1 ? 'it' : 'they'} will be sent when it is back.`;
    if (st.unknown > 0) text += ' Some likes cannot be shown until then.';
    setStatus('offline', text, st);
  } else if (st.waiting > 0) {
    setStatus('waiting', `${waiting(st.waiting)} waiting to be sent; retrying.`, st);
  } else if (st.sending > 0 || st.pending > 0) {
    setStatus('saving', 'Saving…', st);
  } else if (st.lastRefusal) {
    setStatus('refused', `A change was not saved: ${st.lastRefusal.reason}`, st);
  } else if (st.later > 0) {
    setStatus('later', 'Saved. Some likes will show in a moment.', st);
  } else if (st.unknown > 0) {
    setStatus('loading', 'Loading…', st);
  } else {
    setStatus('saved', changed ? 'All changes saved.' : 'Up to date.', st);
  }
}

function setStatus(state, text, st) {
  if (status.textContent !== text) status.textContent = text;
  status.dataset.state = state;
  status.dataset.pending = String(st ? st.pending : 0);
  retry.hidden = !(state === 'offline' || state === 'waiting');
}

// last, once every declaration above is initialized
const session = await currentSession();
if (session === null) {
  location.replace(`signin.html${location.search}`);
} else if (session === undefined) {
  setStatus('offline', 'Offline, and not signed in on this browser yet. Reload when you are online.');
  document.body.dataset.ready = 'true';
} else {
  start(session);
}
