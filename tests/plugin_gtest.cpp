// Plugins: the loader accepts the example plugin and refuses each broken table with one line
// naming the rule; the adapters run the example's primitives correctly (exclusion, permits,
// exactly-once delivery) and place the plugin's instance where its ops ask.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "primitives/locks/ttas_lock.hpp"
#include "primitives/plugin_loader.hpp"
#include "primitives/plugin_primitives.hpp"
#include "workloads/construct.hpp"
#include "workloads/lock_workload.hpp"
#include "workloads/queue_workload.hpp"
#include "workloads/semaphore_workload.hpp"
#include "workloads/shared_arena.hpp"
#include "tests/primitive_test_helpers.hpp"

namespace contend {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

using testing::run_threads;

const LoadedPlugin& example() {
  static const LoadedPlugin plugin = load_plugin(CONTEND_EXAMPLE_PLUGIN);
  return plugin;
}

TEST(PluginLoader, LoadsTheExamplePlugin) {
  const LoadedPlugin& p = example();
  EXPECT_EQ(p.path, CONTEND_EXAMPLE_PLUGIN);
  ASSERT_EQ(p.locks.size(), 1u);
  ASSERT_EQ(p.semaphores.size(), 1u);
  ASSERT_EQ(p.queues.size(), 1u);
  ASSERT_EQ(p.rwlocks.size(), 1u);
  ASSERT_EQ(p.handoffs.size(), 1u);
  EXPECT_EQ(p.abi, 2u);

  const contend_lock_ops& l = *p.locks[0];
  EXPECT_STREQ(l.name, "example-ttas");
  EXPECT_THAT(l.description, HasSubstr("ttas"));
  EXPECT_GE(l.size, 1u);
  EXPECT_GE(l.align, 1u);
  EXPECT_EQ(l.process_shared, 1);
  EXPECT_NE(l.init, nullptr);
  EXPECT_EQ(l.destroy, nullptr);
  EXPECT_NE(l.lock, nullptr);
  EXPECT_NE(l.unlock, nullptr);
  EXPECT_NE(l.try_lock, nullptr);

  const contend_semaphore_ops& s = *p.semaphores[0];
  EXPECT_STREQ(s.name, "example-sem");
  EXPECT_EQ(s.process_shared, 1);
  EXPECT_NE(s.try_acquire, nullptr);

  const contend_queue_ops& q = *p.queues[0];
  EXPECT_STREQ(q.name, "example-queue");
  EXPECT_EQ(q.process_shared, 1);
  EXPECT_NE(q.destroy, nullptr);
  EXPECT_GE(q.footprint(16), 16 * sizeof(std::uint64_t));
  EXPECT_GT(q.footprint(32), q.footprint(16));

  const contend_rwlock_ops& r = *p.rwlocks[0];
  EXPECT_STREQ(r.name, "example-rw");
  EXPECT_EQ(r.process_shared, 1);
  EXPECT_NE(r.lock_shared, nullptr);
  EXPECT_NE(r.unlock_shared, nullptr);

  const contend_handoff_ops& h = *p.handoffs[0];
  EXPECT_STREQ(h.name, "example-cv");
  EXPECT_EQ(h.process_shared, 1);
  EXPECT_NE(h.destroy, nullptr);
}

// A plugin built against version 1 of plugin.h: still loads, and the families version 2 added
// are empty (never read past its shorter table).
TEST(PluginLoader, LoadsAVersion1Plugin) {
  const LoadedPlugin p = load_plugin(CONTEND_V1_PLUGIN);
  EXPECT_EQ(p.abi, 1u);
  ASSERT_EQ(p.locks.size(), 1u);
  EXPECT_STREQ(p.locks[0]->name, "v1-tas");
  EXPECT_TRUE(p.semaphores.empty());
  EXPECT_TRUE(p.queues.empty());
  EXPECT_TRUE(p.rwlocks.empty());
  EXPECT_TRUE(p.handoffs.empty());

  PluginLock::use(p.locks[0]);
  SharedArena arena(1 << 16);
  PluginLock* lock = make_primitive<PluginLock>(arena, Mode::threads);
  EXPECT_FALSE(supports_try_lock(*lock)) << "version 1's lock has no try_lock here";
  std::uint64_t counter = 0;
  run_threads(2, [&](int) {
    for (int i = 0; i < 50000; ++i) {
      lock->lock();
      ++counter;
      lock->unlock();
    }
  });
  EXPECT_EQ(counter, 100000u);
  lock->~PluginLock();
}

TEST(PluginLoader, LoadingTwiceGivesTheSameTable) {
  const LoadedPlugin again = load_plugin(CONTEND_EXAMPLE_PLUGIN);
  ASSERT_EQ(again.locks.size(), 1u);
  EXPECT_EQ(again.locks[0], example().locks[0]);
}

TEST(PluginLoader, LeavesNameClashesWithBuiltinsToTheRegistry) {
  const LoadedPlugin p = load_plugin(CONTEND_BAD_PLUGIN_BUILTIN_NAME);
  ASSERT_EQ(p.locks.size(), 1u);
  EXPECT_STREQ(p.locks[0]->name, "ttas");
}

// The refusal's message: one line, "--plugin 'PATH': ...".
std::string refusal(const std::string& path) {
  try {
    load_plugin(path);
  } catch (const PluginLoadError& e) {
    const std::string message = e.what();
    EXPECT_THAT(message, StartsWith("--plugin '" + path + "': "));
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    return message;
  }
  ADD_FAILURE() << path << " was accepted";
  return {};
}

TEST(PluginLoader, RefusesWhatIsNotAPlugin) {
  EXPECT_THAT(refusal("/nonexistent/libnothing.so"), HasSubstr("no such file"));
  EXPECT_THAT(refusal("/tmp"), HasSubstr("is a directory"));
  // A file that is not a shared library: dlopen's own reason follows.
  EXPECT_THAT(refusal(CONTEND_PLUGIN_SOURCE), HasSubstr("cannot load it: "));
  EXPECT_THAT(refusal(CONTEND_BAD_PLUGIN_NO_SYMBOL), HasSubstr("does not export contend_plugin_v1"));
  EXPECT_THAT(refusal(CONTEND_BAD_PLUGIN_NULL_TABLE), HasSubstr("contend_plugin_v1() returned NULL"));
  EXPECT_THAT(refusal(CONTEND_BAD_PLUGIN_BAD_ABI), HasSubstr("ABI 7, this contend accepts 1 to 2"));
}

TEST(PluginLoader, RefusesEachBrokenRuleByName) {
  EXPECT_THAT(refusal(CONTEND_BAD_PLUGIN_NULL_ARRAY), HasSubstr("n_locks is 1 but locks is NULL"));
  EXPECT_THAT(refusal(CONTEND_BAD_PLUGIN_NO_NAME),
              HasSubstr("locks[0] has no name (NULL); expected 1 to 64 characters of [a-z0-9_.-]"));
  EXPECT_THAT(refusal(CONTEND_BAD_PLUGIN_BAD_NAME),
              HasSubstr("lock name 'Bad Lock' has the character 'B'; expected 1 to 64 characters of [a-z0-9_.-]"));
  EXPECT_THAT(refusal(CONTEND_BAD_PLUGIN_LONG_NAME), HasSubstr("is longer than 64 characters"));
  EXPECT_THAT(refusal(CONTEND_BAD_PLUGIN_NULL_LOCK_FN),
              HasSubstr("lock 'bad-lock' has no unlock function (NULL); init, lock and unlock are required"));
  EXPECT_THAT(refusal(CONTEND_BAD_PLUGIN_NULL_QUEUE_FN),
              HasSubstr("queue 'bad-queue' has no try_pop function (NULL); footprint, init, try_push and try_pop "
                        "are required"));
  EXPECT_THAT(refusal(CONTEND_BAD_PLUGIN_NULL_RW_FN),
              HasSubstr("rwlock 'bad-rw' has no unlock_shared function (NULL); init, lock, unlock, lock_shared and "
                        "unlock_shared are required"));
  EXPECT_THAT(refusal(CONTEND_BAD_PLUGIN_NULL_HANDOFF_FN),
              HasSubstr("handoff 'bad-handoff' has no receive function (NULL); init, send and receive are required"));
  EXPECT_THAT(refusal(CONTEND_BAD_PLUGIN_ZERO_SIZE), HasSubstr("semaphore 'bad-sem' has size 0"));
  EXPECT_THAT(refusal(CONTEND_BAD_PLUGIN_BAD_ALIGN),
              HasSubstr("lock 'bad-lock' has align 24; expected a power of two from 1 to 4096"));
  EXPECT_THAT(refusal(CONTEND_BAD_PLUGIN_DUPLICATE_NAME),
              HasSubstr("two primitives are named 'bad-lock'; names must be unique within a plugin"));
}

// ---- The example's primitives through the adapters, built as the workloads build them.

TEST(PluginLock, ExcludesOverFourThreads) {
  PluginLock::use(example().locks[0]);
  SharedArena arena(1 << 16);
  PluginLock* lock = make_primitive<PluginLock>(arena, Mode::threads);
  EXPECT_EQ(&lock->ops(), example().locks[0]);
  ASSERT_TRUE(supports_try_lock(*lock));

  constexpr int kThreads = 4;
  constexpr std::uint64_t kIncrements = 100000;
  std::uint64_t counter = 0;  // plain: only the plugin's lock keeps the increments apart
  run_threads(kThreads, [&](int) {
    for (std::uint64_t i = 0; i < kIncrements; ++i) {
      lock->lock();
      ++counter;
      lock->unlock();
    }
  });
  EXPECT_EQ(counter, kThreads * kIncrements);

  ASSERT_TRUE(lock->try_lock());
  EXPECT_FALSE(lock->try_lock()) << "try_lock took a held lock";
  lock->unlock();
  EXPECT_TRUE(lock->try_lock());
  lock->unlock();
  lock->~PluginLock();
}

TEST(PluginSemaphore, NeverAdmitsMoreThanItsPermits) {
  PluginSemaphore::use(example().semaphores[0]);
  SharedArena arena(1 << 16);
  constexpr std::uint32_t kPermits = 2;
  PluginSemaphore* sem = make_semaphore<PluginSemaphore>(arena, Mode::threads, kPermits);
  ASSERT_TRUE(supports_try_acquire(*sem));

  std::atomic<int> holders{0};
  std::atomic<int> most{0};
  run_threads(4, [&](int) {
    for (int i = 0; i < 20000; ++i) {
      sem->acquire();
      const int now = holders.fetch_add(1, std::memory_order_acq_rel) + 1;
      int seen = most.load(std::memory_order_relaxed);
      while (now > seen && !most.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
      }
      holders.fetch_sub(1, std::memory_order_acq_rel);
      sem->release();
    }
  });
  EXPECT_LE(most.load(), static_cast<int>(kPermits));
  EXPECT_GE(most.load(), 1);

  // try_acquire takes exactly the free permits, and a release makes one free again.
  EXPECT_TRUE(sem->try_acquire());
  EXPECT_TRUE(sem->try_acquire());
  EXPECT_FALSE(sem->try_acquire());
  sem->release();
  EXPECT_TRUE(sem->try_acquire());
  sem->release();
  sem->release();
  sem->~PluginSemaphore();
}

TEST(PluginQueue, DeliversEveryItemExactlyOnceInProducerOrder) {
  PluginQueue::use(example().queues[0]);
  constexpr std::uint32_t kCapacity = 64;
  SharedArena arena(1 << 20);
  PluginQueue* q = construct_queue<PluginQueue>(
      arena.allocate(queue_footprint<PluginQueue>(kCapacity), alignof(PluginQueue)), kCapacity,
      Sharing::thread_private);

  // Producer p pushes p * kItems + 1 ... (p + 1) * kItems: nonzero, and whose is whose.
  constexpr int kProducers = 2;
  constexpr int kConsumers = 2;
  constexpr std::uint64_t kItems = 50000;
  std::vector<std::atomic<std::uint8_t>> seen(kProducers * kItems + 1);
  std::atomic<std::uint64_t> popped{0};
  std::atomic<int> out_of_order{0};
  run_threads(kProducers + kConsumers, [&](int t) {
    if (t < kProducers) {
      for (std::uint64_t i = 1; i <= kItems; ++i) {
        while (!q->try_push(static_cast<std::uint64_t>(t) * kItems + i)) std::this_thread::yield();
      }
      return;
    }
    std::uint64_t last[kProducers] = {};
    while (popped.load(std::memory_order_relaxed) < kProducers * kItems) {
      std::uint64_t item = 0;
      if (!q->try_pop(item)) {
        std::this_thread::yield();
        continue;
      }
      popped.fetch_add(1, std::memory_order_relaxed);
      ASSERT_GE(item, 1u);
      ASSERT_LE(item, kProducers * kItems);
      seen[item].fetch_add(1, std::memory_order_relaxed);
      const std::size_t producer = (item - 1) / kItems;
      if (item <= last[producer]) out_of_order.fetch_add(1, std::memory_order_relaxed);
      last[producer] = item;
    }
  });
  std::uint64_t missing = 0;
  std::uint64_t repeated = 0;
  for (std::uint64_t i = 1; i < seen.size(); ++i) {
    if (seen[i].load() == 0) ++missing;
    if (seen[i].load() > 1) ++repeated;
  }
  EXPECT_EQ(missing, 0u);
  EXPECT_EQ(repeated, 0u);
  EXPECT_EQ(out_of_order.load(), 0);
  std::uint64_t left = 0;
  EXPECT_FALSE(q->try_pop(left)) << "an item nobody pushed: " << left;
  q->~PluginQueue();
}

TEST(PluginRwLock, WriterIsAloneReadersShare) {
  PluginRwLock::use(example().rwlocks[0]);
  SharedArena arena(1 << 16);
  PluginRwLock* lock = make_primitive<PluginRwLock>(arena, Mode::threads);
  EXPECT_EQ(&lock->ops(), example().rwlocks[0]);
  std::atomic<int> readers{0};
  std::atomic<int> writers{0};
  std::atomic<int> broken{0};
  std::atomic<int> most_readers{0};
  std::uint64_t counter = 0;  // written by writers only
  run_threads(4, [&](int t) {
    for (int i = 0; i < 20000; ++i) {
      if ((i + t) % 4 == 0) {
        lock->lock();
        if (writers.fetch_add(1) != 0 || readers.load() != 0) broken.fetch_add(1);
        ++counter;
        writers.fetch_sub(1);
        lock->unlock();
      } else {
        lock->lock_shared();
        const int now = readers.fetch_add(1) + 1;
        if (writers.load() != 0) broken.fetch_add(1);
        int seen = most_readers.load();
        while (now > seen && !most_readers.compare_exchange_weak(seen, now)) {
        }
        readers.fetch_sub(1);
        lock->unlock_shared();
      }
    }
  });
  EXPECT_EQ(broken.load(), 0);
  EXPECT_EQ(counter, 4u * 5000u);
  // Two readers at once, on one thread: shared means shared.
  lock->lock_shared();
  lock->lock_shared();
  lock->unlock_shared();
  lock->unlock_shared();
  lock->~PluginRwLock();
}

TEST(PluginHandoff, DeliversEveryMessageInTurn) {
  PluginHandoff::use(example().handoffs[0]);
  SharedArena arena(1 << 16);
  PluginHandoff* channel = make_primitive<PluginHandoff>(arena, Mode::threads);
  constexpr std::uint32_t kRoundTrips = 20000;
  std::atomic<int> wrong{0};
  run_threads(2, [&](int t) {
    for (std::uint32_t i = 0; i < kRoundTrips; ++i) {
      if (t == 0) {
        channel->send(Peer::responder, i);
        if (channel->receive(Peer::initiator) != ~i) wrong.fetch_add(1);
      } else {
        const std::uint32_t ping = channel->receive(Peer::responder);
        if (ping != i) wrong.fetch_add(1);
        channel->send(Peer::initiator, ~ping);
      }
    }
  });
  EXPECT_EQ(wrong.load(), 0);
  channel->~PluginHandoff();
}

// ---- Storage: a table of our own that records where init() found its instance.

struct Seen {
  void* self = nullptr;
  bool zeroed = false;
  int inits = 0;
  int destroys = 0;
  int init_result = 0;
};
Seen g_seen;
std::size_t g_size = 0;

int record_init(void* self) {
  g_seen.self = self;
  const auto* bytes = static_cast<const unsigned char*>(self);
  g_seen.zeroed = std::all_of(bytes, bytes + g_size, [](unsigned char b) { return b == 0; });
  // Touch every byte: ASan would see a write past the storage the adapter was given.
  std::memset(self, 0x5a, g_size);
  ++g_seen.inits;
  return g_seen.init_result;
}
int record_sem_init(void* self, std::uint32_t) { return record_init(self); }
int record_queue_init(void* self, std::size_t) { return record_init(self); }
void record_destroy(void*) { ++g_seen.destroys; }
void no_op(void*) {}
std::size_t queue_bytes(std::size_t capacity) { return 40 + capacity; }
int no_push(void*, std::uint64_t) { return 0; }
int no_pop(void*, std::uint64_t*) { return 0; }

contend_lock_ops fake_lock(std::size_t size, std::size_t align) {
  g_size = size;
  g_seen = {};
  contend_lock_ops ops{};
  ops.name = "fake-lock";
  ops.size = size;
  ops.align = align;
  ops.init = record_init;
  ops.destroy = record_destroy;
  ops.lock = no_op;
  ops.unlock = no_op;
  return ops;
}

// Storage handed out as the workloads do, from an arena whose next free byte is deliberately
// misaligned for everything but the adapter's own alignment.
TEST(PluginStorage, InstanceIsAlignedAndFitsTheFootprint) {
  for (const std::size_t align : std::initializer_list<std::size_t>{1, 8, 64, 128, 256, 4096}) {
    for (const std::size_t size : std::initializer_list<std::size_t>{1, 100, 5000}) {
      SCOPED_TRACE("align " + std::to_string(align) + ", size " + std::to_string(size));
      const contend_lock_ops ops = fake_lock(size, align);
      PluginLock::use(&ops);
      SharedArena arena(1 << 16);
      arena.allocate(1, 1);
      const std::size_t footprint = PluginLock::footprint();
      EXPECT_EQ(footprint, primitive_footprint<PluginLock>());
      auto* lock = make_primitive<PluginLock>(arena, Mode::processes);
      const auto begin = reinterpret_cast<std::uintptr_t>(lock);
      const auto self = reinterpret_cast<std::uintptr_t>(g_seen.self);
      EXPECT_EQ(begin % alignof(PluginLock), 0u);
      EXPECT_EQ(self % align, 0u);
      EXPECT_GE(self, begin + sizeof(PluginLock)) << "the instance overlaps the adapter";
      EXPECT_LE(self + size, begin + footprint) << "the instance runs past the footprint";
      EXPECT_EQ(g_seen.self, lock->instance());
      EXPECT_TRUE(g_seen.zeroed);
      EXPECT_EQ(arena.used(), 1 + (alignof(PluginLock) - 1) + footprint);
      lock->~PluginLock();
      EXPECT_EQ(g_seen.inits, 1);
      EXPECT_EQ(g_seen.destroys, 1);
    }
  }
}

TEST(PluginStorage, WorkloadsReserveTheFootprint) {
  const contend_lock_ops ops = fake_lock(5000, 256);
  PluginLock::use(&ops);
  RunSpec spec;
  EXPECT_GE(lock_workload_bytes<PluginLock>(spec),
            shared_lines_bytes(spec.cs_lines) + PluginLock::footprint() + alignof(PluginLock) - 1);
  EXPECT_EQ(primitive_footprint<TtasLock>(), sizeof(TtasLock));
}

TEST(PluginStorage, InstanceIsZeroedWhateverTheMemory) {
  const contend_lock_ops ops = fake_lock(300, 16);
  PluginLock::use(&ops);
  const std::size_t footprint = PluginLock::footprint();
  void* storage = ::operator new(footprint, std::align_val_t(alignof(PluginLock)));
  std::memset(storage, 0xff, footprint);
  auto* lock = new (storage) PluginLock(Sharing::thread_private);
  EXPECT_TRUE(g_seen.zeroed);
  lock->~PluginLock();
  ::operator delete(storage, std::align_val_t(alignof(PluginLock)));
}

TEST(PluginStorage, SemaphoreAndQueueInstancesToo) {
  g_size = 40;
  g_seen = {};
  contend_semaphore_ops sem_ops{};
  sem_ops.name = "fake-sem";
  sem_ops.size = g_size;
  sem_ops.align = 128;
  sem_ops.init = record_sem_init;
  sem_ops.acquire = no_op;
  sem_ops.release = no_op;
  PluginSemaphore::use(&sem_ops);
  SharedArena arena(1 << 16);
  arena.allocate(3, 1);
  auto* sem = make_semaphore<PluginSemaphore>(arena, Mode::threads, 3);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(g_seen.self) % 128, 0u);
  EXPECT_LE(reinterpret_cast<std::uintptr_t>(g_seen.self) + g_size,
            reinterpret_cast<std::uintptr_t>(sem) + PluginSemaphore::footprint());
  EXPECT_FALSE(supports_try_acquire(*sem)) << "the table has no try_acquire";
  sem->~PluginSemaphore();

