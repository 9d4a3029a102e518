// RestInvoker: calls a REST tool over the guarded HTTP client and turns every upstream outcome into a CallToolResult.
import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { request } from 'undici';
import { invalid, isAppError } from '../errors/app-error.js';
import type { ArgumentValidator } from './argument-validator.js';
import type { HttpClient } from './http-client.js';
import { applyJsonPathFilter } from './jsonpath-filter.js';
import { buildRestRequest } from './rest-request.js';
import {
  errorResult,
  excerpt,
  parseJsonBody,
  readCappedBody,
  successResult,
  type JsonValue,
} from './rest-response.js';
import type { RestToolSpec } from './rest-tool-spec.js';
import { describeUpstreamFailure } from './upstream-failure.js';

export interface RestInvokerOptions {
  http: HttpClient;
  validator: ArgumentValidator;
  /** Largest successful response body read, in bytes (default 10 MiB). */
  maxResponseBytes?: number;
}

export interface RestInvoker {
  /**
   * Throws AppError 'Invalid' for bad arguments (nothing is sent then); every upstream failure,
   * timeout, cancellation or SSRF block is returned as `isError: true` instead.
   */
  invoke(spec: RestToolSpec, args: unknown, signal?: AbortSignal): Promise<CallToolResult>;
}

const ERROR_BODY_BYTES = 8 * 1024;

function asArguments(args: unknown): Record<string, unknown> {
  if (args === undefined || args === null) return {};
  if (typeof args !== 'object' || Array.isArray(args))
    throw invalid('Invalid arguments: must be a JSON object');
  return args as Record<string, unknown>;
}

export function createRestInvoker(opts: RestInvokerOptions): RestInvoker {
  const maxResponseBytes = opts.maxResponseBytes ?? 10 * 1024 * 1024;
  const { dispatcher, guard } = opts.http;

  return {
    async invoke(spec, rawArgs, signal) {
      const args = asArguments(rawArgs);
      const version =
        spec.version ??
        createHash('sha256')
          .update(JSON.stringify(spec.inputSchema ?? null))
          .digest('hex');
      opts.validator.validate({ id: spec.id, version }, spec.inputSchema, args);
      const req = buildRestRequest(spec, args);
      if (req.url.protocol !== 'http:' && req.url.protocol !== 'https:') {
        throw invalid(`Tool ${spec.name} needs an http or https URL, not ${req.url.protocol}`);
      }
      try {
        guard.checkUrl(req.url.href); // literal-IP hosts fail here; hostnames are checked once resolved
      } catch (error) {
        if (isAppError(error) && error.code === 'Forbidden') return errorResult(error.message);
        throw error;
      }
      if (signal?.aborted) return errorResult('cancelled before the request was sent');

      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, spec.timeoutMs);
      const onAbort = (): void => controller.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const response = await request(req.url, {
          dispatcher,
          method: req.method,
          headers: req.headers,
          ...(req.body === undefined ? {} : { body: req.body }),
          signal: controller.signal,
          idempotent: false, // a call that may have reached the upstream is never replayed
          // The tool's own timeout (above) ends the call, not undici's 300 s defaults: timeout_ms may be longer.
          headersTimeout: 0,
          bodyTimeout: 0,
        });
        const ok = response.statusCode >= 200 && response.statusCode < 300;
        const { bytes, truncated } = await readCappedBody(
          response.body,
          ok ? maxResponseBytes : ERROR_BODY_BYTES,
        );
        const text = bytes.toString('utf8');
        if (!ok) {
          const status = `${response.statusCode} ${STATUS_CODES[response.statusCode] ?? ''}`.trim();
          const location = response.headers.location;
          const redirect =
            response.statusCode >= 300 && response.statusCode < 400 && typeof location === 'string'
              ? ` (redirect to ${location} not followed)`
              : '';
          const detail = excerpt(text);
          return errorResult(
            `Upstream returned HTTP ${status}${redirect}${detail === '' ? '' : `: ${detail}`}`,
          );
        }
        if (truncated) {
          return errorResult(
            `Upstream response is larger than ${maxResponseBytes} bytes; not read past that limit`,
          );
        }
        const contentType = response.headers['content-type'];
        const json = parseJsonBody(text, typeof contentType === 'string' ? contentType : undefined);
        const wantsStructured = spec.outputSchema !== undefined && spec.outputSchema !== null;
        if (spec.jsonpathFilter) {
          if (json === undefined) {
            return errorResult(
              `jsonpath_filter could not be applied: the upstream response is not JSON (${String(contentType ?? 'no content-type')})`,
            );
          }
          let filtered: JsonValue;
          try {
            filtered = applyJsonPathFilter(json, spec.jsonpathFilter);
          } catch (error) {
            return errorResult(
              `jsonpath_filter ${JSON.stringify(spec.jsonpathFilter)} failed: ${(error as Error).message}`,
            );
          }
          return successResult(JSON.stringify(filtered, null, 2), wantsStructured ? filtered : undefined);
        }
        return successResult(text, wantsStructured ? json : undefined);
      } catch (error) {
        if (timedOut) return errorResult(`Upstream call timed out after ${spec.timeoutMs} ms`);
        if (signal?.aborted) return errorResult('Upstream call cancelled by the caller');
        return errorResult(describeUpstreamFailure(error, req.url));
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
