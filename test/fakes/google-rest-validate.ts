/**
 * Google's checks on a `GenerateContentRequest`, with its own 400 messages: unknown fields, roles
 * other than user/model, empty parts, function call/response pairing, function declaration names,
 * the temperature range, and Gemini 3's thought signatures.
 */
import { GoogleHttpError } from './google-errors.ts';
import type { Content, FunctionDeclaration } from './google-rest.ts';

const REQUEST_FIELDS = new Set([
  'model',
  'contents',
  'tools',
  'toolConfig',
  'safetySettings',
  'systemInstruction',
  'generationConfig',
  'cachedContent',
  'serviceTier',
  'labels',
  'store',
]);
const GENERATION_FIELDS = new Set([
  'stopSequences',
  'responseMimeType',
  'responseSchema',
  'responseJsonSchema',
  'responseModalities',
  'candidateCount',
  'maxOutputTokens',
  'temperature',
  'topP',
  'topK',
  'seed',
  'presencePenalty',
  'frequencyPenalty',
  'responseLogprobs',
  'logprobs',
  'enableEnhancedCivicAnswers',
  'speechConfig',
  'thinkingConfig',
  'imageConfig',
  'mediaResolution',
  'audioTimestamp',
]);
const PART_DATA_FIELDS = [
  'text',
  'inlineData',
  'functionCall',
  'functionResponse',
  'fileData',
  'executableCode',
  'codeExecutionResult',
];
const FUNCTION_NAME = /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,127}$/;

function unknownField(name: string, at?: string): GoogleHttpError {
  return new GoogleHttpError(
    400,
    `Invalid JSON payload received. Unknown name "${name}"${at ? ` at '${at}'` : ''}: Cannot find field.`,
    [
      {
        '@type': 'type.googleapis.com/google.rpc.BadRequest',
        fieldViolations: [
          {
            field: at ? `${at}.${name}` : name,
            description: `Invalid JSON payload received. Unknown name "${name}"${at ? ` at '${at}'` : ''}: Cannot find field.`,
          },
        ],
      },
    ],
  );
}

const bad = (message: string) => new GoogleHttpError(400, message);

/** Google's checks on a GenerateContentRequest, with its own messages; throws on the first failure. */
export function validateGenerateRequest(
  body: Record<string, any>,
  model: string,
  signatures: ReadonlySet<string>,
): void {
  for (const k of Object.keys(body)) if (!REQUEST_FIELDS.has(k)) throw unknownField(k);
  for (const k of Object.keys(body.generationConfig ?? {}))
    if (!GENERATION_FIELDS.has(k)) throw unknownField(k, 'generation_config');
  const temperature = body.generationConfig?.temperature;
  if (temperature !== undefined && (typeof temperature !== 'number' || temperature < 0 || temperature > 2))
    throw bad('* GenerateContentRequest.generation_config.temperature: must be in the range [0, 2]\n');

  const contents = body.contents as Content[] | undefined;
  if (!Array.isArray(contents) || contents.length === 0)
    throw bad('* GenerateContentRequest.contents: contents is not specified\n');
  contents.forEach((c, i) => {
    for (const k of Object.keys(c))
      if (k !== 'role' && k !== 'parts') throw unknownField(k, `contents[${i}]`);
    if (c.role !== undefined && c.role !== 'user' && c.role !== 'model')
      throw bad('Please use a valid role: user, model.');
    if (!Array.isArray(c.parts) || c.parts.length === 0)
      throw bad(`* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.\n`);
    c.parts.forEach((p, j) => {
      const data = PART_DATA_FIELDS.filter((f) => p[f] !== undefined);
      if (data.length === 0)
        throw bad(
          `* GenerateContentRequest.contents[${i}].parts[${j}].data: required oneof field 'data' must have one initialized field\n`,
        );
      if (data.length > 1)
        throw bad(
          `Invalid value at 'contents[${i}].parts[${j}]' (oneof), oneof field 'data' is already set. Cannot set '${data[1]}'`,
        );
      if (p.text === '')
        throw bad(
          'Unable to submit request because it has an empty text parameter. Add a value to the parameter and try again.',
        );
      if (p.functionCall && typeof p.functionCall.name !== 'string')
        throw bad(
          `* GenerateContentRequest.contents[${i}].parts[${j}].function_call.name: Name cannot be empty.\n`,
        );
    });
  });
  checkFunctionTurns(contents);
  if (model.startsWith('gemini-3')) checkThoughtSignatures(contents, signatures);

  const system = body.systemInstruction as Content | undefined;
  if (
    system !== undefined &&
    (!Array.isArray(system.parts) || system.parts.some((p) => typeof p.text !== 'string'))
  )
    throw bad(
      '* GenerateContentRequest.system_instruction: only text parts are supported in system instructions\n',
    );

  const names = new Set<string>();
  ((body.tools ?? []) as { functionDeclarations?: FunctionDeclaration[] }[]).forEach((tool, i) => {
    (tool.functionDeclarations ?? []).forEach((fn, j) => {
      if (typeof fn.name !== 'string' || !FUNCTION_NAME.test(fn.name))
        throw bad(
          `* GenerateContentRequest.tools[${i}].function_declarations[${j}].name: Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 128.\n`,
        );
      if (fn.parameters && fn.parametersJsonSchema)
        throw bad(
          `* GenerateContentRequest.tools[${i}].function_declarations[${j}]: parameters and parameters_json_schema cannot both be set.\n`,
        );
      const type = String(fn.parameters?.type ?? 'OBJECT').toUpperCase();
      if (fn.parameters && type !== 'OBJECT')
        throw bad(
          `* GenerateContentRequest.tools[${i}].function_declarations[${j}].parameters.type: must be OBJECT\n`,
        );
      names.add(fn.name);
    });
  });
  const allowed = body.toolConfig?.functionCallingConfig?.allowedFunctionNames as string[] | undefined;
  for (const name of allowed ?? [])
    if (!names.has(name))
      throw bad(
        `* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: ${name} is not a declared function name.\n`,
      );
}

/** Function calls come after a user turn or function responses, and every call gets one response. */
function checkFunctionTurns(contents: Content[]): void {
  contents.forEach((c, i) => {
    const calls = c.parts.filter((p) => p.functionCall).length;
    const responses = c.parts.filter((p) => p.functionResponse).length;
    if (calls > 0) {
      const prev = contents[i - 1];
      if (i > 0 && prev?.role === 'model')
        throw bad(
          'Please ensure that function call turn comes immediately after a user turn or after a function response turn.',
        );
    }
    if (responses > 0) {
      const prev = contents[i - 1];
      const prevCalls = prev?.parts.filter((p) => p.functionCall).length ?? 0;
      if (prev?.role !== 'model' || prevCalls !== responses)
        throw bad(
          'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.',
        );
    }
  });
}

/**
 * Gemini 3: in the current turn (after the last user text), the first function call of each model
 * step must carry the thought signature the model issued with it.
 */
function checkThoughtSignatures(contents: Content[], issued: ReadonlySet<string>): void {
  let start = 0;
  contents.forEach((c, i) => {
    if (c.role !== 'model' && c.parts.some((p) => typeof p.text === 'string')) start = i;
  });
  contents.slice(start).forEach((c, k) => {
    if (c.role !== 'model') return;
    const first = c.parts.find((p) => p.functionCall);
    if (!first) return;
    if (!first.thoughtSignature)
      throw bad(
        `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${first.functionCall!.name}\` , position ${start + k + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
      );
    if (!issued.has(first.thoughtSignature)) throw bad('Corrupted thought signature.');
  });
}
