#pragma once
// The measured loop every acquire/hold/release workload shares: acquire (timed on sampled
// operations), work inside, release, work outside, count. A workload supplies only the three
// operations; the loop is a template over them, so the primitive is called directly.
#include <time.h>

#include <algorithm>
#include <cstdint>

#include "primitives/cpu_relax.hpp"
#include "workloads/busy_work.hpp"
#include "workloads/clock.hpp"
#include "workloads/engine.hpp"
#include "workloads/sampler.hpp"

namespace contend {

struct LoopSettings {
  std::uint64_t inside_iterations;   // calibrated busy work while holding
  std::uint64_t outside_iterations;  // calibrated busy work between operations
  std::uint64_t sample_every;
  std::uint64_t seed;
  LatencyClock clock;
  double interval_ticks;  // --rate (the lock workload): ticks between a worker's operations; 0: closed loop

  explicit LoopSettings(const RepetitionContext& ctx)
      : inside_iterations(work_iterations(ctx.calibrations.work, ctx.spec.cs_ns)),
        outside_iterations(work_iterations(ctx.calibrations.work, effective_outside_ns(ctx.spec))),
        sample_every(ctx.spec.sample_every),
        seed(ctx.spec.seed),
        clock(ctx.calibrations.clock),
        interval_ticks(ctx.spec.rate > 0 && ctx.spec.workload == Workload::lock
                           ? 1e9 / static_cast<double>(ctx.spec.rate) * clock.ticks_per_ns()
                           : 0.0) {}
};

// --rate: waits until `due` (clock ticks), asleep while it is more than 100 µs away (a server's
// lock at 1,000 operations a second should not cost a core), then spinning.
inline void wait_until(const LatencyClock& clock, std::uint64_t due, const StopFlag& stop) {
  while (!stop.is_raised()) {
    const std::uint64_t now = clock.now();
    if (now >= due) return;
    const auto ahead_ns = static_cast<std::int64_t>(clock.to_ns(due - now));
    if (ahead_ns > 100'000) {
      const std::int64_t sleep_ns = std::min<std::int64_t>(ahead_ns - 50'000, 10'000'000);
      const timespec pause{0, static_cast<long>(sleep_ns)};
      nanosleep(&pause, nullptr);
    } else {
      cpu_relax();
    }
  }
}

// `Ops` provides acquire(), inside() (the workload's own writes while holding) and release().
// An Ops that counts its entries on a shared line (the lock workload) also provides
// entries_counted() and entries(): timed acquisitions then record their overtakes, the entries
// by others between arrival and entry. The arrival read comes before the clock starts, so it
// adds nothing to the latency sample.
template <bool kSample, class Ops>
std::uint64_t acquire_release_loop(Ops& ops_of, const LoopSettings& s, int worker, WorkerSlot& slot,
                                   const StopFlag& stop, std::uint64_t quota) {
  Sampler sampler(s.sample_every, worker_seed(s.seed, worker));
  std::uint64_t ops = 0;
  // --rate: each operation has an intended start on a fixed schedule; one that starts late (the
  // previous ones ran long) is timed from its intended start, so the wait it spent queued behind
  // them counts (no coordinated omission).
  const bool paced = s.interval_ticks > 0;
  double due = paced ? static_cast<double>(s.clock.now()) : 0.0;
  while (ops < quota && !stop.is_raised()) {
    std::uint64_t intended = 0;
    if (paced) {
      intended = static_cast<std::uint64_t>(due);
      due += s.interval_ticks;
      wait_until(s.clock, intended, stop);
      if (stop.is_raised()) break;  // woken by the stop before its start: not an operation
    }
    if (kSample && sampler.should_sample()) {
      if constexpr (requires { ops_of.entries(); }) {
        const std::uint64_t arrival = ops_of.entries();
        const std::uint64_t t0 = paced ? intended : s.clock.now();
        ops_of.acquire();
        const std::uint64_t t1 = s.clock.now();
        const std::uint64_t entry = ops_of.entries();
        slot.latency.record(s.clock.to_ns(t1 > t0 ? t1 - t0 : 0));
        if (ops_of.entries_counted()) slot.overtakes.record(entry >= arrival ? entry - arrival : 0);
      } else {
        const std::uint64_t t0 = paced ? intended : s.clock.now();
        ops_of.acquire();
        const std::uint64_t t1 = s.clock.now();
        slot.latency.record(s.clock.to_ns(t1 > t0 ? t1 - t0 : 0));
      }
    } else {
      ops_of.acquire();
    }
    ops_of.inside();
    if (s.inside_iterations != 0) busy_iterations(s.inside_iterations);
    ops_of.release();
    if (s.outside_iterations != 0) busy_iterations(s.outside_iterations);
    ++ops;
    // Published to the worker's own cache line, for the watchdog; a register count otherwise.
    if ((ops & 1023) == 0) slot.progress.store(ops, std::memory_order_relaxed);
  }
  return ops;
}

}  // namespace contend
