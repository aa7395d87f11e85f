#pragma once
// ticket — ticket spinlock: take a number, wait until it is served.
//
// Contract: unlock() only by the owner; relocking from the owner spins forever. Never sleeps in
// the kernel. Strict FIFO makes it collapse when workers outnumber cores: if the next ticket's
// owner is preempted, every other waiter spins until the scheduler runs it again.
// Correct while fewer than 2^32 threads wait at once (the counters wrap).
// Fairness: FIFO — tickets are served in the order lock() took them; no waiter is overtaken.
// Process-shared: yes — two atomic words, no pointers, no kernel object.
// Memory ordering: unlock() stores `serving` with release and lock() waits for it with acquire
// (try_lock() reads it with acquire before claiming), so everything before unlock()
// happens-before everything after the next lock().
//
// Algorithm:
//  1. lock(): take a ticket with fetch_add on `next`.
//  2. Spin reading `serving` (with `pause`) until it equals the ticket.
//  3. unlock(): advance `serving` by one; only the holder writes it, so a load and a store do.
//  4. try_lock(): only when free (next == serving), claim the ticket with a CAS of next from
//     serving to serving + 1, so a try never queues behind anyone.
//
// Layout: `next` and `serving` sit on separate cache lines. Kept together (the classic layout),
// every arriving locker's fetch_add on `next` invalidates the line that all waiters are
// spinning on, and the holder's unlock store has to win that line back from the arrivals. Apart,
// the spinners' line changes only when `serving` does, once per hand-off. The price is paid
// once per lock(): two lines to fetch instead of one, an extra miss when another core held the
// lock last. We pick less hand-off traffic, the cost that grows with the number of waiters.
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "primitives/cache_line.hpp"
#include "primitives/cpu_relax.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class TicketLock {
 public:
  static constexpr std::string_view kName = "ticket";
  static constexpr std::string_view kDescription = "ticket spinlock: FIFO, next and serving on separate lines";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;
  static constexpr bool kFifo = true;

  TicketLock() {
    // Here, not at namespace scope, because offsetof needs access to the private members.
    static_assert(offsetof(TicketLock, serving_) - offsetof(TicketLock, next_) == kCacheLineSize,
                  "next and serving must be on separate lines");
  }

  void lock() {
    // Relaxed: the ticket only fixes our place in line; the acquire is the read of `serving`.
    const std::uint32_t ticket = next_.fetch_add(1, std::memory_order_relaxed);
    while (serving_.load(std::memory_order_acquire) != ticket) cpu_relax();
  }

  bool try_lock() {
    const std::uint32_t serving = serving_.load(std::memory_order_acquire);
    std::uint32_t expected = serving;
    // Relaxed: the acquire that orders us after the last unlock() is the load of `serving` above;
    // the CAS only checks that nobody holds or waits for the lock (next == serving) and claims it.
    return next_.compare_exchange_strong(expected, serving + 1, std::memory_order_relaxed,
                                         std::memory_order_relaxed);
  }

  void unlock() {
    // Relaxed load: only the holder writes `serving`, and it read this value itself in lock().
    serving_.store(serving_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }

 private:
  // Its own line for each counter: see "Layout" above for who pays and why.
  alignas(kCacheLineSize) std::atomic<std::uint32_t> next_{0};
  alignas(kCacheLineSize) std::atomic<std::uint32_t> serving_{0};
};

static_assert(sizeof(TicketLock) == 2 * kCacheLineSize);
static_assert(std::atomic<std::uint32_t>::is_always_lock_free, "process sharing needs lock-free words");

}  // namespace contend
