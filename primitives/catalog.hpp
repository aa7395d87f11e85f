#pragma once
// The built-in primitives, by family. Adding a primitive is one header and one line here: the
// workloads' registry instantiates its family's workload for every type in these lists.
#include "primitives/locks/anderson_lock.hpp"
#include "primitives/locks/atomic_add.hpp"
#include "primitives/locks/hybrid_lock.hpp"
#include "primitives/locks/mcs_lock.hpp"
#include "primitives/locks/nolock.hpp"
#include "primitives/locks/pthread_adaptive_mutex.hpp"
#include "primitives/locks/pthread_mutex.hpp"
#include "primitives/locks/pthread_robust_mutex.hpp"
#include "primitives/locks/race.hpp"
#include "primitives/locks/spin_yield_lock.hpp"
#include "primitives/locks/std_mutex.hpp"
#include "primitives/locks/tas_lock.hpp"
#include "primitives/locks/ticket_lock.hpp"
#include "primitives/locks/ttas_backoff.hpp"
#include "primitives/locks/ttas_lock.hpp"
#include "primitives/backends/amqp_queue.hpp"
#include "primitives/backends/pg_advisory_lock.hpp"
#include "primitives/backends/pg_counters.hpp"
#include "primitives/backends/pg_job_table.hpp"
#include "primitives/backends/pg_lock_table.hpp"
#include "primitives/backends/pg_row_lock.hpp"
#include "primitives/backends/pg_share_lock.hpp"
#include "primitives/backends/redis_lease.hpp"
#include "primitives/backends/redis_lock.hpp"
#include "primitives/backends/redis_semaphore.hpp"
#include "primitives/backends/redlock.hpp"
#include "primitives/jobs/mem_job_table.hpp"
#include "primitives/keyed/atomic_limiter.hpp"
#include "primitives/keyed/semaphore_limiter.hpp"
#include "primitives/keyed/striped_limiter.hpp"
#include "primitives/leases/mem_lease.hpp"
#include "primitives/peers/atomic_queue_adapter.hpp"
#include "primitives/peers/boost_lockfree_queue.hpp"
#include "primitives/peers/moodycamel_queue.hpp"
#include "primitives/peers/tbb_bounded_queue.hpp"
#include "primitives/pingpong/cv_handoff.hpp"
#include "primitives/pingpong/eventfd_handoff.hpp"
#include "primitives/pingpong/futex_handoff.hpp"
#include "primitives/pingpong/pipe_handoff.hpp"
#include "primitives/pingpong/queue_pair_handoff.hpp"
#include "primitives/pingpong/sem_pair_handoff.hpp"
#include "primitives/pingpong/spin_flag_handoff.hpp"
#include "primitives/queues/monitor_queue.hpp"
#include "primitives/queues/mpmc_ring.hpp"
#include "primitives/queues/pipe_queue.hpp"
#include "primitives/queues/socketpair_queue.hpp"
#include "primitives/queues/spsc_ring.hpp"
#include "primitives/rwlocks/pthread_rwlock.hpp"
#include "primitives/rwlocks/rw_spinlock.hpp"
#include "primitives/rwlocks/std_shared_mutex.hpp"
#include "primitives/semaphores/futex_sem.hpp"
#include "primitives/semaphores/monitor_sem.hpp"
#include "primitives/semaphores/posix_named_sem.hpp"
#include "primitives/semaphores/posix_sem.hpp"
#include "primitives/semaphores/std_binary.hpp"
#include "primitives/semaphores/std_counting.hpp"
#include "primitives/tasks/coro_tasks.hpp"
#include "primitives/tasks/thread_tasks.hpp"
#include "primitives/testing/broken_crash.hpp"
#include "primitives/testing/broken_handoffs.hpp"
#include "primitives/testing/broken_jobs.hpp"
#include "primitives/testing/broken_keyed.hpp"
#include "primitives/testing/broken_leases.hpp"
#include "primitives/testing/broken_locks.hpp"
#include "primitives/testing/broken_semaphores.hpp"
#include "primitives/testing/broken_tasks.hpp"
#include "primitives/testing/broken_waiting.hpp"
#include "primitives/testing/broken_orderings.hpp"
#include "primitives/testing/broken_queue.hpp"
#include "primitives/testing/broken_queue_early_free.hpp"
#include "primitives/testing/broken_pg_jobs.hpp"
#include "primitives/testing/broken_redis_leases.hpp"
#include "primitives/testing/broken_redis_semaphores.hpp"
#include "primitives/testing/broken_hang.hpp"

