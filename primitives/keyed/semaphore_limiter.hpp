#pragma once
// keyed-sem — a keyed concurrency limiter built the way asyncio and discord.py build theirs: a
// semaphore of per_key permits per key, created on the key's first use and removed when nobody
// holds or waits for it (a reference count), found through one table under one mutex.
//
// The table lock is held only to find or create the key's semaphore and to count a reference;
// the wait itself is on the key's own semaphore (futex-sem), so a departure wakes a waiter of
// that key only — unlike keyed-map, whose departures wake everyone. The semaphores live in a
// fixed pool (an entry's semaphore never moves while someone sleeps on it); a key's table entry
// holds the pool index and the reference count.
//
// Contract, fairness (the semaphore's: none), process sharing and crashes: as keyed-map
// (primitives/keyed/striped_limiter.hpp); a dead holder keeps a permit and a reference, so its
// key is never removed.
#include <cstdint>
#include <mutex>

#include "primitives/keyed/key_table.hpp"
#include "primitives/keyed/striped_limiter.hpp"
#include "primitives/semaphores/futex_sem.hpp"

namespace contend {

class KeyedSemaphoreLimiter {
 public:
  static constexpr std::string_view kName = "keyed-sem";
  static constexpr std::string_view kDescription =
      "own keyed limiter: a semaphore per key from a pool, created on first use, removed when unreferenced";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;

  KeyedSemaphoreLimiter(std::uint32_t per_key, Sharing sharing) : lock_(sharing) {
    for (std::uint32_t i = 0; i < kPool; ++i) {
      new (&pool_[i]) FutexSemaphore(per_key, sharing);
      free_[i] = kPool - 1 - i;
    }
    free_count_ = kPool;
  }

  bool try_enter(std::uint32_t key) {
    FutexSemaphore* sem = reference(key);
    if (sem == nullptr) return false;
    if (sem->try_acquire()) return true;
    unreference(key);
    return false;
  }

  void enter(std::uint32_t key) {
    FutexSemaphore* sem = nullptr;
    // The pool holds a semaphore for every worker that can hold a key at once (kMaxWorkers),
    // so a reference can only be refused to a caller beyond that; it retries.
    while ((sem = reference(key)) == nullptr) sched_yield();
    sem->acquire();
  }

  void leave(std::uint32_t key) {
    FutexSemaphore* sem = nullptr;
    {
      std::lock_guard<HybridLock> g(lock_);
      const std::uint32_t* entry = table_.find(key);
      if (entry == nullptr) return;  // not held: a caller's bug, ignored
      sem = &pool_[index_of(*entry)];
    }
    sem->release();
    unreference(key);
  }

  std::uint32_t active_keys() {
    std::lock_guard<HybridLock> g(lock_);
    return table_.size();
  }

 private:
  static constexpr std::uint32_t kPool = kKeyTableCapacity / 2;
  // An entry's value: the pool index in the low 16 bits, the reference count above.
  static std::uint32_t index_of(std::uint32_t entry) { return entry & 0xffff; }
  static std::uint32_t references_of(std::uint32_t entry) { return entry >> 16; }

  // The key's semaphore, with one more reference to it (created from the pool if the key had
  // none); nullptr when the pool is empty.
  FutexSemaphore* reference(std::uint32_t key) {
    std::lock_guard<HybridLock> g(lock_);
    std::uint32_t* entry = table_.find(key);
    if (entry == nullptr) {
      if (free_count_ == 0) return nullptr;
      entry = table_.find_or_insert(key);
      if (entry == nullptr) return nullptr;
      *entry = free_[--free_count_];
    }
    *entry += 1U << 16;
    return &pool_[index_of(*entry)];
  }

  // One reference fewer; the last one returns the key's semaphore (all its permits back) to the pool.
  void unreference(std::uint32_t key) {
    std::lock_guard<HybridLock> g(lock_);
    std::uint32_t* entry = table_.find(key);
    if (entry == nullptr) return;
    *entry -= 1U << 16;
    if (references_of(*entry) != 0) return;
    free_[free_count_++] = index_of(*entry);
    table_.erase(key);
  }

  HybridLock lock_;
  KeyTable<kKeyTableCapacity> table_;
  std::uint32_t free_[kPool];
  std::uint32_t free_count_ = 0;
  union {
    FutexSemaphore pool_[kPool];  // constructed in the constructor (each needs the Sharing)
  };
};

}  // namespace contend
