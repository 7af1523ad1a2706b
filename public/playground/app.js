// Parley playground: talk to a voice agent from the browser.
// Plain ES module, no build step. The LiveKit SDK is the UMD bundle loaded before this file
// (global `LivekitClient`). Every API call carries the key the user typed; nothing is sent elsewhere.
/* global navigator, URLSearchParams, history, Option */

const KEY_STORAGE = 'parley.playground.apiKey';
const AGENT_STORAGE = 'parley.playground.agentId';
const POLL_MS = 2000;
/** Polls after the room is left, waiting for the worker to close the session with its final metrics. */
const POLLS_AFTER_DISCONNECT = 30;

const $ = (id) => document.getElementById(id);
const ui = {
  form: $('setup'),
  key: $('api-key'),
  load: $('load-agents'),
  forget: $('forget-key'),
  agent: $('agent'),
  start: $('start'),
  hangup: $('hangup'),
  enableAudio: $('enable-audio'),
  status: $('status'),
  callState: $('call-state'),
  sessionId: $('session-id'),
  sessionStatus: $('session-status'),
  agentState: $('agent-state'),
  transcript: $('transcript'),
  audio: $('audio'),
  turnsBody: document.querySelector('#turns tbody'),
  turnsFoot: document.querySelector('#turns tfoot'),
};

/** @type {{room: any, sessionId: string | null, call: string, pollTimer: any, pollsLeft: number, segments: Map<string, {el: HTMLElement, gen: number, text: string}>}} */
const state = {
  room: null,
  sessionId: null,
  call: 'idle',
  pollTimer: null,
  pollsLeft: Infinity,
  segments: new Map(),
};

// Read by automated tests and handy in the devtools console.
window.playground = {
  get room() {
    return state.room;
  },
  get sessionId() {
    return state.sessionId;
  },
  get call() {
    return state.call;
  },
};

// ---------------------------------------------------------------------------------------------
// Helpers

function showStatus(message, kind = 'info') {
  ui.status.textContent = message;
  ui.status.dataset.kind = kind;
}

function showError(err) {
  showStatus(err instanceof Error ? err.message : String(err), 'error');
}

class ApiError extends Error {
  constructor(message, status, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Calls the Parley API; errors carry the envelope's `error.message`. */
async function api(method, path, body) {
  const key = ui.key.value.trim();
  if (!key) throw new ApiError('Enter an API key first.', 0, 'NO_KEY');
  const headers = { 'x-api-key': key };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError('The API is unreachable.', 0, 'NETWORK');
  }
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const message = json?.error?.message ?? `Request failed (HTTP ${res.status}).`;
    throw new ApiError(message, res.status, json?.error?.code);
  }
  return json;
}

function lk() {
  const LK = window.LivekitClient;
  if (!LK) throw new Error('The LiveKit client failed to load; reload the page.');
  return LK;
}

function ms(v) {
  return v === null || v === undefined ? '—' : String(Math.round(v));
}

function setCall(call) {
  state.call = call;
  document.body.dataset.call = call;
  ui.callState.textContent = call;
  const busy = call === 'connecting' || call === 'connected';
  ui.start.disabled = busy || !ui.agent.value;
  ui.hangup.disabled = !busy;
  ui.agent.disabled = busy || ui.agent.options.length === 0 || !ui.agent.options[0].value;
  ui.load.disabled = busy;
  ui.key.readOnly = busy;
  if (!busy) ui.enableAudio.hidden = true;
}

function setAgentState(value) {
  ui.agentState.textContent = value || '—';
  if (value) ui.agentState.dataset.state = value;
  else delete ui.agentState.dataset.state;
}

function setSessionStatus(value) {
  ui.sessionStatus.textContent = value || '—';
  if (value) ui.sessionStatus.dataset.status = value;
  else delete ui.sessionStatus.dataset.status;
}

// ---------------------------------------------------------------------------------------------
// Agents

let agentLoads = 0;

