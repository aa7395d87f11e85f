#pragma once
// anderson — Anderson's array lock: a ring of kSlots flags, one per cache line, inside the lock
// object; each waiter spins on its own slot and the holder hands over by setting the next one.
//
// Contract: unlock() only by the owner, from the thread that locked. At most kSlots (512, the
// suite's maximum worker count) threads may hold or wait for the lock at once: one more, and two
// waiters share a slot and may both enter — mutual exclusion is broken, not merely slowed. The
// holder's slot index lives in a thread_local, so a thread may hold at most ONE anderson lock at
// a time. Relocking from the owner is undefined. Never sleeps in the kernel; strict FIFO makes it
// collapse when workers outnumber cores (a preempted next-in-line stalls everyone behind it).
// The object is 513 cache lines (32.8 KiB).
// Fairness: FIFO — slots are handed over in the order lock() took them.
// Process-shared: yes — the slots are inside the object and indexed, never pointed to, so it is
// position independent; the thread_local slot index is private to each process after fork(),
// which is what the holder needs.
// Memory ordering: unlock() sets the next slot's flag with release and its waiter reads it with
// acquire, so everything before unlock() happens-before everything after the next lock().
//
// Algorithm:
//  1. lock(): take a slot index with fetch_add on `next` (modulo kSlots).
//  2. Spin reading that slot's flag (with `pause`) until it is set; then clear it for the waiter
//     that will get this slot kSlots acquisitions later, and remember the index.
//  3. unlock(): set the flag of the slot after ours.
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "primitives/cache_line.hpp"
#include "primitives/cpu_relax.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class AndersonLock {
 public:
  static constexpr std::string_view kName = "anderson";
  static constexpr std::string_view kDescription =
      "Anderson array lock: FIFO, 512 padded slots, each waiter spins on its own";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;
  static constexpr bool kFifo = true;
  static constexpr std::uint32_t kSlots = 512;

  AndersonLock() {
    slots_[0].has_lock.store(true, std::memory_order_relaxed);
    // Here, not at namespace scope, because offsetof needs access to the private members.
    static_assert(offsetof(AndersonLock, slots_) == kCacheLineSize, "next must not share the first slot's line");
  }

  void lock() {
    // Relaxed: the index only fixes our place in line; the acquire is the read of our slot.
    // Unsigned wrap-around keeps the ring order because kSlots divides 2^32.
    const std::uint32_t slot = next_.fetch_add(1, std::memory_order_relaxed) % kSlots;
    while (!slots_[slot].has_lock.load(std::memory_order_acquire)) cpu_relax();
    // Relaxed: the next waiter on this slot can only be told to go by a release that comes after
    // our own unlock(), so this store is ordered before it.
    slots_[slot].has_lock.store(false, std::memory_order_relaxed);
    holder_slot_ = slot;
  }

  void unlock() { slots_[(holder_slot_ + 1) % kSlots].has_lock.store(true, std::memory_order_release); }

 private:
  // Own line per slot: each waiter spins on its slot, and a hand-off must invalidate only the
  // next waiter's copy. Unpadded, one unlock would disturb up to 63 other spinners.
  struct alignas(kCacheLineSize) Slot {
    std::atomic<bool> has_lock{false};
  };
  static_assert(sizeof(Slot) == kCacheLineSize);
  static_assert((std::uint64_t{1} << 32) % kSlots == 0, "slot indexes must survive the counter wrapping");

  static inline thread_local std::uint32_t holder_slot_ = 0;

  // Own line: every lock() writes it, and it must not disturb the slot spinners.
  alignas(kCacheLineSize) std::atomic<std::uint32_t> next_{0};
  Slot slots_[kSlots];
};

static_assert(sizeof(AndersonLock) == (AndersonLock::kSlots + 1) * kCacheLineSize);
static_assert(std::atomic<bool>::is_always_lock_free, "process sharing needs lock-free words");

}  // namespace contend
