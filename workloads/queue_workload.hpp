#pragma once
// The queue workload: `producers` workers push 64-bit items into one queue and the other
// workers (consumers) pop them, for a duration or until the producers have pushed --ops items.
// An operation is one item delivered to a consumer; throughput is items per second over the
// engine's one global window. A try-operation that finds the queue full (producer) or empty
// (consumer) is counted apart as a failed attempt, never as throughput; what the worker does
// then is --wait: spin (pause, retry), yield (sched_yield, retry) or block (the queue's own
// sleeping push or pop). With --rate, each producer offers items on a fixed schedule (open
// loop) and an item's latency counts from when it was due, not from when it was pushed, so a
// queue that falls behind shows it in its latency (no coordinated omission).
//
// The pairs workload runs on the same queues and checks (see QueueLoop::pair_up): every worker
// pushes an item of its own, then pops one.
//
// Items say who made them: bit 63 marks an item whose enqueue time was taken, bits 48..62 hold
// the producer's index + 1 (so no item is 0, atomic_queue's empty marker), bits 0..47 the
// producer's sequence number, which runs on from warmup into the measured phase.
//
// Latency is end to end: a producer takes the time just before it pushes one item per block of
// B sequence numbers (B: --sample rounded up to a power of two; the item at a seeded random
// offset in the block) and writes it to its stamp table at index seq / B; the consumer that
// pops a marked item reads the stamp — the queue orders the write before the read — and
// records now - stamp. No clock is read for other items.
//
// Phases: a consumer blocked on an empty queue would never see a stop flag, so consumers end a
// phase only on a phase marker (item 1): the last producer to finish a phase pushes one per
// consumer, after every producer's last item. Items still queued behind a marker (a queue that
// is not FIFO across producers) are delivered in the next phase, or drained after the run.
//
// Checks, after every repetition, whatever the status: every item pushed was delivered exactly
// once — each consumer marks the items it pops in a bitmap per producer, and the bitmaps of
// all consumers (and of the drain of what was left in the queue) are merged — no item was
// invented, and each consumer saw each producer's items in increasing order. A failure makes
// the repetition a violation that names the first bad item.
#include <fmt/format.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <string>

#include "primitives/cache_line.hpp"
#include "primitives/cpu_relax.hpp"
#include "primitives/primitive.hpp"
#include "workloads/busy_work.hpp"
#include "workloads/clock.hpp"
#include "workloads/construct.hpp"
#include "workloads/engine.hpp"
#include "workloads/queue_book.hpp"
#include "workloads/sampler.hpp"

namespace contend {

template <Queue Q>
class QueueLoop {
 public:
  QueueLoop(Q& queue, const QueueBook& book, const RepetitionContext& ctx)
      : queue_(queue),
        book_(book),
        wait_(ctx.spec.wait),
        consume_iterations_(work_iterations(ctx.calibrations.work, ctx.spec.consume_ns)),
        outside_iterations_(work_iterations(ctx.calibrations.work, effective_outside_ns(ctx.spec))),
        sample_every_(ctx.spec.sample_every),
        seed_(ctx.spec.seed),
        clock_(ctx.calibrations.clock),
        interval_ticks_(ctx.spec.rate > 0 ? 1e9 / static_cast<double>(ctx.spec.rate) * clock_.ticks_per_ns() : 0.0),
        pairs_(ctx.spec.workload == Workload::pairs),
        progress_mask_(ctx.spec.stall_ns > 0 ? 0 : 1023) {}

  template <bool kSample>
  std::uint64_t run(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota) {
    if (pairs_) return pair_up<kSample>(worker, slot, stop, quota);
    if (worker < book_.layout.producers) {
      slot.role = WorkerRole::producer;
      return produce<kSample>(worker, slot, stop, quota);
    }
    slot.role = WorkerRole::consumer;
    return consume<kSample>(worker - book_.layout.producers, slot);
  }

 private:
  // What a worker does after a try-operation failed.
  void back_off() const {
    if (wait_ == QueueWait::yield) {
      sched_yield();
    } else {
      cpu_relax();
    }
  }

