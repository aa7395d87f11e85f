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
#include "workloads/sampler.hpp"

namespace contend {

namespace queue_item {

inline constexpr std::uint64_t kSampled = 1ULL << 63;
inline constexpr int kProducerShift = 48;
inline constexpr std::uint64_t kProducerMask = 0x7fff;  // 15 bits: producer index + 1
inline constexpr std::uint64_t kSequenceMask = (1ULL << kProducerShift) - 1;
// Producer field 0: not an item of any producer. The end of a phase, for one consumer.
inline constexpr std::uint64_t kPhaseOver = 1;

inline std::uint64_t make(int producer, std::uint64_t seq) {
  return (static_cast<std::uint64_t>(producer + 1) << kProducerShift) | seq;
}
// The producer's index, or -1 for an item no producer could have made.
inline int producer_of(std::uint64_t item) {
  return static_cast<int>((item >> kProducerShift) & kProducerMask) - 1;
}
inline std::uint64_t sequence_of(std::uint64_t item) { return item & kSequenceMask; }

}  // namespace queue_item

// The sizes of one repetition's bookkeeping, all derived from the spec.
struct QueueLayout {
  int producers = 0;
  int consumers = 0;
  // The most items one producer may push in a repetition (warmup included): its bitmaps hold
  // this many bits. A producer that reaches it stops and the repetition is an error.
  std::uint64_t item_budget = 0;
  std::uint64_t bitmap_words = 0;  // per (consumer, producer), a whole number of lines
  std::size_t expected_stride = 0; // per consumer: its producers' next sequences, whole lines
  int stamp_shift = 0;             // log2 of the block of sequence numbers per latency sample
  std::uint64_t stamps = 0;        // per producer; 0 when nothing is timed

  // In the pairs workload every worker is a producer and a consumer.
  explicit QueueLayout(const RunSpec& spec)
      : producers(spec.workload == Workload::pairs ? spec.workers : spec.producers),
        consumers(spec.workload == Workload::pairs ? spec.workers : spec.workers - spec.producers) {
    // Far above what any queue here pushes (a few hundred million items a second per producer
    // at best); the bitmaps' pages are only touched where items land.
    constexpr double kItemsPerNs = 0.5;
    const auto timed_items = static_cast<std::uint64_t>(static_cast<double>(spec.duration_ns + spec.warmup_ns) * kItemsPerNs);
    const std::uint64_t quota = spec.operations / static_cast<std::uint64_t>(std::max(1, producers)) + 1;
    item_budget = std::min<std::uint64_t>(queue_item::kSequenceMask,
                                          (spec.operations > 0 ? quota : 0) + timed_items + 4096);
    // Whole lines, so that no two consumers' bitmaps or expectations share one.
    constexpr std::uint64_t kWordsPerLine = kCacheLineSize / 8;
    bitmap_words = ((item_budget + 63) / 64 + kWordsPerLine - 1) / kWordsPerLine * kWordsPerLine;
    expected_stride = (static_cast<std::size_t>(producers) + kWordsPerLine - 1) / kWordsPerLine * kWordsPerLine;
    if (spec.sample_every > 0) {
      stamp_shift = static_cast<int>(std::bit_width(std::bit_ceil(spec.sample_every))) - 1;
      stamps = (item_budget >> stamp_shift) + 1;
    }
  }

  // One more set of bitmaps than consumers: the drain of what is left after the run.
  std::size_t bitmap_bytes() const {
    return static_cast<std::size_t>(consumers + 1) * static_cast<std::size_t>(producers) * bitmap_words * 8;
  }
  std::size_t stamp_bytes() const { return static_cast<std::size_t>(producers) * stamps * 8; }
  std::size_t expected_bytes() const { return static_cast<std::size_t>(consumers + 1) * expected_stride * 8; }
};

// One producer's state, kept across phases, on its own line.
struct alignas(kCacheLineSize) ProducerState {
  std::uint64_t next_sequence = 0;
  bool over_budget = false;
};

// What one consumer (or the drain) saw go wrong, on its own line, written when a phase ends.
struct alignas(kCacheLineSize) ConsumerFindings {
  std::uint64_t out_of_order = 0;  // an item older than one already seen from its producer
  std::uint64_t invented = 0;      // no producer made it (a bad producer field or sequence)
  std::uint64_t repeated = 0;      // delivered to this consumer twice
  std::uint64_t first_item = 0;    // the first such item, and what was wrong with it
  const char* first_problem = nullptr;  // a string literal: the same address in every process

