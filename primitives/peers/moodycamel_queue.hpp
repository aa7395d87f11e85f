#pragma once
// moodycamel, moodycamel-blocking — Cameron Desrochers' moodycamel::ConcurrentQueue (Debian's
// libconcurrentqueue-dev) and its BlockingConcurrentQueue, bounded by allocating every block up
// front and enqueueing only with try_enqueue, which never takes a new block from the heap.
//
// The design: one sub-queue per producer thread (an "implicit producer", found by thread id, so
// no token is needed), each a chain of 32-item blocks taken from a pool shared by the whole queue.
// A consumer picks the fullest-looking sub-queue and takes the next item of that one.
//
// Contract: the Queue contract, with these limits:
//   - Order: not linearizable. Items of one producer come out in the order it pushed them (to
//     each consumer); items of different producers come out in any order, even when the
//     producers ordered their pushes among themselves (the library's README, "Reasons not to
//     use"). try_pop may fail while another producer's sub-queue has an item it did not look at
//     ("the queue is likely but not guaranteed to be empty", concurrentqueue.h).
//   - Capacity: at least `capacity` items while at most kProvisionedProducers distinct threads
//     have pushed to the queue, maybe many more; see "Capacity" below. A capacity above
//     kMaxCapacity throws std::invalid_argument.
//   - moodycamel-blocking adds push() and pop() (BlockingQueue). pop() is the library's
//     wait_dequeue: it spins briefly on a semaphore, then sleeps on it. push() cannot sleep: the
//     library has no way to wait for room (its enqueue() never waits, it allocates a block, which
//     would break the bound), so a push into a full queue retries try_enqueue and calls
//     sched_yield() between tries. On an otherwise idle core that returns at once, so a producer
//     waiting for room burns its core; the CPU-time view of a run shows it.
// Fairness: none promised. Consumers pick sub-queues by a size heuristic, so one producer's
// items can wait while another's are taken.
// Process-shared: no. Blocks, sub-queues and the semaphore are on the heap, and sub-queues are
// keyed by thread id.
// Memory ordering: a producer constructs the item, then publishes its sub-queue's tail index with
// a release store; the consumer loads it with acquire before reading the item, so everything the
// producer did before try_push happens-before everything the consumer does after the try_pop
// that returns the item.
// Allocation: try_push does not allocate, except once per producer thread (its sub-queue and its
// block index, about 100 KiB, and a larger producer table past 16 producers); a pop never does.
// Cost: a producer's push touches only its own sub-queue (no shared counter), which is why it
// scales with producers; a consumer scans the sub-queues per pop, until it has seen three that
// are not empty.
//
// Capacity. Blocks are not shared: a block belongs to one sub-queue until all 32 of its items
// are popped, and a producer starts a new block when its last one is full. So the pool runs dry
// with fewer items in the queue than blocks hold: each producer can pin a block whose head was
// partly popped and one whose tail is partly filled. With one producer and exactly
// capacity / 32 blocks (the one-argument constructor, ConcurrentQueue(capacity)), "push 32,
// pop 1, push" fails with 31 items in a queue of capacity 32 (measured). The queue is therefore
// built with the library's own formula for "at least minCapacity items with this many
// producers" (the three-argument constructor): ceil(capacity / 32) - 1 +
// 2 * kProvisionedProducers blocks. It holds at least `capacity` items whatever the pattern of
// pushes and pops, as long as no more than kProvisionedProducers threads have pushed to it
// (sub-queues live as long as the queue); each further producer may lower that by up to 64. It
// also holds up to 32 x that many blocks when one producer fills it: about capacity + 500 items,
// so a small queue is rarely full (capacity 2 takes 16 blocks, 512 items).
// Each sub-queue also keeps a circular index of its blocks, and try_enqueue fails rather than
// grow it; with the default 32 entries a single producer is "full" at 1024 items whatever the
// pool holds (measured). Traits below give it 4096 entries, enough for a pool of
// kMaxCapacity / 32 + 2 * kProvisionedProducers blocks.
//
// No token-based variant: producer and consumer tokens are per (thread, queue), so the adapter
// would keep a thread_local token keyed by queue and rebuild it whenever a thread meets a new
// queue (each repetition makes one, possibly at the same address); a consumer token has no way
// to notice its queue was destroyed, and an explicit producer keeps its blocks for the queue's
// lifetime instead of returning them to the pool, which changes the capacity formula (each
// producer may hold a whole queue's worth). Not simple enough to be obviously correct.
#include <sched.h>