  void push(std::uint64_t item, std::uint64_t& failed) {
    if constexpr (BlockingQueue<Q>) {
      if (wait_ == QueueWait::block) {
        queue_.push(item);
        return;
      }
    }
    while (!queue_.try_push(item)) {
      ++failed;
      back_off();
    }
  }

  std::uint64_t pop(std::uint64_t& failed) {
    if constexpr (BlockingQueue<Q>) {
      if (wait_ == QueueWait::block) return queue_.pop();
    }
    std::uint64_t item = 0;
    while (!queue_.try_pop(item)) {
      ++failed;
      back_off();
    }
    return item;
  }

  std::uint64_t sampled_in_block(int producer, std::uint64_t block) const {
    return queue_item::sampled_in_block(seed_, producer, block, book_.layout.stamp_shift);
  }

  template <bool kSample>
  std::uint64_t produce(int producer, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota) {
    ProducerState& state = book_.producers[producer];
    std::uint64_t* stamps = kSample ? book_.stamps_of(producer) : nullptr;
    const int shift = book_.layout.stamp_shift;
    std::uint64_t seq = state.next_sequence;
    std::uint64_t next_sampled = 0;
    if constexpr (kSample) {
      next_sampled = sampled_in_block(producer, seq >> shift);
      if (next_sampled < seq) next_sampled = sampled_in_block(producer, (seq >> shift) + 1);
    }
    std::uint64_t pushed = 0;
    std::uint64_t failed = 0;
    // Open loop (--rate): item i is due at the phase's start + i intervals, whether or not the
    // queue kept up, and its latency counts from then (no coordinated omission).
    const bool paced = interval_ticks_ > 0;
    double due = paced ? static_cast<double>(clock_.now()) : 0.0;
    while (pushed < quota && !stop.is_raised()) {
      if (seq >= book_.layout.item_budget) [[unlikely]] {
        state.over_budget = true;
        break;
      }
      std::uint64_t intended = 0;
      if (paced) {
        intended = static_cast<std::uint64_t>(due);
        due += interval_ticks_;
        while (clock_.now() < intended && !stop.is_raised()) back_off();
      }
      std::uint64_t item = queue_item::make(producer, seq);
      if constexpr (kSample) {
        if (seq == next_sampled) {
          item |= queue_item::kSampled;
          stamps[seq >> shift] = paced ? intended : clock_.now();
          next_sampled = sampled_in_block(producer, (seq >> shift) + 1);
        }
      }
      push(item, failed);
      ++seq;
      ++pushed;
      // Published to the worker's own cache line, for the watchdog; a register count otherwise.
      if ((pushed & progress_mask_) == 0) slot.progress.store(pushed, std::memory_order_relaxed);
    }
    state.next_sequence = seq;
    slot.failed_attempts = failed;
    // The last producer of the phase to get here ends it for every consumer. The counter runs
    // on over phases; acq_rel orders every producer's last push before the markers.
    const auto producers = static_cast<std::uint64_t>(book_.layout.producers);
    if (book_.producers_finished->fetch_add(1, std::memory_order_acq_rel) % producers == producers - 1) {
      std::uint64_t ignored = 0;
      for (int c = 0; c < book_.layout.consumers; ++c) push(queue_item::kPhaseOver, ignored);
    }
    return pushed;
  }

  template <bool kSample>
  std::uint64_t consume(int consumer, WorkerSlot& slot) {
    ConsumerFindings found = book_.findings[consumer];
    std::uint64_t popped = 0;
    std::uint64_t failed = 0;
    for (;;) {
      const std::uint64_t item = pop(failed);
      if (item == queue_item::kPhaseOver) break;
      const int producer = book_.record(consumer, item, found);
      if constexpr (kSample) {
        if ((item & queue_item::kSampled) != 0 && producer >= 0) {
          const std::uint64_t stamp = book_.stamps_of(producer)[queue_item::sequence_of(item) >> book_.layout.stamp_shift];
          const std::uint64_t now = clock_.now();
          // Zero: stamped by no one, an item marked by a broken queue, which the checks report.
          // A stamp ahead of now is the TSC offset between two CPUs, seen when an item crosses
          // in less time than that offset: it counts as 0 ns rather than as a huge value.
          if (stamp != 0) slot.latency.record(now > stamp ? clock_.to_ns(now - stamp) : 0);
        }
      }
      if (consume_iterations_ != 0) busy_iterations(consume_iterations_);
      ++popped;
      if ((popped & progress_mask_) == 0) slot.progress.store(popped, std::memory_order_relaxed);
    }
    book_.findings[consumer] = found;
    slot.failed_attempts = failed;
    return popped;
  }

