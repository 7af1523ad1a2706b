/** Server-sent events (the `text/event-stream` format) from a streamed response body. */

/** One event: its `event:` name (null when it has none) and its `data:` lines joined by `\n`. */
export interface ServerSentEvent {
  event: string | null;
  data: string;
}

/**
 * Incremental decoder: feed text as it arrives, in pieces cut anywhere (inside a line, between
 * `\r` and `\n`), and get the events completed so far. Comments (`:` lines) and fields other than
 * `event` and `data` are ignored, and an event the body ends in the middle of is never dispatched,
 * as the format says: a cut connection must not pass for a complete last event.
 */
export class SseDecoder {
  #buffer = '';
  #event: string | null = null;
  #data: string[] = [];

  /** Adds text; returns the events it completed. */
  push(text: string): ServerSentEvent[] {
    this.#buffer += text;
    const events: ServerSentEvent[] = [];
    for (;;) {
      const match = /\r\n|\n|\r/.exec(this.#buffer);
      if (!match) break;
      // A `\r` at the very end may be the first half of `\r\n`; wait for the next piece.
      if (match[0] === '\r' && match.index === this.#buffer.length - 1) break;
      const line = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      const event = this.#line(line);
      if (event) events.push(event);
    }
    return events;
  }

  #line(line: string): ServerSentEvent | undefined {
    if (line === '') {
      if (this.#event === null && this.#data.length === 0) return undefined;
      const event = { event: this.#event, data: this.#data.join('\n') };
      this.#event = null;
      this.#data = [];
      return event;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#event = value;
    else if (field === 'data') this.#data.push(value);
    return undefined;
  }
}

/** The events of a response body, in order, as they arrive. */
export async function* readServerSentEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<ServerSentEvent, void, undefined> {
  const decoder = new SseDecoder();
  const text = new TextDecoder();
  const reader = body.getReader();
  let done = false;
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      yield* decoder.push(text.decode(chunk.value, { stream: true }));
    }
    done = true;
    yield* decoder.push(text.decode());
  } finally {
    // A consumer that stops early (or a failed read) releases the connection.
    if (!done) await reader.cancel().catch(() => undefined);
  }
}