  void note(std::uint64_t& counter, std::uint64_t item, const char* problem) {
    if (first_problem == nullptr) {
      first_item = item;
      first_problem = problem;
    }
    ++counter;
  }
};

// The shared bookkeeping of one repetition, in the arena.
struct QueueBook {
  QueueLayout layout;
  ProducerState* producers;
  ConsumerFindings* findings;   // consumers + 1 (the drain)
  std::uint64_t* next_expected; // (consumers + 1) x expected_stride: the lowest sequence still in order
  std::uint64_t* bitmaps;       // (consumers + 1) x producers x bitmap_words
  std::uint64_t* stamps;        // producers x layout.stamps; null when nothing is timed
  std::atomic<std::uint64_t>* producers_finished;  // phases x producers, on a line of its own

  std::uint64_t* bitmap(int consumer, int producer) const {
    return bitmaps + (static_cast<std::size_t>(consumer) * static_cast<std::size_t>(layout.producers) +
                      static_cast<std::size_t>(producer)) * layout.bitmap_words;
  }
  std::uint64_t* expected_of(int consumer) const {
    return next_expected + static_cast<std::size_t>(consumer) * layout.expected_stride;
  }
  std::uint64_t* stamps_of(int producer) const {
    return stamps + static_cast<std::size_t>(producer) * layout.stamps;
  }

  // Marks `item` as delivered to `consumer` and checks it; returns the producer (-1: invented).
  int record(int consumer, std::uint64_t item, ConsumerFindings& found) const {
    const int p = queue_item::producer_of(item);
    const std::uint64_t seq = queue_item::sequence_of(item);
    if (p < 0 || p >= layout.producers || seq >= layout.item_budget) {
      found.note(found.invented, item, "invented (no producer made it)");
      return -1;
    }
    std::uint64_t& expected = expected_of(consumer)[p];
    if (seq < expected) found.note(found.out_of_order, item, "out of order");
    expected = std::max(expected, seq + 1);
    std::uint64_t& word = bitmap(consumer, p)[seq >> 6];
    const std::uint64_t bit = 1ULL << (seq & 63);
    if ((word & bit) != 0) found.note(found.repeated, item, "delivered twice to one consumer");
    word |= bit;
    return p;
  }
};

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

