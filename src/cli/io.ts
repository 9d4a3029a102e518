// What a subcommand may touch of the outside world, passed in so tests can capture it.
export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}
