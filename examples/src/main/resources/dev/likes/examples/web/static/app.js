import { LikeClient } from './like-client.js';

const params = new URLSearchParams(location.search);
const userId = Math.max(1, Number.parseInt(params.get('user') || '1', 10) || 1);
const contents = Array.from({ length: 12 }, (_, i) => `post:${i + 1}`);
const buttons = new Map();

document.getElementById('who').textContent = `user ${userId}`;
const other = document.getElementById('switch-user');
other.href = `?user=${userId + 1}`;
other.textContent = `Be user ${userId + 1}`;

const status = document.getElementById('sync-status');
const client = new LikeClient({
  userId,
  onState: (content, s) => render(content, s),
  onQueue: (pending) => {
    status.textContent = pending === 0 ? 'All changes saved.' : `${pending} change${pending === 1 ? '' : 's'} waiting to be sent — will retry.`;
    status.classList.toggle('pending', pending > 0);
    status.dataset.pending = String(pending);
  },
});

const feed = document.getElementById('feed');
const template = document.getElementById('post-card');
for (const content of contents) {
  const card = template.content.firstElementChild.cloneNode(true);
  const n = content.split(':')[1];
  card.querySelector('.title').textContent = `Post #${n}`;
  card.querySelector('.text').textContent = 'A post in the demo feed. Like it, go offline, like another: nothing is lost.';
  const button = card.querySelector('button.like');
  button.dataset.content = content;
  button.id = `like-${content.replace(':', '-')}`;
  button.addEventListener('click', () => {
    client.toggle(content);
    button.classList.remove('pop');
    void button.offsetWidth; // restart the animation
    button.classList.add('pop');
  });
  card.dataset.content = content;
  feed.appendChild(card);
  buttons.set(content, card);
}

function render(content, s) {
  const card = buttons.get(content);
  if (!card) return;
  const button = card.querySelector('button.like');
  button.setAttribute('aria-pressed', String(s.liked));
  button.querySelector('.label').textContent = s.liked ? 'Liked' : 'Like';
  button.classList.toggle('queued', s.pending);
  card.querySelector('.count').textContent = s.count === null ? '–' : String(s.count);
}

client.load(contents).then((ok) => {
  if (!ok && client.pending() === 0) status.textContent = 'Offline: showing what this page knows.';
  document.body.dataset.ready = 'true';
});
