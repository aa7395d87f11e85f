#pragma once
// The reader-writer workload: each operation is a read (lock_shared: read the `cs_lines` shared
// lines, `cs_ns` of work, unlock_shared) or a write (lock: increment the lines, `cs_ns` of work,
// unlock), chosen at random with probability `read_percent` by a seeded per-worker generator,
// then `outside_ns` of work. Read and write acquire latencies go to separate histograms and
// every worker counts its writes, so a lock that starves writers shows it: few writes, and a
// write latency tail far above the reads'. After the run the shared lines must equal the
// number of writes — a shortfall is a violation, as in the lock workload.
#include <cstdint>

#include "primitives/primitive.hpp"
#include "workloads/acquire_loop.hpp"
#include "workloads/construct.hpp"
#include "workloads/engine.hpp"

namespace contend {

template <RwLock R>
class RwLoop {
 public:
  RwLoop(R& lock, SharedLine* lines, const RepetitionContext& ctx)
      : lock_(lock), lines_(lines), cs_lines_(ctx.spec.cs_lines), read_percent_(ctx.spec.read_percent), settings_(ctx) {}

  template <bool kSample>
  std::uint64_t run(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota) {
    Sampler sampler(settings_.sample_every, worker_seed(settings_.seed, worker));
    // xorshift64: a different stream from the sampler's, a few cycles per draw.
    std::uint64_t rng = worker_seed(settings_.seed ^ 0x5bd1e9955bd1e995ULL, worker) | 1;
    std::uint64_t ops = 0;
    std::uint64_t writes = 0;
    std::uint64_t sink = 0;
    while (ops < quota && !stop.is_raised()) {
      rng ^= rng << 13;
      rng ^= rng >> 7;
      rng ^= rng << 17;
      const bool write = rng % 100 >= read_percent_;
      const bool timed = kSample && sampler.should_sample();
      const std::uint64_t t0 = timed ? settings_.clock.now() : 0;
      if (write) {
        lock_.lock();
        if (timed) slot.write_latency.record(settings_.clock.to_ns(settings_.clock.now() - t0));
        for (std::uint32_t i = 0; i < cs_lines_; ++i) lines_[i].increment();
        if (settings_.inside_iterations != 0) busy_iterations(settings_.inside_iterations);
        lock_.unlock();
        ++writes;
      } else {
        lock_.lock_shared();
        if (timed) slot.latency.record(settings_.clock.to_ns(settings_.clock.now() - t0));
        for (std::uint32_t i = 0; i < cs_lines_; ++i) sink += lines_[i].value.load(std::memory_order_relaxed);
        if (settings_.inside_iterations != 0) busy_iterations(settings_.inside_iterations);
        lock_.unlock_shared();
      }
      if (settings_.outside_iterations != 0) busy_iterations(settings_.outside_iterations);
      ++ops;
      if ((ops & 1023) == 0) slot.progress.store(ops, std::memory_order_relaxed);
    }
    asm volatile("" : : "r"(sink));  // the reads are real reads
    slot.write_operations = writes;
    return ops;
  }

 private:
  R& lock_;
  SharedLine* const lines_;
  const std::uint32_t cs_lines_;
  const std::uint32_t read_percent_;
  const LoopSettings settings_;
};

template <RwLock R>
std::size_t rw_workload_bytes(const RunSpec& spec) {
  return shared_lines_bytes(spec.cs_lines) + primitive_footprint<R>() + alignof(R);
}

template <RwLock R>
void run_rw_workload(RepetitionContext& ctx) {
  SharedLine* lines = make_shared_lines(ctx.arena, ctx.spec.cs_lines);
  R* lock = make_primitive<R>(ctx.arena, ctx.spec);
  RwLoop<R> loop(*lock, lines, ctx);
  run_workers(ctx, loop);

  std::uint64_t writes = 0;
  for (int w = 0; w < ctx.spec.workers; ++w) {
    writes += ctx.slots[w].warmup_write_operations + ctx.slots[w].write_operations;
  }
  check_shared_lines(lines, ctx.spec.cs_lines, writes, ctx.control);
  lock->~R();
}

}  // namespace contend
