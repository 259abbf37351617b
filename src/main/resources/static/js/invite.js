// The page an invitation link opens: the link's secret is after '#', so it is sent only in request
// bodies. A signed-in person joins with one click; anyone else creates their account here.
import { post, session } from './api.js';
import { $ } from './dom.js';

const token = decodeURIComponent(location.hash.slice(1));

function say(message) {
  $('#invite-message').textContent = message;
}

async function start() {
  if (!token) {
    say('This link is incomplete.');
    return;
  }
  try {
    const info = await post('/api/v1/invitations/link/info', { token });
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
        location.replace('/');
      } catch (err) {
        say(err.explanation);
      }
    });
  } else {
    $('#invite-new').hidden = false;
    $('#invite-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        const s = await post('/api/v1/invitations/link/redeem', {
          token, username: $('#invite-username').value.trim(), password: $('#invite-password').value,
        });
        session.store(s.access_token, s.user);
        location.replace('/');
      } catch (err) {
        say(err.explanation);
      }
    });
  }
}

start();