  // The pairs workload (LCRQ's and wCQ's benchmark): every worker pushes an item of its own,
  // works --outside-ns, pops whatever item comes, and works again. An operation is one such
  // pair; its sampled latency is the push's time plus the pop's, without the work between.
  // Pops never wait for long: each worker pushes before it pops, so the queue holds an item for
  // every pop in progress. A phase ends on the stop flag alone, with no markers.
  template <bool kSample>
  std::uint64_t pair_up(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota) {
    ProducerState& state = book_.producers[worker];
    ConsumerFindings found = book_.findings[worker];
    Sampler sampler(sample_every_, worker_seed(seed_, worker));
    std::uint64_t seq = state.next_sequence;
    std::uint64_t pairs = 0;
    std::uint64_t failed = 0;
    while (pairs < quota && !stop.is_raised()) {
      if (seq >= book_.layout.item_budget) [[unlikely]] {
        state.over_budget = true;
        break;
      }
      const bool timed = kSample && sampler.should_sample();
      const std::uint64_t t0 = timed ? clock_.now() : 0;
      push(queue_item::make(worker, seq), failed);
      const std::uint64_t t1 = timed ? clock_.now() : 0;
      ++seq;
      if (outside_iterations_ != 0) busy_iterations(outside_iterations_);
      const std::uint64_t t2 = timed ? clock_.now() : 0;
      book_.record(worker, pop(failed), found);
      if (timed) slot.latency.record(clock_.to_ns(t1 - t0 + clock_.now() - t2));
      if (outside_iterations_ != 0) busy_iterations(outside_iterations_);
      ++pairs;
      if ((pairs & progress_mask_) == 0) slot.progress.store(pairs, std::memory_order_relaxed);
    }
    state.next_sequence = seq;
    book_.findings[worker] = found;
    slot.failed_attempts = failed;
    return pairs;
  }

  Q& queue_;
  const QueueBook& book_;
  const QueueWait wait_;
  const std::uint64_t consume_iterations_;
  const std::uint64_t outside_iterations_;
  const std::uint64_t sample_every_;
  const std::uint64_t seed_;
  const LatencyClock clock_;
  const double interval_ticks_;  // --rate: ticks between a producer's items; 0 = closed loop
  const bool pairs_;
  // Progress is published every 1024 operations, or on every one when the stress watchdog
  // (--stall) watches it: a slow or paced queue must not look stalled.
  const std::uint64_t progress_mask_;
};

template <Queue Q>
std::size_t queue_workload_bytes(const RunSpec& spec) {
  const QueueLayout layout(spec);
  const auto producers = static_cast<std::size_t>(layout.producers);
  const auto checkers = static_cast<std::size_t>(layout.consumers + 1);
  return queue_footprint<Q>(spec.capacity) + alignof(Q) + producers * sizeof(ProducerState) +
         checkers * sizeof(ConsumerFindings) + layout.expected_bytes() + layout.bitmap_bytes() +
         layout.stamp_bytes() + 8 * kCacheLineSize;
}

namespace detail {

// Pops what is left in the queue once every worker is done, as one more consumer of the checks.
template <Queue Q>
std::uint64_t drain_queue(Q& queue, const QueueBook& book) {
  const int drain = book.layout.consumers;
  ConsumerFindings& found = book.findings[drain];
  std::uint64_t drained = 0;
  std::uint64_t item = 0;
  while (queue.try_pop(item)) {
    ++drained;
    // A marker left over is one more than the consumers took: the queue repeated it.
    if (item == queue_item::kPhaseOver) {
      found.note(found.invented, item, "a phase marker delivered twice");
      continue;
    }
    book.record(drain, item, found);
  }
  return drained;
}

template <Queue Q>
class QueueInArena {
 public:
  QueueInArena(SharedArena& arena, const RunSpec& spec) {
    queue_ = construct_queue<Q>(arena.allocate(queue_footprint<Q>(spec.capacity), alignof(Q)), spec.capacity,
                                sharing_for(spec.mode));
  }
  ~QueueInArena() {
    if (queue_ != nullptr) queue_->~Q();
  }
  QueueInArena(const QueueInArena&) = delete;
  QueueInArena& operator=(const QueueInArena&) = delete;
  Q& get() const { return *queue_; }
  // Leaves the queue undestroyed: after a worker process died inside it, destroying it may
  // wait forever (glibc's pthread_cond_destroy waits for the dead waiter). The repetition's
  // child exits next, and its mapping goes with it.
  void abandon() { queue_ = nullptr; }

