#pragma once
// spsc-ring — our bounded single-producer single-consumer ring (Lamport's queue, with each side
// caching the other's index as in folly's ProducerConsumerQueue and rigtorp's SPSCQueue).
//
// The producer owns the tail (the next position to write) and the consumer the head (the next
// position to read); both run freely over 64-bit positions and pick a slot with pos & mask, so
// tail - head is the number of items and the ring holds exactly `capacity` of them.
//  1. try_push: if tail - (cached head) == capacity, reload the head; if still full, fail.
//  2. Write the item into slot tail & mask, then publish it by storing tail + 1.
//  3. try_pop: if head == (cached tail), reload the tail; if still equal, empty: fail.
//  4. Read the item from slot head & mask, then hand the slot back by storing head + 1.
// Each side reads the other's index only when its cached copy says full (or empty), so in a
// steady stream a side touches the other's line about once per lap, not once per item.
//
// Contract: the Queue contract for exactly one producer thread or process and one consumer
// (single_producer_single_consumer<SpscRing>()); a second producer or consumer is a data race,
// undefined. Capacity exact, a power of two.
// Fairness: nothing to share: one producer, one consumer. FIFO.
// Process-shared: yes. It keeps no pointer: the items follow the object in the same allocation
// (footprint()), found from `this`, and it uses atomics only, no futex or kernel object.
// Memory ordering: the producer's store of the tail is release and the consumer's load of it
// acquire, so the item written before is read after, and everything the producer did before
// try_push(x) happens-before everything the consumer does after the try_pop that returns x. The
// consumer's store of the head is release and the producer's load of it acquire, so the consumer
// has read a slot before the producer overwrites it one lap later. Each side loads its own index
// relaxed: only it writes that index.
// Layout: three lines, then the items: the read-only mask; the producer's line (its tail and its
// cached head); the consumer's line (its head and its cached tail). A side's cache sits beside
// its own index because only that side touches either; separating the two sides is what keeps a
// push from invalidating the consumer's line. The items' bytes are rounded up to whole lines, so
// the last items share no line with whatever follows the ring in a mapping.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <stdexcept>

#include "primitives/cache_line.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class alignas(kCacheLineSize) SpscRing {
 public:
  static constexpr std::string_view kName = "spsc-ring";
  static constexpr std::string_view kDescription =
      "own bounded single-producer single-consumer ring with cached indices; position-independent";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;
  static constexpr bool kSingleProducerSingleConsumer = true;

  static constexpr std::size_t footprint(std::uint32_t capacity) {
    const std::size_t item_bytes = sizeof(std::uint64_t) * capacity;
    return sizeof(SpscRing) + (item_bytes + kCacheLineSize - 1) / kCacheLineSize * kCacheLineSize;
  }

  // Must be constructed in footprint(capacity) bytes: the items follow the object.
  explicit SpscRing(std::uint32_t capacity) : mask_(capacity - 1) {
    if (capacity == 0 || (capacity & (capacity - 1)) != 0) {
      throw std::invalid_argument("spsc-ring: capacity must be a power of two");
    }
    for (std::uint32_t i = 0; i < capacity; ++i) new (&items()[i]) std::uint64_t{0};
    // Here rather than after the class: the members are private.
    static_assert(offsetof(SpscRing, tail_) == kCacheLineSize && offsetof(SpscRing, head_) == 2 * kCacheLineSize,
                  "the producer's and the consumer's indices on lines of their own");
  }
  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  // Producer only.
  bool try_push(std::uint64_t item) {
    const std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - cached_head_ > mask_) {
      // Full as far as we knew: see how far the consumer has got (acquire: it has finished
      // reading the slots it handed back).
      cached_head_ = head_.load(std::memory_order_acquire);
      if (tail - cached_head_ > mask_) return false;
    }
    items()[tail & mask_] = item;
    tail_.store(tail + 1, std::memory_order_release);  // publish the item
    return true;
  }

  // Consumer only.
  bool try_pop(std::uint64_t& out) {
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    if (head == cached_tail_) {
      // Empty as far as we knew: see how far the producer has got (acquire: its items are written).
      cached_tail_ = tail_.load(std::memory_order_acquire);
      if (head == cached_tail_) return false;
    }
    out = items()[head & mask_];
    head_.store(head + 1, std::memory_order_release);  // hand the slot back
    return true;
  }

 private:
  std::uint64_t* items() { return std::launder(reinterpret_cast<std::uint64_t*>(this + 1)); }

  const std::uint64_t mask_;  // capacity - 1
  // The producer's line.
  alignas(kCacheLineSize) std::atomic<std::uint64_t> tail_{0};
  std::uint64_t cached_head_ = 0;
  // The consumer's line.
  alignas(kCacheLineSize) std::atomic<std::uint64_t> head_{0};
  std::uint64_t cached_tail_ = 0;
};

static_assert(sizeof(SpscRing) == 3 * kCacheLineSize, "mask, producer and consumer on a line each");

}  // namespace contend
