#pragma once
// Thin wrappers over futex(2) on a 32-bit atomic word.
//
// These use the shared (non-PRIVATE) operations on purpose: the words live in MAP_SHARED
// memory and the waiters may be forked processes, which a FUTEX_PRIVATE_FLAG wait would not
// see. For threads of one process the shared form is only slightly slower.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdint>
#include <ctime>

namespace contend {

// Sleeps while *word == expected (re-checked by the kernel atomically). Spurious returns are
// allowed; callers loop.
inline void futex_wait(std::atomic<std::uint32_t>* word, std::uint32_t expected,
                       const timespec* relative_timeout = nullptr) {
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), FUTEX_WAIT, expected, relative_timeout,
          nullptr, 0);
}

inline void futex_wake(std::atomic<std::uint32_t>* word, int waiters = INT_MAX) {
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), FUTEX_WAKE, waiters, nullptr, nullptr, 0);
}

static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t),
              "futex needs the atomic to be the plain word");

}  // namespace contend
