#pragma once
// keyed-atomic — a keyed concurrency limiter whose admissions and departures are one CAS on the
// key's own word, like a counting semaphore's; a mutex is taken only to place a key in the table.
//
// Contract (the KeyedLimiter concept, primitives/primitive.hpp): at most per_key holders of a key
// at once; enter(key) waits for a slot of the key, try_enter(key) takes one only if it can at
// once, leave(key) gives it back. A key with no holder and no waiter keeps its table slot, marked
// free, until another key is placed there: active_keys() counts keys with holders or waiters,
// and is 0 whenever nobody holds or waits. per_key is at most 65535.
// Fairness: none (a newcomer can take the slot a departure freed ahead of the waiter it woke).
// Memory ordering: admissions and departures are CASes on the key's word, acquire on admission and
// release on departure, so everything a holder did before leave() happens-before what the next
// holder of that key does after enter(). The waiter handshake is described in step 4.
// Process-shared: yes (atomic words, futexes keyed by the mapping, a process-shared HybridLock).
// A crash: a holder that dies keeps its slot of the key for ever, as a semaphore's permit; one
// that dies holding the placement mutex blocks new keys (existing ones go on).
//
// Algorithm:
//  1. A fixed table of 4096 slots; each slot is one 64-bit word — the key (high 32 bits), a
//     "used" bit, waiters (15 bits) and holders (16 bits) — and a 32-bit wake word to sleep on.
//     A key lives in one slot of the 16 from its hash (its window), never in two.
//  2. Lookup (no lock): scan the key's window for its tag; stop at a never-used slot (a key is
//     placed at the first free slot of its window, and used slots never become unused, so a
//     present key lies before the first never-used one).
//  3. enter: find the key's slot and CAS holders + 1 while below per_key. A key not found is
//     placed under the mutex: re-scan (another thread may have placed it), else CAS the first
//     free slot of the window (never used, or no holders and no waiters) to (key, 1 holder), us.
//     Only placement changes a slot's key, and placements are serialized, so a key has one slot;
//     a CAS on a slot whose key changed meanwhile fails, and the caller looks again.
//  4. A full key: read the slot's wake word, then CAS waiters + 1 (still full: the CAS checks);
//     sleep on the wake word. leave CASes holders - 1, and if its old word had waiters, bumps the
//     wake word and wakes one. Both CASes are on the same word, so either the departure comes
//     first (the waiter's CAS fails and it looks again) or it sees the waiter and bumps the wake
//     word after the waiter read it (the sleep returns at once, or is woken).
//  5. A window of 16 slots all held by other keys (at most kMaxWorkers keys are held at once: 1 in
//     8 slots) refuses placement; the caller yields and retries until one is left.
#include <sched.h>

#include <atomic>
#include <cstdint>
#include <mutex>

