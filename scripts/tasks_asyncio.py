#!/usr/bin/env python3
"""The tasks workload's jobs in Python's asyncio, for scripts/bench-tasks.sh to set beside
`contend run tasks -p coro` (C++20 coroutines on one thread) in the same run.

The same jobs as workloads/tasks_workload.hpp:
  queue      the first half of the tasks (rounded down) put numbered items into an
             asyncio.Queue(maxsize=capacity), the others get them; an operation is one item got.
  lock       each task: async with lock: await asyncio.sleep(0) (the yield inside); counter += 1.
  semaphore  the same with asyncio.Semaphore(permits).
Each job runs a fixed number of operations (--ops, split among producers or tasks), timed from
the first task's start to the last one's end with time.perf_counter(); checks as contend's: every
item got once, in order per producer; the counter equals the critical sections; holders never
above the permits. Prints one JSON object: {"pattern", "tasks", "operations", "elapsed_s",
"ops_per_s", "ns_per_op"}; exits 1 if a check failed, 2 on bad arguments.
"""
import argparse
import asyncio
import json
import sys
import time


async def queue_job(tasks, capacity, ops):
    producers = tasks // 2
    consumers = tasks - producers
    q = asyncio.Queue(maxsize=capacity)
    per_producer = ops // producers
    got = [[] for _ in range(consumers)]

    async def produce(p):
        for seq in range(per_producer):
            await q.put((p, seq))

    async def consume(c):
        mine = got[c]
        while True:
            item = await q.get()
            if item is None:
                return
            mine.append(item)

    start = time.perf_counter()
    getters = [asyncio.create_task(consume(c)) for c in range(consumers)]
    await asyncio.gather(*(produce(p) for p in range(producers)))
    for _ in range(consumers):
        await q.put(None)  # behind every item: each consumer ends after the items
    await asyncio.gather(*getters)
    elapsed = time.perf_counter() - start

    delivered = sum(len(g) for g in got)
    for g in got:
        last = {}
        for p, seq in g:
            if seq <= last.get(p, -1):
                raise SystemExit(f"queue: producer {p}'s item {seq} out of order")
            last[p] = seq
    if delivered != per_producer * producers:
        raise SystemExit(f"queue: {delivered} items got of {per_producer * producers} put")
    return delivered, elapsed


async def hold_job(tasks, permits, ops, pattern):
    guard = asyncio.Lock() if pattern == "lock" else asyncio.Semaphore(permits)
    limit = 1 if pattern == "lock" else permits
    per_task = ops // tasks
    state = {"counter": 0, "holders": 0, "worst": 0}

    async def hold():
        for _ in range(per_task):
            async with guard:
                state["holders"] += 1
                state["worst"] = max(state["worst"], state["holders"])
                before = state["counter"]
                await asyncio.sleep(0)  # the yield inside
                state["counter"] = before + 1
                state["holders"] -= 1

    start = time.perf_counter()
    await asyncio.gather(*(hold() for _ in range(tasks)))
    elapsed = time.perf_counter() - start
    if state["worst"] > limit:
        raise SystemExit(f"{pattern}: {state['worst']} holders at once, above {limit}")
    if pattern == "lock" and state["counter"] != per_task * tasks:
        raise SystemExit(f"lock: counter {state['counter']}, expected {per_task * tasks}")
    return per_task * tasks, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pattern", choices=["queue", "lock", "semaphore"], default="queue")
    parser.add_argument("--tasks", type=int, default=2)
    parser.add_argument("--capacity", type=int, default=1024)
    parser.add_argument("--permits", type=int, default=2)
    parser.add_argument("--ops", type=int, default=200_000)
    a = parser.parse_args()
    if a.tasks < (2 if a.pattern == "queue" else 1) or a.ops < a.tasks or a.capacity < 1 or a.permits < 1:
        parser.error("--tasks must be at least 2 for queue (1 otherwise), --ops at least --tasks, "
                     "--capacity and --permits at least 1")
    if a.pattern == "queue":
        done, elapsed = asyncio.run(queue_job(a.tasks, a.capacity, a.ops))
    else:
        done, elapsed = asyncio.run(hold_job(a.tasks, a.permits, a.ops, a.pattern))
    print(json.dumps({"pattern": a.pattern, "tasks": a.tasks, "operations": done, "elapsed_s": elapsed,
                      "ops_per_s": done / elapsed, "ns_per_op": elapsed * 1e9 / done}))


if __name__ == "__main__":
    sys.exit(main())
