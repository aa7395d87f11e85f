#pragma once
// futex(2) wait and wake on a 32-bit atomic word, for primitives that park waiters in the kernel.
//
// Each call takes the primitive's `Sharing`: Sharing::thread_private adds FUTEX_PRIVATE_FLAG,
// which lets the kernel key the wait queue on the address in this process alone (cheaper: no
// page lookup); Sharing::process_shared uses the plain operations, keyed on the physical page,
// so waiters in forked processes that share a MAP_SHARED mapping see each other's wakes. A
// private wait is never woken by a shared wake, so a primitive must use one form throughout.
//
// The engine's start barrier (workloads/run_control.hpp) uses these too, with process_shared.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

#include "primitives/primitive.hpp"

namespace contend::futex {

inline int op_flags(Sharing sharing) {
  return sharing == Sharing::thread_private ? FUTEX_PRIVATE_FLAG : 0;
}

// Sleeps while `word` still holds `expected`: the kernel re-reads the word under its wait-queue
// lock, so a wake that follows a change of the word cannot slip in before the sleep. Returns on
// a wake, on a mismatch (EAGAIN), on a signal or spuriously; callers re-check and loop.
inline void wait(std::atomic<std::uint32_t>& word, std::uint32_t expected, Sharing sharing) {
  syscall(SYS_futex, static_cast<void*>(&word), FUTEX_WAIT | op_flags(sharing), expected, nullptr,
          nullptr, 0);
}

// As wait(), but returns after at most `timeout_ns` (relative) too.
inline void wait_for(std::atomic<std::uint32_t>& word, std::uint32_t expected, std::int64_t timeout_ns,
                     Sharing sharing) {
  if (timeout_ns <= 0) return;
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(timeout_ns / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(timeout_ns % 1'000'000'000);
  syscall(SYS_futex, static_cast<void*>(&word), FUTEX_WAIT | op_flags(sharing), expected, &ts, nullptr, 0);
}

// Wakes up to `count` threads sleeping in wait() on `word`.
inline void wake(std::atomic<std::uint32_t>& word, int count, Sharing sharing) {
  syscall(SYS_futex, static_cast<void*>(&word), FUTEX_WAKE | op_flags(sharing), count, nullptr,
          nullptr, 0);
}

static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t),
              "the kernel reads the atomic as a plain 32-bit word");
static_assert(std::atomic<std::uint32_t>::is_always_lock_free,
              "a futex word must be a plain lock-free word");

}  // namespace contend::futex
