/** The server-sent-event decoder, fed the way a network delivers bytes: in arbitrary pieces. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readServerSentEvents, SseDecoder, type ServerSentEvent } from './sse.ts';

const STREAM =
  'event: message_start\ndata: {"type":"message_start"}\n\n' +
  ': a comment line\r\n' +
  'event: content_block_delta\r\ndata: {"text":"é ✓"}\r\n\r\n' +
  'event: multi\rdata: one\rdata:two\rid: 7\r\r' +
  'data: no event name\n\n';

const EXPECTED: ServerSentEvent[] = [
  { event: 'message_start', data: '{"type":"message_start"}' },
  { event: 'content_block_delta', data: '{"text":"é ✓"}' },
  { event: 'multi', data: 'one\ntwo' },
  { event: null, data: 'no event name' },
];

function bodyOf(pieces: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const p of pieces) controller.enqueue(p);
      controller.close();
    },
  });
}

async function collect(body: ReadableStream<Uint8Array>): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const e of readServerSentEvents(body)) events.push(e);
  return events;
}

describe('server-sent events', () => {
  test('LF, CRLF and CR line ends, comments, multi-line data and nameless events', () => {
    assert.deepEqual(new SseDecoder().push(STREAM), EXPECTED);
  });

  test('the same events whatever byte the body is cut at (inside UTF-8, between CR and LF)', async () => {
    const bytes = new TextEncoder().encode(STREAM);
    for (let cut = 1; cut < bytes.length; cut++) {
      const events = await collect(bodyOf([bytes.slice(0, cut), bytes.slice(cut)]));
      assert.deepEqual(events, EXPECTED, `cut at byte ${cut}`);
    }
    const oneByOne = await collect(bodyOf([...bytes].map((b) => new Uint8Array([b]))));
    assert.deepEqual(oneByOne, EXPECTED);
  });

  test('an event the body ends in the middle of is not dispatched', async () => {
    const bytes = new TextEncoder().encode(
      'data: complete\n\nevent: message_stop\ndata: {"type":"message_st',
    );
    assert.deepEqual(await collect(bodyOf([bytes])), [{ event: null, data: 'complete' }]);
  });
});
