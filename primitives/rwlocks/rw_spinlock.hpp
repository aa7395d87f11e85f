#pragma once
// rw-spinlock — our writer-preferring reader-writer spinlock on one 32-bit word: a writer bit,
// a writer-waiting bit and a reader count.
//
// Contract: unlock() only by the writer, unlock_shared() only by a reader; relocking from a
// holder (in either mode) spins forever. More than 2^30 - 1 concurrent readers is undefined.
// Never sleeps in the kernel: waiters spin with `pause` and exponential backoff, so with more
// workers than cores a preempted holder makes everyone else burn their time slice.
// Fairness: writer-preferring, and not FIFO. Once a writer waits, new readers back off until a
// writer has had the lock, so readers cannot starve writers — but a steady stream of writers
// starves readers, and writers among themselves (and readers among themselves) race with no
// order, so any one of them can in principle wait forever. One bit cannot count writers: a writer
// that takes the lock clears it, and a second waiting writer only sets it again when it next
// looks, so readers can slip in ahead of that writer. Conversely a waiting writer that is
// preempted keeps readers out until it runs again.
// Process-shared: yes — one atomic word, no pointers, no kernel object.
// Memory ordering: unlock() and unlock_shared() are release RMWs and every successful lock()
// and lock_shared() is an acquire RMW; every write to the word is an RMW, so an acquirer reads
// from the release sequence of every earlier unlock: a writer's critical section
// happens-before every later reader's and writer's, and a reader's happens-before every later
// writer's.
//
// Algorithm:
//  1. lock_shared(): add a reader (fetch_add). If a writer held or waited at that moment, take
//     the reader back out and spin reading until both writer bits are clear, then retry.
//  2. lock(): if no writer holds and no reader is counted, CAS the word to "writer holds" (this
//     clears the waiting bit; any other waiting writer sets it again on its next look).
//     Otherwise set the waiting bit, so that new readers back off, and spin until it can.
//  3. unlock() subtracts the writer bit; unlock_shared() subtracts a reader.
//
// Layout: the object takes a whole cache line. Every reader and writer writes the word, so any
// data that shared its line would be invalidated on every lock operation.
#include <atomic>
#include <cstdint>

#include "primitives/cache_line.hpp"
#include "primitives/cpu_relax.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class alignas(kCacheLineSize) RwSpinLock {
 public:
  static constexpr std::string_view kName = "rw-spinlock";
  static constexpr std::string_view kDescription =
      "own rw spinlock, one word: writer + writer-waiting bits, reader count; writer-preferring";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;

  void lock_shared() {
    for (;;) {
      // Acquire: if we are in, this RMW reads from the last writer's unlock().
      const std::uint32_t seen = word_.fetch_add(kReader, std::memory_order_acquire);
      if ((seen & kWriterBits) == 0) return;
      // Relaxed: we were never inside, so there is nothing to publish.
      word_.fetch_sub(kReader, std::memory_order_relaxed);
      Backoff backoff;
      // Relaxed: only waits for a chance; the fetch_add above is the acquire.
      while ((word_.load(std::memory_order_relaxed) & kWriterBits) != 0) backoff.pause();
    }
  }

  bool try_lock_shared() {
    // Relaxed: this read only chooses the CAS's expected value; the CAS is the acquire.
    std::uint32_t v = word_.load(std::memory_order_relaxed);
    while ((v & kWriterBits) == 0) {
      if (word_.compare_exchange_weak(v, v + kReader, std::memory_order_acquire,
                                      std::memory_order_relaxed)) {
        return true;
      }
    }
    return false;
  }

  void unlock_shared() { word_.fetch_sub(kReader, std::memory_order_release); }

  void lock() {
    Backoff backoff;
    // Relaxed: this read only chooses the CAS's expected value; the CAS is the acquire.
    std::uint32_t v = word_.load(std::memory_order_relaxed);
    for (;;) {
      if ((v & ~kWriterWaiting) == 0) {
        if (word_.compare_exchange_weak(v, kWriter, std::memory_order_acquire,
                                        std::memory_order_relaxed)) {
          return;
        }
        continue;  // v was reloaded by the failed CAS
      }
      if ((v & kWriterWaiting) == 0) {
        // Relaxed: the bit only turns readers away; it publishes nothing.
        v = word_.fetch_or(kWriterWaiting, std::memory_order_relaxed) | kWriterWaiting;
        continue;
      }
      backoff.pause();
      v = word_.load(std::memory_order_relaxed);
    }
  }

  bool try_lock() {
    // Relaxed: this read only chooses the CAS's expected value; the CAS is the acquire.
    std::uint32_t v = word_.load(std::memory_order_relaxed);
    while ((v & ~kWriterWaiting) == 0) {
      if (word_.compare_exchange_weak(v, kWriter, std::memory_order_acquire,
                                      std::memory_order_relaxed)) {
        return true;
      }
    }
    return false;
  }

  void unlock() { word_.fetch_sub(kWriter, std::memory_order_release); }

 private:
  static constexpr std::uint32_t kWriter = 1;         // a writer holds the lock
  static constexpr std::uint32_t kWriterWaiting = 2;  // a writer waits: new readers back off
  static constexpr std::uint32_t kWriterBits = kWriter | kWriterWaiting;
  static constexpr std::uint32_t kReader = 4;  // the reader count sits above the two bits

  // Bounded exponential backoff with `pause`, as in ttas-backoff, so spinners spread out.
  class Backoff {
   public:
    void pause() {
      for (std::uint32_t i = 0; i < spins_; ++i) cpu_relax();
      if (spins_ < kMaxSpins) spins_ *= 2;
    }

   private:
    static constexpr std::uint32_t kMaxSpins = 1024;
    std::uint32_t spins_ = 4;
  };

  std::atomic<std::uint32_t> word_{0};
};

static_assert(sizeof(RwSpinLock) == kCacheLineSize, "one line: see Layout");
static_assert(std::atomic<std::uint32_t>::is_always_lock_free, "process sharing needs a lock-free word");

}  // namespace contend
