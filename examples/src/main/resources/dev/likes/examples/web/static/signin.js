// The demo's sign-in: POST /api/session sets the session cookie; the feed page reads the user from it.
const form = document.getElementById('signin');
const input = document.getElementById('user');
const error = document.getElementById('signin-error');
const wanted = new URLSearchParams(location.search).get('user');
if (wanted) input.value = wanted;

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.textContent = '';
  try {
    const res = await fetch('/api/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user: input.value.trim() }),
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) {
      error.textContent = body.error || `Sign-in failed (HTTP ${res.status}).`;
      return;
    }
    localStorage.setItem('like-session', JSON.stringify({ user: body.user, csrf: body.csrf }));
    location.assign(`/${location.search}`); // keeps the demo knobs
  } catch (e) {
    error.textContent = 'The server cannot be reached. Try again when you are online.';
  }
});
