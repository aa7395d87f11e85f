#pragma once
// The trylock workload: the lock workload's loop with the lock taken by retrying try_lock(), a
// pause between attempts, as code that must never sleep in a lock takes it (a spin-then-yield
// fallback, a lock-elision path, an event loop polling a shared structure). It shows what a
// lock's try_lock costs and how often it fails under contention: a futex mutex's try_lock never
// waits in the kernel, so under contention it fails where lock() would have slept; ticket's
// succeeds only when nobody holds or waits, and the queue locks (mcs, anderson) have none, since
// taking a place in their queue is a promise to wait (plan refuses them, naming those that have one).
//
// An operation is one acquisition, its critical section (cs_lines shared cache lines written,
// cs_ns of work) and its release, then outside_ns of work; each failed try_lock is counted apart
// in the worker's failed_attempts, never as an operation. The sampled latency runs from the first
// attempt to the one that succeeded. After the run the shared counters must equal the critical
// sections, as in the lock workload: a shortfall is a lost update.
#include <cstdint>

#include "primitives/cpu_relax.hpp"
#include "primitives/primitive.hpp"
#include "workloads/acquire_loop.hpp"
#include "workloads/construct.hpp"
#include "workloads/engine.hpp"
#include "workloads/lock_workload.hpp"

namespace contend {

template <TryLock L>
class TryLockLoop {
 public:
  TryLockLoop(L& lock, SharedLine* lines, const RepetitionContext& ctx)
      : lock_(lock), lines_(lines), cs_lines_(ctx.spec.cs_lines), settings_(ctx) {}

  template <bool kSample>
  std::uint64_t run(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota) {
    // The failures are this worker's own, counted in a register and stored once per phase.
    Attempts attempts{*this};
    const std::uint64_t done = acquire_release_loop<kSample>(attempts, settings_, worker, slot, stop, quota);
    slot.failed_attempts = attempts.failed;
    return done;
  }

 private:
  struct Attempts {
    TryLockLoop& loop;
    std::uint64_t failed = 0;

    void acquire() {
      while (!loop.lock_.try_lock()) {
        ++failed;
        cpu_relax();
      }
    }
    void inside() { write_shared_lines<L>(loop.lines_, loop.cs_lines_); }
    void release() { loop.lock_.unlock(); }
  };

  L& lock_;
  SharedLine* const lines_;
  const std::uint32_t cs_lines_;
  const LoopSettings settings_;
};

template <TryLock L>
std::size_t trylock_workload_bytes(const RunSpec& spec) {
  return lock_workload_bytes<L>(spec);
}

template <TryLock L>
void run_trylock_workload(RepetitionContext& ctx) {
  SharedLine* lines = make_shared_lines(ctx.arena, ctx.spec.cs_lines);
  L* lock = make_primitive<L>(ctx.arena, ctx.spec);
  if (!supports_try_lock(*lock)) throw std::invalid_argument(fmt::format("{} has no try_lock", ctx.spec.primitive));
  TryLockLoop<L> loop(*lock, lines, ctx);
  run_workers(ctx, loop);
  check_shared_lines(lines, ctx.spec.cs_lines, critical_sections(ctx), ctx.control);
  lock->~L();
}

}  // namespace contend
