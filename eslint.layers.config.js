// Layering (STYLE.md "Dependency direction") as no-restricted-imports rules, one per source folder and depth.
// cli → main → http → registry | mcp | backup | transfer | bridges → runtime | federation → store | cache | auth → config;
// errors/, lib/, mcp/protocol/ and version.ts are leaves anyone may import and that import only leaves.

/** What each folder may import besides the leaves; `main` is src/main.ts, src/app.ts and src/services.ts. */
export const MAY_IMPORT = {
  cli: [
    'main',
    'http',
    'registry',
    'mcp',
    'backup',
    'transfer',
    'bridges',
    'runtime',
    'federation',
    'store',
    'cache',
    'auth',
    'config',
  ],
  main: [
    'http',
    'registry',
    'mcp',
    'backup',
    'transfer',
    'runtime',
    'federation',
    'store',
    'cache',
    'auth',
    'config',
  ],
  http: [
    'registry',
    'mcp',
    'backup',
    'transfer',
    'runtime',
    'federation',
    'store',
    'cache',
    'auth',
    'config',
  ],
  // mcp adapts the registry to the protocol; the registry never knows about MCP sessions.
  mcp: ['registry', 'runtime', 'federation', 'store', 'cache', 'auth', 'config'],
  registry: ['runtime', 'federation', 'store', 'cache', 'auth', 'config'],
  backup: ['registry', 'runtime', 'store', 'cache', 'auth', 'config'],
  transfer: ['registry', 'runtime', 'store', 'cache', 'auth', 'config'],
  bridges: ['federation', 'runtime', 'config'],
  // federation speaks to upstreams through runtime's guarded HTTP client; runtime never reaches back.
  federation: ['runtime', 'store', 'cache', 'auth', 'config'],
  runtime: ['store', 'cache', 'auth', 'config'],
  cache: ['store', 'config'],
  auth: ['store', 'config'],
  store: ['config'],
  config: [],
};

const FOLDERS = Object.keys(MAY_IMPORT).filter((f) => f !== 'main');
const MAIN_FILES = ['main', 'app', 'services'];
const DEPTHS = [1, 2, 3, 4];

/** A relative import that climbs `depth` levels from a file and lands in one of `targets`. */
function reaching(depth, targets) {
  const up = depth === 0 ? '\\./' : `(\\.\\./){${depth}}`;
  // mcp/protocol is a leaf: a folder that may not import mcp may still import it.
  const folders = targets
    .filter((t) => t !== 'main')
    .map((t) => (t === 'mcp' ? 'mcp/(?!protocol/)' : `${t}/`));
  const alternatives = [
    ...(folders.length > 0 ? [`(${folders.join('|')})`] : []),
    ...(targets.includes('main') ? [`(${MAIN_FILES.join('|')})\\.js$`] : []),
  ];
  return `^${up}(${alternatives.join('|')})`;
}

function rule(from, depth, forbidden) {
  return {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: reaching(depth, forbidden),
            message: `Layering (STYLE.md): ${from} may import only ${[...MAY_IMPORT[from], 'the leaves (errors, lib, mcp/protocol, version)'].join(', ')}. Move the shared code lower instead of importing upward.`,
          },
        ],
      },
    ],
  };
}

const everything = [...FOLDERS, 'main'];
const forbiddenFor = (from) => everything.filter((t) => t !== from && !MAY_IMPORT[from].includes(t));
const globAt = (folder, depth) => `src/${folder}/${'*/'.repeat(depth - 1)}*.ts`;

const leafRule = (depth, within) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        {
          regex: `^(\\.\\./){${depth}}(?!errors/|lib/|version\\.js$|mcp/protocol/)${within}`,
          message:
            'Layering (STYLE.md): errors/, lib/ and mcp/protocol/ are leaves: they import only other leaves.',
        },
      ],
    },
  ],
});

export const layerConfigs = [
  { files: MAIN_FILES.map((f) => `src/${f}.ts`), rules: rule('main', 0, forbiddenFor('main')) },
  ...FOLDERS.filter((folder) => forbiddenFor(folder).length > 0).flatMap((folder) =>
    DEPTHS.map((depth) => ({
      files: [globAt(folder, depth)],
      ...(folder === 'mcp' ? { ignores: ['src/mcp/protocol/**'] } : {}),
      rules: rule(folder, depth, forbiddenFor(folder)),
    })),
  ),
  ...['errors', 'lib'].flatMap((leaf) =>
    DEPTHS.map((depth) => ({ files: [globAt(leaf, depth)], rules: leafRule(depth, '') })),
  ),
  // mcp/protocol/x.ts sits at depth 2: '../' is the rest of mcp (not a leaf), '../../' the other folders.
  { files: ['src/mcp/protocol/*.ts'], rules: leafRule(2, '') },
  {
    files: ['src/mcp/protocol/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!\\.\\./|protocol/)',
              message: 'Layering (STYLE.md): mcp/protocol is a leaf: it imports only other leaves.',
            },
            {
              regex: '^(\\.\\./){2}(?!errors/|lib/|version\\.js$)',
              message: 'Layering (STYLE.md): mcp/protocol is a leaf: it imports only other leaves.',
            },
          ],
        },
      ],
    },
  },
];
