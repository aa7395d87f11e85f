#pragma once
// What to run: one configuration (RunSpec) and the whole plan (RunPlan). The CLI builds these
// once from its options; nothing below cli/ sees a raw argument.
#include <cstdint>
#include <string>

#include <string_view>
#include <vector>

#include "primitives/family.hpp"
#include "workloads/model/conflict.hpp"
#include "workloads/model/fault.hpp"
#include "workloads/model/hold.hpp"

namespace contend {

enum class Workload { lock, semaphore, rw, pingpong, queue, pairs, trylock, lease, keyed, deadlock, jobs, tasks, isolation };
// The tasks workload's job (workloads/tasks_workload.hpp): producers and consumers through a
// bounded queue, or contention for a lock or a semaphore.
enum class TaskPattern : std::uint32_t { queue, lock, semaphore };
enum class Mode { threads, processes };
enum class Pinning { none, compact, spread };
// What a queue worker does when the queue is full (producer) or empty (consumer): spin on the
// try-operation with a pause, sched_yield between tries, or sleep in the queue's blocking push
// or pop (only queues that have them).
enum class QueueWait { spin, yield, block };
// A worker's part in its workload: every worker of the lock, semaphore, rw and pingpong
// workloads is a plain `worker`; the queue workload's are producers or consumers, and only the
// consumers' operations (items delivered) count as the configuration's operations.
enum class WorkerRole { worker, producer, consumer };

std::string_view to_string(Workload w);
std::string_view to_string(Mode m);
std::string_view to_string(Pinning p);
std::string_view to_string(QueueWait w);
std::string_view to_string(WorkerRole r);

// `contend stress`'s long-hold windows (RunControl::long_holds in workloads/run_control.hpp):
// for this long before each quiet period and through it (a quarter of --stall at most), a lock
// whose critical section is shorter than kLongHoldCsNs is held that much longer, by the first
// kLongHoldWorkers workers only.
inline constexpr std::int64_t kLongHoldCsNs = 2'000;
inline constexpr std::int64_t kLongHoldWindowNs = 50'000'000;
inline constexpr int kLongHoldWorkers = 2;  // the workers that go on in a window; the others sit it out

// One measured configuration. Every repetition of it runs in its own child process.
struct RunSpec {
  Workload workload = Workload::lock;
  std::string primitive;
  Mode mode = Mode::threads;
  int workers = 1;
  std::int64_t duration_ns = 500'000'000;    // 0 when the run is bounded by `operations`
  std::uint64_t operations = 0;              // total over all workers; 0 when bounded by time
  std::int64_t warmup_ns = 100'000'000;
  std::uint64_t cs_ns = 0;                   // simulated work inside the critical section
  std::uint64_t outside_ns = 0;              // simulated work between acquisitions
  bool outside_scales = false;               // outside work is outside_ns x workers (abseil's
                                             // BM_Contended), so contention stays comparable
  std::uint32_t cs_lines = 1;                // shared cache lines written inside (lock workload)
  std::uint32_t permits = 2;                 // semaphore workload
  std::uint32_t read_percent = 90;           // rw workload: share of operations that read
  // Queue workload: the first `producers` of `workers` push, the rest pop; 0 for other workloads.
  int producers = 0;
  std::uint32_t capacity = 1024;             // queue workload: items the queue is built to hold
  QueueWait wait = QueueWait::spin;          // queue workload: on full or empty
  std::uint64_t consume_ns = 0;              // queue workload: a consumer's work per item
  // Queue workload, open loop: items per second each producer offers on a fixed schedule, and
  // latency counts from each item's intended send time. 0: closed loop, as fast as it goes.
  std::uint64_t rate = 0;
  Pinning pin = Pinning::none;
  std::uint64_t sample_every = 16;           // time 1 operation in N (on average); 0 = no timing
  std::uint64_t seed = 1;
  std::int64_t timeout_ns = 0;               // per repetition; 0 = derived (see effective_timeout_ns)
  int repetitions = 5;
  // `contend micro`: the Google Benchmark case ("lock_unlock", "try_lock", "contended", ...)
  // run over `primitive` of the `workload` family. Empty for every other subcommand.
  std::string micro_case;
  // `contend stress`: the workers run the family's property checks (workloads/lock_stress.hpp, semaphore_stress.hpp, rw_stress.hpp)
  // instead of its measuring loop. `perturb` adds seeded random short delays and yields inside
  // and outside the critical section to widen race windows. `stall_ns` > 0 arms the progress
  // watchdog: when no worker makes progress for that long, the repetition ends as `hang`.
  bool stress = false;
  bool perturb = false;
  std::int64_t stall_ns = 0;
  // `contend stress` fairness gates (0: not a gate): the longest wait any sampled acquisition
  // may take, the most overtakes one may suffer (acquisitions by others between its arrival and
  // its entry), and the least Jain's fairness index of per-worker operations, in millionths.
  std::int64_t max_wait_ns = 0;
  std::int64_t max_overtakes = 0;
  std::int64_t min_fairness_millionths = 0;
  // `contend stress --fault`: what is done to a worker inside its critical section
  // (workloads/model/fault.hpp), on every `fault_every`th acquisition of each worker, or, when
  // that is 0, on a seeded random 1 in kRandomFaultOdds.
  Fault fault;
  std::uint64_t fault_every = 0;
  // Lease workload (workloads/lease_workload.hpp): the lease's time-to-live; how long one
  // acquisition waits before it gives up (0: for ever); how long a refused caller sleeps before it
  // asks again (0: it sleeps in the store's wait() until a release or the holder's expiry); how
  // long a holder keeps it; whether the guarded resource checks fencing tokens; and whether a
  // holder extends its lease every TTL/3 while it holds it (Redisson's watchdog).
  std::int64_t ttl_ns = 10'000'000;
  std::int64_t wait_timeout_ns = 1'000'000'000;
  std::int64_t retry_interval_ns = 0;
  HoldTime hold;
  bool fencing = true;
  bool renew = false;
  // Keyed workload (workloads/keyed_workload.hpp): how many keys; the Zipf exponent their
  // popularity follows, in millionths (0: uniform; 1000000: the classic 1/rank); how many
  // holders each key admits; and whether a caller finding its key full waits or is turned away.
  std::uint32_t keys = 16;
  std::int64_t zipf_millionths = 1'000'000;
  std::uint32_t per_key = 2;
  bool fail_when_busy = false;
  // Deadlock workload (workloads/deadlock_workload.hpp): how many locks there are, how many each
  // operation takes, whether in ascending order or a random one, and what a worker does when
  // one it needs is held.
  std::uint32_t locks = 8;
  std::uint32_t take = 2;
  bool random_order = false;
  OnConflict on_conflict;
  // Jobs workload (workloads/jobs_workload.hpp): the table's jobs, how a claim treats rows others
  // hold, how many jobs one claim takes, and how long a claim lasts (0: until completed).
  std::uint32_t jobs = 1'000'000;
  ClaimMode claim = ClaimMode::skip;
  std::uint32_t batch = 1;
  std::int64_t job_lease_ns = 0;
  // A table in PostgreSQL (pg-jobs): a session outside the workers holds a REPEATABLE READ snapshot
  // open from before the first claim until after the last, so that no dead row is cleaned up.
  bool long_transaction = false;
  // Isolation workload (workloads/isolation_workload.hpp): the counters in the table, the level
  // its transactions run at and how they add one (each adds one to --take counters, in --order).
  std::uint32_t rows = 4;
  IsolationLevel level = IsolationLevel::read_committed;
  UpdateMode update = UpdateMode::rmw;
  std::int64_t lock_timeout_ns = 0;  // the server's lock_timeout for each transaction; 0: none
  // Tasks workload (workloads/tasks_workload.hpp): the job the tasks run, and how often (in
  // millionths, per operation) a task cancels another's wait.
  TaskPattern pattern = TaskPattern::queue;
  std::uint32_t cancel_millionths = 0;
  // Backend primitives (redis-lock): the Redis servers, comma-separated HOST:PORT or socket
  // paths, as the plan resolved them (--redis, $CONTEND_REDIS, or scripts/servers.sh's); empty
  // for a primitive in memory.
  std::string redis;
  // Backend primitives kept in PostgreSQL (pg-for-update, pg-jobs, ...): the server's libpq
  // connection string, as the plan resolved it (--pg, $CONTEND_PG, or scripts/servers.sh's).
  std::string postgres;
  // A queue kept in a broker (amqp-queue): the broker's AMQP URL, as the plan resolved it (--amqp,
  // $CONTEND_AMQP, or scripts/servers.sh's); unacked messages a consumer may hold (basic.qos, 0:
  // no limit); acked on delivery rather than after the work; publishes that may wait for their
  // confirm (0: no publisher confirms); a durable queue of persistent messages.
  std::string amqp;
  std::uint32_t prefetch = 100;
  bool autoack = false;
  std::uint32_t confirm = 100;
  bool persistent = false;

