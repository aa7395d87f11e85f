#pragma once
// The tasks workload on a thread runtime (workloads/tasks_workload.hpp): every task an OS thread
// blocking in the runtime's lock, semaphore or queue, under run_workers (workloads/engine.hpp).
#include <sched.h>

#include <atomic>
#include <cstdint>
#include <vector>

#include "workloads/tasks_shared.hpp"

namespace contend {

// Each task an OS thread, blocking in the runtime's primitives (run_workers' loop).
template <TaskRuntime R>
class ThreadTasksLoop {
 public:
  ThreadTasksLoop(const TasksShared& shared, const RepetitionContext& ctx)
      : shared_(shared),
        settings_(ctx),
        pattern_(ctx.spec.pattern),
        limit_(detail::task_limit(ctx.spec)),
        progress_mask_(ctx.spec.stress ? 0 : 1023),
        semaphore_(static_cast<std::ptrdiff_t>(limit_)),
        queue_(ctx.spec.capacity),
        phase_of_(static_cast<std::size_t>(ctx.spec.workers), 0) {
    for (auto& left : producers_left_) left.store(shared.producers, std::memory_order_relaxed);
  }

  template <bool kSample>
  std::uint64_t run(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota) {
    const std::uint32_t phase = ++phase_of_[static_cast<std::size_t>(worker)];
    Sampler sampler(settings_.sample_every, worker_seed(settings_.seed, worker) + phase);
    if (pattern_ != TaskPattern::queue) return hold<kSample>(worker, slot, stop, quota, sampler);
    if (worker < shared_.producers) {
      slot.role = WorkerRole::producer;
      return produce(worker, slot, stop, quota, phase);
    }
    slot.role = WorkerRole::consumer;
    return consume<kSample>(worker, slot, phase, sampler);
  }

  std::uint64_t critical_sections() const { return entries_.load(std::memory_order_relaxed); }
  std::uint64_t counter() const { return counter_.value.load(std::memory_order_relaxed); }

 private:
  void acquire() {
    if (pattern_ == TaskPattern::lock) {
      lock_.lock();
    } else {
      semaphore_.acquire();
    }
  }
  void release() {
    if (pattern_ == TaskPattern::lock) {
      lock_.unlock();
    } else {
      semaphore_.release();
    }
  }

  template <bool kSample>
  std::uint64_t hold(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota, Sampler& sampler) {
    CheckTallies& tallies = shared_.tallies[worker];
    std::uint64_t ops = 0;
    while (ops < quota && !stop.is_raised()) {
      const bool sample = kSample && sampler.should_sample();
      const std::uint64_t t0 = sample ? settings_.clock.now() : 0;
      acquire();
      if (sample) slot.latency.record(settings_.clock.to_ns(settings_.clock.now() - t0));
      entries_.fetch_add(1, std::memory_order_relaxed);
      tallies[CheckId::semaphore_holders].checked++;
      if (holders_.fetch_add(1, std::memory_order_acq_rel) + 1 > limit_) {
        note_violation(tallies[CheckId::semaphore_holders], worker, ops);
      }
      const std::uint64_t before = counter_.value.load(std::memory_order_relaxed);
      sched_yield();  // the same job as the coroutines' await inside
      if (settings_.inside_iterations != 0) busy_iterations(settings_.inside_iterations);
      counter_.value.store(before + 1, std::memory_order_relaxed);
      holders_.fetch_sub(1, std::memory_order_acq_rel);
      release();
      ++ops;
      if ((ops & progress_mask_) == 0) slot.progress.store(ops, std::memory_order_relaxed);
      if (settings_.outside_iterations != 0) busy_iterations(settings_.outside_iterations);
    }
    return ops;
  }

  std::uint64_t produce(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota, std::uint32_t phase) {
    std::uint64_t& sequence = shared_.produced[worker];
    std::uint64_t ops = 0;
    while (ops < quota && !stop.is_raised()) {
      queue_.put(task_item(worker, sequence));
      ++sequence;
      ++ops;
      if ((ops & progress_mask_) == 0) slot.progress.store(ops, std::memory_order_relaxed);
      if (settings_.outside_iterations != 0) busy_iterations(settings_.outside_iterations);
    }
    if (producers_left_[phase].fetch_sub(1, std::memory_order_acq_rel) == 1) queue_.close(phase);
    return ops;
  }

  template <bool kSample>
  std::uint64_t consume(int worker, WorkerSlot& slot, std::uint32_t phase, Sampler& sampler) {
    CheckTallies& tallies = shared_.tallies[worker];
    const int row = worker - shared_.producers;
    std::uint64_t ops = 0;
    std::uint64_t item = 0;
    for (;;) {
      const bool sample = kSample && sampler.should_sample();
      const std::uint64_t t0 = sample ? settings_.clock.now() : 0;
      if (!queue_.get(phase, item)) break;
      if (sample) slot.latency.record(settings_.clock.to_ns(settings_.clock.now() - t0));
      detail::task_item_seen(shared_, row, item, tallies, worker, ops);
      if (settings_.inside_iterations != 0) busy_iterations(settings_.inside_iterations);
      ++ops;
      if ((ops & progress_mask_) == 0) slot.progress.store(ops, std::memory_order_relaxed);
    }
    return ops;
  }

  const TasksShared shared_;
  const LoopSettings settings_;
  const TaskPattern pattern_;
  const std::uint32_t limit_;
  const std::uint64_t progress_mask_;
  typename R::Lock lock_;
  typename R::Semaphore semaphore_;
  typename R::Queue queue_;
  std::vector<std::uint32_t> phase_of_;       // per worker: its phases so far (1: the first)
  std::atomic<int> producers_left_[3];        // per phase (1, 2): producers not yet done
  alignas(kCacheLineSize) std::atomic<std::uint32_t> holders_{0};
  alignas(kCacheLineSize) std::atomic<std::uint64_t> entries_{0};
  SharedLine counter_;
};

}  // namespace contend
