#pragma once
// The lock workload: each worker repeatedly locks, writes `cs_lines` shared cache lines and
// does `cs_ns` of work inside, unlocks, then does `outside_ns` of work outside (abseil's
// BM_Contended, folly's --work/--unlocked_work). The acquire latency of sampled operations goes
// to the worker's histogram. After the run, the shared counters must equal the number of
// critical sections: any shortfall is a lost update — a violation for a real lock, the
// expected result for `nolock`.
#include <cstdint>

#include "primitives/primitive.hpp"
#include "workloads/acquire_loop.hpp"
#include "workloads/construct.hpp"
#include "workloads/engine.hpp"

namespace contend {

// Inside the critical section: one write to each of `count` shared cache lines (an atomic
// increment for the atomic-add baseline, whose counter is the point).
template <Lock L>
inline void write_shared_lines(SharedLine* lines, std::uint32_t count) {
  for (std::uint32_t i = 0; i < count; ++i) {
    if constexpr (uses_atomic_counter<L>()) {
      lines[i].value.fetch_add(1, std::memory_order_relaxed);  // the lock-free counter itself
    } else {
      lines[i].increment();
    }
  }
}

// The critical sections the workers ran, warmup included: what the shared counters must show.
inline std::uint64_t critical_sections(const RepetitionContext& ctx) {
  std::uint64_t n = 0;
  for (int w = 0; w < ctx.spec.workers; ++w) n += ctx.slots[w].warmup_operations + ctx.slots[w].operations;
  return n;
}

template <Lock L>
class LockLoop {
 public:
  LockLoop(L& lock, SharedLine* lines, const RepetitionContext& ctx)
      : lock_(lock), lines_(lines), cs_lines_(ctx.spec.cs_lines), settings_(ctx) {}

  template <bool kSample>
  std::uint64_t run(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota) {
    return acquire_release_loop<kSample>(*this, settings_, worker, slot, stop, quota);
  }

  void acquire() { lock_.lock(); }
  void inside() { write_shared_lines<L>(lines_, cs_lines_); }
  // Bounded waiting: the first shared line counts the critical sections entered so far.
  bool entries_counted() const { return cs_lines_ > 0; }
  std::uint64_t entries() const { return cs_lines_ > 0 ? lines_[0].value.load(std::memory_order_relaxed) : 0; }
  void release() { lock_.unlock(); }

 private:
  L& lock_;
  SharedLine* const lines_;
  const std::uint32_t cs_lines_;
  const LoopSettings settings_;
};

template <Lock L>
std::size_t lock_workload_bytes(const RunSpec& spec) {
  return shared_lines_bytes(spec.cs_lines) + primitive_footprint<L>() + alignof(L);
}

template <Lock L>
void run_lock_workload(RepetitionContext& ctx) {
  SharedLine* lines = make_shared_lines(ctx.arena, ctx.spec.cs_lines);
  L* lock = make_primitive<L>(ctx.arena, ctx.spec);
  LockLoop<L> loop(*lock, lines, ctx);
  run_workers(ctx, loop);
  check_shared_lines(lines, ctx.spec.cs_lines, critical_sections(ctx), ctx.control);
  lock->~L();
}

}  // namespace contend