namespace contend {

template <class... Ts>
struct TypeList {};

using BuiltinLocks = TypeList<
    NoLock,
    AtomicAddBaseline,
    RaceBaseline,
    StdMutex,
    PthreadMutex,
    PthreadAdaptiveMutex,
    PthreadRobustMutex,
    TasLock,
    TtasLock,
    TtasBackoffLock,
    SpinYieldLock,
    TicketLock,
    McsLock,
    AndersonLock,
    HybridLock,
    BrokenHangLock,
    BrokenCrashLock,
    BrokenTasRaceLock,
    BrokenTryLock,
    BrokenLostWakeupLock,
    BrokenStarveLock,
    BrokenRaceHangLock,
    BrokenRareWakeupLock,
    BrokenWaiterFlagLock,
    BrokenFifoBargingLock,
    BrokenRelaxedUnlockLock>;

using BuiltinSemaphores = TypeList<
    StdCountingSemaphore,
    StdBinarySemaphore,
    PosixSemaphore,
    PosixNamedSemaphore,
    FutexSemaphore,
    MonitorSemaphore,
    BrokenSemRace,
    BrokenSemLeak,
    BrokenSemNoWake,
    BrokenRelaxedSemaphore>;

using BuiltinRwLocks = TypeList<
    StdSharedMutex,
    PthreadRwLockReader,
    PthreadRwLockWriter,
    RwSpinLock,
    BrokenRwReader>;

using BuiltinHandoffs = TypeList<
    CvHandoff,
    FutexHandoff,
    SpinFlagHandoff,
    SemPairHandoff,
    PipeHandoff,
    EventfdHandoff,
    QueuePairHandoff<MpmcRing>,
    QueuePairHandoff<SpscRing>,
    QueuePairHandoff<MonitorQueue>,
    QueuePairHandoff<MoodycamelQueue>,
    QueuePairHandoff<AtomicQueueAdapter>,
    QueuePairHandoff<BoostLockfreeQueue>,
    QueuePairHandoff<TbbBoundedQueue>,
    BrokenHandoffEarlyTurn,
    BrokenHandoffLostWake>;

using BuiltinQueues = TypeList<
    MpmcRing,
    SpscRing,
    MonitorQueue,
    MoodycamelQueue,
    MoodycamelBlockingQueue,
    AtomicQueueAdapter,
    OptimistAtomicQueueAdapter,
    BoostLockfreeQueue,
    TbbBoundedQueue,
    PipeQueue,
    SocketpairQueue,
    BrokenQueue,
    BrokenQueueOrder,
    BrokenQueueInvent,
    BrokenQueueEarlyFree>;

using BuiltinLeases = TypeList<
    MemLease,
    BrokenLeaseNoToken,
    BrokenLeaseNoExpiry,
    BrokenLeaseFenceReuse,
    BrokenLeaseRace>;

using BuiltinKeyedLimiters = TypeList<
    KeyedAtomicLimiter,
    KeyedMapLimiter,
    KeyedStripedLimiter,
    KeyedSemaphoreLimiter,
    BrokenKeyedCheckThenAdd,
    BrokenKeyedNoRemove,
    BrokenKeyedOffByOne>;

using BuiltinJobTables = TypeList<
    MemJobTable,
    BrokenJobsReadThenUpdate>;

// Kept on servers (primitives/backends/): registered for `run` and `stress` only, and never part
// of "all" (they need a server: --redis, --pg or scripts/servers.sh).
using BackendLocks = TypeList<
    RedisLock,
    Redlock3,
    Redlock5,
    PgAdvisoryLock,
    PgForUpdateLock,
    PgNowaitLock,
    PgLockTable>;

using BackendRwLocks = TypeList<
    PgShareLock>;

using BackendCounterStores = TypeList<
    PgCounters>;

using BackendJobTables = TypeList<
    PgJobTable,
    BrokenPgJobsSelectThenUpdate>;

using BackendQueues = TypeList<
    AmqpQueue>;

using BackendSemaphores = TypeList<
    RedisSemaphore,
    BrokenRedisFairSemaphore>;

using BackendLeases = TypeList<
    RedisLease,
    BrokenRedisLeasePlainDel,
    BrokenRedisLeaseNoPx>;

using BuiltinTaskRuntimes = TypeList<
    CoroTasks,
    ThreadTasks,
    BrokenCoroCancelLosesPermit,
    BrokenCoroNewestFirst>;

}  // namespace contend
