#pragma once
// The engine: runs one repetition of a configuration in its own child process, on threads or
// on forked worker processes, and turns what the workers wrote into a Repetition.
//
//   supervisor (contend)                  repetition child                 workers
//   ────────────────────                  ────────────────                 ───────
//   SharedArena + RunControl ──fork──▶    builds the primitive in the arena
//   watchdog: waits with a deadline        spawns N threads or forks N ──▶ pin, ready barrier,
//   (timeout), SIGINT, crash signal        drives phases (warmup, stop)    warmup, start barrier,
//   reads slots ◀── shared mapping ───     reaps workers, post-checks       measured loop, rusage
//
// A hang or a crash in the primitive ends only its child: the supervisor kills the child's
// process group, records `timeout` or `crashed: SIG…`, and goes on to the next configuration.
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "workloads/busy_work.hpp"
#include "workloads/clock.hpp"
#include "workloads/interrupts.hpp"
#include "workloads/model/result.hpp"
#include "workloads/pinning.hpp"
#include "workloads/preemption.hpp"
#include "workloads/run_control.hpp"
#include "workloads/repetition.hpp"
#include "workloads/shared_arena.hpp"
#include "workloads/model/spec.hpp"

namespace contend {

// What a repetition's child has to run with. The workload allocates its shared data and the
// primitive from `arena`, then calls run_workers().
struct RepetitionContext {
  const RunSpec& spec;
  RunControl& control;
  WorkerSlot* slots;  // spec.workers of them
  SharedArena& arena;
  const Calibrations& calibrations;
};

namespace detail {

// Forks a replacement for worker `w` (process mode, --fault kill-holder) and returns its pid.
using Respawn = std::function<pid_t(int worker)>;

// Runs in the repetition child: releases phases on time and, in process mode, stops early when
// a worker died (reap_workers then reports it and ends the others) — unless --fault killed it,
// when a replacement takes its place — and continues workers --fault paused, when their pause
// is over.
void drive_phases(RepetitionContext& ctx, std::vector<pid_t>& worker_pids, const Respawn& respawn);
// Reaps worker processes after the run; records the first abnormal death in the control block
// (a death --fault caused is not one).
void reap_workers(RepetitionContext& ctx, std::vector<pid_t>& worker_pids);
std::uint64_t operations_quota(const RunSpec& spec, int worker);
void sleep_ns(std::int64_t ns);
void copy_error(RunControl& ctl, const std::string& message);  // why the child could not run
[[noreturn]] void exit_worker_process();

// --perturb's in-call preemption schedule of a worker (a replacement's differs by where it took over).
inline std::uint64_t preemption_seed(const RunSpec& spec, int worker, std::uint64_t taken_over_at) {
  return (spec.seed ^ 0xa54ff53a5f1d36f1ULL) * 0x9e3779b97f4a7c15ULL + static_cast<std::uint64_t>(worker) * 0x100000001b3ULL +
         taken_over_at;
}

inline std::int64_t timeval_ns(const timeval& tv) {
  return static_cast<std::int64_t>(tv.tv_sec) * 1'000'000'000 + static_cast<std::int64_t>(tv.tv_usec) * 1000;
}

// The end of a worker's measured window, after slot.operations is set: its end time, CPU time and
// context switches since `before`, its last CPU, and its phase done (the release publishes it all).
inline void finish_worker(WorkerSlot& slot, const rusage& before) {
  slot.end_ns = monotonic_ns();
  rusage after{};
  getrusage(RUSAGE_THREAD, &after);
  slot.cpu_last = sched_getcpu();
  slot.cpu_user_ns = timeval_ns(after.ru_utime) - timeval_ns(before.ru_utime);
  slot.cpu_system_ns = timeval_ns(after.ru_stime) - timeval_ns(before.ru_stime);
  slot.voluntary_switches = after.ru_nvcsw - before.ru_nvcsw;
  slot.involuntary_switches = after.ru_nivcsw - before.ru_nivcsw;
  slot.progress.store(slot.operations, std::memory_order_relaxed);
  slot.phase.store(WorkerPhase::done, std::memory_order_release);
}

// One worker's life: the protocol every workload shares. `Loop` provides
//   template <bool kSample> std::uint64_t run(int worker, WorkerSlot&, const StopFlag&, std::uint64_t quota)
// returning how many operations it completed.
template <class Loop>
void worker_main(RepetitionContext& ctx, Loop& loop, int worker, int cpu) {
  RunControl& ctl = ctx.control;
  WorkerSlot& slot = ctx.slots[worker];
  pin_current_worker(cpu, slot);
  slot.cpu_first = sched_getcpu();
  slot.tid = static_cast<std::int32_t>(gettid());
  const PreemptionTimer preemption(ctx.spec.stress && ctx.spec.perturb, preemption_seed(ctx.spec, worker, 0),
                                   ctx.calibrations.work);
  ctl.ready_barrier.arrive_and_wait([&] { ctl.warmup_start_ns = monotonic_ns(); });
  if (ctx.spec.warmup_ns > 0) {
    slot.phase.store(WorkerPhase::warmup, std::memory_order_relaxed);
    slot.warmup_operations = loop.template run<false>(worker, slot, ctl.warmup_over, UINT64_MAX);
    // Writes done in warmup still count for the shared-counter check, not for the figures.
    slot.warmup_write_operations = slot.write_operations;
    slot.write_operations = 0;
  }
  ctl.start_barrier.arrive_and_wait([&] { ctl.start_ns = monotonic_ns(); });
  slot.phase.store(WorkerPhase::measuring, std::memory_order_relaxed);
  slot.progress.store(0, std::memory_order_relaxed);

  // RUSAGE_THREAD is exactly this worker in both modes: a worker process has one thread.
  rusage before{};
  getrusage(RUSAGE_THREAD, &before);
  const std::uint64_t quota = operations_quota(ctx.spec, worker);
  slot.operations = ctx.spec.sample_every > 0 ? loop.template run<true>(worker, slot, ctl.stop, quota)
                                              : loop.template run<false>(worker, slot, ctl.stop, quota);
  finish_worker(slot, before);
}

// A replacement for a worker process --fault killed: it joins the measured window where it is
// (no barriers: the others passed them), takes over the dead one's slot, and does what is left of
// its share. The dead one's finished operations (its published progress) stay counted.
template <class Loop>
void replacement_main(RepetitionContext& ctx, Loop& loop, int worker, int cpu) {
  WorkerSlot& slot = ctx.slots[worker];
  pin_current_worker(cpu, slot);
  slot.tid = static_cast<std::int32_t>(gettid());
  slot.inherited_operations = slot.progress.load(std::memory_order_relaxed);
  const PreemptionTimer preemption(ctx.spec.stress && ctx.spec.perturb,
                                   preemption_seed(ctx.spec, worker, slot.inherited_operations), ctx.calibrations.work);
  slot.activity.store(WorkerActivity::outside, std::memory_order_relaxed);
  rusage before{};
  getrusage(RUSAGE_THREAD, &before);
  const std::uint64_t quota = operations_quota(ctx.spec, worker);
  const std::uint64_t left = quota > slot.inherited_operations ? quota - slot.inherited_operations : 0;
  const std::uint64_t ops = ctx.spec.sample_every > 0 ? loop.template run<true>(worker, slot, ctx.control.stop, left)
                                                      : loop.template run<false>(worker, slot, ctx.control.stop, left);
  slot.operations = slot.inherited_operations + ops;
  finish_worker(slot, before);
}

pid_t fork_worker_process();

}  // namespace detail

// Starts spec.workers workers as threads or as forked processes, each running `loop` under the
// shared protocol, drives the phases, and returns when all are done (or one died).
template <class Loop>
void run_workers(RepetitionContext& ctx, Loop& loop) {
  const std::vector<int> cpus = pin_plan(ctx.spec.pin, ctx.spec.workers);
  std::vector<pid_t> pids;
  if (ctx.spec.mode == Mode::threads) {
    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(ctx.spec.workers));
    for (int w = 0; w < ctx.spec.workers; ++w) {
      threads.emplace_back([&, w] { detail::worker_main(ctx, loop, w, cpus[static_cast<std::size_t>(w)]); });
    }
    detail::drive_phases(ctx, pids, {});
    for (auto& t : threads) t.join();
    return;
  }
  for (int w = 0; w < ctx.spec.workers; ++w) {
    const pid_t pid = detail::fork_worker_process();
    if (pid == 0) {
      detail::worker_main(ctx, loop, w, cpus[static_cast<std::size_t>(w)]);
      detail::exit_worker_process();
    }
    pids.push_back(pid);
  }
  const detail::Respawn respawn = [&](int w) {
    const pid_t pid = detail::fork_worker_process();
    if (pid == 0) {
      detail::replacement_main(ctx, loop, w, cpus[static_cast<std::size_t>(w)]);
      detail::exit_worker_process();
    }
    return pid;
  };
  detail::drive_phases(ctx, pids, respawn);
  detail::reap_workers(ctx, pids);
}

