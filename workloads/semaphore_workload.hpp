#pragma once
// The semaphore workload: each worker repeatedly acquires a permit, does `cs_ns` of work while
// holding it, releases it, then does `outside_ns` of work. With `permits` below the worker
// count, workers queue for permits; the acquire latency of sampled operations goes to the
// worker's histogram. (Whether holders ever exceed the permits is a stress-mode check: its
// shared occupancy counter would distort a measurement.)
#include <cstdint>

#include "primitives/primitive.hpp"
#include "workloads/acquire_loop.hpp"
#include "workloads/construct.hpp"
#include "workloads/engine.hpp"

namespace contend {

template <Semaphore S>
class SemaphoreLoop {
 public:
  SemaphoreLoop(S& sem, const RepetitionContext& ctx) : sem_(sem), settings_(ctx) {}

  template <bool kSample>
  std::uint64_t run(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota) {
    return acquire_release_loop<kSample>(*this, settings_, worker, slot, stop, quota);
  }

  void acquire() { sem_.acquire(); }
  void inside() {}
  void release() { sem_.release(); }

 private:
  S& sem_;
  const LoopSettings settings_;
};

template <Semaphore S>
std::size_t semaphore_workload_bytes(const RunSpec&) {
  return primitive_footprint<S>() + alignof(S);
}

template <Semaphore S>
void run_semaphore_workload(RepetitionContext& ctx) {
  S* sem = make_semaphore<S>(ctx.arena, ctx.spec, ctx.spec.permits);
  SemaphoreLoop<S> loop(*sem, ctx);
  run_workers(ctx, loop);
  sem->~S();
}

}  // namespace contend