 private:
  Q* queue_ = nullptr;
};

}  // namespace detail

template <Queue Q>
void run_queue_workload(RepetitionContext& ctx) {
  const RunSpec& spec = ctx.spec;
  // The CLI refuses these; this guards every other way in.
  if (spec.workload == Workload::queue && (spec.producers < 1 || spec.workers - spec.producers < 1)) {
    throw std::invalid_argument("the queue workload needs at least one producer and one consumer");
  }
  if (single_producer_single_consumer<Q>() && (spec.workers != 2 || spec.workload == Workload::pairs)) {
    throw std::invalid_argument(fmt::format("{} allows one producer and one consumer only", Q::kName));
  }
  if (spec.wait == QueueWait::block && !BlockingQueue<Q>) {
    throw std::invalid_argument(fmt::format("{} has no blocking push and pop for --wait block", Q::kName));
  }

  QueueBook book{QueueLayout(spec), nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
  const QueueLayout& layout = book.layout;
  const auto producers = static_cast<std::size_t>(layout.producers);
  const auto checkers = static_cast<std::size_t>(layout.consumers + 1);
  SharedArena& arena = ctx.arena;
  book.producers = static_cast<ProducerState*>(arena.allocate(sizeof(ProducerState) * producers, alignof(ProducerState)));
  for (std::size_t p = 0; p < producers; ++p) new (&book.producers[p]) ProducerState();
  book.findings = static_cast<ConsumerFindings*>(arena.allocate(sizeof(ConsumerFindings) * checkers, alignof(ConsumerFindings)));
  for (std::size_t c = 0; c < checkers; ++c) new (&book.findings[c]) ConsumerFindings();
  book.next_expected = static_cast<std::uint64_t*>(arena.allocate(layout.expected_bytes(), kCacheLineSize));
  book.bitmaps = static_cast<std::uint64_t*>(arena.allocate(layout.bitmap_bytes(), kCacheLineSize));
  if (layout.stamps > 0) book.stamps = static_cast<std::uint64_t*>(arena.allocate(layout.stamp_bytes(), kCacheLineSize));
  book.producers_finished = new (arena.allocate(kCacheLineSize, kCacheLineSize)) std::atomic<std::uint64_t>(0);

  detail::QueueInArena<Q> queue(arena, spec);
  QueueLoop<Q> loop(queue.get(), book, ctx);
  run_workers(ctx, loop);

  // A worker that died already said why; the rest of the items cannot be accounted for.
  if (ctx.control.error[0] != '\0' || ctx.control.crash_signal != 0) {
    queue.abandon();
    return;
  }
  for (std::size_t p = 0; p < producers; ++p) {
    if (book.producers[p].over_budget) {
      throw std::runtime_error(fmt::format("producer {} pushed {} items, all its delivery bitmap holds; use "
                                           "--ops or a shorter --duration",
                                           p, layout.item_budget));
    }
  }
  const std::uint64_t drained = detail::drain_queue(queue.get(), book);
  check_deliveries(book, drained, keeps_producer_order<Q>(), ctx.control);
}

}  // namespace contend