async function loadAgents() {
  const load = ++agentLoads;
  localStorage.setItem(KEY_STORAGE, ui.key.value.trim());
  showStatus('Loading agents…');
  const agents = [];
  for (let page = 1; page <= 10; page++) {
    const res = await api('GET', `/v1/chat/agents?limit=100&page=${page}`);
    agents.push(...res.data);
    if (page >= (res.pagination?.totalPages ?? 1)) break;
  }
  const voice = agents.filter((a) => a.voiceEnabled && a.isActive !== false);
  // A newer load (the button pressed again) owns the list and the status line.
  if (load !== agentLoads) return voice;
  ui.agent.replaceChildren();
  if (voice.length === 0) {
    ui.agent.append(new Option('No voice-enabled agents', ''));
    showStatus(
      agents.length
        ? `None of your ${agents.length} agents is voice-enabled.`
        : 'This organization has no agents yet.',
      'error',
    );
  } else {
    for (const a of voice) {
      const opt = new Option(`${a.fullName} (${a.voicePipelineMode ?? 'voice'})`, a.id);
      opt.dataset.name = a.fullName;
      ui.agent.append(opt);
    }
    const wanted =
      new URLSearchParams(window.location.search).get('agent') ?? localStorage.getItem(AGENT_STORAGE);
    const match = voice.find((a) => a.id === wanted) ?? voice.find((a) => a.fullName === wanted);
    if (match) ui.agent.value = match.id;
    showStatus(`${voice.length} voice agent${voice.length === 1 ? '' : 's'} loaded.`);
  }
  setCall(state.call);
  return voice;
}

// ---------------------------------------------------------------------------------------------
// Transcript

function isAgentIdentity(identity) {
  if (!identity) return false;
  const room = state.room;
  if (room && identity === room.localParticipant?.identity) return false;
  const p = room?.remoteParticipants.get(identity);
  if (p && (p.isAgent || p.kind === window.LivekitClient?.ParticipantKind?.AGENT)) return true;
  return identity.startsWith('agent-');
}

function lineFor(segmentId, role) {
  let seg = state.segments.get(segmentId);
  if (!seg) {
    const el = document.createElement('div');
    el.className = 'line';
    el.dataset.role = role;
    el.dataset.segment = segmentId;
    el.dataset.final = 'false';
    ui.transcript.append(el);
    seg = { el, gen: 0, text: '' };
    state.segments.set(segmentId, seg);
  }
  return seg;
}

function setLineText(seg, text) {
  seg.text = text;
  seg.el.textContent = text;
  // Keep the newest line in view unless the user scrolled up to read.
  const t = ui.transcript;
  if (t.scrollHeight - t.scrollTop - t.clientHeight < 80) t.scrollTop = t.scrollHeight;
}

/**
 * One text stream is one transcription segment (or one update of it). Agents stream their own
 * words as deltas in a single stream; user transcripts arrive as one stream per interim update,
 * each holding the whole text so far. Both fit: a segment shows the text of its latest stream.
 */
async function onTranscription(reader, participantInfo) {
  const attrs = reader.info.attributes ?? {};
  const segmentId = attrs['lk.segment_id'] || reader.info.id;
  const role = isAgentIdentity(participantInfo.identity) ? 'agent' : 'user';
  const seg = lineFor(segmentId, role);
  const gen = ++seg.gen;
  const before = seg.text;
  let text = '';
  let completed = false;
  try {
    for await (const chunk of reader) {
      text += chunk;
      if (seg.gen === gen) setLineText(seg, text);
    }
    completed = true;
  } catch {
    // The stream was cut (hang-up, network); keep what arrived.
  }
  if (seg.gen !== gen) return;
  if (!text && before) setLineText(seg, before);
  // User updates are marked final explicitly; the agent's delta stream is complete once it closes.
  const final = (reader.info.attributes ?? attrs)['lk.transcription_final'] === 'true';
  if (final || (completed && role === 'agent')) seg.el.dataset.final = 'true';
}

function resetTranscript() {
  state.segments.clear();
  ui.transcript.replaceChildren();
}

/** After the call, when nothing streamed live (e.g. the page joined late), show the stored transcript. */
function fillStoredTranscript(transcript) {
  if (state.segments.size > 0 || !Array.isArray(transcript)) return;
  transcript.forEach((entry, i) => {
    const seg = lineFor(`stored-${i}`, entry.role === 'agent' ? 'agent' : 'user');
    seg.el.dataset.final = 'true';
    if (entry.interrupted) seg.el.dataset.interrupted = 'true';
    setLineText(seg, entry.text);
  });
}

// ---------------------------------------------------------------------------------------------
// Session polling and latency table

