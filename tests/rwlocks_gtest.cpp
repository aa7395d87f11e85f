// Unit tests of the reader-writer locks: readers share, writers exclude (readers and each other)
// under contention on threads and on forked processes, and the try forms refuse what they must.
// Every invariant here has a planted bug below that shows it can fail.
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <new>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "primitives/catalog.hpp"
#include "primitives/cpu_relax.hpp"
#include "tests/primitive_test_helpers.hpp"

namespace contend {
namespace {

using testing::Child;
using testing::exited_cleanly;
using testing::run_threads;
using testing::PrimitiveTestName;
using testing::SharedMapping;
using testing::start_together;

// Enough hand-offs to catch a broken lock, few enough that the spinlock finishes on 2
// oversubscribed cores.
constexpr int kThreads = 4;
constexpr int kOperations = 20000;
constexpr int kChildOperations = 10000;
// A safety net for forked children: a hung child dies of SIGALRM and the test reports it.
constexpr unsigned kChildAlarmSeconds = 20;
// How long a reader waits to see the other reader inside before calling it a failure.
constexpr auto kRendezvousTimeout = std::chrono::seconds(5);
// How long a thread that should be blocked is given to get in if it (wrongly) can.
constexpr auto kBlockedLongEnough = std::chrono::milliseconds(50);

template <class R>
std::unique_ptr<R> make_private_rwlock() {
  if constexpr (std::constructible_from<R, Sharing>) {
    return std::make_unique<R>(Sharing::thread_private);
  } else {
    return std::make_unique<R>();
  }
}

// What the lock guards. `writes` is a plain integer on purpose: only the lock keeps writers'
// increments from racing. The occupancy counters are seq_cst because the checks are a Dekker
// pair — a reader increments `readers_inside` then reads `writers_inside`, a writer increments
// `writers_inside` then reads `readers_inside` — and only a single total order guarantees that
// a reader and a writer inside together see each other. (With a correct lock they never are,
// and the lock's own ordering keeps the checks from firing falsely.)
struct Guarded {
  std::uint64_t writes = 0;
  std::atomic<int> readers_inside{0};
  std::atomic<int> writers_inside{0};
  std::atomic<std::uint64_t> violations{0};
  std::atomic<std::uint64_t> write_operations{0};
};

// `operations` operations, one in five a write, in an order fixed by `seed`; `inside` is what
// a holder does after the checks.
template <class R, class Inside = void (*)()>
void read_mostly(R& lock, Guarded& g, int operations, std::uint32_t seed, Inside inside = [] {}) {
  std::uint32_t x = seed;
  std::uint64_t my_writes = 0;
  for (int i = 0; i < operations; ++i) {
    x = x * 1664525u + 1013904223u;  // a linear congruential step: cheap and deterministic
    if ((x >> 16) % 5 == 0) {
      lock.lock();
      if (g.writers_inside.fetch_add(1, std::memory_order_seq_cst) != 0 ||
          g.readers_inside.load(std::memory_order_seq_cst) != 0) {
        g.violations.fetch_add(1, std::memory_order_relaxed);
      }
      // A lock that says it does not exclude gets no plain increment: on it that would be a
      // data race, undefined behaviour rather than a countable lost update.
      if constexpr (provides_exclusion<R>()) ++g.writes;
      inside();
      g.writers_inside.fetch_sub(1, std::memory_order_seq_cst);
      lock.unlock();
      ++my_writes;
    } else {
      lock.lock_shared();
      g.readers_inside.fetch_add(1, std::memory_order_seq_cst);
      if (g.writers_inside.load(std::memory_order_seq_cst) != 0) {
        g.violations.fetch_add(1, std::memory_order_relaxed);
      }
      inside();
      g.readers_inside.fetch_sub(1, std::memory_order_seq_cst);
      lock.unlock_shared();
    }
  }
  g.write_operations.fetch_add(my_writes, std::memory_order_relaxed);
}

// The lock and what it guards, built together in one shared mapping.
template <class R>
struct SharedState {
  R lock;
  Guarded guarded;
  std::atomic<int> arrived{0};

