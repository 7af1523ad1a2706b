/**
 * The Gemini API's REST surface for the Google fake, as `@google/genai` 2.x (through
 * `@livekit/agents-plugin-google` 1.9) uses it:
 *
 *  - `POST /v1beta/models/{model}:streamGenerateContent?alt=sse`: `text/event-stream` of
 *    `data: {GenerateContentResponse}` events separated by CRLF CRLF (without `alt=sse`, one JSON
 *    array streamed element by element); `:generateContent` answers one response;
 *  - `GET /v1beta/models` (`pageSize`, `pageToken`) and `GET /v1beta/models/{model}`;
 *  - request validation with Google's own 400 messages (google-rest-validate.ts), including
 *    Gemini 3's thought signatures: a function call sent back without the signature the fake
 *    issued is refused, as Google refuses it.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bakeryReply } from './openai-rest.ts';
import { GoogleHttpError, modelNotFound } from './google-errors.ts';
import { validateGenerateRequest } from './google-rest-validate.ts';
import { sleep } from './clock.ts';

/** A model the fake serves, as `models.list` describes it. */
export interface FakeModel {
  /** Without the `models/` prefix, e.g. `gemini-3.5-flash`. */
  name: string;
  displayName: string;
  description: string;
  inputTokenLimit: number;
  outputTokenLimit: number;
  /** `generateContent`… for text models, `bidiGenerateContent` for Live models. */
  supportedGenerationMethods: string[];
}

/** A part as the client sent it (only the fields the fake reads are typed). */
export interface Part {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  functionCall?: { id?: string; name: string; args?: Record<string, unknown> };
  functionResponse?: { id?: string; name: string; response?: Record<string, unknown> };
  inlineData?: { mimeType: string; data: string };
  [field: string]: unknown;
}

export interface Content {
  role?: string;
  parts: Part[];
}

export interface FunctionDeclaration {
  name: string;
  description?: string;
  parameters?: Record<string, any>;
  parametersJsonSchema?: Record<string, any>;
}

export interface FunctionCallOut {
  name: string;
  args: Record<string, unknown>;
}

/** What the model answers: text, or function calls for the client to run. */
export type GeminiReply = string | { text?: string; functionCalls?: FunctionCallOut[] };

/** What a reply function is told about the request. */
export interface RestReplyInput {
  model: string;
  /** 1-based index of the generate request across the server's lifetime. */
  n: number;
  /** Text of the last user content with text ('' when there is none). */
  lastUser: string;
  contents: Content[];
  systemInstruction: string;
  functions: FunctionDeclaration[];
  /** The function responses of the last content, when the request answers function calls. */
  functionResponses: { name: string; response: Record<string, unknown> }[];
  /** `toolConfig.functionCallingConfig.mode` (`AUTO` when unset). */
  functionCallingMode: string;
  allowedFunctionNames?: string[];
}

/** A generate request as received, with what the fake answered. */
export interface GenerateRecord {
  model: string;
  stream: boolean;
  body: Record<string, any>;
  reply: GeminiReply;
  at: number;
}

/** The fake's state and knobs the REST handlers read. */
export interface RestEnv {
  readonly models: readonly FakeModel[];
  readonly latencyMs: number;
  readonly tokenIntervalMs: number;
  reply(input: RestReplyInput): GeminiReply;
  nextGenerateIndex(): number;
  /** Thought signatures the fake handed out, which Gemini 3 requires back with function calls. */
  readonly signatures: Set<string>;
  /** Consumes a pending `dropNext()` (and notes the fault in the request's log record). */
  takeDrop(): boolean;
  readonly generated: GenerateRecord[];
  /** Marks the first output of the request in its log record. */
  firstOutput(): void;
  /** Marks the end of the request; only the first call counts. */
  done(cancelled: boolean, text?: string, model?: string): void;
}

const word = (text: string) => text.match(/\S+\s*/g) ?? [text];
const countTokens = (text: string) => (text.match(/\S+/g) ?? []).length;

const textOf = (content: Content | undefined) =>
  (content?.parts ?? [])
    .filter((p) => typeof p.text === 'string' && !p.thought)
    .map((p) => p.text)
    .join('');

/** Mentions of a function by its name or its name spoken (`check_hours` → "check hours"). */
export function mentions(text: string, name: string): boolean {
  const t = text.toLowerCase();
  const spoken = name.toLowerCase().replace(/[_.:-]+/g, ' ');
  return t.includes(name.toLowerCase()) || new RegExp(`\\b${spoken.replace(/ /g, '\\s+')}\\b`).test(t);
}