function renderTurns(metrics) {
  const turns = metrics?.turns ?? [];
  const rows = turns.map((t) => {
    const tr = document.createElement('tr');
    tr.dataset.turn = String(t.turn);
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = String(t.turn);
    tr.append(th);
    for (const v of [
      t.voiceToVoice,
      t.endOfSpeechToFinalTranscript,
      t.llmTimeToFirstToken,
      t.ttsTimeToFirstByte,
    ]) {
      const td = document.createElement('td');
      td.textContent = ms(v);
      tr.append(td);
    }
    return tr;
  });
  ui.turnsBody.replaceChildren(...rows);

  const summary = metrics?.summary ?? {};
  const names = ['voiceToVoice', 'endOfSpeechToFinalTranscript', 'llmTimeToFirstToken', 'ttsTimeToFirstByte'];
  const foot = ['p50', 'p95'].map((q) => {
    const tr = document.createElement('tr');
    tr.dataset.stat = q;
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = q;
    tr.append(th);
    for (const n of names) {
      const td = document.createElement('td');
      td.textContent = ms(summary[n]?.[q]);
      tr.append(td);
    }
    return tr;
  });
  ui.turnsFoot.replaceChildren(...(turns.length ? foot : []));
}

function stopPolling() {
  clearTimeout(state.pollTimer);
  state.pollTimer = null;
}

function startPolling(sessionId) {
  stopPolling();
  state.pollsLeft = Infinity;
  const tick = async () => {
    if (state.sessionId !== sessionId) return;
    let done = false;
    try {
      const s = await api('GET', `/v1/voice/sessions/${encodeURIComponent(sessionId)}`);
      if (state.sessionId !== sessionId) return;
      setSessionStatus(s.status);
      renderTurns(s.metrics);
      if (s.status === 'ended' || s.status === 'failed') {
        done = true;
        fillStoredTranscript(s.transcript);
        if (state.call !== 'connected' && state.call !== 'connecting') {
          const reason = s.endReason ? ` (${s.endReason.replaceAll('_', ' ')})` : '';
          showStatus(`Session ${s.status}${reason}.`, s.status === 'failed' ? 'error' : 'info');
        }
      }
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403 || err.status === 404)) {
        done = true;
        showError(err);
      }
    }
    state.pollsLeft -= 1;
    if (!done && state.pollsLeft > 0 && state.sessionId === sessionId) {
      state.pollTimer = setTimeout(tick, POLL_MS);
    } else if (state.sessionId === sessionId) {
      state.pollTimer = null;
    }
  };
  state.pollTimer = setTimeout(tick, 0);
}

// ---------------------------------------------------------------------------------------------
// Call

function updateAgentFrom(participant) {
  if (!participant || !isAgentIdentity(participant.identity)) return;
  setAgentState(participant.attributes?.['lk.agent.state'] || 'joined');
}

function wireRoom(room) {
  const LK = lk();
  const E = LK.RoomEvent;
  room.registerTextStreamHandler('lk.transcription', (reader, info) => {
    onTranscription(reader, info);
  });
  room
    .on(E.TrackSubscribed, (track, _pub, participant) => {
      if (track.kind !== LK.Track.Kind.Audio) return;
      const el = track.attach();
      el.autoplay = true;
      el.dataset.participant = participant.identity;
      ui.audio.append(el);
    })
    .on(E.TrackUnsubscribed, (track) => {
      for (const el of track.detach()) el.remove();
    })
    .on(E.ParticipantConnected, updateAgentFrom)
    .on(E.ParticipantAttributesChanged, (_changed, participant) => updateAgentFrom(participant))
    .on(E.ParticipantDisconnected, (participant) => {
      if (isAgentIdentity(participant.identity) || participant.identity.startsWith('agent-')) {
        setAgentState('left');
      }
    })
    .on(E.AudioPlaybackStatusChanged, () => {
      ui.enableAudio.hidden = room.canPlaybackAudio;
      if (!room.canPlaybackAudio) showStatus('The browser blocked audio playback: press “Enable audio”.');
    })
    .on(E.Disconnected, () => onRoomClosed(room));
}

function onRoomClosed(room) {
  if (state.room !== room) return;
  state.room = null;
  ui.audio.replaceChildren();
  setCall('disconnected');
  if (ui.agentState.dataset.state && ui.agentState.dataset.state !== 'left') setAgentState('left');
  // Keep polling a little: the worker closes the session and writes the last turn's metrics.
  state.pollsLeft = Math.min(state.pollsLeft, POLLS_AFTER_DISCONNECT);
  if (ui.status.dataset.kind !== 'error') showStatus('Call ended.');
}