  bool operator==(const RunSpec&) const = default;
};

// The stable name of a configuration, the key `compare` matches on, in Google Benchmark's
// slash style: "lock/std-mutex/threads/workers:4": workload, primitive and mode, then the
// workload's identity knobs (workers; a queue's shape; a semaphore's permits), then any other
// knob only when it differs from its default (e.g. ".../cs:100ns"), so names stay short and
// still unique within a plan (the workload table, workloads/model/knobs.hpp, says which).
// A micro benchmark is "micro/lock/std-mutex/lock_unlock"; the contended* cases, which run on
// 1..N threads, end in their thread count: "micro/lock/std-mutex/contended/threads:4".
std::string config_name(const RunSpec& spec);

// The knob parts of a configuration's name, in order: {"workers:4", "cs:100ns"}.
std::vector<std::string> knob_segments(const RunSpec& spec);

// The work between acquisitions a worker does, after --outside-scale.
std::uint64_t effective_outside_ns(const RunSpec& spec);

// The watchdog's limit for one repetition: the user's --timeout, else 10 s plus twice the
// planned run time (60 s when the run is bounded by an operation count, whose length is unknown).
std::int64_t effective_timeout_ns(const RunSpec& spec);

struct RunPlan {
  std::vector<RunSpec> configs;
  std::string command_line;  // as typed, for the record and for reproducing the run
  std::vector<std::string> servers;  // what the backends' servers are (Environment::servers)
};

}  // namespace contend
