// Where to go back to after signing in: a page of this site a signed-out visitor came from (an
// invitation link), passed to the sign-in page after '#next=' so it never reaches a server log.
// Only a same-origin address is followed; anything else (another site, '//host', a scheme such as
// 'javascript:', a backslash or a tab that a browser reads as one) is refused.

const KEY = 'kanban.next';

/** The absolute same-origin address for `raw`, a path starting with a single '/', or null. */
export function safeNext(raw) {
  if (typeof raw !== 'string' || raw.length > 2000) return null;
  if (!raw.startsWith('/') || raw.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(raw)) return null;
  let url;
  try {
    url = new URL(raw, window.location.origin);
  } catch {
    return null;
  }
  return url.origin === window.location.origin ? url.href : null;
}

/** Takes '#next=<path>' out of the address and keeps it for after the sign-in, if it is safe. */
export function rememberNext() {
  const match = /^#next=(.*)$/s.exec(window.location.hash);
  if (!match) return;
  history.replaceState(null, '', window.location.pathname + window.location.search);
  let raw;
  try {
    raw = decodeURIComponent(match[1]);
  } catch {
    return;
  }
  const next = safeNext(raw);
  if (next) sessionStorage.setItem(KEY, next);
  else sessionStorage.removeItem(KEY);
}

/** Goes to the address kept by rememberNext (checked again), answering whether it did. */
export function followNext() {
  const next = safeNext(stripOrigin(sessionStorage.getItem(KEY)));
  sessionStorage.removeItem(KEY);
  if (!next) return false;
  window.location.assign(next);
  return true;
}

function stripOrigin(href) {
  if (typeof href !== 'string' || !href.startsWith(window.location.origin + '/')) return null;
  return href.slice(window.location.origin.length);
}
