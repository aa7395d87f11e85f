#pragma once
// keyed-map and keyed-striped — keyed concurrency limiters (at most `per_key` holders of each
// key at once, as discord.py's max_concurrency(n, per=bucket) or a per-user request cap) that
// count holders per key in a table under a lock:
//
//   keyed-map      one table under one futex mutex: every key's admissions and departures
//                  serialize on it, and a departure wakes every waiter (a condition variable's
//                  broadcast), who re-check their own key.
//   keyed-striped  64 such tables, a key's stripe chosen by its hash: independent keys rarely
//                  share a lock, and a departure wakes only its stripe's waiters.
//
// Contract (the KeyedLimiter concept, primitives/primitive.hpp): enter(key) returns once the key
// has fewer than per_key holders and makes the caller one; try_enter(key) does so only if it can
// at once; leave(key) ends a holding. A key's entry is created on its first holder and removed
// when its last one leaves, so active_keys() is 0 whenever nobody holds anything.
// Fairness: none (a waiter woken by a departure races every newcomer for the slot).
// Memory ordering: the stripe's mutex orders everything a holder did before leave() before what
// the next holder of that key does after enter().
// Process-shared: yes (futex words and plain tables; waiters on a futex keyed by the mapping).
// A crash: a holder that dies keeps its slot of the key for ever (the count is never given
// back), like a process that dies holding a semaphore permit.
#include <sched.h>

#include <climits>
#include <cstdint>

#include "primitives/cpu_relax.hpp"
#include "primitives/futex.hpp"
#include "primitives/keyed/key_table.hpp"
#include "primitives/locks/hybrid_lock.hpp"
#include "primitives/primitive.hpp"

namespace contend {

// The most holders of different keys at once (kMaxWorkers), and a table twice that big.
inline constexpr std::uint32_t kKeyTableCapacity = 1024;

// The planted bugs built from this limiter (primitives/testing/broken_keyed.hpp): none for the
// real ones.
enum class KeyedFlaw { none, check_then_add, never_remove, off_by_one };

template <std::uint32_t Stripes, KeyedFlaw Flaw = KeyedFlaw::none>
class StripedKeyedLimiter {
 public:
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;

  StripedKeyedLimiter(std::uint32_t per_key, Sharing sharing) : per_key_(per_key), sharing_(sharing) {
    for (Stripe& s : stripes_) new (&s) Stripe(sharing);
  }

  bool try_enter(std::uint32_t key) {
    Stripe& s = stripe(key);
    if constexpr (Flaw == KeyedFlaw::check_then_add) return check_then_add(s, key);
    std::lock_guard<HybridLock> g(s.lock);
    return admit(s, key);
  }

  void enter(std::uint32_t key) {
    Stripe& s = stripe(key);
    if constexpr (Flaw == KeyedFlaw::check_then_add) {
      while (!check_then_add(s, key)) sched_yield();
      return;
    }
    s.lock.lock();
    while (!admit(s, key)) {
      // The change counter is read under the lock, so a departure after this read makes the
      // futex wait return at once: no wake-up is lost.
      const std::uint32_t seen = s.changes.load(std::memory_order_relaxed);
      ++s.waiters;
      s.lock.unlock();
      futex::wait(s.changes, seen, sharing_);
      s.lock.lock();
      --s.waiters;
    }
    s.lock.unlock();
  }

  void leave(std::uint32_t key) {
    Stripe& s = stripe(key);
    bool wake = false;
    {
      std::lock_guard<HybridLock> g(s.lock);
      std::uint32_t* holders = s.table.find(key);
      if (holders == nullptr || *holders == 0) return;  // not held: a caller's bug, ignored
      if (--*holders == 0 && Flaw != KeyedFlaw::never_remove) s.table.erase(key);
      s.changes.fetch_add(1, std::memory_order_relaxed);
      wake = s.waiters != 0;
    }
    if (wake) futex::wake(s.changes, INT_MAX, sharing_);
  }

  std::uint32_t active_keys() {
    std::uint32_t n = 0;
    for (Stripe& s : stripes_) {
      std::lock_guard<HybridLock> g(s.lock);
      n += s.table.size();
    }
    return n;
  }

 private:
  struct Stripe {
    explicit Stripe(Sharing sharing) : lock(sharing) {}
    HybridLock lock;
    std::atomic<std::uint32_t> changes{0};
    std::uint32_t waiters = 0;
    KeyTable<kKeyTableCapacity> table;
  };

  // Under the stripe's lock: one more holder of `key`, if it has room.
  bool admit(Stripe& s, std::uint32_t key) {
    std::uint32_t* holders = s.table.find_or_insert(key);
    // off_by_one, the planted bug: the room check counts one holder too many.
    const std::uint32_t room = Flaw == KeyedFlaw::off_by_one ? per_key_ - 1 : per_key_;
    if (holders == nullptr || *holders >= room) {
      if (holders != nullptr && *holders == 0) s.table.erase(key);  // inserted just now, for nobody
      return false;
    }
    ++*holders;
    return true;
  }

  // The planted bug: the room is looked at under the lock, then the holder added under it again
  // (a GET, then an INCR): two callers can both see the last slot free and both take it.
  bool check_then_add(Stripe& s, std::uint32_t key) {
    {
      std::lock_guard<HybridLock> g(s.lock);
      const std::uint32_t* holders = s.table.find(key);
      if (holders != nullptr && *holders >= per_key_) return false;
    }
    for (int i = 0; i < 16; ++i) cpu_relax();
    std::lock_guard<HybridLock> g(s.lock);
    std::uint32_t* holders = s.table.find_or_insert(key);
    if (holders == nullptr) return false;
    ++*holders;
    return true;
  }

  Stripe& stripe(std::uint32_t key) { return stripes_[Stripes == 1 ? 0 : (key * 0x85EBCA6Bu >> 16) % Stripes]; }

  const std::uint32_t per_key_;
  const Sharing sharing_;
  union {
    Stripe stripes_[Stripes];  // constructed in the constructor (a Stripe needs the Sharing)
  };
};

class KeyedMapLimiter : public StripedKeyedLimiter<1> {
 public:
  static constexpr std::string_view kName = "keyed-map";
  static constexpr std::string_view kDescription =
      "own keyed limiter: one table of holders per key under one futex mutex, departures wake every waiter";
  using StripedKeyedLimiter<1>::StripedKeyedLimiter;
};

class KeyedStripedLimiter : public StripedKeyedLimiter<64> {
 public:
  static constexpr std::string_view kName = "keyed-striped";
  static constexpr std::string_view kDescription =
      "own keyed limiter: 64 tables by key hash, each under its own futex mutex and waking only its waiters";
  using StripedKeyedLimiter<64>::StripedKeyedLimiter;
};

}  // namespace contend