async function startCall() {
  if (state.call === 'connecting' || state.call === 'connected') return;
  const agentId = ui.agent.value;
  if (!agentId) throw new Error('Choose a voice agent first.');
  const LK = lk();
  localStorage.setItem(AGENT_STORAGE, agentId);
  resetTranscript();
  renderTurns(undefined);
  setAgentState('');
  setSessionStatus('');
  ui.sessionId.textContent = '—';
  setCall('connecting');
  showStatus('Creating the session…');

  let session;
  try {
    session = await api('POST', '/v1/voice/sessions', { agentId });
  } catch (err) {
    setCall('idle');
    throw err;
  }
  state.sessionId = session.id;
  ui.sessionId.textContent = session.id;
  setSessionStatus(session.status ?? 'created');

  const room = new LK.Room({ adaptiveStream: false, dynacast: false });
  state.room = room;
  wireRoom(room);
  showStatus('Connecting…');
  try {
    await room.connect(session.serverUrl, session.token);
  } catch (err) {
    const cancelled = state.room !== room;
    state.room = null;
    setCall('disconnected');
    // Best effort: do not leave a session nobody will join.
    api('POST', `/v1/voice/sessions/${encodeURIComponent(session.id)}/end`).catch(() => {});
    startPolling(session.id);
    state.pollsLeft = 3;
    if (cancelled) return;
    throw new Error(`Could not connect to the media server: ${err?.message ?? err}`);
  }
  if (state.room !== room) return; // hung up while connecting
  setCall('connected');
  startPolling(session.id);
  for (const p of room.remoteParticipants.values()) updateAgentFrom(p);
  ui.enableAudio.hidden = room.canPlaybackAudio;

  if (!navigator.mediaDevices?.getUserMedia) {
    showStatus(
      'Connected, but this page cannot use the microphone: open it over HTTPS or on localhost.',
      'error',
    );
    return;
  }
  try {
    await room.localParticipant.setMicrophoneEnabled(true);
    showStatus('Connected. Speak to the agent.');
  } catch (err) {
    showStatus(`Connected, but the microphone is unavailable: ${err?.message ?? err}`, 'error');
  }
}

function hangUp() {
  const room = state.room;
  if (!room) return;
  showStatus('Hanging up…');
  if (state.call === 'connecting') {
    state.room = null;
    setCall('disconnected');
  }
  room.disconnect();
}

// ---------------------------------------------------------------------------------------------
// Wiring

function run(action) {
  return action().catch((err) => showError(err));
}

ui.form.addEventListener('submit', (e) => {
  e.preventDefault();
  run(loadAgents);
});
ui.forget.addEventListener('click', () => {
  localStorage.removeItem(KEY_STORAGE);
  ui.key.value = '';
  showStatus('The key is no longer stored in this browser.');
});
ui.agent.addEventListener('change', () => setCall(state.call));
ui.start.addEventListener('click', () => run(startCall));
ui.hangup.addEventListener('click', hangUp);
ui.enableAudio.addEventListener('click', () => {
  state.room
    ?.startAudio()
    .then(() => {
      ui.enableAudio.hidden = true;
    })
    .catch(showError);
});
window.addEventListener('pagehide', () => state.room?.disconnect());

function init() {
  if (window.LivekitClient?.setLogLevel) window.LivekitClient.setLogLevel('warn');
  const params = new URLSearchParams(window.location.search);
  const key = params.get('key');
  ui.key.value = key ?? localStorage.getItem(KEY_STORAGE) ?? '';
  if (key) {
    // Do not leave the key in the address bar or the history.
    params.delete('key');
    const qs = params.toString();
    history.replaceState(null, '', window.location.pathname + (qs ? `?${qs}` : '') + window.location.hash);
  }
  setCall('idle');
  if (!ui.key.value) {
    showStatus('Enter an API key with the agents:read and voice:write scopes.');
    return;
  }
  if (key || params.get('agent') || params.get('autostart') === '1') {
    run(async () => {
      await loadAgents();
      if (params.get('autostart') === '1') await startCall();
    });
  }
}

init();
