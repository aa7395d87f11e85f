#pragma once
// atomic-queue, optimist-atomic-queue — Maxim Egorushkin's atomic_queue::AtomicQueueB (Debian's
// libatomic-queue-dev, upstream snapshot 2022-05-18), the variant whose capacity is set at run
// time, for atomic items with 0 as the empty marker (the Queue contract never pushes 0).
//
// The design: a ring of atomic 64-bit cells, each 0 when empty, and two counters. try_push takes
// a position from the head counter with a CAS once head - tail < size, then stores the item into
// the cell (a CAS from 0, waiting while the cell still holds the item of the previous lap);
// try_pop takes a position from the tail counter with a CAS once head - tail > 0, then swaps the
// cell back to 0 (waiting while its producer has not stored yet). Consecutive positions are
// spread over different cache lines (index shuffle), so neighbouring operations do not false-share.
//
// optimist-atomic-queue is what the library's README calls OptimistAtomicQueue: not a class in
// this version but the same AtomicQueueB used through push() and pop(), which take a position
// with one fetch_add, without first checking for room or an item, and then busy-wait on the cell.
// So it is a BlockingQueue whose waits spin and never sleep: a consumer of an empty queue (or a
// producer of a full one) keeps its core busy until it can finish. Its try_push and try_pop are
// the library's, and may be mixed with push and pop (the library allows tail to run ahead of
// head).
//
// Contract: the Queue contract (and BlockingQueue for optimist-atomic-queue) but for per-producer
// order, see Order. Capacity at least:
// the library rounds the capacity up to a power of two and to at least 64 cells (its index
// shuffle needs 8 x 8 cells), so capacity 2 holds 64 items and every power of two from 64 up
// holds exactly `capacity` items.
// Fairness: none promised; producers (and consumers) race for the counters with a CAS, a loser
// retries at once. push() and pop() take positions with fetch_add, in arrival order at the
// counter.
// Order: NOT FIFO per producer when a thread is stopped (preempted, or in a signal handler)
// between taking its position and finishing on its cell. Cells carry no lap number, only "empty"
// or an item, so a thread one lap (`capacity` positions) ahead that lands on the same cell can
// take the item (or the free cell) meant for the stopped one. Every item is still delivered
// exactly once, but one producer's items can reach a consumer out of order, and a stopped
// consumer can go on spinning while others take each item that lands in its cell. The Vyukov
// ring's per-cell sequence numbers exist to prevent exactly this. Measured with the contract's
// exchange (2 producers, 2 consumers, capacity 64, 2 cores, 30 runs): try_push/try_pop out of
// producer order in 1 run, push()/pop() in 27 — with fetch_add, consumers waiting on an empty
// queue hold positions and laps overlap easily; tests/peer_queues_gtest.cpp makes it happen on
// purpose. kKeepsProducerOrder says so for the contract (see tests/peer_queues_gtest.cpp).
// Process-shared: no. The cells are on the heap (the queue holds a pointer to them).
// Memory ordering: a producer stores the item into its cell with a release CAS. In this version
// the consumer's swap of the cell back to 0 is a release exchange, not an acquire one, so by the
// C++ rules it does not synchronize with the producer (upstream later made it acquire). The
// adapter adds an acquire fence after every successful pop: a fence after an atomic read of the
// value a release store wrote synchronizes with that store ([atomics.fences]). So everything a
// producer did before try_push happens-before everything the consumer does after the try_pop
// that returns the item. On x86-64 the exchange is a locked instruction and the fence emits no
// code, so this costs nothing there. ThreadSanitizer does not model fences, so under TSan the
// adapter also tells it (__tsan_release on the queue before each push, __tsan_acquire after each
// pop). That is coarser than the truth — to TSan a pop then follows every earlier push, not only
// the one of its item — so TSan could miss a consumer reading what belongs to another item; it
// no longer reports the happens-before the fence does give (the workload's latency stamps).
// Progress: not lock-free per operation. A try_pop that won its position spins until an item
// lands in its cell (normally from the producer that took the same position) and it wins it, and
// a try_push spins while the consumer one lap behind has not emptied its cell; a preempted peer
// stalls them (the Vyukov ring, by contrast, fails and lets the caller decide).
// Cost: one CAS on a shared counter and one atomic RMW on the cell per operation; push/pop use
// fetch_add, which cannot fail, instead of the CAS loop.
#include <atomic_queue/atomic_queue.h>