  // The sequence number timed in block `block`: a seeded random offset within it.
  std::uint64_t sampled_in_block(int producer, std::uint64_t block) const {
    std::uint64_t z = (seed_ ^ (static_cast<std::uint64_t>(producer) << 40) ^ block) + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    const std::uint64_t block_size = 1ULL << book_.layout.stamp_shift;
    return (block << book_.layout.stamp_shift) | (z & (block_size - 1));
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

// Merges every consumer's bitmaps per producer: an item in two of them was delivered twice;
// one of the first next_sequence items in none was lost; one at or beyond it was invented.
// Writes the verdict into the control block when anything is wrong.
inline void check_deliveries(const QueueBook& book, std::uint64_t drained, bool keeps_producer_order,
                             RunControl& control) {
  const QueueLayout& layout = book.layout;
  std::uint64_t produced = 0, lost = 0, duplicated = 0, invented = 0, out_of_order = 0;
  std::string first;
  for (int c = 0; c <= layout.consumers; ++c) {
    const ConsumerFindings& f = book.findings[c];
    invented += f.invented;
    duplicated += f.repeated;
    out_of_order += f.out_of_order;
    // A queue that does not promise producer order: its reordering is noted, not a failure,
    // and the first problem worth naming is another one.
    if (!keeps_producer_order && f.first_problem != nullptr && f.repeated == 0 && f.invented == 0) continue;
    if (first.empty() && f.first_problem != nullptr) {
      first = fmt::format("item {:#x} (producer {}, number {}) {}", f.first_item, queue_item::producer_of(f.first_item),
                          queue_item::sequence_of(f.first_item), f.first_problem);
    }
  }
  for (int p = 0; p < layout.producers; ++p) {
    const std::uint64_t pushed = book.producers[p].next_sequence;
    produced += pushed;
    // No bit is set at or beyond the highest sequence any consumer saw + 1.
    std::uint64_t highest = pushed;
    for (int c = 0; c <= layout.consumers; ++c) highest = std::max(highest, book.expected_of(c)[p]);
    const std::uint64_t words = std::min(layout.bitmap_words, (highest + 63) / 64);
    for (std::uint64_t w = 0; w < words; ++w) {
      std::uint64_t seen = 0;
      for (int c = 0; c <= layout.consumers; ++c) {
        const std::uint64_t word = book.bitmap(c, p)[w];
        const std::uint64_t twice = seen & word;
        if (twice != 0) {
          duplicated += static_cast<std::uint64_t>(std::popcount(twice));
          if (first.empty()) {
            first = fmt::format("producer {} number {} delivered to two consumers", p,
                                w * 64 + static_cast<std::uint64_t>(std::countr_zero(twice)));
          }
        }
        seen |= word;
      }
      // Bits of the items this producer pushed, in this word.
      const std::uint64_t begin = w * 64;
      std::uint64_t pushed_bits = 0;
      if (pushed >= begin + 64) {
        pushed_bits = ~0ULL;
      } else if (pushed > begin) {
        pushed_bits = (1ULL << (pushed - begin)) - 1;
      }
      const std::uint64_t missing = pushed_bits & ~seen;
      const std::uint64_t beyond = seen & ~pushed_bits;
      if (missing != 0) {
        lost += static_cast<std::uint64_t>(std::popcount(missing));
        if (first.empty()) {
          first = fmt::format("producer {} number {} never delivered", p,
                              begin + static_cast<std::uint64_t>(std::countr_zero(missing)));
        }
      }
      if (beyond != 0) {
        invented += static_cast<std::uint64_t>(std::popcount(beyond));
        if (first.empty()) {
          first = fmt::format("producer {} number {} delivered but never pushed", p,
                              begin + static_cast<std::uint64_t>(std::countr_zero(beyond)));
        }
      }
    }
  }
  control.checked_updates = produced;
  // The same counts as stress checks.
  const auto tally = [&](CheckId id, std::uint64_t violations) {
    CheckTally& t = control.checks[id];
    t.applies = 1;
    t.checked = produced;
    t.violations = violations;
  };
  tally(CheckId::queue_lost, lost);
  tally(CheckId::queue_duplicated, duplicated);
  tally(CheckId::queue_invented, invented);
  tally(CheckId::queue_order, keeps_producer_order ? out_of_order : 0);
  if (!keeps_producer_order) {
    const auto note = fmt::format_to_n(control.checks[CheckId::queue_order].note,
                                       sizeof(CheckTally::note) - 1, "not promised by this queue; {} reordered",
                                       out_of_order);
    *note.out = '\0';
  }
  if (lost + duplicated + invented + (keeps_producer_order ? out_of_order : 0) > 0) {
    // Where the first problem was, for the check that saw it.
    for (CheckId id : {CheckId::queue_lost, CheckId::queue_duplicated, CheckId::queue_invented, CheckId::queue_order}) {
      CheckTally& t = control.checks[id];
      if (t.violations == 0) continue;
      const auto note = fmt::format_to_n(t.note, sizeof(CheckTally::note) - 1, "first problem seen: {}", first);
      *note.out = '\0';
      break;
    }
  }
  if (!keeps_producer_order) {
    control.reordered_items = out_of_order;
    out_of_order = 0;
  }
  if (lost + duplicated + invented + out_of_order == 0) return;
  const auto out = fmt::format_to_n(
      control.violation, sizeof(control.violation) - 1,
      "of {} items (warmup included; {} drained after the run): {} lost, {} duplicated, {} invented, {} out of "
      "order; first: {}",
      produced, drained, lost, duplicated, invented, out_of_order, first);
  *out.out = '\0';
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
  detail::check_deliveries(book, drained, keeps_producer_order<Q>(), ctx.control);
}

}  // namespace contend
