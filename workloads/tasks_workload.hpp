#pragma once
// The tasks workload (`contend run tasks`, `contend stress tasks`): -w tasks share a lock, a
// semaphore or a bounded queue, asyncio's trio, on a task runtime (primitives/primitive.hpp,
// TaskRuntime): coroutines on one thread (coro), or an OS thread per task blocking in the
// standard primitives (threads) — the same jobs, so the two compare side by side
// (scripts/bench-tasks.sh adds python3's asyncio running them too).
//
// Jobs (--pattern):
//   queue      the first half of the tasks (rounded down) put numbered items into a queue of
//              --capacity, the others get them; an operation is one item got (producers' puts
//              are counted apart, as in the queue workload). A phase ends when every producer
//              is done (stop or quota) and has closed the queue, and the consumers have taken
//              what was left.
//   lock       acquire, then yield inside (co_await of the loop / sched_yield: the await that an
//              async lock exists for), --cs-ns of work, a plain shared counter +1, release.
//   semaphore  the same with --permits holders at once.
// --cancel P: each wait (an acquire, put or get) is doomed with probability P when it begins; the
// next other task to finish an operation cancels it if it is parked or granted and not yet
// resumed (a timeout firing, a client giving up). The victim counts a cancelled wait (an event)
// and tries again. Coroutine runtimes only (kCancels).
//
// Checks, on in `run` and `stress` (cheap: one thread needs no atomics, and the threads' jobs
// yield inside anyway):
//   holders within permits  never more tasks inside than the permits (1 for lock);
//   lost updates            lock: the shared counter equals the critical sections;
//   permits conserved       after each phase of a coroutine runtime, every permit is back;
//   lost wake-up            coroutines: the loop never runs out of ready tasks while tasks wait
//                           (a permit or item nobody will be woken for: gh-90155's symptom);
//   queue lost / duplicated / invented / order: per producer, what the consumers got (counted,
//                           summed, in order per consumer) equals what it put, once each;
//   FIFO wake order         FIFO coroutine runtimes: no acquisition is overtaken (entries by
//                           others between its first call and its entry) more than 2 x (tasks - 1)
//                           times per attempt. Exact on one thread, with no race slack: each
//                           other task enters at most once while it waits (woken ahead of it)
//                           and once more between its grant and its turn to run (it was ready
//                           first and found a permit free once nobody waited); a cancelled wait
//                           starts again at the back, so each attempt gets the bound.
// A thread runtime's hang is the progress watchdog's.
#include <fmt/format.h>

#include <cstdint>

#include "workloads/tasks_coro_host.hpp"
#include "workloads/tasks_shared.hpp"
#include "workloads/tasks_thread_loop.hpp"

namespace contend {

inline constexpr EventId kTasksEvents[] = {EventId::cancellations};

template <TaskRuntime R>
std::size_t tasks_workload_bytes(const RunSpec& spec) {
  const auto n = static_cast<std::size_t>(spec.workers);
  const std::size_t producers = n / 2;
  return n * sizeof(EventCounts) + alignof(EventCounts) + (n + 1) * producers * sizeof(QueueSeen) +
         producers * sizeof(std::uint64_t) + 64 + detail::stress_extra_bytes(spec);
}

namespace detail {

// After the run: per producer, what all consumers and the drain got against what it put.
inline void task_queue_checks(RepetitionContext& ctx, const TasksShared& s) {
  CheckTally& lost = ctx.control.checks[CheckId::queue_lost];
  CheckTally& duplicated = ctx.control.checks[CheckId::queue_duplicated];
  lost.applies = duplicated.applies = 1;
  for (int p = 0; p < s.producers; ++p) {
    const std::uint64_t put = s.produced[p];
    std::uint64_t count = 0;
    std::uint64_t sum = 0;
    for (int row = 0; row <= s.consumers; ++row) {
      const QueueSeen& seen = s.seen[static_cast<std::size_t>(row) * static_cast<std::size_t>(s.producers) +
                                     static_cast<std::size_t>(p)];
      count += seen.count;
      sum += seen.sum;
    }
    lost.checked += put;
    duplicated.checked += put;
    const std::uint64_t expected_sum = put == 0 ? 0 : put * (put - 1) / 2;
    if (count < put || (count == put && sum != expected_sum)) {
      if (lost.violations == 0) lost.first_worker = p;
      lost.violations += count < put ? put - count : 1;
      set_note(lost, fmt::format("producer {} put {} items; the consumers got {}{}", p, put, count,
                                 count == put ? ", but not each once" : ""));
    } else if (count > put) {
      if (duplicated.violations == 0) duplicated.first_worker = p;
      duplicated.violations += count - put;
      set_note(duplicated, fmt::format("producer {} put {} items; the consumers got {}", p, put, count));
    }
  }
}

}  // namespace detail

template <TaskRuntime R>
void run_tasks_workload(RepetitionContext& ctx) {
  const RunSpec& spec = ctx.spec;
  const int n = spec.workers;
  TasksShared shared{};
  shared.events = ctx.arena.make_array<EventCounts>(static_cast<std::size_t>(n));
  shared.tallies = detail::make_tallies(ctx);
  shared.producers = spec.pattern == TaskPattern::queue ? n / 2 : 0;
  shared.consumers = spec.pattern == TaskPattern::queue ? n - shared.producers : 0;
  shared.seen = ctx.arena.make_array<QueueSeen>(static_cast<std::size_t>(shared.consumers + 1) *
                                                static_cast<std::size_t>(shared.producers));
  shared.produced = ctx.arena.make_array<std::uint64_t>(static_cast<std::size_t>(shared.producers));
  if (spec.pattern == TaskPattern::queue) {
    detail::mark_applies(shared.tallies, n, {CheckId::queue_invented, CheckId::queue_order});
  } else {
    detail::mark_applies(shared.tallies, n, {CheckId::semaphore_holders});
    if (R::kOneThread) shared.tallies[0][CheckId::permits_conserved].applies = 1;
    if (is_fifo<R>()) detail::mark_applies(shared.tallies, n, {CheckId::fifo_wake});
  }
  if (R::kOneThread) shared.tallies[0][CheckId::lost_wakeup].applies = 1;

  std::uint64_t critical_sections = 0;
  std::uint64_t counter = 0;
  if constexpr (R::kOneThread) {
    CoroTasksHost<R> host(shared, ctx);
    run_on_one_thread(ctx, host);
    critical_sections = host.critical_sections();
    counter = host.counter();
  } else {
    ThreadTasksLoop<R> loop(shared, ctx);
    run_workers(ctx, loop);
    critical_sections = loop.critical_sections();
    counter = loop.counter();
  }

  // A runtime that cannot cancel counts no cancellations: none are reported (not a 0).
  if (R::kCancels) detail::merge_events(ctx, shared.events, kTasksEvents);
  detail::merge_tallies(ctx, shared.tallies);
  if (spec.pattern == TaskPattern::queue) {
    if (ctx.control.crash_signal == 0) detail::task_queue_checks(ctx, shared);
  } else if (spec.pattern == TaskPattern::lock) {
    CheckTally& lost = ctx.control.checks[CheckId::lost_updates];
    lost.applies = 1;
    lost.checked = critical_sections;
    lost.violations = critical_sections > counter ? critical_sections - counter : 0;
  }
  if (!spec.stress) detail::report_failed_checks(ctx);
}

}  // namespace contend