// Runs all spec.workers workers as tasks on one thread (the tasks workload's coroutines): the
// thread passes the barriers for all of them and `host` runs them together, providing
//   template <bool kSample> void run(const StopFlag&, const std::uint64_t* quotas, std::uint64_t* operations)
// (quotas null: no quota; operations: one count per worker, written when the phase is over).
// Each task's operations go to its own slot; the thread's CPU time and context switches go to
// slot 0 and the other slots say 0, so their sum is the thread's.
template <class Host>
void run_on_one_thread(RepetitionContext& ctx, Host& host) {
  const int n = ctx.spec.workers;
  const auto parties = static_cast<std::uint32_t>(n);
  std::thread thread([&] {
    RunControl& ctl = ctx.control;
    WorkerSlot* slots = ctx.slots;
    pin_current_worker(pin_plan(ctx.spec.pin, 1).front(), slots[0]);
    for (int w = 0; w < n; ++w) {
      slots[w].cpu_first = sched_getcpu();
      slots[w].tid = static_cast<std::int32_t>(gettid());
      slots[w].pinned_cpu = slots[0].pinned_cpu;
    }
    std::vector<std::uint64_t> operations(static_cast<std::size_t>(n), 0);
    std::vector<std::uint64_t> quotas(static_cast<std::size_t>(n), 0);
    ctl.ready_barrier.arrive_for_and_wait(parties, [&] { ctl.warmup_start_ns = monotonic_ns(); });
    if (ctx.spec.warmup_ns > 0) {
      for (int w = 0; w < n; ++w) slots[w].phase.store(WorkerPhase::warmup, std::memory_order_relaxed);
      host.template run<false>(ctl.warmup_over, nullptr, operations.data());
      for (int w = 0; w < n; ++w) slots[w].warmup_operations = operations[static_cast<std::size_t>(w)];
    }
    ctl.start_barrier.arrive_for_and_wait(parties, [&] { ctl.start_ns = monotonic_ns(); });
    for (int w = 0; w < n; ++w) {
      slots[w].phase.store(WorkerPhase::measuring, std::memory_order_relaxed);
      slots[w].progress.store(0, std::memory_order_relaxed);
      quotas[static_cast<std::size_t>(w)] = detail::operations_quota(ctx.spec, w);
    }
    rusage before{};
    getrusage(RUSAGE_THREAD, &before);
    if (ctx.spec.sample_every > 0) {
      host.template run<true>(ctl.stop, quotas.data(), operations.data());
    } else {
      host.template run<false>(ctl.stop, quotas.data(), operations.data());
    }
    for (int w = 1; w < n; ++w) {
      WorkerSlot& slot = slots[w];
      slot.operations = operations[static_cast<std::size_t>(w)];
      slot.end_ns = monotonic_ns();
      slot.cpu_last = sched_getcpu();
      slot.progress.store(slot.operations, std::memory_order_relaxed);
      slot.phase.store(WorkerPhase::done, std::memory_order_release);
    }
    slots[0].operations = operations[0];
    detail::finish_worker(slots[0], before);
  });
  std::vector<pid_t> no_processes;
  detail::drive_phases(ctx, no_processes, {});
  thread.join();
}

}  // namespace contend
