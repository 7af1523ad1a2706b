import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app-types.ts';

/**
 * The browser playground: a static page that talks to the public REST API with the caller's own
 * key and joins the call with livekit-client. Every route here is public (no `config.scope`): the
 * page holds no data, the API calls it makes carry the key the user types.
 */

const PUBLIC_DIR = new URL('../../../../public/playground/', import.meta.url);

/** Only same-origin scripts and styles; LiveKit signalling and media may go to any host. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self' ws: wss: http: https:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
  cache: string;
}

function load(name: string, type: string): Asset {
  const body = readFileSync(new URL(name, PUBLIC_DIR));
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  // Small files that change with the deployment: always revalidate (the ETag makes it a 304).
  return { body, type, etag, cache: 'no-cache' };
}

function notModified(request: FastifyRequest, etag: string) {
  const header = request.headers['if-none-match'];
  return typeof header === 'string' && header.split(',').some((t) => t.trim() === etag);
}

function common(reply: FastifyReply, type: string, etag: string, cache: string) {
  return reply
    .header('content-type', type)
    .header('cache-control', cache)
    .header('etag', etag)
    .header('x-content-type-options', 'nosniff');
}

const hidden = { hide: true, tags: ['Playground'] } as const;

export function register(app: App) {
  const assets: Record<string, Asset> = {
    '/playground': load('index.html', 'text/html; charset=utf-8'),
    '/playground/app.js': load('app.js', 'text/javascript; charset=utf-8'),
    '/playground/style.css': load('style.css', 'text/css; charset=utf-8'),
  };

  for (const [url, asset] of Object.entries(assets)) {
    app.get(url, {
      schema: { ...hidden, summary: `Playground asset ${url}` },
      handler: async (request, reply) => {
        common(reply, asset.type, asset.etag, asset.cache);
        if (url === '/playground') {
          reply
            .header('content-security-policy', CSP)
            .header('referrer-policy', 'no-referrer')
            .header('permissions-policy', 'microphone=(self), camera=()');
        }
        if (notModified(request, asset.etag)) return reply.code(304).send();
        return reply.send(asset.body);
      },
    });
  }

  // The LiveKit browser SDK, served from the installed package so its version follows package-lock.
  // The package's `exports` map hides `dist/…`; its `require` entry is the UMD build, next to which
  // the file is looked up explicitly.
  const umdPath = join(
    dirname(createRequire(import.meta.url).resolve('livekit-client')),
    'livekit-client.umd.js',
  );
  const umdStat = statSync(umdPath);
  const umdEtag = `"lk-${umdStat.size.toString(36)}-${Math.trunc(umdStat.mtimeMs).toString(36)}"`;
  app.get('/playground/livekit-client.umd.js', {
    schema: { ...hidden, summary: 'LiveKit browser SDK (UMD build)' },
    handler: async (request, reply) => {
      common(reply, 'text/javascript; charset=utf-8', umdEtag, 'public, max-age=3600');
      if (notModified(request, umdEtag)) return reply.code(304).send();
      reply.header('content-length', umdStat.size);
      return reply.send(createReadStream(umdPath));
    },
  });
}
