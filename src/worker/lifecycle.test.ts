import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EndReason } from '../domain/voice-sessions/end.ts';
import { CallLimits } from './lifecycle.ts';

function limits(idleTimeoutSeconds: number) {
  let now = 0;
  const ended: EndReason[] = [];
  const l = new CallLimits(
    { maxDurationSeconds: 3600, idleTimeoutSeconds },
    (r) => ended.push(r),
    () => now,
  );
  return { l, ended, advance: (ms: number) => (now += ms) };
}

test('a silent call ends after the idle timeout, once', () => {
  const { l, ended, advance } = limits(5);
  l.agentState('listening');
  advance(4_999);
  l.check();
  assert.deepEqual(ended, []);
  advance(1);
  l.check();
  l.check();
  assert.deepEqual(ended, ['idle_timeout']);
});

test('an agent speaking or thinking longer than the timeout is not idle', () => {
  const { l, ended, advance } = limits(5);
  l.agentState('speaking');
  advance(20_000);
  l.check();
  l.agentState('thinking');
  advance(20_000);
  l.check();
  assert.deepEqual(ended, []);
  // The idle clock starts when the agent goes back to listening.
  l.agentState('listening');
  advance(4_000);
  l.check();
  assert.deepEqual(ended, []);
  advance(1_000);
  l.check();
  assert.deepEqual(ended, ['idle_timeout']);
});

test('a caller who keeps talking is not idle; any state change restarts the clock', () => {
  const { l, ended, advance } = limits(5);
  l.agentState('listening');
  l.userState('speaking');
  advance(30_000);
  l.check();
  assert.deepEqual(ended, []);
  l.userState('listening');
  advance(3_000);
  l.agentState('thinking');
  l.agentState('listening');
  advance(3_000);
  l.check();
  assert.deepEqual(ended, []);
});