#include "primitives/cache_line.hpp"
#include "primitives/futex.hpp"
#include "primitives/locks/hybrid_lock.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class KeyedAtomicLimiter {
 public:
  static constexpr std::string_view kName = "keyed-atomic";
  static constexpr std::string_view kDescription =
      "own keyed limiter: one CAS per admission on the key's word, a mutex only to place a new key";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;

  KeyedAtomicLimiter(std::uint32_t per_key, Sharing sharing) : per_key_(per_key), sharing_(sharing), lock_(sharing) {}

  bool try_enter(std::uint32_t key) { return admit(key, false); }
  void enter(std::uint32_t key) { admit(key, true); }

  void leave(std::uint32_t key) {
    Slot* s = find(key);
    if (s == nullptr) return;  // not held: a caller's bug, ignored
    std::uint64_t w = s->word.load(std::memory_order_relaxed);
    // seq_cst: the departing half of the waiter handshake (step 4), and release for the holding.
    while (!s->word.compare_exchange_weak(w, w - 1, std::memory_order_seq_cst, std::memory_order_relaxed)) {
    }
    if (waiters(w) > 0) {
      s->wake.fetch_add(1, std::memory_order_seq_cst);
      futex::wake(s->wake, 1, sharing_);
    }
  }

  std::uint32_t active_keys() const {
    std::uint32_t n = 0;
    for (const Slot& s : slots_) {
      const std::uint64_t w = s.word.load(std::memory_order_acquire);
      n += used(w) && (holders(w) > 0 || waiters(w) > 0) ? 1 : 0;
    }
    return n;
  }

 private:
  static constexpr std::uint32_t kSlots = 4096;
  static constexpr std::uint32_t kWindow = 16;
  static constexpr std::uint64_t kHolder = 1;
  static constexpr std::uint64_t kWaiter = std::uint64_t{1} << 16;
  static constexpr std::uint64_t kUsed = std::uint64_t{1} << 31;

  struct Slot {
    std::atomic<std::uint64_t> word{0};
    std::atomic<std::uint32_t> wake{0};
  };

  static std::uint32_t key_of(std::uint64_t w) { return static_cast<std::uint32_t>(w >> 32); }
  static bool used(std::uint64_t w) { return (w & kUsed) != 0; }
  static std::uint32_t holders(std::uint64_t w) { return static_cast<std::uint32_t>(w & 0xffff); }
  static std::uint32_t waiters(std::uint64_t w) { return static_cast<std::uint32_t>((w >> 16) & 0x7fff); }
  static std::uint64_t placed(std::uint32_t key) { return (std::uint64_t{key} << 32) | kUsed | kHolder; }
  static bool is_free(std::uint64_t w) { return !used(w) || (holders(w) == 0 && waiters(w) == 0); }

  static std::uint32_t home(std::uint32_t key) { return (key * 0x9E3779B1U) >> (32 - 12); }
  Slot& slot(std::uint32_t home_index, std::uint32_t i) { return slots_[(home_index + i) & (kSlots - 1)]; }

  // Step 2: the key's slot, or nullptr when it has none.
  Slot* find(std::uint32_t key) {
    const std::uint32_t h = home(key);
    for (std::uint32_t i = 0; i < kWindow; ++i) {
      Slot& s = slot(h, i);
      const std::uint64_t w = s.word.load(std::memory_order_relaxed);
      if (!used(w)) return nullptr;
      if (key_of(w) == key) return &s;
    }
    return nullptr;
  }

  enum class Placed { holding, present, window_full };

  // Step 3's placement: under the mutex, the key is placed with the caller as its one holder,
  // or found placed by another thread meanwhile.
  Placed place(std::uint32_t key) {
    std::lock_guard<HybridLock> g(lock_);
    for (;;) {
      if (find(key) != nullptr) return Placed::present;
      const std::uint32_t h = home(key);
      Slot* target = nullptr;
      std::uint64_t w = 0;
      for (std::uint32_t i = 0; i < kWindow && target == nullptr; ++i) {
        w = slot(h, i).word.load(std::memory_order_relaxed);
        if (is_free(w)) target = &slot(h, i);
      }
      if (target == nullptr) return Placed::window_full;
      // Acquire: a holder of the key that was here released its holding with its departure.
      if (target->word.compare_exchange_strong(w, placed(key), std::memory_order_acquire, std::memory_order_relaxed)) {
        return Placed::holding;
      }
      // An entrant of the slot's old key took it back meanwhile: look again.
    }
  }

  bool admit(std::uint32_t key, bool wait) {
    for (;;) {
      Slot* s = find(key);
      if (s == nullptr) {
        const Placed p = place(key);
        if (p == Placed::holding) return true;
        if (p == Placed::window_full) sched_yield();
        continue;
      }
      std::uint64_t w = s->word.load(std::memory_order_relaxed);
      while (used(w) && key_of(w) == key) {
        if (holders(w) < per_key_) {
          if (s->word.compare_exchange_weak(w, w + kHolder, std::memory_order_acquire, std::memory_order_relaxed)) {
            return true;
          }
          continue;
        }
        if (!wait) return false;
        // Step 4: register as a waiter while it is still full, then sleep.
        const std::uint32_t seq = s->wake.load(std::memory_order_seq_cst);
        if (!s->word.compare_exchange_weak(w, w + kWaiter, std::memory_order_seq_cst, std::memory_order_relaxed)) {
          continue;
        }
        futex::wait(s->wake, seq, sharing_);
        // A slot with waiters keeps its key (is_free), so this is still the key's slot.
        w = s->word.fetch_sub(kWaiter, std::memory_order_relaxed) - kWaiter;
      }
      // The slot went to another key between the lookup and the CAS: look again.
    }
  }

  const std::uint32_t per_key_;
  const Sharing sharing_;
  HybridLock lock_;
  alignas(kCacheLineSize) Slot slots_[kSlots];
};

}  // namespace contend
