import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  BullmqQueue,
  type DeliveryQueue,
  type JobContext,
  MemoryQueue,
  type QueueOptions,
} from "../../src/app/queue/index.js";
import { hasRedis, startRedis, type TestRedis } from "./redis.js";

// The same behaviour, asked of both backends: the in-process queue and BullMQ on a real
// redis-server (started by the test on a free loopback port).

let redis: TestRedis | undefined;
beforeAll(async () => {
  if (hasRedis) redis = await startRedis();
}, 20_000);
afterAll(async () => {
  await redis?.stop();
});

const backends: [string, (o: QueueOptions & { name?: string }) => DeliveryQueue][] = [
  ["memory", (o) => new MemoryQueue(o)],
  ["bullmq", (o) => new BullmqQueue({ url: redis!.url, name: `t-${randomUUID()}`, ...o })],
];

const delivery = (id: string, installation = 1, name = "push") => ({
  id,
  name,
  payload: { installation: { id: installation }, repository: { full_name: `org${installation}/repo` } },
});

const until = async (what: () => boolean | Promise<boolean>, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.each(backends)("the %s delivery queue", (backend, make) => {
  const open: DeliveryQueue[] = [];
  const queue = (o: QueueOptions & { name?: string } = {}) => {
    const q = make({ backoffMs: 50, ...o });
    open.push(q);
    return q;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((q) => q.close()));
  });
  const skip = backend === "bullmq" && !hasRedis;

  it.skipIf(skip)("hands each delivery to the processor with its installation and repository", async () => {
    const q = queue();
    expect(await q.enqueue(delivery("d-1", 7))).toBe("accepted");
    expect(await q.enqueue(delivery("d-2", 8))).toBe("accepted");
    const before = await q.stats();
    expect(before).toMatchObject({ waiting: 2, active: 0, failed: 0 });
    const seen: JobContext[] = [];
    q.start(
      async (job) => {
        seen.push(job);
      },
      async () => {
        throw new Error("no dead letter expected");
      },
    );
    await until(() => seen.length === 2);
    expect(
      seen.map((j) => [j.delivery.id, j.delivery.name, j.installationId, j.repository, j.attempt]),
    ).toEqual([
      ["d-1", "push", 7, "org7/repo", 1],
      ["d-2", "push", 8, "org8/repo", 1],
    ]);
    await until(async () => (await q.stats()).active === 0);
    expect(await q.stats()).toMatchObject({ waiting: 0, failed: 0, oldestWaitingAgeMs: 0 });
  });

  it.skipIf(skip)("reports the age of the oldest waiting delivery", async () => {
    const q = queue();
    await q.enqueue(delivery("old", 1));
    await new Promise((r) => setTimeout(r, 120));
    await q.enqueue(delivery("new", 1));
    const s = await q.stats();
    expect(s.waiting).toBe(2);
    expect(s.oldestWaitingAgeMs).toBeGreaterThanOrEqual(100);
  });

  it.skipIf(skip)("concurrent redelivery of one id makes exactly one job, across two producers", async () => {
    const name = `t-${randomUUID()}`;
    const a = queue({ name });
    const b = queue({ name });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).enqueue(delivery("same-id", 1))),
    );
    // Two producers only share state through Redis; in memory each process dedupes its own.
    const expected = backend === "bullmq" ? 1 : 2;
    expect(results.filter((r) => r === "accepted")).toHaveLength(expected);
    const runs: string[] = [];
    a.start(
      async (j) => {
        runs.push(j.delivery.id);
      },
      async () => {},
    );
    await until(() => runs.length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(runs).toEqual(["same-id"]);
    expect(await a.enqueue(delivery("same-id", 1))).toBe("duplicate");
  });

  it.skipIf(skip)("retries a failed try with backoff, then succeeds without a dead letter", async () => {
    const q = queue({ attempts: 3, backoffMs: 100 });
    await q.enqueue(delivery("flaky", 1));
    const tries: { attempt: number; at: number }[] = [];
    const dead: string[] = [];
    q.start(
      async (j) => {
        tries.push({ attempt: j.attempt, at: Date.now() });
        if (j.attempt === 1) throw new Error("GitHub answered 502");
      },
      async (_j, reason) => {
        dead.push(reason);
      },
    );
    await until(() => tries.length === 2);
    await until(async () => (await q.stats()).active === 0);
    expect(tries.map((t) => t.attempt)).toEqual([1, 2]);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(90);
    expect(dead).toEqual([]);
    expect((await q.stats()).failed).toBe(0);
  });

  it.skipIf(skip)("after the last try the dead letter is called once with the reason", async () => {
    const q = queue({ attempts: 2, backoffMs: 20 });
    await q.enqueue(delivery("broken", 4));
    const tries: number[] = [];
    const dead: [string, number | undefined, string][] = [];
    q.start(
      async (j) => {
        tries.push(j.attempt);
        throw new Error(`boom ${j.attempt}`);
      },
      async (j, reason) => {
        dead.push([j.delivery.id, j.installationId, reason]);
      },
    );
    await until(() => dead.length === 1);
    await until(async () => (await q.stats()).failed === 1);
    expect(tries).toEqual([1, 2]);
    expect(dead).toEqual([["broken", 4, "boom 2"]]);
  });

  it.skipIf(skip)("a try over the job deadline is abandoned, retried, then dead-lettered", async () => {
    const q = queue({ attempts: 2, backoffMs: 20, deadlineMs: 300 });
    await q.enqueue(delivery("hangs", 1));
    const tries: number[] = [];
    const dead: string[] = [];
    const aborted: boolean[] = [];
    q.start(
      (j) => {
        tries.push(j.attempt);
        j.signal.addEventListener("abort", () => aborted.push(true));
        return new Promise(() => {});
      },
      async (_j, reason) => {
        dead.push(reason);
      },
    );
    await until(() => dead.length === 1);
    expect(tries).toEqual([1, 2]);
    expect(aborted).toEqual([true, true]);
    expect(dead).toEqual(["no verdict within 0.3 s"]);
    await until(async () => (await q.stats()).failed === 1, 5_000);
    expect(await q.stats()).toMatchObject({ active: 0, failed: 1 });
  });

  it.skipIf(skip)("one installation's flood does not starve another", async () => {
    const q = queue({ concurrency: 1 });
    for (let i = 0; i < 20; i++) await q.enqueue(delivery(`flood-${i}`, 100));
    for (let i = 0; i < 3; i++) await q.enqueue(delivery(`quiet-${i}`, 200));
    const order: string[] = [];
    q.start(
      async (j) => {
        order.push(j.delivery.id);
        await new Promise((r) => setTimeout(r, 5));
      },
      async () => {},
    );
    await until(() => order.length === 23);
    const quiet = order.flatMap((id, i) => (id.startsWith("quiet") ? [i + 1] : []));
    // FIFO would serve them 21st–23rd; taking turns serves them 2nd, 4th and 6th.
    expect(quiet).toEqual([2, 4, 6]);
    expect(order.filter((id) => id.startsWith("flood"))).toEqual(
      Array.from({ length: 20 }, (_, i) => `flood-${i}`),
    );
  });

  it.skipIf(skip)("runs at most `concurrency` jobs at once", async () => {
    const q = queue({ concurrency: 2 });
    for (let i = 0; i < 6; i++) await q.enqueue(delivery(`c-${i}`, i));
    let running = 0;
    let peak = 0;
    let done = 0;
    q.start(
      async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 100));
        running--;
        done++;
      },
      async () => {},
    );
    await until(() => done === 6);
    expect(peak).toBe(2);
  });

  it.skipIf(skip)("close() lets the running job finish and takes no more", async () => {
    const q = queue({ concurrency: 1 });
    await q.enqueue(delivery("first", 1));
    await q.enqueue(delivery("second", 1));
    const done: string[] = [];
    let started = 0;
    q.start(
      async (j) => {
        started++;
        await new Promise((r) => setTimeout(r, 300));
        done.push(j.delivery.id);
      },
      async () => {},
    );
    await until(() => started === 1);
    await q.close();
    open.splice(open.indexOf(q), 1);
    expect(done).toEqual(["first"]);
    expect(started).toBe(1);
  });
});