#include <atomic>
#include <cstdint>

#include "primitives/primitive.hpp"
#include "primitives/sanitizers.hpp"

#if defined(CONTEND_THREAD_SANITIZER)
#include <sanitizer/tsan_interface.h>
#endif

namespace contend {

namespace atomic_queue_detail {

// The items are 64-bit atomics; 0 (the default) marks an empty cell.
using Ring = atomic_queue::AtomicQueueB<std::uint64_t>;

// See "Memory ordering" above: turns the library's release exchange into an acquire, and tells
// ThreadSanitizer, which does not model the fence, about it.
inline void acquire_popped_item([[maybe_unused]] void* queue) {
#if defined(__SANITIZE_THREAD__) && !defined(__clang__)
// GCC warns that TSan ignores fences (-Wtsan); the annotation below is what TSan goes by.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wtsan"
#endif
  std::atomic_thread_fence(std::memory_order_acquire);
#if defined(__SANITIZE_THREAD__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#if defined(CONTEND_THREAD_SANITIZER)
  __tsan_acquire(queue);
#endif
}

// Before the item can be seen, so that what the producer did so far is released to TSan's view
// of the queue.
inline void release_before_push([[maybe_unused]] void* queue) {
#if defined(CONTEND_THREAD_SANITIZER)
  __tsan_release(queue);
#endif
}

}  // namespace atomic_queue_detail

class AtomicQueueAdapter {
 public:
  static constexpr std::string_view kName = "atomic-queue";
  static constexpr std::string_view kDescription =
      "atomic_queue::AtomicQueueB, a ring of atomic cells with 0 as empty, try_push/try_pop";
  static constexpr Origin kOrigin = Origin::peer;
  static constexpr bool kProcessShared = false;
  static constexpr QueueCapacity kCapacity = QueueCapacity::at_least;
  static constexpr bool kKeepsProducerOrder = false;  // see Order above

  explicit AtomicQueueAdapter(std::uint32_t capacity) : queue_(capacity) {}
  AtomicQueueAdapter(const AtomicQueueAdapter&) = delete;
  AtomicQueueAdapter& operator=(const AtomicQueueAdapter&) = delete;

  bool try_push(std::uint64_t item) {
    atomic_queue_detail::release_before_push(this);
    return queue_.try_push(item);
  }

  bool try_pop(std::uint64_t& out) {
    if (!queue_.try_pop(out)) return false;
    atomic_queue_detail::acquire_popped_item(this);
    return true;
  }

  // The cells the library allocated: capacity rounded up as the header says.
  unsigned cells() const { return queue_.capacity(); }

 protected:
  atomic_queue_detail::Ring queue_;
};

// The same queue used through the library's own push/pop, which claim a position with
// fetch_add and then busy-wait on its cell; its try-operations are the base's.
class OptimistAtomicQueueAdapter : public AtomicQueueAdapter {
 public:
  static constexpr std::string_view kName = "optimist-atomic-queue";
  static constexpr std::string_view kDescription =
      "atomic_queue::AtomicQueueB through push/pop: fetch_add a position, then busy-wait on the cell";

  using AtomicQueueAdapter::AtomicQueueAdapter;

  // Spins, never sleeps (see the header comment).
  void push(std::uint64_t item) {
    atomic_queue_detail::release_before_push(this);
    queue_.push(item);
  }

  std::uint64_t pop() {
    const std::uint64_t item = queue_.pop();
    atomic_queue_detail::acquire_popped_item(this);
    return item;
  }
};

}  // namespace contend