  g_seen = {};
  contend_queue_ops queue_ops{};
  queue_ops.name = "fake-queue";
  queue_ops.footprint = queue_bytes;
  queue_ops.align = 512;
  queue_ops.init = record_queue_init;
  queue_ops.try_push = no_push;
  queue_ops.try_pop = no_pop;
  PluginQueue::use(&queue_ops);
  constexpr std::uint32_t kCapacity = 1024;
  g_size = queue_bytes(kCapacity);
  void* storage = arena.allocate(queue_footprint<PluginQueue>(kCapacity), alignof(PluginQueue));
  auto* q = construct_queue<PluginQueue>(storage, kCapacity, Sharing::process_shared);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(g_seen.self) % 512, 0u);
  EXPECT_LE(reinterpret_cast<std::uintptr_t>(g_seen.self) + g_size,
            reinterpret_cast<std::uintptr_t>(q) + queue_footprint<PluginQueue>(kCapacity));
  EXPECT_TRUE(g_seen.zeroed);
  q->~PluginQueue();
}

TEST(PluginAdapters, KeepTheTableTheyWereBuiltWith) {
  const contend_lock_ops first = fake_lock(8, 8);
  contend_lock_ops second = first;
  second.name = "second";
  PluginLock::use(&first);
  SharedArena arena(1 << 16);
  auto* lock = make_primitive<PluginLock>(arena, Mode::threads);
  PluginLock::use(&second);
  EXPECT_EQ(&lock->ops(), &first);
  EXPECT_FALSE(supports_try_lock(*lock)) << "the table has no try_lock";
  lock->~PluginLock();
}

TEST(PluginAdapters, InitFailureNamesThePrimitiveAndTheValue) {
  const contend_lock_ops ops = fake_lock(8, 8);
  g_seen.init_result = 5;
  PluginLock::use(&ops);
  SharedArena arena(1 << 16);
  try {
    make_primitive<PluginLock>(arena, Mode::threads);
    ADD_FAILURE() << "init's failure was ignored";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "plugin lock 'fake-lock': init returned 5");
  }
  EXPECT_EQ(g_seen.destroys, 0) << "destroy after a failed init";
}

TEST(PluginAdapters, Metadata) {
  EXPECT_EQ(PluginLock::kOrigin, Origin::plugin);
  EXPECT_EQ(to_string(Origin::plugin), "plugin");
  EXPECT_EQ(PluginSemaphore::kName, "plugin-semaphore");
  EXPECT_EQ(PluginQueue::kName, "plugin-queue");
  EXPECT_TRUE(PluginQueue::kProcessShared);
}

}  // namespace
}  // namespace contend
