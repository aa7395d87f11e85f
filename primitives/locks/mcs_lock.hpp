#pragma once
// mcs — Mellor-Crummey and Scott queue lock: waiters form a linked queue and each spins on a
// flag in its own queue node, so a hand-off touches only the next waiter's cache line.
//
// Contract: unlock() only by the owner, from the thread that locked. lock()/unlock() take no
// node argument, so each thread uses one thread_local queue node: a thread may hold (or wait
// for) at most ONE mcs lock at a time — holding two at once corrupts both queues. Relocking
// from the owner is undefined. Never sleeps in the kernel; strict FIFO makes it collapse when
// workers outnumber cores (a preempted next-in-line stalls everyone behind it).
// Fairness: FIFO — waiters are served in the order their exchange on `tail` took effect.
// Process-shared: NO — the queue links point at thread_local nodes in each process's private
// memory, which other processes cannot see (or see as a different object at the same address).
// Memory ordering: the hand-off store to the successor's flag is release and the waiter's read
// of it is acquire; an unlock() with no successor resets `tail` with a release CAS that the
// next lock()'s acq_rel exchange reads. Either way everything before unlock() happens-before
// everything after the next lock().
//
// Algorithm:
//  1. lock(): reset our node, then swap it into `tail`. A null predecessor means the lock was
//     free and is now ours.
//  2. Otherwise link behind the predecessor (pred->next = us) and spin on our own `locked` flag.
//  3. unlock(): if no successor has linked in, try to CAS `tail` from our node back to null;
//     success means nobody is waiting. Failure means a successor swapped itself in and is
//     about to link: wait for our `next` to be set.
//  4. Clear the successor's `locked` flag: it now holds the lock.
#include <atomic>

#include "primitives/cache_line.hpp"
#include "primitives/cpu_relax.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class McsLock {
 public:
  static constexpr std::string_view kName = "mcs";
  static constexpr std::string_view kDescription =
      "MCS queue lock: FIFO, each waiter spins on its own thread_local node";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = false;
  static constexpr bool kFifo = true;

  void lock() {
    Node& me = node_;
    // Relaxed: these stores are published by the release half of the exchange below.
    me.next.store(nullptr, std::memory_order_relaxed);
    me.locked.store(true, std::memory_order_relaxed);
    // acq_rel: acquire pairs with the release CAS of an unlock() that found no successor;
    // release publishes our reset node to the thread that will link behind us.
    Node* pred = tail_.exchange(&me, std::memory_order_acq_rel);
    if (pred == nullptr) return;
    // Release: the predecessor reads our node through this pointer.
    pred->next.store(&me, std::memory_order_release);
    while (me.locked.load(std::memory_order_acquire)) cpu_relax();
  }

  void unlock() {
    Node& me = node_;
    Node* succ = me.next.load(std::memory_order_acquire);
    if (succ == nullptr) {
      Node* expected = &me;
      // Release: the next lock() that finds tail null acquires through this CAS.
      if (tail_.compare_exchange_strong(expected, nullptr, std::memory_order_release,
                                        std::memory_order_relaxed)) {
        return;
      }
      // A successor has swapped itself into tail but not yet linked; it will shortly.
      while ((succ = me.next.load(std::memory_order_acquire)) == nullptr) cpu_relax();
    }
    succ->locked.store(false, std::memory_order_release);
  }

 private:
  // Own line per node: each waiter spins on its node's flag, and a shared line would let one
  // waiter's reset or link invalidate another's spin.
  // No member initializers (GCC rejects them on a nested class used inside the enclosing one):
  // the thread_local is zero-initialized, and lock() sets both fields before publishing the node.
  struct alignas(kCacheLineSize) Node {
    std::atomic<Node*> next;
    std::atomic<bool> locked;
  };
  static_assert(sizeof(Node) == kCacheLineSize);

  static inline thread_local Node node_;

  // Own line so the lock word does not share with whatever the caller places next to it; every
  // lock() and every uncontended unlock() writes it.
  alignas(kCacheLineSize) std::atomic<Node*> tail_{nullptr};
};

static_assert(sizeof(McsLock) == kCacheLineSize);

}  // namespace contend