/** Placeholder values for a declaration's required parameters (first enum value, '', 0, false). */
export function placeholderArgs(fn: FunctionDeclaration): Record<string, unknown> {
  const schema = fn.parameters ?? fn.parametersJsonSchema ?? {};
  const props = (schema.properties ?? {}) as Record<string, { type?: string; enum?: unknown[] }>;
  const args: Record<string, unknown> = {};
  for (const key of (schema.required ?? []) as string[]) {
    const p = props[key] ?? {};
    const type = String(p.type ?? 'string').toLowerCase();
    args[key] = p.enum?.length
      ? p.enum[0]
      : type === 'number' || type === 'integer'
        ? 0
        : type === 'boolean'
          ? false
          : '';
  }
  return args;
}

/**
 * Default reply: after function responses, what they returned; a function call when the caller
 * names a declared function (or the request forces one with mode ANY); otherwise the bakery
 * agent's rules applied to the caller's words.
 */
export function defaultRestReply(input: RestReplyInput): GeminiReply {
  if (input.functionResponses.length > 0) {
    return input.functionResponses
      .map(({ name, response }) => {
        const out = response.output ?? response.result ?? response;
        return `${name} returned ${typeof out === 'string' ? out : JSON.stringify(out)}.`;
      })
      .join(' ');
  }
  const callable = input.allowedFunctionNames?.length
    ? input.functions.filter((f) => input.allowedFunctionNames!.includes(f.name))
    : input.functions;
  const named = callable.find((f) => mentions(input.lastUser, f.name));
  const forced = input.functionCallingMode === 'ANY' ? (named ?? callable[0]) : undefined;
  const fn = input.functionCallingMode === 'NONE' ? undefined : (forced ?? named);
  if (fn) return { functionCalls: [{ name: fn.name, args: placeholderArgs(fn) }] };
  return bakeryReply({ lastUser: input.lastUser });
}

/** The model list as `GET /v1beta/models` answers it. */
export function modelResource(m: FakeModel) {
  return {
    name: `models/${m.name}`,
    version: '001',
    displayName: m.displayName,
    description: m.description,
    inputTokenLimit: m.inputTokenLimit,
    outputTokenLimit: m.outputTokenLimit,
    supportedGenerationMethods: m.supportedGenerationMethods,
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: m.supportedGenerationMethods.includes('generateContent'),
  };
}

function replyInput(body: Record<string, any>, model: string, n: number): RestReplyInput {
  const contents = body.contents as Content[];
  const last = contents.at(-1);
  const lastUserText = [...contents].reverse().find((c) => c.role !== 'model' && textOf(c).length > 0);
  const functions = ((body.tools ?? []) as { functionDeclarations?: FunctionDeclaration[] }[]).flatMap(
    (t) => t.functionDeclarations ?? [],
  );
  const fcc = body.toolConfig?.functionCallingConfig ?? {};
  return {
    model,
    n,
    lastUser: textOf(lastUserText),
    contents,
    systemInstruction: textOf(body.systemInstruction as Content | undefined),
    functions,
    functionResponses:
      last?.role !== 'model'
        ? (last?.parts ?? [])
            .filter((p) => p.functionResponse)
            .map((p) => ({ name: p.functionResponse!.name, response: p.functionResponse!.response ?? {} }))
        : [],
    functionCallingMode: String(fcc.mode ?? 'AUTO').toUpperCase(),
    allowedFunctionNames: fcc.allowedFunctionNames,
  };
}

/** Reads the JSON body; Google's message for anything that is not JSON. */
export function parseJsonBody(raw: Buffer): Record<string, any> {
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8') || '{}');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, any>;
  } catch {
    // fall through
  }
  throw new GoogleHttpError(400, 'Invalid JSON payload received. Unexpected token.');
}

/** `GET /v1beta/models[/{name}]`. */
export function listModels(env: RestEnv, path: string, url: URL, res: ServerResponse): void {
  const one = path.match(/^\/v1beta\/models\/([^/:]+)$/);
  if (one) {
    const m = env.models.find((x) => x.name === one[1]);
    if (!m) throw new GoogleHttpError(404, `models/${one[1]} is not found for API version v1beta`);
    return json(res, modelResource(m));
  }
  const size = Math.min(1000, Math.max(1, Number(url.searchParams.get('pageSize') ?? 50) || 50));
  const from = Number(Buffer.from(url.searchParams.get('pageToken') ?? '', 'base64url').toString() || 0);
  const page = env.models.slice(from, from + size);
  const next =
    from + size < env.models.length ? Buffer.from(String(from + size)).toString('base64url') : undefined;
  json(res, { models: page.map(modelResource), ...(next ? { nextPageToken: next } : {}) });
}

