#pragma once
// The queue and pairs workloads' bookkeeping in the repetition's arena: how items say who made
// them, the sizes derived from the spec, each producer's state and each consumer's findings,
// and the delivery checks made after the run (queue_book.cpp). The loops that fill it are in
// queue_workload.hpp, which describes the protocol.
#include <algorithm>
#include <atomic>
#include <bit>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "primitives/cache_line.hpp"
#include "workloads/model/spec.hpp"
#include "workloads/run_control.hpp"

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

// The sequence number timed in block `block` of 2^shift numbers: a seeded random offset in it.
inline std::uint64_t sampled_in_block(std::uint64_t seed, int producer, std::uint64_t block, int shift) {
  std::uint64_t z = (seed ^ (static_cast<std::uint64_t>(producer) << 40) ^ block) + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  const std::uint64_t block_size = 1ULL << shift;
  return (block << shift) | (z & (block_size - 1));
}

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
  // A broker's queue (workloads/broker_queue_loop.hpp) delivers a message again, flagged, when its
  // consumer died holding it: such deliveries go to a set of their own (redelivery_set()), which
  // every consumer writes with atomic ORs, and which the duplicate check does not count against.
  bool redeliveries = false;

  // In the pairs workload every worker is a producer and a consumer.
  explicit QueueLayout(const RunSpec& spec, bool with_redeliveries = false)
      : producers(spec.workload == Workload::pairs ? spec.workers : spec.producers),
        consumers(spec.workload == Workload::pairs ? spec.workers : spec.workers - spec.producers),
        redeliveries(with_redeliveries) {
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

  // The sets of bitmaps (and findings, and expectations): one per consumer, one more for the drain
  // of what is left after the run (index `consumers`), and the redeliveries' (redelivery_set()).
  int checkers() const { return consumers + 1 + (redeliveries ? 1 : 0); }
  int redelivery_set() const { return consumers + 1; }
  std::size_t bitmap_bytes() const {
    return static_cast<std::size_t>(checkers()) * static_cast<std::size_t>(producers) * bitmap_words * 8;
  }
  std::size_t stamp_bytes() const { return static_cast<std::size_t>(producers) * stamps * 8; }
  std::size_t expected_bytes() const { return static_cast<std::size_t>(checkers()) * expected_stride * 8; }
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

  // Marks `item` as delivered again, flagged as such by the broker, into the redelivery set that
  // every consumer shares (with an atomic OR: consumers run at once); returns the producer, or -1
  // (invented, noted in `found`, the consumer's own). No order or repeat check: a redelivery
  // comes back out of order by nature, and may come more than once.
  int record_redelivery(std::uint64_t item, ConsumerFindings& found) const {
    const int p = queue_item::producer_of(item);
    const std::uint64_t seq = queue_item::sequence_of(item);
    if (p < 0 || p >= layout.producers || seq >= layout.item_budget) {
      found.note(found.invented, item, "invented (no producer made it)");
      return -1;
    }
    std::atomic_ref<std::uint64_t>(bitmap(layout.redelivery_set(), p)[seq >> 6])
        .fetch_or(1ULL << (seq & 63), std::memory_order_relaxed);
    return p;
  }
};

// Merges every consumer's bitmaps per producer: an item in two of them was delivered twice;
// one of the first next_sequence items in none was lost; one at or beyond it was invented. The
// redelivery set counts as delivered, never as twice (its items are counted apart, in a note).
// Writes the verdict (and the stress checks' tallies) into the control block when anything is
// wrong. `drained`: the items left in the queue after the run, already recorded.
void check_deliveries(const QueueBook& book, std::uint64_t drained, bool keeps_producer_order, RunControl& control);

}  // namespace contend
