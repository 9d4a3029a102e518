// Builds the real app over a real backend for route tests (driven with inject()), with admin and user tokens.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createAuthenticator } from '../../src/auth/authenticator.js';
import { createTokenSigner } from '../../src/auth/jwt.js';
import { buildApp } from '../../src/app.js';
import { testConfig, type Config } from '../../src/config/load.js';
import type { Registry } from '../../src/registry/registry.js';
import { createServices, type Services } from '../../src/services.js';
import type { Backend, TestStore } from './backends.js';

export interface TestApp {
  app: FastifyInstance;
  registry: Registry;
  services: Services;
  config: Config;
  testStore: TestStore;
  adminToken: string;
  userToken: string;
  /** inject() with the admin token and a JSON body. */
  call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
    token?: string | null,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function buildTestApp(backend: Backend, env: Record<string, string> = {}): Promise<TestApp> {
  const config = testConfig(env);
  const testStore = await backend.open();
  const services = createServices(config, testStore.store);
  const registry = services.registry;
  const auth = await createAuthenticator(config);
  const app = await buildApp({
    config,
    store: testStore.store,
    services,
    authenticate: (headers) => auth.authenticate(headers),
    version: 'test',
  });
  await app.ready();
  const signer = createTokenSigner(config);
  const adminToken = await signer.sign({ username: 'admin@example.com', expMinutes: 60, admin: true });
  const userToken = await signer.sign({ username: 'user@example.com', expMinutes: 60, admin: false });
  return {
    app,
    registry,
    services,
    config,
    testStore,
    adminToken,
    userToken,
    call(method, url, body, token = adminToken) {
      return app.inject({
        method,
        url,
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });
    },
    async close() {
      await app.close();
      await services.close();
      await testStore.dispose();
    },
  };
}
