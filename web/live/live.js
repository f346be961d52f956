'use strict';

// Voxflow live captions page: the speaker streams the microphone, viewers follow a session. The speaker's key
// is typed into the form and kept nowhere; a viewer link carries a viewer token (one session, a few hours) in its
// fragment, which browsers never send to a server.
const params = new URLSearchParams(location.search);
const fragment = new URLSearchParams(location.hash.slice(1));
const role = params.get('role') === 'viewer' ? 'viewer' : 'speaker';
document.body.dataset.role = role;

const $ = (id) => document.getElementById(id);
const LANGUAGES = ['en', 'es', 'fr', 'de', 'it', 'pt', 'nl', 'ja', 'zh', 'ko', 'ru', 'ar', 'hi', 'pl', 'tr', 'sv'];
for (const code of LANGUAGES) $('lang').append(new Option(code, code, false, code === (params.get('lang') || 'en')));
$('token').value = role === 'viewer' ? fragment.get('token') || '' : '';
$('session').value = fragment.get('session') || params.get('session') || '';

let socket;
let stopAudio = () => {};

function showStatus(text) {
  $('status').textContent = text;
}

/** Interim captions replace each other; a final one is committed as a line. */
function showCaption(caption) {
  if (caption.is_final) {
    const line = document.createElement('p');
    line.textContent = caption.transcript;
    $('finals').append(line);
    $('interim').textContent = '';
  } else {
    $('interim').textContent = caption.transcript;
  }
}

async function startSpeaker(token) {
  const media = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true },
  });
  const context = new AudioContext();
  await context.audioWorklet.addModule('/live/pcm-worklet.js');
  const source = context.createMediaStreamSource(media);
  const capture = new AudioWorkletNode(context, 'pcm-capture');
  source.connect(capture);

  socket = io('/audio-stream', { auth: { token }, query: { lang: $('lang').value }, transports: ['websocket'] });
  socket.on('connected', (event) => {
    showStatus(`Live — session ${event.session_id}`);
    document.body.dataset.session = event.session_id;
    capture.port.onmessage = (message) => socket.emit('audio_chunk', message.data);
    void shareViewerLink(token, event.session_id);
  });
  socket.on('transcription', showCaption);
  socket.on('error', (event) => showStatus(`Error: ${event.message}`));
  socket.on('session_ended', (event) => showStatus(`Session ended (${event.reason}).`));
  stopAudio = () => {
    capture.port.onmessage = null;
    media.getTracks().forEach((track) => track.stop());
    void context.close();
  };
}

/** Asks for a viewer token for the session and shows the link that carries it. */
async function shareViewerLink(token, sessionId) {
  const answer = await fetch(`/v1/live-sessions/${encodeURIComponent(sessionId)}/viewer-tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  if (answer.ok) {
    // The page's own origin: the one this browser reached the API at.
    const url = new URL((await answer.json()).viewer_url);
    const link = `${location.origin}${url.pathname}${url.search}${url.hash}`;
    $('share-link').textContent = link;
    $('share-link').href = link;
  } else {
    $('share-link').textContent = `no viewer link (${answer.status}): the key needs the live:speak scope`;
  }
  $('share').hidden = false;
}

function startViewer(token) {
  const sessionId = $('session').value.trim();
  socket = io('/captions', { auth: { token }, transports: ['websocket'] });
  socket.on('connect', () => socket.emit('watch', { session_id: sessionId }));
  socket.on('watching', (event) => showStatus(`Watching ${event.session_id} (${event.language}, ${event.status})`));
  socket.on('caption', showCaption);
  socket.on('error', (event) => showStatus(`Error: ${event.message}`));
  socket.on('session_ended', () => showStatus('The session has ended.'));
}

$('connect').addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = $('token').value.trim();
  $('start').disabled = true;
  $('stop').disabled = false;
  showStatus('Connecting…');
  try {
    if (role === 'speaker') await startSpeaker(token);
    else startViewer(token);
  } catch (error) {
    showStatus(`Could not start: ${error.message}`);
    $('start').disabled = false;
  }
});

$('stop').addEventListener('click', () => {
  if (role === 'speaker' && socket) socket.emit('stop');
  stopAudio();
  if (role === 'viewer' && socket) socket.disconnect();
  $('stop').disabled = true;
  $('start').disabled = false;
});

// A viewer link carries what it needs: follow the session at once.
if (role === 'viewer' && $('token').value && $('session').value) $('start').click();
