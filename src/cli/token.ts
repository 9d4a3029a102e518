// `mcpgateway token`: prints one signed JWT the gateway accepts, for scripts and MCP clients.
import { parseArgs } from 'node:util';
import { createTokenSigner } from '../auth/jwt.js';
import { isHmac } from '../auth/jwt-keys.js';
import { CONFIG_SCHEMA } from '../config/schema.js';
import { loadConfig } from '../config/load.js';
import { isAppError } from '../errors/app-error.js';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const USAGE =
  'usage: mcpgateway token --username EMAIL [--exp MINUTES] [--secret KEY] [--admin] [--algorithm HS256] [--audience A] [--issuer I]';

const HELP = `${USAGE}

Prints a JWT for Authorization: Bearer <token>.
  --username EMAIL   the token's subject (sub)
  --exp MINUTES      lifetime in minutes, default 10080 (one week); must be > 0
  --secret KEY       HMAC secret (default: JWT_SECRET_KEY from the environment or .env)
  --admin            mark the token as an admin token (is_admin: true)
  --algorithm ALG    default JWT_ALGORITHM; RS*/ES* sign with JWT_PRIVATE_KEY_PATH
  --audience A       default JWT_AUDIENCE
  --issuer I         default JWT_ISSUER
`;

const DEFAULT_EXP_MINUTES = 10080;

const parse = (argv: string[]) =>
  parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      username: { type: 'string', short: 'u' },
      exp: { type: 'string' },
      secret: { type: 'string' },
      admin: { type: 'boolean', default: false },
      algorithm: { type: 'string' },
      audience: { type: 'string' },
      issuer: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;

/** `argv` is what follows `token` on the command line. Exit codes: 0 ok, 1 config/signing failure, 2 usage. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const usage = (message: string): number => {
    io.stderr(`mcpgateway token: ${message}\n${USAGE}\n`);
    return 2;
  };

  let values: ReturnType<typeof parse>;
  try {
    values = parse(argv);
  } catch (err) {
    return usage(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (values.username === undefined || values.username.trim() === '') return usage('--username is required');

  const expText = values.exp ?? String(DEFAULT_EXP_MINUTES);
  if (!/^\d+$/.test(expText))
    return usage(`--exp must be a whole number of minutes, got ${JSON.stringify(expText)}`);
  const expMinutes = Number(expText);
  if (expMinutes === 0) {
    return usage(
      '--exp 0 would make a token without expiry, which the gateway rejects (exp is required); give minutes > 0',
    );
  }
  if (!Number.isSafeInteger(expMinutes)) return usage('--exp is too large');

  const algorithm =
    values.algorithm === undefined
      ? undefined
      : CONFIG_SCHEMA.jwtAlgorithm.schema.safeParse(values.algorithm);
  if (algorithm?.success === false) {
    return usage(`--algorithm must be one of ${CONFIG_SCHEMA.jwtAlgorithm.schema.options.join(', ')}`);
  }
  for (const flag of ['audience', 'issuer', 'secret'] as const) {
    if (values[flag] === '') return usage(`--${flag} must not be empty`);
  }

  try {
    // persistGeneratedSecrets stays off: a one-shot command must never write .env. A given --secret
    // stands in for JWT_SECRET_KEY so that ENVIRONMENT=production does not refuse to load without it.
    const env = values.secret === undefined ? io.env : { ...io.env, JWT_SECRET_KEY: values.secret };
    const { config, generated } = loadConfig({ env, cwd: io.cwd });
    const alg = algorithm?.data ?? config.jwtAlgorithm;
    let secret = values.secret;
    if (isHmac(alg) && secret === undefined) {
      // loadConfig invents a random JWT_SECRET_KEY when none is set; a token signed with it verifies nowhere.
      if (generated.includes('JWT_SECRET_KEY')) {
        io.stderr(
          `mcpgateway token: no signing secret: pass --secret KEY or set JWT_SECRET_KEY (environment or ${io.cwd}/.env) to the gateway's secret\n`,
        );
        return 1;
      }
      secret = config.jwtSecretKey;
    }
    if (!isHmac(alg) && secret !== undefined) {
      return usage(`--secret is for HS* algorithms; ${alg} signs with the key file in JWT_PRIVATE_KEY_PATH`);
    }
    const signer = createTokenSigner({
      jwtAlgorithm: alg,
      jwtSecretKey: secret,
      jwtPrivateKeyPath: config.jwtPrivateKeyPath,
      jwtAudience: values.audience ?? config.jwtAudience,
      jwtIssuer: values.issuer ?? config.jwtIssuer,
    });
    const token = await signer.sign({ username: values.username.trim(), expMinutes, admin: values.admin });
    io.stdout(`${token}\n`);
    return 0;
  } catch (err) {
    if (!isAppError(err)) throw err;
    io.stderr(`mcpgateway token: ${err.message}\n`);
    return 1;
  }
}
