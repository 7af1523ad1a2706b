import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// The package's `require` condition is its UMD build (global `LivekitClient`).
const umdPath = require.resolve('livekit-client');

/**
 * The test page: connects with livekit-client (UMD global `LivekitClient`) using the server URL,
 * token and mode from its query string, publishes the (fake) microphone, and exposes what it
 * observes on `window.results`.
 */
const page = `<!doctype html><html><body><script src="/lk.js"></script><script>
window.results = { connected: false, data: [], text: '', audioPackets: 0, audioEnergy: 0, error: '' };
(async () => {
  const q = new URLSearchParams(location.search);
  const { Room, RoomEvent } = LivekitClient;
  try {
    const room = new Room({ singlePeerConnection: q.get('v0') !== '1' });
    window.room = room;
    room.on(RoomEvent.DataReceived, (payload, p, kind, topic) => results.data.push(new TextDecoder().decode(payload)));
    room.registerTextStreamHandler('lk.transcription', async (reader, info) => {
      results.text = await reader.readAll();
      results.textFrom = info.identity;
    });
    room.on(RoomEvent.TrackSubscribed, (track) => {
      window.remoteTrack = track;
      document.body.appendChild(track.attach());
    });
    await room.connect(q.get('url'), q.get('token'));
    results.connected = true;
    results.serverVersion = room.serverInfo && room.serverInfo.version;
    await room.localParticipant.setMicrophoneEnabled(true);
    results.micPublished = true;
    await room.localParticipant.setAttributes({ browser: 'yes' });
    results.attributesOk = true;
    await room.localParticipant.publishData(new TextEncoder().encode('hello-from-web'), { reliable: true, topic: 'chat' });
    setInterval(async () => {
      if (!window.remoteTrack) return;
      const stats = await window.remoteTrack.receiver.getStats();
      stats.forEach((s) => {
        if (s.type === 'inbound-rtp') {
          results.audioPackets = s.packetsReceived;
          results.audioEnergy = s.totalAudioEnergy;
        }
      });
    }, 250);
  } catch (e) {
    results.error = String((e && e.stack) || e);
  }
})();
</script></body></html>`;

/** Serves the test page and livekit-client's UMD build on a random loopback port. */
export async function startPageServer(): Promise<{ origin: string; server: Server }> {
  const umd = readFileSync(umdPath);
  const server = createServer((req, res) => {
    if (req.url === '/lk.js') res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(umd);
    else if (req.url?.startsWith('/?') || req.url === '/')
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(page);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** What the page reports on `window.results`. */
export interface PageResults {
  connected: boolean;
  micPublished?: boolean;
  attributesOk?: boolean;
  serverVersion?: string;
  data: string[];
  text: string;
  textFrom?: string;
  audioPackets: number;
  audioEnergy: number;
  error: string;
}
