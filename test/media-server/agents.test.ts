import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { RoomAgentDispatch, RoomConfiguration } from '@livekit/protocol';
import { DisconnectReason, ParticipantKind, Room, RoomEvent, dispose } from '@livekit/rtc-node';
import { AgentDispatchClient, RoomServiceClient } from 'livekit-server-sdk';
import type { MediaServer } from '../../src/media-server/index.ts';
import { agentToneHz } from '../fixtures/media/tone-agent.ts';
import { freePort, spawnGroup } from './support/processes.ts';
import type { RunningProcess } from './support/processes.ts';
import { RecordingLogger } from './support/recording-logger.ts';
import { AudioCollector } from './support/rtc-node.ts';
import { apiKey, apiSecret, joinToken, roomName, startTestServer } from './support/server.ts';
import { waitFor, withTimeout } from './support/wait.ts';

const agentFile = fileURLToPath(new URL('../fixtures/media/tone-agent.ts', import.meta.url));
const agentName = 'parley-test-agent';

let server: MediaServer;
let http: string;
const logger = new RecordingLogger();
const workers: RunningProcess[] = [];

async function startWorker(name: string): Promise<RunningProcess> {
  const worker = spawnGroup(process.execPath, ['--import', 'tsx', agentFile, 'start'], {
    ...process.env,
    LIVEKIT_URL: server.url,
    LIVEKIT_API_KEY: apiKey,
    LIVEKIT_API_SECRET: apiSecret,
    AGENT_NAME: name,
    AGENT_HTTP_PORT: String(await freePort()),
    NODE_ENV: 'test',
  });
  workers.push(worker);
  const registered = () => logger.find('agent worker registered').some((e) => e.fields.agentName === name);
  await waitFor(registered, 60_000, `agent worker "${name}" to register\n${worker.output()}`);
  return worker;
}

/** A user room that records what the agent does. */
function observeAgent(room: Room) {
  const seen = {
    audio: new AudioCollector(room),
    /** The agent may join before or after the user, so look it up rather than wait for an event. */
    get agent() {
      return [...room.remoteParticipants.values()].find((p) => p.identity.startsWith('agent-'));
    },
    transcript: '',
    disconnectReason: undefined as DisconnectReason | undefined,
  };
  room.registerTextStreamHandler('lk.transcription', async (reader) => {
    seen.transcript = await reader.readAll();
  });
  room.on(RoomEvent.Disconnected, (reason) => {
    seen.disconnectReason = reason;
  });
  return seen;
}

before(async () => {
  server = await startTestServer({ logger });
  http = server.url.replace('ws://', 'http://');
});

after(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await server.close();
  await dispose();
});

describe('@livekit/agents worker on /agent', () => {
  test('token room configuration dispatches the agent; DeleteRoom ends the job', async () => {
    const worker = await startWorker(agentName);
    const name = roomName('agent');
    const user = new Room();
    const seen = observeAgent(user);
    try {
      const token = await joinToken(name, 'user-1', {
        configure: (at) => {
          at.roomConfig = new RoomConfiguration({
            agents: [new RoomAgentDispatch({ agentName, metadata: '{"purpose":"test"}' })],
          });
        },
      });
      await withTimeout(
        user.connect(server.url, token, { autoSubscribe: true, dynacast: false }),
        15_000,
        'user connects',
      );
      await waitFor(() => seen.agent !== undefined, 60_000, `agent to join\n${worker.output()}`);
      const agent = seen.agent;
      assert.equal(agent?.kind, ParticipantKind.AGENT);
      assert.match(agent?.identity ?? '', /^agent-AJ_/);
      const agentIdentity = agent?.identity ?? '';
      await waitFor(
        () => agent?.attributes['lk.agent.state'] === 'speaking',
        10_000,
        'lk.agent.state attribute',
      );
      assert.equal(agent?.attributes['lk.agent.name'], agentName);
      await waitFor(() => seen.audio.count(agentIdentity, 'agent-voice') > 100, 15_000, 'agent audio');
      await seen.audio.expectTone(agentIdentity, agentToneHz, 'agent-voice');
      await waitFor(() => seen.transcript !== '', 10_000, 'lk.transcription text stream');
      assert.equal(seen.transcript, `hello from ${agentName}`);
      assert.ok(worker.output().includes('metadata={"purpose":"test"}'), 'job metadata reaches the agent');

      const jobs = logger.find('agent job assigned').filter((e) => e.fields.room === name);
      assert.equal(jobs.length, 1);
      await new RoomServiceClient(http, apiKey, apiSecret).deleteRoom(name);
      await waitFor(() => seen.disconnectReason !== undefined, 5000, 'user disconnected by DeleteRoom');
      assert.equal(seen.disconnectReason, DisconnectReason.ROOM_DELETED);
      await waitFor(
        () => logger.find('terminating agent job').some((e) => e.fields.room === name),
        5000,
        'job termination sent',
      );
      await waitFor(
        () => worker.output().includes('AGENT shutting down'),
        20_000,
        `agent job to end\n${worker.output()}`,
      );
    } finally {
      await user.disconnect().catch(() => undefined);
    }
  });

  test('CreateDispatch sends the agent; the last user leaving closes the room and ends the job', async () => {
    const worker = workers[0] ?? (await startWorker(agentName));
    const shutdownsBefore = worker.output().split('AGENT shutting down').length;
    const name = roomName('dispatch');
    const dispatch = await new AgentDispatchClient(http, apiKey, apiSecret).createDispatch(name, agentName);
    const user = new Room();
    const seen = observeAgent(user);
    try {
      await withTimeout(
        user.connect(server.url, await joinToken(name, 'user-2'), { autoSubscribe: true, dynacast: false }),
        15_000,
        'user connects',
      );
      await waitFor(() => seen.transcript !== '', 60_000, `agent transcript\n${worker.output()}`);
      assert.equal(seen.agent?.kind, ParticipantKind.AGENT);
      const assigned = logger.find('agent job assigned').filter((e) => e.fields.room === name);
      assert.equal(assigned.length, 1, 'exactly one job for the dispatch');
      await user.disconnect();
      await waitFor(
        () => logger.find('room closed').some((e) => e.fields.room === name),
        5000,
        'room closed after the last user left',
      );
      await waitFor(
        () => worker.output().split('AGENT shutting down').length > shutdownsBefore,
        20_000,
        `job ${dispatch.id} to end`,
      );
    } finally {
      await user.disconnect().catch(() => undefined);
    }
  });

  test('a worker without an agent name gets the automatic dispatch of a new room', async () => {
    const worker = await startWorker('');
    const name = roomName('auto');
    const user = new Room();
    const seen = observeAgent(user);
    try {
      await withTimeout(
        user.connect(server.url, await joinToken(name, 'user-3'), { autoSubscribe: true, dynacast: false }),
        15_000,
        'user connects',
      );
      await waitFor(() => seen.transcript !== '', 60_000, `automatic agent transcript\n${worker.output()}`);
      assert.equal(seen.agent?.kind, ParticipantKind.AGENT);
      assert.equal(seen.transcript, 'hello from ');
      const assigned = logger.find('agent job assigned').filter((e) => e.fields.room === name);
      assert.equal(assigned.length, 1, 'one automatic job, and the named worker got none');
    } finally {
      await user.disconnect().catch(() => undefined);
    }
  });
});
