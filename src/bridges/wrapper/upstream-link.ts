// The wrapper's connection to the gateway: a Streamable HTTP client transport that re-initializes once when its session expires.
import {
  SdkHttpError,
  StreamableHTTPClientTransport,
  type JSONRPCMessage,
} from '@modelcontextprotocol/client';
import { AppError } from '../../errors/app-error.js';
import {
  asRpcMessage,
  idKey,
  isRequest,
  isResponse,
  type RpcMessage,
  type RpcRequest,
} from '../../lib/rpc-message.js';

export interface UpstreamLinkOptions {
  url: URL;
  /** Sent on every request, e.g. `{ authorization: 'Bearer …' }`. */
  headers: Record<string, string>;
  onMessage: (message: RpcMessage) => void;
  log: (line: string) => void;
  /** How long an initialize (the client's, or a transparent re-initialize) may hold back other messages. */
  handshakeTimeoutMs?: number;
}

/** The HTTP status behind a transport failure, when there was one. */
export function httpStatusOfError(error: unknown): number | undefined {
  return error instanceof SdkHttpError && typeof error.status === 'number' ? error.status : undefined;
}

export class UpstreamLink {
  private transport: StreamableHTTPClientTransport;
  private initializeRequest: RpcRequest | undefined;
  /**
   * The client's initialize while its answer is awaited. That answer carries the session id and fixes the
   * protocol version, so nothing else may be sent before it (a client that does not wait would get 400s).
   */
  private handshake: { key: string; done: Promise<void>; release: () => void } | undefined;
  private protocolVersion: string | undefined;
  /** While a new session is being opened, every send waits for it. */
  private reconnecting: Promise<void> | undefined;
  private reinitCount = 0;
  /** Set by close(): the 404s our own DELETE causes must not look like an expired session. */
  private closing = false;
  private readonly internal = new Map<string, (message: RpcMessage) => void>();

  constructor(private readonly opts: UpstreamLinkOptions) {
    this.transport = this.open();
  }

  async start(): Promise<void> {
    await this.transport.start();
  }

  /** Sends one message; a 404 on an established session (the gateway forgot it) re-initializes once and retries. */
  async send(message: RpcMessage): Promise<void> {
    const isInitialize = isRequest(message) && message.method === 'initialize';
    if (isInitialize) this.beginHandshake(message);
    else await this.handshake?.done;
    await this.reconnecting;
    try {
      await this.transport.send(message as JSONRPCMessage);
    } catch (error) {
      if (isInitialize) this.handshake?.release();
      const expired =
        !this.closing && httpStatusOfError(error) === 404 && this.transport.sessionId !== undefined;
      if (!expired || this.initializeRequest === undefined || this.initializeRequest === message) throw error;
      this.reconnecting ??= this.reinitialize().finally(() => (this.reconnecting = undefined));
      await this.reconnecting;
      await this.transport.send(message as JSONRPCMessage);
    }
  }

  /** Ends the upstream session (DELETE) and the transport; failures only logged, we are leaving anyway. */
  async close(): Promise<void> {
    this.closing = true;
    await this.transport.terminateSession().catch(() => undefined);
    await this.transport.close().catch(() => undefined);
  }

  private open(): StreamableHTTPClientTransport {
    const transport = new StreamableHTTPClientTransport(this.opts.url, {
      requestInit: { headers: this.opts.headers },
    });
    if (this.protocolVersion !== undefined) transport.setProtocolVersion(this.protocolVersion);
    transport.onmessage = (raw) => {
      const message = asRpcMessage(raw);
      if (message === undefined) return;
      if (isResponse(message)) {
        const waiter = this.internal.get(idKey(message.id));
        if (waiter !== undefined) return waiter(message);
        if (this.handshake?.key === idKey(message.id)) {
          this.noteInitializeResult(message.result);
          this.handshake.release();
        }
      }
      this.opts.onMessage(message);
    };
    transport.onerror = (error) => this.opts.log(`upstream: ${error.message}`);
    return transport;
  }

  private beginHandshake(request: RpcRequest): void {
    this.handshake?.release();
    this.initializeRequest = request;
    let release = (): void => undefined;
    const done = new Promise<void>((resolve) => (release = resolve));
    // Never hold the line forever: an unanswered initialize fails at the client by its own timeout.
    const timer = setTimeout(release, this.opts.handshakeTimeoutMs ?? 30_000);
    const handshake = {
      key: idKey(request.id),
      done,
      release: () => {
        clearTimeout(timer);
        if (this.handshake === handshake) this.handshake = undefined;
        release();
      },
    };
    this.handshake = handshake;
  }

  /** Later requests must carry the negotiated version in `MCP-Protocol-Version`; the SDK Client would set it, a relay must. */
  private noteInitializeResult(result: unknown): void {
    if (typeof result !== 'object' || result === null) return;
    const version = (result as Record<string, unknown>).protocolVersion;
    if (typeof version !== 'string') return;
    this.protocolVersion = version;
    this.transport.setProtocolVersion(version);
  }

  /** Replays the client's own initialize on a fresh transport; the client never sees this exchange. */
  private async reinitialize(): Promise<void> {
    const init = this.initializeRequest as RpcRequest;
    this.opts.log('upstream session expired; initializing a new one');
    await this.transport.close().catch(() => undefined);
    this.transport = this.open();
    await this.transport.start();
    const id = `mcpgateway-wrapper-reinit-${++this.reinitCount}`;
    let timer: NodeJS.Timeout | undefined;
    const answered = new Promise<RpcMessage>((resolve, reject) => {
      this.internal.set(idKey(id), resolve);
      timer = setTimeout(
        () => reject(new AppError({ code: 'Timeout', message: 'upstream did not answer the re-initialize' })),
        this.opts.handshakeTimeoutMs ?? 30_000,
      );
    });
    try {
      await this.transport.send({ ...init, id });
      const answer = await answered;
      if (isResponse(answer) && answer.error !== undefined)
        throw new AppError({
          code: 'UpstreamFailed',
          message: `re-initialize failed: ${answer.error.message}`,
        });
      if (isResponse(answer)) this.noteInitializeResult(answer.result);
    } finally {
      clearTimeout(timer);
      this.internal.delete(idKey(id));
    }
    await this.transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  }
}