export function json(res: ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body, null, 2) + '\n');
}

/**
 * `POST /v1beta/models/{model}:generateContent` and `:streamGenerateContent`. Resolves when the
 * response is complete or the client went away.
 */
export async function generate(
  env: RestEnv,
  req: IncomingMessage,
  res: ServerResponse,
  model: string,
  method: 'generateContent' | 'streamGenerateContent',
  url: URL,
  raw: Buffer,
  at: number,
): Promise<void> {
  const info = env.models.find((m) => m.name === model);
  if (!info || !info.supportedGenerationMethods.includes('generateContent'))
    throw new GoogleHttpError(404, modelNotFound(model, 'generateContent'));
  const body = parseJsonBody(raw);
  validateGenerateRequest(body, model, env.signatures);

  const input = replyInput(body, model, env.nextGenerateIndex());
  const reply = env.reply(input);
  const stream = method === 'streamGenerateContent';
  env.generated.push({ model, stream, body, reply, at });
  const text = typeof reply === 'string' ? reply : (reply.text ?? '');
  const calls = typeof reply === 'string' ? [] : (reply.functionCalls ?? []);

  const responseId = randomBytes(12).toString('base64url');
  const promptTokens = countTokens(
    input.systemInstruction +
      ' ' +
      input.contents.map((c) => c.parts.map((p) => p.text ?? '').join(' ')).join(' '),
  );
  const usage = (candidates: number) => ({
    promptTokenCount: promptTokens,
    ...(candidates > 0 ? { candidatesTokenCount: candidates } : {}),
    totalTokenCount: promptTokens + candidates,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }],
  });
  const callParts = calls.map((fc, i) => {
    const part: Part = { functionCall: { name: fc.name, args: fc.args } };
    if (i === 0 && model.startsWith('gemini-3')) {
      part.thoughtSignature = randomBytes(24).toString('base64');
      env.signatures.add(part.thoughtSignature);
    }
    return part;
  });
  const chunk = (parts: Part[], final: boolean, candidates: number) => ({
    candidates: [
      {
        content: { parts, role: 'model' },
        ...(final ? { finishReason: 'STOP' } : {}),
        index: 0,
      },
    ],
    usageMetadata: usage(candidates),
    modelVersion: model,
    responseId,
  });

  let closed = false;
  res.on('close', () => {
    if (res.writableFinished) return;
    // The client gave up (or the socket was cut): logged now, not when the loop next wakes up.
    closed = true;
    env.done(true, text, model);
  });
  await sleep(at + env.latencyMs - Date.now());
  if (closed) return env.done(true, text, model);

  if (!stream) {
    const parts: Part[] = [...(text ? [{ text }] : []), ...callParts];
    env.firstOutput();
    json(res, chunk(parts, true, countTokens(text) + calls.length));
    return env.done(false, text, model);
  }

  const sse = url.searchParams.get('alt') === 'sse';
  res.writeHead(200, {
    'content-type': sse ? 'text/event-stream' : 'application/json; charset=UTF-8',
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  const events: ReturnType<typeof chunk>[] = [];
  if (calls.length > 0) {
    events.push(chunk([...(text ? [{ text }] : []), ...callParts], true, countTokens(text) + calls.length));
  } else {
    const words = word(text);
    let sent = 0;
    words.forEach((w, i) => {
      sent += countTokens(w);
      events.push(chunk([{ text: w }], i === words.length - 1, sent));
    });
  }
  const drop = env.takeDrop();
  for (let i = 0; i < events.length; i++) {
    if (i > 0 && env.tokenIntervalMs > 0) await sleep(env.tokenIntervalMs);
    if (closed) return env.done(true, text, model);
    const data = JSON.stringify(events[i]);
    const flushed = new Promise<void>((resolve) =>
      res.write(sse ? `data: ${data}\r\n\r\n` : `${i === 0 ? '[' : ','}${data}\n`, () => resolve()),
    );
    if (i === 0) {
      env.firstOutput();
      if (drop) {
        // Cut once the first event is on the wire, so the client does see its first output.
        env.done(false, text, model);
        await flushed;
        res.socket?.destroy();
        return;
      }
    }
  }
  res.end(sse ? '' : ']');
  env.done(false, text, model);
}