// The library orders memory with std::atomic_thread_fence in places, which ThreadSanitizer does
// not model, and GCC says so (-Wtsan) wherever the library's code is inlined into ours. What that
// means for TSan runs is in tests/peer_queues_gtest.cpp (its suppressions).
#if defined(__SANITIZE_THREAD__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wtsan"
#endif

#include <concurrentqueue/blockingconcurrentqueue.h>
#include <concurrentqueue/concurrentqueue.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "primitives/primitive.hpp"

namespace contend {

namespace moodycamel_detail {

// Producer threads for which the capacity is guaranteed (see Capacity above).
inline constexpr std::size_t kProvisionedProducers = 8;
// The largest capacity the block index below can serve.
inline constexpr std::uint32_t kMaxCapacity = 65536;

struct Traits : moodycamel::ConcurrentQueueDefaultTraits {
  // Entries in a sub-queue's block index: one per block that producer can hold, and with
  // try_enqueue the index never grows, so it must cover the whole pool. A power of two.
  static const std::size_t IMPLICIT_INITIAL_INDEX_SIZE = 4096;
};
static_assert(Traits::IMPLICIT_INITIAL_INDEX_SIZE >=
                  kMaxCapacity / Traits::BLOCK_SIZE + 2 * kProvisionedProducers,
              "a single producer may hold every block of the pool");

inline std::size_t checked_capacity(std::uint32_t capacity, std::string_view name) {
  if (capacity > kMaxCapacity) {
    throw std::invalid_argument(std::string(name) + ": capacity above " + std::to_string(kMaxCapacity) +
                                " is not supported (its block index would have to grow)");
  }
  return capacity < 1 ? 1 : capacity;
}

}  // namespace moodycamel_detail

class MoodycamelQueue {
 public:
  static constexpr std::string_view kName = "moodycamel";
  static constexpr std::string_view kDescription =
      "moodycamel::ConcurrentQueue, a sub-queue per producer, blocks allocated up front, try_enqueue";
  static constexpr Origin kOrigin = Origin::peer;
  static constexpr bool kProcessShared = false;
  static constexpr QueueCapacity kCapacity = QueueCapacity::at_least;

  explicit MoodycamelQueue(std::uint32_t capacity)
      : queue_(moodycamel_detail::checked_capacity(capacity, kName), 0, moodycamel_detail::kProvisionedProducers) {}
  MoodycamelQueue(const MoodycamelQueue&) = delete;
  MoodycamelQueue& operator=(const MoodycamelQueue&) = delete;

  bool try_push(std::uint64_t item) { return queue_.try_enqueue(item); }
  bool try_pop(std::uint64_t& out) { return queue_.try_dequeue(out); }

 private:
  moodycamel::ConcurrentQueue<std::uint64_t, moodycamel_detail::Traits> queue_;
};

class MoodycamelBlockingQueue {
 public:
  static constexpr std::string_view kName = "moodycamel-blocking";
  static constexpr std::string_view kDescription =
      "moodycamel::BlockingConcurrentQueue: pop sleeps on a semaphore, push into a full queue yields";
  static constexpr Origin kOrigin = Origin::peer;
  static constexpr bool kProcessShared = false;
  static constexpr QueueCapacity kCapacity = QueueCapacity::at_least;

  explicit MoodycamelBlockingQueue(std::uint32_t capacity)
      : queue_(moodycamel_detail::checked_capacity(capacity, kName), 0, moodycamel_detail::kProvisionedProducers) {}
  MoodycamelBlockingQueue(const MoodycamelBlockingQueue&) = delete;
  MoodycamelBlockingQueue& operator=(const MoodycamelBlockingQueue&) = delete;

  bool try_push(std::uint64_t item) { return queue_.try_enqueue(item); }
  bool try_pop(std::uint64_t& out) { return queue_.try_dequeue(out); }

  // No wait for room exists in the library (see the header comment): retry, yielding the core.
  void push(std::uint64_t item) {
    while (!queue_.try_enqueue(item)) sched_yield();
  }

  std::uint64_t pop() {
    std::uint64_t item = 0;
    queue_.wait_dequeue(item);
    return item;
  }

 private:
  moodycamel::BlockingConcurrentQueue<std::uint64_t, moodycamel_detail::Traits> queue_;
};

}  // namespace contend

#if defined(__SANITIZE_THREAD__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
