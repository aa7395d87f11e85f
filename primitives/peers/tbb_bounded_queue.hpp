#pragma once
// tbb-bounded — oneTBB's tbb::concurrent_bounded_queue<std::uint64_t> (Debian's libtbb-dev,
// oneTBB 2021.8) with set_capacity(capacity): try_push/try_pop, and push/pop that sleep.
//
// The design: 1. an operation takes a ticket from the queue's tail counter (push) or head counter
// (pop): try_push and try_pop with a CAS once the other counter says there is room or an item,
// push and pop with an increment that cannot fail; 2. ticket k goes to micro-queue k % 8, each a
// list of 32-item pages; 3. in a micro-queue, tickets are served in order: an operation waits
// (spinning) for the one before it in the same micro-queue to finish. push and pop whose ticket
// is beyond the other counter sleep in a concurrent_monitor (libtbb's futex-backed wait list)
// until an operation of the other kind wakes them.
//
// Contract: the Queue and BlockingQueue contracts; capacity exact: `capacity` items fit and the
// next try_push fails (it compares tickets, tail - head >= capacity).
// Fairness: push and pop take tickets in the order they reach the counter, and a micro-queue
// serves its tickets in order, so waiting operations are not overtaken by later ones. oneTBB
// documents only that items one thread pushed are popped in that order; the tickets make it FIFO
// among pushes that completed.
// Process-shared: no. Pages are allocated on the heap and the waits use libtbb's monitors.
// Memory ordering: a micro-queue publishes an item with a release store of its tail after
// constructing it, and the consumer loads that tail with acquire before reading the item, so
// everything a producer did before try_push (or push) happens-before everything the consumer
// does after the try_pop (or pop) that returns it.
// Progress: not lock-free. A try_pop whose ticket's item is not stored yet spins until it is; a
// preempted producer stalls it.
// Allocation: a push that starts a page allocates it (one 32-item page per micro-queue at a
// time) and a pop that empties one frees it, through tbb::cache_aligned_allocator: try_push may
// allocate. That allocator draws on libtbbmalloc, whose reuse of a freed page ThreadSanitizer
// cannot see, so TSan reports the reuse as a race (tests/peer_queues_gtest.cpp).
// Cost: one RMW on a shared counter, then the micro-queue's turn (spin) and, for push and pop,
// a call into libtbb to wake sleepers of the other kind (cheap when there are none).
#include <oneapi/tbb/concurrent_queue.h>

#include <cstdint>

#include "primitives/primitive.hpp"

namespace contend {

class TbbBoundedQueue {
 public:
  static constexpr std::string_view kName = "tbb-bounded";
  static constexpr std::string_view kDescription =
      "oneTBB concurrent_bounded_queue: tickets over 8 micro-queues, push/pop sleep in libtbb monitors";
  static constexpr Origin kOrigin = Origin::peer;
  static constexpr bool kProcessShared = false;
  static constexpr QueueCapacity kCapacity = QueueCapacity::exact;

  explicit TbbBoundedQueue(std::uint32_t capacity) { queue_.set_capacity(capacity); }
  TbbBoundedQueue(const TbbBoundedQueue&) = delete;
  TbbBoundedQueue& operator=(const TbbBoundedQueue&) = delete;

  bool try_push(std::uint64_t item) { return queue_.try_push(item); }
  bool try_pop(std::uint64_t& out) { return queue_.try_pop(out); }

  void push(std::uint64_t item) { queue_.push(item); }

  std::uint64_t pop() {
    std::uint64_t item = 0;
    queue_.pop(item);
    return item;
  }

 private:
  tbb::concurrent_bounded_queue<std::uint64_t> queue_;
};

}  // namespace contend
