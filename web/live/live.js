'use strict';

// Voxflow live captions page: the speaker streams the microphone, viewers follow a session.
const params = new URLSearchParams(location.search);
const role = params.get('role') === 'viewer' ? 'viewer' : 'speaker';
document.body.dataset.role = role;

const $ = (id) => document.getElementById(id);
const LANGUAGES = ['en', 'es', 'fr', 'de', 'it', 'pt', 'nl', 'ja', 'zh', 'ko', 'ru', 'ar', 'hi', 'pl', 'tr', 'sv'];
for (const code of LANGUAGES) $('lang').append(new Option(code, code, false, code === (params.get('lang') || 'en')));
$('token').value = params.get('token') || sessionStorage.getItem('voxflow-token') || '';
$('session').value = params.get('session') || '';

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
    const link = `${location.origin}/live/?role=viewer&session=${encodeURIComponent(event.session_id)}`;
    $('share-link').textContent = link;
    $('share-link').href = link;
    $('share').hidden = false;
    document.body.dataset.session = event.session_id;
    capture.port.onmessage = (message) => socket.emit('audio_chunk', message.data);
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
  sessionStorage.setItem('voxflow-token', token);
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

if (params.get('autostart') === '1') $('start').click();
