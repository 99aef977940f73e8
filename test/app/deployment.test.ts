import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// No Docker engine runs where the tests run: the deployment files are checked by reading them.

const root = fileURLToPath(new URL("../..", import.meta.url));
const read = (f: string) => readFileSync(`${root}/${f}`, "utf8");
const pkg = JSON.parse(read("package.json"));

describe("docker-compose.yml", () => {
  const compose = parse(read("docker-compose.yml"));

  it("runs redis, the web process and two workers, wired to Redis by REDIS_URL", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["redis", "web", "worker"]);
    const { redis, web, worker } = compose.services;
    expect(redis.image).toMatch(/^redis:\d/);
    expect(web.command).toEqual(["node", "--liftoff-only", "lib/app/server.js"]);
    expect(worker.command).toEqual(["node", "--liftoff-only", "lib/app/worker.js"]);
    expect(worker.deploy.replicas).toBe(2);
    for (const s of [web, worker]) {
      expect(s.environment.REDIS_URL).toBe("redis://redis:6379");
      expect(s.depends_on.redis.condition).toBe("service_healthy");
    }
    expect(web.ports).toEqual(["3000:3000"]);
  });

  it("gives a stopping worker longer than a job's deadline to finish it", () => {
    const grace = /^(\d+)m$/.exec(compose.services.worker.stop_grace_period);
    // JOB_DEADLINE_MS defaults to the run deadline (5 min) plus 2 min... the run's own deadline ends it first.
    expect(Number(grace?.[1])).toBeGreaterThanOrEqual(5);
  });

  it("uses the entry points package.json names", () => {
    expect(pkg.scripts.start).toBe("node --liftoff-only lib/app/server.js");
    expect(pkg.scripts.worker).toBe("node --liftoff-only lib/app/worker.js");
  });
});

describe("Dockerfile", () => {
  const lines = read("Dockerfile")
    .split("\n")
    .filter((l) => l.trim() && !l.trim().startsWith("#"));
  const stages = lines.filter((l) => /^FROM /.test(l));

  it("is multi-stage: built with the dev dependencies, run without them", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const runtime = lines.slice(lines.indexOf(stages.at(-1)!));
    expect(runtime.some((l) => /^RUN npm ci\b.*--omit=dev/.test(l))).toBe(true);
    expect(runtime.some((l) => /^COPY --from=build .*lib/.test(l))).toBe(true);
    expect(runtime.some((l) => /^COPY (\.\/)?src\b/.test(l))).toBe(false);
  });

  it("runs as a user that is not root, and starts the web process by default", () => {
    const users = lines.filter((l) => /^USER /.test(l));
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^USER\s+(root|0)(:|\s|$)/);
    expect(lines.at(-1)).toBe('CMD ["node", "--liftoff-only", "lib/app/server.js"]');
  });

  it("keeps secrets and build output out of the build context", () => {
    const ignored = read(".dockerignore").split("\n");
    for (const p of [".env", "node_modules", "lib", ".git"]) expect(ignored).toContain(p);
  });
});
