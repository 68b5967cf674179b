import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { userNamespacesWanted } from './embedded/kubelet/engine-security.js';

const TOKEN = 'a-token-of-enough-length';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({ RUNNER_TOKEN: TOKEN });
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(4000);
    expect(config.provider).toBe('embedded');
    expect(config.shellTicketTtlSeconds).toBe(60);
    expect(config.dockerSocketPath).toBe('/run/kubelab/podman.sock');
    expect(config.allowedOrigins).toEqual(['http://localhost:3000', 'http://127.0.0.1:3000']);
  });

  it('reports every problem on its own line, naming the variable', () => {
    let caught: unknown;
    try {
      loadConfig({ RUNNER_PORT: 'eighty', RUNNER_ALLOWED_ORIGINS: 'http://ok:3000,ftp://x/y', RUNNER_PROVIDER: 'kube' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.find((p) => p.startsWith('RUNNER_TOKEN:'))).toMatch(/required/);
    expect(problems.find((p) => p.startsWith('RUNNER_PORT:'))).toMatch(/whole number/);
    expect(problems.find((p) => p.startsWith('RUNNER_ALLOWED_ORIGINS'))).toMatch(/origin/);
    expect(problems.find((p) => p.startsWith('RUNNER_PROVIDER:'))).toBeDefined();
    expect((caught as Error).message.split('\n')).toHaveLength(5);
  });

  it('rejects a short token and out-of-range numbers', () => {
    expect(() => loadConfig({ RUNNER_TOKEN: 'short' })).toThrow(/RUNNER_TOKEN: must be at least 16/);
    expect(() => loadConfig({ RUNNER_TOKEN: TOKEN, RUNNER_PORT: '70000' })).toThrow(/RUNNER_PORT: must be at most 65535/);
    expect(() => loadConfig({ RUNNER_TOKEN: TOKEN, RUNNER_MAX_SANDBOXES: '2', RUNNER_MAX_SANDBOXES_PER_OWNER: '5' })).toThrow(
      /must not exceed RUNNER_MAX_SANDBOXES/,
    );
  });

  it('takes KUBELAB_USERNS as on (the default) or off, auto as the former name of on, and refuses anything else', () => {
    for (const value of ['on', 'off', 'auto']) expect(() => loadConfig({ RUNNER_TOKEN: TOKEN, KUBELAB_USERNS: value })).not.toThrow();
    expect(() => loadConfig({ RUNNER_TOKEN: TOKEN, KUBELAB_USERNS: 'yes' })).toThrow(/KUBELAB_USERNS: must be on or off/);
    expect(userNamespacesWanted({})).toBe(true);
    expect(userNamespacesWanted({ KUBELAB_USERNS: 'on' })).toBe(true);
    expect(userNamespacesWanted({ KUBELAB_USERNS: 'auto' })).toBe(true);
    expect(userNamespacesWanted({ KUBELAB_USERNS: 'off' })).toBe(false);
    expect(() => userNamespacesWanted({ KUBELAB_USERNS: 'true' })).toThrow(/KUBELAB_USERNS must be on or off, not "true"/);
  });

  it("takes the platform scripts' KUBELAB_* directories when the runner's own are unset", () => {
    const config = loadConfig({ RUNNER_TOKEN: TOKEN, KUBELAB_STATE_DIR: '/tmp/a', KUBELAB_EXERCISES_DIR: '/tmp/b' });
    expect(config).toMatchObject({ stateDir: '/tmp/a', exercisesDir: '/tmp/b' });
    expect(loadConfig({ RUNNER_TOKEN: TOKEN, KUBELAB_STATE_DIR: '/tmp/a', RUNNER_STATE_DIR: '/tmp/c' }).stateDir).toBe('/tmp/c');
  });

  it("builds browsers' URLs on RUNNER_PUBLIC_URL only, never on the web app's server-to-server RUNNER_URL", () => {
    const internal = { RUNNER_TOKEN: TOKEN, RUNNER_URL: 'http://10.0.0.5:4000' };
    expect(loadConfig(internal).publicUrl).toBeUndefined();
    expect(loadConfig({ ...internal, RUNNER_PUBLIC_URL: 'https://runner.labs.example.com' }).publicUrl).toBe('https://runner.labs.example.com');
    expect(() => loadConfig({ ...internal, RUNNER_PUBLIC_URL: 'ws://runner.labs.example.com' })).toThrow(/RUNNER_PUBLIC_URL: must be an http\(s\) URL/);
  });

  it('runs on Podman by default, on the Docker Engine with RUNNER_ENGINE=docker (or KUBELAB_ENGINE), each on its own socket', () => {
    expect(loadConfig({ RUNNER_TOKEN: TOKEN }).engine).toBe('podman');
    expect(loadConfig({ RUNNER_TOKEN: TOKEN, RUNNER_ENGINE: 'docker' })).toMatchObject({ engine: 'docker', dockerSocketPath: '/run/kubelab/docker.sock' });
    expect(loadConfig({ RUNNER_TOKEN: TOKEN, KUBELAB_ENGINE: 'docker' }).engine).toBe('docker');
    expect(loadConfig({ RUNNER_TOKEN: TOKEN, KUBELAB_ENGINE: 'docker', RUNNER_ENGINE: 'podman' }).engine).toBe('podman');
    // DOCKER_HOST, when set, names the socket whichever engine it is.
    expect(loadConfig({ RUNNER_TOKEN: TOKEN, RUNNER_ENGINE: 'docker', DOCKER_HOST: 'unix:///tmp/d.sock' }).dockerSocketPath).toBe('/tmp/d.sock');
    expect(() => loadConfig({ RUNNER_TOKEN: TOKEN, RUNNER_ENGINE: 'containerd' })).toThrow(/RUNNER_ENGINE: must be podman or docker/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ RUNNER_TOKEN: TOKEN, RUNNER_PORT: '' }).port).toBe(4000);
  });
});
