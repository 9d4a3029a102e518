// requestFetch: a fetch for upstream MCP connections built on undici's request(), over the same guarded dispatcher.
import { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import type { HttpClient } from '../../runtime/http-client.js';

type FetchInit = Parameters<HttpClient['fetch']>[1];

const NO_BODY = new Set([101, 204, 205, 304]);

/**
 * Why: every forwarded call over Streamable HTTP is one POST, and Node's fetch costs about twice the CPU of
 * undici's request() for the same exchange (measured with bench/federation.ts). The SDK transport only needs
 * what is built here: status, headers, a streaming body, abort, and no automatic redirects (it handles them).
 * Connections go through the guarded dispatcher, so the SSRF checks and pinned addresses still apply.
 */
export function requestFetch(dispatcher: Dispatcher): HttpClient['fetch'] {
  const fetchLike = async (input: string | URL, init?: FetchInit): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers as ConstructorParameters<typeof Headers>[0]).forEach(
      (value, key) => (headers[key] = value),
    );
    const body = init?.body;
    const method = init?.method ?? 'GET';
    const res = await request(String(input), {
      method,
      headers,
      // A GET here is an event stream (legacy SSE), quiet for as long as the upstream has nothing to say; undici's
      // 300 s body timeout used to cut it, and a legacy SSE session dies with its stream. It ends by its signal.
      ...(method === 'GET' ? { bodyTimeout: 0 } : {}),
      ...(typeof body === 'string' || body instanceof Uint8Array ? { body } : {}),
      ...(init?.signal ? { signal: init.signal } : {}),
      dispatcher,
    });
    const out = new Headers();
    for (const [key, value] of Object.entries(res.headers))
      if (value !== undefined) out.set(key, Array.isArray(value) ? value.join(', ') : value);
    // Aborting after the headers must end the body too (a standalone SSE stream when the session closes).
    const signal = init?.signal;
    if (signal) {
      const stop = (): void =>
        void res.body.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      if (signal.aborted) stop();
      else {
        signal.addEventListener('abort', stop, { once: true });
        res.body.once('close', () => signal.removeEventListener('abort', stop));
      }
    }
    if (NO_BODY.has(res.statusCode)) {
      await res.body.dump();
      return new Response(null, { status: res.statusCode, headers: out });
    }
    return new Response(Readable.toWeb(res.body) as ReadableStream<Uint8Array>, {
      status: res.statusCode,
      headers: out,
    });
  };
  return fetchLike as unknown as HttpClient['fetch'];
}

/** The HttpClient with its fetch replaced (everything else, the guard included, shared). */
export function withRequestFetch(http: HttpClient): HttpClient {
  return {
    dispatcher: http.dispatcher,
    guard: http.guard,
    lookup: http.lookup,
    fetch: requestFetch(http.dispatcher),
    close: () => http.close(),
  };
}
