#pragma once
// boost-lockfree — boost::lockfree::queue<std::uint64_t> (Boost 1.74, libboost-dev, header-only):
// the Michael-Scott linked-list queue with tagged pointers, its nodes taken from a free list
// that the constructor fills with capacity + 1 nodes (one is the list's dummy head). try_push is
// bounded_push, which takes a node from the free list only and fails when it is empty, so the
// queue never allocates after construction.
//
// The design: 1. a producer takes a node from the free list and writes the item into it; 2. it
// links the node after the last one with a CAS on that node's `next`, then swings the tail
// pointer (any thread that finds the tail lagging swings it too); 3. a consumer reads the item
// from the node after the dummy head and swings the head pointer to that node with a CAS, which
// makes it the new dummy; 4. the old dummy goes back to the free list. Pointers carry a 16-bit
// tag in their unused top bits, bumped on every reuse, so a CAS cannot succeed on a node that was
// freed and reused in between (ABA).
//
// Contract: the Queue contract; capacity exact: `capacity` items fit and the next try_push fails
// (measured: every power of two from 2 to 65536). A consumer between its head CAS and step 4
// holds a node, so for that moment a producer can find the free list empty one item early — the
// same window as a ring's cell that a consumer has taken but not yet freed.
// Fairness: none promised; producers (and consumers) race with CASes and a loser retries.
// Items come out in the order they were linked: the queue is linearizable.
// Process-shared: no. The nodes are on the heap and linked by pointers.
// Memory ordering: the item is written into the node before the CAS that links it (sequentially
// consistent), and the consumer loads `next` with acquire before reading the item, so everything
// a producer did before try_push happens-before everything the consumer does after the try_pop
// that returns the item. Boost documents push and pop as thread-safe and lock-free where the
// platform has the CAS it needs; on x86-64 a pointer and its tag fit in 64 bits, and the queue's
// is_lock_free() returns true (measured; the adapter does not call it, because with clang it
// needs libatomic).
// Cost: two CASes per push and one per pop, each node on a cache line of its own (64 bytes per
// item of capacity), and the free list's CAS on top: pushes and pops both touch its head.
//
// A consumer copies the item out of the node before its CAS decides whether the node was really
// its to take; a losing consumer may have read a node that a producer was refilling. The copy is
// discarded, so nothing wrong is returned, but it is a data race by the C++ rules. Likewise the
// free list keeps its own link in a free node's memory with plain reads and writes. So
// ThreadSanitizer reports races inside boost/lockfree (tests/peer_queues_gtest.cpp says how the
// tests treat them).
#include <boost/lockfree/queue.hpp>

#include <cstdint>

#include "primitives/primitive.hpp"

namespace contend {

class BoostLockfreeQueue {
 public:
  static constexpr std::string_view kName = "boost-lockfree";
  static constexpr std::string_view kDescription =
      "boost::lockfree::queue, Michael-Scott list with tagged pointers, preallocated nodes, bounded_push";
  static constexpr Origin kOrigin = Origin::peer;
  static constexpr bool kProcessShared = false;
  static constexpr QueueCapacity kCapacity = QueueCapacity::exact;

  explicit BoostLockfreeQueue(std::uint32_t capacity) : queue_(capacity) {}
  BoostLockfreeQueue(const BoostLockfreeQueue&) = delete;
  BoostLockfreeQueue& operator=(const BoostLockfreeQueue&) = delete;

  bool try_push(std::uint64_t item) { return queue_.bounded_push(item); }
  bool try_pop(std::uint64_t& out) { return queue_.pop(out); }

 private:
  boost::lockfree::queue<std::uint64_t> queue_;
};

}  // namespace contend
