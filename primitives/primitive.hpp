#pragma once
// What every primitive says about itself, and the concepts the workloads are written against.
//
// A primitive is a class with static metadata (kName, kDescription, kOrigin, kProcessShared)
// and the operations of its family. Workloads are templates over these concepts, so the
// measured loop calls the primitive directly with no virtual dispatch.
//
// Construction: a primitive is constructed in place, in ordinary memory for thread mode and in
// an anonymous MAP_SHARED mapping for process mode. Types that must know which (pthread
// mutexes, POSIX semaphores, futex users) take a `Sharing` argument.
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <new>
#include <string_view>

#include "primitives/family.hpp"

namespace contend {

// linux_api: a Linux-only kernel interface (eventfd, pipes and sockets as queues), neither POSIX
// nor ours. peer: a well-known library's (moodycamel, atomic_queue, Boost.Lockfree, oneTBB).
// plugin: the user's, loaded with --plugin (primitives/plugin_primitives.hpp). backend: kept on a
// server (Redis), through our client (primitives/backends/).
enum class Origin { std_library, posix, linux_api, own, peer, test, plugin, backend };
enum class Sharing { thread_private, process_shared };

std::string_view to_string(Origin o);

template <class T>
concept PrimitiveMetadata = requires {
  { T::kName } -> std::convertible_to<std::string_view>;
  { T::kDescription } -> std::convertible_to<std::string_view>;
  { T::kOrigin } -> std::convertible_to<Origin>;
  { T::kProcessShared } -> std::convertible_to<bool>;
};

// A lock: lock() blocks until the caller holds it, unlock() releases it. try_lock() is
// optional in the concept because some classic locks (MCS, CLH) have no cheap form of it.
template <class T>
concept Lock = PrimitiveMetadata<T> && requires(T& l) {
  l.lock();
  l.unlock();
};

template <class T>
concept TryLock = Lock<T> && requires(T& l) {
  { l.try_lock() } -> std::convertible_to<bool>;
};

// Whether this lock's try_lock() may be called: a TryLock type's may, unless the type can only
// tell at run time (a plugin whose table has no try_lock) and says no with try_lock_supported().
template <class L>
bool supports_try_lock(const L& l) {
  if constexpr (!TryLock<L>) {
    return false;
  } else if constexpr (requires { { l.try_lock_supported() } -> std::convertible_to<bool>; }) {
    return l.try_lock_supported();
  } else {
    return true;
  }
}

// A reader-writer lock: lock()/unlock() for exclusive (writer) access, lock_shared() and
// unlock_shared() for shared (reader) access.
template <class T>
concept RwLock = PrimitiveMetadata<T> && requires(T& l) {
  l.lock();
  l.unlock();
  l.lock_shared();
  l.unlock_shared();
};

// A counting semaphore: acquire() blocks until it takes one permit, release() returns one.
template <class T>
concept Semaphore = PrimitiveMetadata<T> && requires(T& s) {
  s.acquire();
  s.release();
};

// A semaphore with a try_acquire() that takes a permit if one is free and returns at once.
template <class T>
concept TrySemaphore = Semaphore<T> && requires(T& s) {
  { s.try_acquire() } -> std::convertible_to<bool>;
};

// Whether this semaphore's try_acquire() may be called (as supports_try_lock).
template <class S>
bool supports_try_acquire(const S& s) {
  if constexpr (!TrySemaphore<S>) {
    return false;
  } else if constexpr (requires { { s.try_acquire_supported() } -> std::convertible_to<bool>; }) {
    return s.try_acquire_supported();
  } else {
    return true;
  }
}

// The two ends of a handoff channel (the pingpong family).
enum class Peer : std::uint32_t { initiator = 0, responder = 1 };

// A handoff channel between two ends that take turns: the initiator sends first, and after
// that each end calls send() only once its receive() has returned the other end's message, so
// at most one message is ever in flight. send(to, m) delivers the 32-bit message `m` to the end
// `to`; receive(at) blocks until the message for `at` arrives and returns it. Everything an end
// did before send() happens-before everything the other end does after the receive() that
// returns that message. Using both ends from one side, or sending out of turn, is undefined.
template <class T>
concept Handoff = PrimitiveMetadata<T> && requires(T& h, Peer end, std::uint32_t message) {
  h.send(end, message);
  { h.receive(end) } -> std::same_as<std::uint32_t>;
};

// A queue of 64-bit items (the queue family), multi-producer multi-consumer unless it says
// otherwise (single_producer_single_consumer<T>()). try_push(item) returns false, at once, when
// the queue is full; try_pop(out) returns false, at once, when it is empty. Neither blocks.
// Everything a producer did before a successful try_push(x) happens-before everything the
// consumer whose try_pop returns x does after it. Item value 0 is never pushed (atomic_queue
// reserves it as its empty marker).
//
// Construction: T(std::uint32_t capacity, Sharing) or T(std::uint32_t capacity), in place, in
// queue_footprint<T>(capacity) bytes aligned to alignof(T): a queue that keeps its cells inside
// the object (so that it can live in a shared mapping) says how many bytes it needs with
// `static std::size_t footprint(std::uint32_t capacity)`. The workloads only pass capacities
// that are powers of two, at least 2.
template <class T>
concept Queue = PrimitiveMetadata<T> && requires(T& q, std::uint64_t item, std::uint64_t& out) {
  { q.try_push(item) } -> std::same_as<bool>;
  { q.try_pop(out) } -> std::same_as<bool>;
};

// A queue with operations that sleep until they can complete (`--wait block`): push(item)
// returns once the item is in the queue, pop() once it has taken one.
template <class T>
concept BlockingQueue = Queue<T> && requires(T& q, std::uint64_t item) {
  q.push(item);
  { q.pop() } -> std::same_as<std::uint64_t>;
};

// How a queue's capacity relates to the one it was constructed with:
//   exact     holds exactly `capacity` items; the next try_push fails
//   at_least  holds at least `capacity` items, maybe more (moodycamel's blocks, a pipe's pages)
enum class QueueCapacity { exact, at_least };

template <class T>
constexpr QueueCapacity queue_capacity_kind() {
  if constexpr (requires { T::kCapacity; }) {
    return T::kCapacity;
  } else {
    return QueueCapacity::exact;
  }
}

// True for a queue that allows one producer and one consumer only (the SPSC ring); the
// workloads refuse it any other configuration.
template <class T>
constexpr bool single_producer_single_consumer() {
  if constexpr (requires { T::kSingleProducerSingleConsumer; }) {
    return T::kSingleProducerSingleConsumer;
  } else {
    return false;
  }
}

// False for a queue that delivers every item once but does not promise that each consumer sees
// each producer's items in the order they were pushed (atomic_queue: its cells carry no lap
// number, so a thread a lap ahead can take an item meant for a preempted one). The workloads
// then report such reordering as expected, as they do lost updates of `nolock`.
template <class T>
constexpr bool keeps_producer_order() {
  if constexpr (requires { T::kKeepsProducerOrder; }) {
    return T::kKeepsProducerOrder;
  } else {
    return true;
  }
}

// Bytes a queue of `capacity` occupies when constructed in place (see Queue).
template <class T>
constexpr std::size_t queue_footprint(std::uint32_t capacity) {
  if constexpr (requires { T::footprint(capacity); }) {
    return T::footprint(capacity);
  } else {
    return sizeof(T);
  }
}

// Constructs a queue of `capacity` in place, in queue_footprint<Q>(capacity) bytes aligned to
// alignof(Q) at `storage`, passing `sharing` to the constructors that take it.
template <Queue Q>
Q* construct_queue(void* storage, std::uint32_t capacity, Sharing sharing) {
  if constexpr (std::constructible_from<Q, std::uint32_t, Sharing>) {
    return new (storage) Q(capacity, sharing);
  } else {
    return new (storage) Q(capacity);
  }
}

// A TTL lease (the lease family): a lock held for at most a time-to-live, in the name of the
// holder's token — what services build on Redis (`SET key token NX PX ttl`) or a database row.
//  try_acquire(token, ttl_ns)  takes it if nobody holds it or the holder's lease has expired,
//                              and returns its fencing token: greater than every one it returned
//                              before. 0: someone else holds a live lease.
//  release(token)              gives it up only if `token` still holds it (compare-and-delete);
//                              false when the lease had expired (and maybe gone to another).
//  renew(token, ttl_ns)        extends a live lease of `token` to ttl_ns from now; false if lost.
//  wait(until_ns)              sleeps until the lease may have become free (a release, or the
//                              holder's expiry) or the monotonic clock reads until_ns, whichever
//                              is first; returns at once when it is free. A store that cannot
//                              notify says so with kNotifies = false (waiters then poll).
// Time is the store's own clock: CLOCK_MONOTONIC in memory, the server's for a backend; a lease
// granted at the store's time t lives until t + ttl (lease_expiry_slack_ns<T>() more for a
// store whose clock is coarser). Tokens are never 0.
template <class T>
concept LeaseStore = PrimitiveMetadata<T> && requires(T& s, std::uint64_t token, std::int64_t ns) {
  { s.try_acquire(token, ns) } -> std::same_as<std::uint64_t>;
  { s.release(token) } -> std::same_as<bool>;
  { s.renew(token, ns) } -> std::same_as<bool>;
  s.wait(ns);
};

// A keyed concurrency limiter (the keyed family): at most `per_key` holders of each key at once
// (discord.py's max_concurrency(n, per=bucket), a per-user request cap). enter(key) returns once
// the caller holds one of the key's slots; try_enter(key) takes one only if it can at once;
// leave(key) gives it back. A key's state exists only while someone holds or waits for it:
// active_keys() is 0 whenever nobody does. Keys are 32-bit ids.
// Construction: T(std::uint32_t per_key, Sharing), in place.
template <class T>
concept KeyedLimiter = PrimitiveMetadata<T> && requires(T& l, std::uint32_t key) {
  { l.try_enter(key) } -> std::same_as<bool>;
  l.enter(key);
  l.leave(key);
  { l.active_keys() } -> std::same_as<std::uint32_t>;
};

// A job table (the jobs family): `jobs` rows, each pending, claimed or done.
//  claim(token, batch, mode, lease_ns, out)  claims up to `batch` claimable rows (pending, or
//      claimed under a lease that has run out) for `token`, writes their ids to `out` and returns
//      how many: 0 when none can be claimed now, -1 when NOWAIT met a locked row (nothing claimed).
//      lease_ns > 0: the claim runs out after that long, and the row is claimable again.
//  complete(id, token)  marks the row done if `token` still holds its claim; false if not (the
//      lease ran out and another claimed it).
//  remaining()          rows not yet done.
//  claimed_count()      rows claimed and not done (after the run: claims nobody completed).
// Construction: T(std::uint32_t jobs, Sharing), in place, in T::footprint(jobs) bytes; one kept on
// a server (pg-jobs) is T(std::uint32_t jobs, const BackendSettings&, Sharing).
template <class T>
concept JobTable = PrimitiveMetadata<T> &&
    requires(T& t, std::uint32_t* ids, std::uint32_t n, std::uint64_t token, std::int64_t ns, ClaimMode m) {
      { t.claim(token, n, m, ns, ids) } -> std::same_as<int>;
      { t.complete(n, token) } -> std::same_as<bool>;
      { t.remaining() } -> std::same_as<std::uint32_t>;
      { t.claimed_count() } -> std::same_as<std::uint32_t>;
      { T::footprint(n) } -> std::convertible_to<std::size_t>;
    };

// A primitive kept in a server session that the server can end under its holder (`contend stress
// --fault terminate-holder`): end_session() has the server end this thread's session and opens a
// new one (pg_client.hpp says what becomes of what the old one held).
template <class P>
concept SessionBound = requires(P& p) { p.end_session(); };

// A queue kept in a message broker (amqp-queue, the queue workload's broker path,
// workloads/broker_queue_loop.hpp). Unlike a Queue it is unbounded, a consumer acknowledges what
// it took after its work (unless it acks on delivery), and a message can come twice, flagged as
// such, when a consumer dies holding it:
//  publish(item)           sends it; returns once the broker has it or, with confirms, once no
//                          more than the confirm window are unconfirmed
//  flush()                 waits until every publish of this worker is confirmed
//  receive(m, timeout_ns)  the next message for this worker (subscribing at first), or false
//                          when none came within timeout_ns
//  ack(m)                  done with it (nothing with autoack)
//  stop_receiving()        unsubscribes; what was already sent comes through receive(), which
//                          then returns false
//  drain(m)                after the run, from the repetition: one message left, or false
// Construction: T(const BackendSettings&, Sharing), in place.
struct BrokerMessage {
  std::uint64_t item = 0;
  std::uint64_t tag = 0;
  bool redelivered = false;
};
template <class T>
concept BrokerQueue = PrimitiveMetadata<T> && requires(T& q, std::uint64_t item, BrokerMessage& m, std::int64_t ns) {
  q.publish(item);
  q.flush();
  { q.receive(m, ns) } -> std::same_as<bool>;
  q.ack(m);
  q.stop_receiving();
  { q.drain(m) } -> std::same_as<bool>;
};

// A store of counters changed in transactions (the counters family, the isolation workload): a
// table of `rows` integers, all 0 at first.
//  add_one(ids, n, level, update)  one transaction at `level` that adds one to each of the n
//      counters, in the order given, as `update` says; returns how it ended: committed, or rolled
//      back by the server (a serialization failure, a deadlock, a lock not available), for the
//      caller to try again.
//  sum()  the counters' total (after the run: the increments that the store kept).
// Construction: T(std::uint32_t rows, const BackendSettings&, Sharing), in place.
enum class TxnOutcome { committed, serialization_failure, deadlock, lock_not_available };
template <class T>
concept CounterStore = PrimitiveMetadata<T> &&
    requires(T& t, const std::uint32_t* ids, std::uint32_t n, IsolationLevel level, UpdateMode update) {
      { t.add_one(ids, n, level, update) } -> std::same_as<TxnOutcome>;
      { t.sum() } -> std::same_as<std::uint64_t>;
    };

// The tasks family: a runtime for -w tasks and the lock, semaphore and bounded queue they share
// (the tasks workload, workloads/tasks_workload.hpp, holds the jobs). kOneThread: every task is a
// coroutine on one thread (T::Semaphore and T::Queue are awaited, as in
// primitives/tasks/coro_tasks.hpp), else each task is an OS thread and they block
// (primitives/tasks/thread_tasks.hpp). kCancels: a task can cancel another's wait (--cancel).
template <class T>
concept TaskRuntime = PrimitiveMetadata<T> && requires {
  { T::kOneThread } -> std::convertible_to<bool>;
  { T::kCancels } -> std::convertible_to<bool>;
  typename T::Semaphore;
  typename T::Queue;
};

// How much later than ttl after its grant a lease may still be live in the store (a server that
// keeps expiry in milliseconds: up to 1 ms); the lease workload's checks allow it.
template <class T>
constexpr std::int64_t lease_expiry_slack_ns() {
  if constexpr (requires { T::kExpirySlackNs; }) {
    return T::kExpirySlackNs;
  } else {
    return 0;
  }
}

// Whether wait() sleeps until a release (a store that cannot notify returns at once: waiters poll).
template <class T>
constexpr bool lease_notifies() {
  if constexpr (requires { T::kNotifies; }) {
    return T::kNotifies;
  } else {
    return true;
  }
}

// True when the lock gives mutual exclusion; the do-nothing baseline and deliberately broken
// primitives say false, so a lost-update count is reported as expected rather than a violation.
template <class T>
constexpr bool provides_exclusion() {
  if constexpr (requires { T::kProvidesExclusion; }) {
    return T::kProvidesExclusion;
  } else {
    return true;
  }
}

// True for the `atomic-add` baseline: no lock at all, the shared counters are updated with an
// atomic read-modify-write instead — what a lock-free design of the same counter costs.
template <class T>
constexpr bool uses_atomic_counter() {
  if constexpr (requires { T::kAtomicCounter; }) {
    return T::kAtomicCounter;
  } else {
    return false;
  }
}

// The most permits a semaphore can hold (std::binary_semaphore: 1); 0 means no limit worth
// naming. The plan leaves such a semaphore out of `all` when --permits asks for more.
template <class T>
constexpr std::uint32_t max_permits() {
  if constexpr (requires { T::kMaxPermits; }) {
    return T::kMaxPermits;
  } else {
    return 0;
  }
}

// True for the lock family's baselines that are not locks (nolock, race, atomic-add): `stress`
// leaves them out of "all", since they fail its exclusion checks by design.
template <class T>
constexpr bool is_baseline() {
  if constexpr (requires { T::kBaseline; }) {
    return T::kBaseline;
  } else {
    return false;
  }
}

// True for a lock whose contract is FIFO (ticket, MCS, Anderson): waiters enter in the order
// they arrived. `contend stress` then checks its overtakes against that bound by default
// (workloads/stress_verdict.cpp says how much slack the bound gets, and why).
template <class T>
constexpr bool is_fifo() {
  if constexpr (requires { T::kFifo; }) {
    return T::kFifo;
  } else {
    return false;
  }
}

// The server a backend primitive lives on ("redis"), or empty for one in memory.
template <class T>
constexpr std::string_view backend_of() {
  if constexpr (requires { T::kBackend; }) {
    return T::kBackend;
  } else {
    return {};
  }
}

// How many Redis servers a backend primitive needs (Redlock's instances: kRedisServers), 1 for
// another on Redis, 0 for one in memory.
template <class T>
constexpr std::uint32_t redis_servers_of() {
  if constexpr (requires { T::kRedisServers; }) {
    return T::kRedisServers;
  } else {
    return backend_of<T>() == "redis" ? 1 : 0;
  }
}

// True for test-only primitives that `list` hides unless asked (planted bugs).
template <class T>
constexpr bool is_hidden() {
  return T::kOrigin == Origin::test;
}

}  // namespace contend
