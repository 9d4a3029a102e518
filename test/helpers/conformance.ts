// Runs the official MCP conformance suite (server scenarios) against a URL and reports each scenario.
// The CLI needs Node >= 22 while the project runs on Node 20, so npx brings a pinned node@22 for it alone.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Pinned so a new suite release cannot turn CI red overnight; bump deliberately. */
export const CONFORMANCE_PACKAGE = '@modelcontextprotocol/conformance@0.1.16';
export const CONFORMANCE_NODE_PACKAGE = 'node@22.23.3';

export interface ConformanceOptions {
  /** Streamable HTTP endpoint of the server under test, e.g. http://127.0.0.1:4444/mcp */
  url: string;
  /** Run only these scenarios (one CLI run each); default: the whole suite. */
  scenarios?: string[];
  /** Suite to run when `scenarios` is absent: the CLI's 'active' (default), 'all' or 'pending'. */
  suite?: 'active' | 'all' | 'pending';
  /** Scenarios known to fail: reported under `expected`; one that passes is a stale entry and fails. */
  expectedFailures?: string[];
  /** Whole-run budget; a cold npx cache downloads node@22 and the suite first. */
  timeoutMs?: number;
}

export interface ConformanceFailure {
  scenario: string;
  detail: string;
}

export interface ConformanceResult {
  passed: string[];
  failed: ConformanceFailure[];
  /** Failures listed in `expectedFailures`. */
  expected: ConformanceFailure[];
}

interface Check {
  name?: string;
  status?: string;
  errorMessage?: string;
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function npxPath(): string {
  // The npx beside the running node, so the test uses the same npm as the project; PATH as a fallback.
  const sibling = join(dirname(process.execPath), 'npx');
  return existsSync(sibling) ? sibling : 'npx';
}

function runCli(args: string[], cwd: string, timeoutMs: number): Promise<CliRun> {
  const fullArgs = ['-y', '-p', CONFORMANCE_NODE_PACKAGE, '-p', CONFORMANCE_PACKAGE, 'conformance', ...args];
  return new Promise((resolve, reject) => {
    // detached: the CLI runs as npx → node@22 → suite; a timeout must end the whole group, not only npx.
    const child = spawn(npxPath(), fullArgs, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      reject(new Error(`conformance CLI timed out after ${timeoutMs} ms\n${stdout.slice(-2000)}`));
    }, timeoutMs);
    child.once('error', (error) => (clearTimeout(timer), reject(error)));
    child.once('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
  });
}

/** checks.json files by scenario, from `-o` result folders named `server-<scenario>-<ISO timestamp>`. */
async function readChecks(outDir: string): Promise<Map<string, Check[]>> {
  const byScenario = new Map<string, Check[]>();
  for (const entry of await readdir(outDir)) {
    const match = /^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.exec(entry);
    if (!match?.[1]) continue;
    const checks: unknown = JSON.parse(await readFile(join(outDir, entry, 'checks.json'), 'utf8'));
    if (Array.isArray(checks)) byScenario.set(match[1], checks as Check[]);
  }
  return byScenario;
}

/** Scenario names from the suite's closing summary lines (`✓ name: 1 passed, 0 failed`). */
function summaryScenarios(stdout: string): string[] {
  return [...stdout.matchAll(/^[✓✗] (\S+): \d+ passed, \d+ failed$/gm)].flatMap((m) => (m[1] ? [m[1]] : []));
}

function failureDetail(checks: Check[]): string | undefined {
  const failures = checks.filter((check) => check.status === 'FAILURE');
  if (failures.length === 0) return undefined;
  return failures.map((check) => `${check.name ?? '?'}: ${check.errorMessage ?? 'failed'}`).join('; ');
}

export async function runConformance(opts: ConformanceOptions): Promise<ConformanceResult> {
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const workDir = await mkdtemp(join(tmpdir(), 'mcp-conformance-'));
  try {
    const outDir = join(workDir, 'results');
    const runs: Array<{ scenarios: string[]; run: CliRun }> = [];
    if (opts.scenarios) {
      // One CLI run per scenario (the CLI takes one), a few at a time: each run is mostly process start-up.
      const queue = [...opts.scenarios];
      const worker = async (): Promise<void> => {
        for (let scenario = queue.shift(); scenario !== undefined; scenario = queue.shift()) {
          const run = await runCli(
            ['server', '--url', opts.url, '--scenario', scenario, '-o', outDir],
            workDir,
            timeoutMs,
          );
          runs.push({ scenarios: [scenario], run });
        }
      };
      await Promise.all([worker(), worker(), worker()]);
    } else {
      const args = ['server', '--url', opts.url, '--suite', opts.suite ?? 'active', '-o', outDir];
      const run = await runCli(args, workDir, timeoutMs);
      const scenarios = summaryScenarios(run.stdout);
      if (scenarios.length === 0)
        throw new Error(`conformance CLI ran no scenario (exit ${run.code})\n${run.stderr.slice(-2000)}`);
      runs.push({ scenarios, run });
    }

    const checks = existsSync(outDir) ? await readChecks(outDir) : new Map<string, Check[]>();
    const expectedFailures = new Set(opts.expectedFailures ?? []);
    const result: ConformanceResult = { passed: [], failed: [], expected: [] };
    // Scenario order, not completion order: runs finish in any order when several go at once.
    runs.sort((a, b) => (a.scenarios[0] ?? '').localeCompare(b.scenarios[0] ?? ''));
    for (const { scenarios, run } of runs) {
      for (const scenario of scenarios) {
        const scenarioChecks = checks.get(scenario);
        // No checks.json: the scenario threw before recording anything; the CLI output says why.
        const detail = scenarioChecks
          ? failureDetail(scenarioChecks)
          : `no results recorded (exit ${run.code}): ${(run.stderr || run.stdout).slice(-500)}`;
        if (detail === undefined && expectedFailures.has(scenario))
          result.failed.push({ scenario, detail: 'passes but is listed in expectedFailures: remove it' });
        else if (detail === undefined) result.passed.push(scenario);
        else (expectedFailures.has(scenario) ? result.expected : result.failed).push({ scenario, detail });
      }
    }
    return result;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