  template <class... Args>
  explicit SharedState(Args&&... args) : lock(std::forward<Args>(args)...) {}
};

template <class R>
SharedState<R>* make_shared_state(void* where) {
  if constexpr (std::constructible_from<R, Sharing>) {
    return new (where) SharedState<R>(Sharing::process_shared);
  } else {
    return new (where) SharedState<R>();
  }
}

// ---- Every reader-writer lock ----

template <class R>
class RwLockContract : public ::testing::Test {};

using AllRwLocks = ::testing::Types<StdSharedMutex, PthreadRwLockReader, PthreadRwLockWriter, RwSpinLock>;
TYPED_TEST_SUITE(RwLockContract, AllRwLocks, PrimitiveTestName);

TYPED_TEST(RwLockContract, TwoReadersHoldItAtOnce) {
  auto lock = make_private_rwlock<TypeParam>();
  // Each reader counts itself in once it holds the lock and waits, still holding it, until both
  // have: a reader that sees 2 saw the other inside at the same time.
  std::atomic<int> arrived{0};
  std::atomic<int> saw_both{0};
  run_threads(2, [&](int) {
    lock->lock_shared();
    arrived.fetch_add(1, std::memory_order_relaxed);
    const auto deadline = std::chrono::steady_clock::now() + kRendezvousTimeout;
    while (arrived.load(std::memory_order_relaxed) < 2 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    if (arrived.load(std::memory_order_relaxed) == 2) saw_both.fetch_add(1, std::memory_order_relaxed);
    lock->unlock_shared();
  });
  EXPECT_EQ(saw_both.load(), 2) << "the second reader waited for the first";
}

TYPED_TEST(RwLockContract, TryLockFailsWhileAReaderHolds) {
  auto lock = make_private_rwlock<TypeParam>();
  lock->lock_shared();
  // From another thread: locking from a holder is undefined for these locks.
  bool got_it = true;
  std::thread([&] {
    got_it = lock->try_lock();
    if (got_it) lock->unlock();
  }).join();
  EXPECT_FALSE(got_it) << "try_lock() succeeded while a reader held the lock";
  lock->unlock_shared();

  bool got_it_after = false;
  std::thread([&] {
    got_it_after = lock->try_lock();
    if (got_it_after) lock->unlock();
  }).join();
  EXPECT_TRUE(got_it_after) << "try_lock() failed on a free lock";
}

TYPED_TEST(RwLockContract, TryLockSharedAndTryLockFailWhileAWriterHolds) {
  auto lock = make_private_rwlock<TypeParam>();
  lock->lock();
  bool got_shared = true;
  bool got_exclusive = true;
  std::thread([&] {
    got_shared = lock->try_lock_shared();
    if (got_shared) lock->unlock_shared();
    got_exclusive = lock->try_lock();
    if (got_exclusive) lock->unlock();
  }).join();
  EXPECT_FALSE(got_shared) << "try_lock_shared() succeeded while a writer held the lock";
  EXPECT_FALSE(got_exclusive) << "try_lock() succeeded while a writer held the lock";
  lock->unlock();

  bool got_shared_after = false;
  std::thread([&] {
    got_shared_after = lock->try_lock_shared();
    if (got_shared_after) lock->unlock_shared();
  }).join();
  EXPECT_TRUE(got_shared_after) << "try_lock_shared() failed on a free lock";
}

// The stress tests below catch a lock that lets a reader in past a writer only when the two
// happen to overlap, which a loaded machine makes rare; these two force the overlap.
TYPED_TEST(RwLockContract, LockSharedWaitsWhileAWriterHolds) {
  auto lock = make_private_rwlock<TypeParam>();
  lock->lock();
  std::atomic<bool> reader_in{false};
  std::thread reader([&] {
    lock->lock_shared();
    reader_in.store(true, std::memory_order_relaxed);
    lock->unlock_shared();
  });
  std::this_thread::sleep_for(kBlockedLongEnough);
  EXPECT_FALSE(reader_in.load(std::memory_order_relaxed)) << "a reader got in past the writer";
  lock->unlock();
  reader.join();
  EXPECT_TRUE(reader_in.load(std::memory_order_relaxed));
}

TYPED_TEST(RwLockContract, LockWaitsWhileAReaderHolds) {
  auto lock = make_private_rwlock<TypeParam>();
  lock->lock_shared();
  std::atomic<bool> writer_in{false};
  std::thread writer([&] {
    lock->lock();
    writer_in.store(true, std::memory_order_relaxed);
    lock->unlock();
  });
  std::this_thread::sleep_for(kBlockedLongEnough);
  EXPECT_FALSE(writer_in.load(std::memory_order_relaxed)) << "a writer got in past a reader";
  lock->unlock_shared();
  writer.join();
  EXPECT_TRUE(writer_in.load(std::memory_order_relaxed));
}

TYPED_TEST(RwLockContract, WritersExcludeEveryoneOnThreads) {
  auto lock = make_private_rwlock<TypeParam>();
  Guarded g;
  run_threads(kThreads, [&](int t) { read_mostly(*lock, g, kOperations, 17u + static_cast<std::uint32_t>(t)); });
  EXPECT_EQ(g.violations.load(std::memory_order_relaxed), 0u) << "a writer was not alone";
  EXPECT_GT(g.write_operations.load(), 0u);
  EXPECT_EQ(g.writes, g.write_operations.load()) << "lost updates";
}

TYPED_TEST(RwLockContract, WritersExcludeEveryoneOnProcesses) {
  if constexpr (!TypeParam::kProcessShared) {
    GTEST_SKIP() << TypeParam::kName << " is not process-shared";
  } else {
    SharedMapping mapping(sizeof(SharedState<TypeParam>));
    ASSERT_NE(mapping.get(), nullptr);
    SharedState<TypeParam>* state = make_shared_state<TypeParam>(mapping.get());
    auto work = [state](std::uint32_t seed) {
      return [state, seed] {
        start_together(state->arrived, 2);
        read_mostly(state->lock, state->guarded, kChildOperations, seed);
        return 0;
      };
    };
    Child first(kChildAlarmSeconds, work(17));
    Child second(kChildAlarmSeconds, work(18));
    ASSERT_TRUE(first.started());
    ASSERT_TRUE(second.started());
    EXPECT_TRUE(exited_cleanly(first.wait_status()));
    EXPECT_TRUE(exited_cleanly(second.wait_status()));
    const Guarded& g = state->guarded;
    EXPECT_EQ(g.violations.load(std::memory_order_relaxed), 0u) << "a writer was not alone";
    EXPECT_GT(g.write_operations.load(), 0u);
    EXPECT_EQ(g.writes, g.write_operations.load()) << "lost updates";
    // Still usable by the parent after both children are gone.
    EXPECT_TRUE(state->lock.try_lock());
    state->lock.unlock();
    state->~SharedState();
  }
}

// ---- Preference: who gets in while a writer waits ----

template <class R>
class WriterPreferring : public ::testing::Test {};
using WriterPreferringLocks = ::testing::Types<PthreadRwLockWriter, RwSpinLock>;
TYPED_TEST_SUITE(WriterPreferring, WriterPreferringLocks, PrimitiveTestName);

TYPED_TEST(WriterPreferring, ANewReaderWaitsBehindAWaitingWriter) {
  auto lock = make_private_rwlock<TypeParam>();
  lock->lock_shared();
  std::atomic<bool> writer_in{false};
  std::thread writer([&] {
    lock->lock();
    writer_in.store(true, std::memory_order_relaxed);
    lock->unlock();
  });
  // Readers get in until the writer starts waiting; from then on a new one is turned away. (From
  // another thread: a second read lock from this thread is what NONRECURSIVE forbids.)
  const auto deadline = std::chrono::steady_clock::now() + kRendezvousTimeout;
  bool reader_refused = false;
  while (!reader_refused && std::chrono::steady_clock::now() < deadline) {
    std::thread([&] {
      if (lock->try_lock_shared()) {
        lock->unlock_shared();
      } else {
        reader_refused = true;
      }
    }).join();
  }
  EXPECT_TRUE(reader_refused) << "readers kept entering while a writer waited";
  EXPECT_FALSE(writer_in.load(std::memory_order_relaxed)) << "the writer got in past a reader";
  lock->unlock_shared();
  writer.join();
  EXPECT_TRUE(writer_in.load(std::memory_order_relaxed));
}

template <class R>
class ReaderPreferring : public ::testing::Test {};
using ReaderPreferringLocks = ::testing::Types<PthreadRwLockReader, StdSharedMutex>;
TYPED_TEST_SUITE(ReaderPreferring, ReaderPreferringLocks, PrimitiveTestName);

TYPED_TEST(ReaderPreferring, ANewReaderOvertakesAWaitingWriter) {
  auto lock = make_private_rwlock<TypeParam>();
  lock->lock_shared();
  std::atomic<bool> writer_in{false};
  std::thread writer([&] {
    lock->lock();
    writer_in.store(true, std::memory_order_relaxed);
    lock->unlock();
  });
  // Long enough for the writer to block; it cannot announce that it has, so this is a guess
  // that only makes the test weaker (never falsely failing) if the writer is late.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  bool reader_got_in = false;
  std::thread([&] {
    reader_got_in = lock->try_lock_shared();
    if (reader_got_in) lock->unlock_shared();
  }).join();
  EXPECT_TRUE(reader_got_in) << "a reader was turned away because a writer waited";
  EXPECT_FALSE(writer_in.load(std::memory_order_relaxed));
  lock->unlock_shared();
  writer.join();
  EXPECT_TRUE(writer_in.load(std::memory_order_relaxed));
}

// ---- Planted bugs: the checks above can fail ----

// Takes nothing in either mode: readers and writers all walk in.
struct BrokenRwLock {
  static constexpr std::string_view kName = "broken-rw";
  static constexpr std::string_view kDescription = "planted bug: no exclusion at all";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;
  static constexpr bool kProvidesExclusion = false;

  void lock() {}
  void unlock() {}
  void lock_shared() {}
  void unlock_shared() {}
};

// Writers exclude each other but readers walk in past them.
struct ReadersIgnoreWriters {
  static constexpr std::string_view kName = "readers-ignore-writers";
  static constexpr std::string_view kDescription = "planted bug: readers take nothing";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;

  void lock() {
    while (held.exchange(true, std::memory_order_acquire)) sched_yield();  // the holder yields too
  }
  void unlock() { held.store(false, std::memory_order_release); }
  void lock_shared() {}
  void unlock_shared() {}

  std::atomic<bool> held{false};
};

// The planted-bug runs sleep while holding, so that another worker gets in while this one is
// inside even when a loaded machine runs them one at a time: without the sleep a whole run can
// fit in one time slice, and yielding is not enough when each worker shares its core with
// unrelated processes. A worker that is inside nearly all the time cannot miss the other.
constexpr int kPlantedOperations = 200;
void dwell() { std::this_thread::sleep_for(std::chrono::microseconds(100)); }

TEST(RwLockChecks, OccupancyCheckCatchesALockThatDoesNotExclude) {
  BrokenRwLock broken;
  Guarded g;
  run_threads(kThreads, [&](int t) {
    read_mostly(broken, g, kPlantedOperations, 17u + static_cast<std::uint32_t>(t), dwell);
  });
  EXPECT_GT(g.violations.load(std::memory_order_relaxed), 0u);
}

TEST(RwLockChecks, OccupancyCheckCatchesReadersInsideWithAWriter) {
  ReadersIgnoreWriters broken;
  Guarded g;
  run_threads(kThreads, [&](int t) {
    read_mostly(broken, g, kPlantedOperations, 17u + static_cast<std::uint32_t>(t), dwell);
  });
  EXPECT_GT(g.violations.load(std::memory_order_relaxed), 0u);
  EXPECT_EQ(g.writes, g.write_operations.load()) << "writers still exclude each other";
}

TEST(RwLockChecks, OccupancyCheckCatchesItAcrossProcesses) {
  SharedMapping mapping(sizeof(SharedState<BrokenRwLock>));
  ASSERT_NE(mapping.get(), nullptr);
  SharedState<BrokenRwLock>* state = make_shared_state<BrokenRwLock>(mapping.get());
  auto work = [state](std::uint32_t seed) {
    return [state, seed] {
      start_together(state->arrived, 2);
      read_mostly(state->lock, state->guarded, kPlantedOperations, seed, dwell);
      return 0;
    };
  };
  Child first(kChildAlarmSeconds, work(17));
  Child second(kChildAlarmSeconds, work(18));
  ASSERT_TRUE(first.started());
  ASSERT_TRUE(second.started());
  EXPECT_TRUE(exited_cleanly(first.wait_status()));
  EXPECT_TRUE(exited_cleanly(second.wait_status()));
  EXPECT_GT(state->guarded.violations.load(std::memory_order_relaxed), 0u);
  state->~SharedState();
}

// ---- The catalog ----

TEST(RwLockCatalog, NamesAreUniqueKebabCaseWithOneLineDescriptions) {
  testing::expect_names_unique_kebab_case_with_one_line_descriptions(BuiltinRwLocks{});
}

}  // namespace
}  // namespace contend
