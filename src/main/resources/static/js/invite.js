// The page an invitation link opens: the link's secret is after '#', so it is sent only in request
// bodies. A signed-in person joins with one click; anyone else creates their account here (or, when
// the server signs people in elsewhere only, is told so by the server and pointed there); someone with
// an account signs in and comes back here to join. Joined, the board page opens on the invitation's workspace.
import { post, session } from './api.js';
import { $ } from './dom.js';

const token = decodeURIComponent(location.hash.slice(1));

function say(message, link) {
  const el = $('#invite-message');
  el.textContent = message;
  if (link) {
    const a = document.createElement('a');
    a.href = link.href;
    a.textContent = link.text;
    el.append(' ', a);
  }
}

/** The server's refusal, with the way to sign in it names (single sign-on) when there is one. */
function refused(err) {
  const sso = err.problem?.sso_login_url;
  say(err.explanation || err.message, typeof sso === 'string' && sso.startsWith('/') ? { href: sso, text: 'Sign in' } : null);
}

async function start() {
  if (!token) {
    say('This link is incomplete.');
    return;
  }
  let info;
  try {
    info = await post('/api/v1/invitations/link/info', { token });
    $('#invite-what').textContent = `You are invited to ${info.workspace_name} as ${info.role} (until ${new Date(info.expires_at).toLocaleString()}).`;
  } catch (err) {
    say(err.status === 404 ? 'This invitation link is unknown, used already or expired.' : err.explanation);
    return;
  }
  if (session.token) {
    $('#invite-signed-in').hidden = false;
    $('#invite-accept').addEventListener('click', async () => {
      try {
        await post('/api/v1/invitations/link/accept', { token });
        location.replace(`/?ws=${info.workspace_id}`);
      } catch (err) {
        refused(err);
      }
    });
  } else {
    $('#invite-new').hidden = false;
    // signing in first brings the visitor back to this link (the sign-in page follows only same-origin paths)
    $('#invite-sign-in').href = `/#next=${encodeURIComponent(location.pathname + location.hash)}`;
    $('#invite-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        const s = await post('/api/v1/invitations/link/redeem', {
          token, username: $('#invite-username').value.trim(), password: $('#invite-password').value,
        });
        session.store(s.access_token, s.user, s);
        location.replace(`/?ws=${info.workspace_id}`);
      } catch (err) {
        refused(err);
      }
    });
  }
}

start();
