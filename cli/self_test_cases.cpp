// The self-test's cases (self_test_cases.hpp).
#include "cli/self_test_cases.hpp"

#include "workloads/model/knobs.hpp"

namespace contend::cli {

std::vector<SelfTestCase> self_test_cases(std::uint64_t seed) {
  RunSpec base;
  base.stress = true;
  base.duration_ns = 500'000'000;
  base.warmup_ns = 0;
  base.repetitions = 1;
  base.sample_every = 1;
  base.seed = seed;
  base.stall_ns = 1'000'000'000;
  auto make = [&](Workload workload, const char* primitive, int workers, Mode mode = Mode::threads) {
    RunSpec s = base;
    s.workload = workload;
    s.primitive = primitive;
    s.workers = workers;
    s.mode = mode;
    return s;
  };
  auto queue = [&](const char* primitive, int producers, int consumers) {
    RunSpec s = make(Workload::queue, primitive, producers + consumers);
    s.producers = producers;
    s.capacity = 64;
    return s;
  };
  auto semaphore = [&](const char* primitive, int workers, Mode mode = Mode::threads) {
    RunSpec s = make(Workload::semaphore, primitive, workers, mode);
    s.permits = 2;
    return s;
  };
  // A lease at stress's own TTL and hold (from the workload table): holds whose tail outlives the
  // TTL, which the expiry, token and fencing bugs need to show.
  auto lease = [&](const char* primitive, int workers, Mode mode = Mode::threads) {
    RunSpec s = make(Workload::lease, primitive, workers, mode);
    for (KnobId id : {KnobId::ttl, KnobId::hold}) knob(id).set(s, default_values(knob(id), Workload::lease, true).front());
    return s;
  };
  // A keyed limiter over few keys, one hot, so that a key is often full; --on-busy fail turns
  // the spurious-rejection check on.
  auto keyed = [&](const char* primitive, int workers, bool fail_when_busy = false, Mode mode = Mode::threads) {
    RunSpec s = make(Workload::keyed, primitive, workers, mode);
    s.keys = 4;
    s.per_key = 1;
    s.fail_when_busy = fail_when_busy;
    return s;
  };
  // A job table (of the default million jobs: drained in under a second, while every worker gets
  // its thousand jobs even when one of them starts late).
  auto jobs = [&](const char* primitive, int workers, Mode mode = Mode::threads, ClaimMode claim = ClaimMode::skip,
                  std::uint32_t batch = 1) {
    RunSpec s = make(Workload::jobs, primitive, workers, mode);
    s.claim = claim;
    s.batch = batch;
    return s;
  };
  // Tasks sharing a semaphore of 2 permits, a lock or a queue, with stress's own share of
  // cancelled waits (from the workload table) on runtimes that can cancel.
  auto tasks = [&](const char* primitive, int workers, TaskPattern pattern) {
    RunSpec s = make(Workload::tasks, primitive, workers);
    s.pattern = pattern;
    s.permits = 2;
    if (std::string_view(primitive) != "threads") {
      knob(KnobId::cancel).set(s, default_values(knob(KnobId::cancel), Workload::tasks, true).front());
    }
    return s;
  };
  // 100,000 jobs: with a kill every 2000th job of each worker, 50 kills, not 500.
  auto smaller = [](RunSpec s) {
    s.jobs = 100'000;
    return s;
  };
  auto leased = [](RunSpec s, std::int64_t lease_ns) {
    s.job_lease_ns = lease_ns;
    return s;
  };
  auto taking = [](RunSpec s, bool random_order, OnConflict on_conflict) {
    s.random_order = random_order;
    s.on_conflict = on_conflict;
    return s;
  };
  auto with_per_key = [](RunSpec s, std::uint32_t per_key) {
    s.per_key = per_key;
    return s;
  };
  // 200 ns inside: overlapping critical sections see each other's writes even in the
  // transparent windows.
  auto with_cs = [](RunSpec s, std::uint64_t cs_ns) {
    s.cs_ns = cs_ns;
    return s;
  };
  // --perturb: yields inside the critical section, so a worker that holds the primitive is often
  // descheduled there and the overlap a try_lock or reader bug allows happens even on a loaded
  // machine.
  auto perturbed = [](RunSpec s) {
    s.perturb = true;
    return s;
  };
  auto longer_than_stall = [](RunSpec s) {
    s.duration_ns = 3'000'000'000;
    s.stall_ns = 500'000'000;
    return s;
  };
  auto killing = [](RunSpec s) {
    s.fault = Fault{FaultKind::kill_holder, 0};
    s.fault_every = 2000;
    s.stall_ns = 500'000'000;
    return s;
  };
  auto lasting = [](RunSpec s, std::int64_t duration_ns) {
    s.duration_ns = duration_ns;
    return s;
  };
  auto repeated = [](RunSpec s, int repetitions) {
    s.repetitions = repetitions;
    return s;
  };
  auto with_capacity = [](RunSpec s, std::uint32_t capacity) {
    s.capacity = capacity;
    return s;
  };
  auto with_permits = [](RunSpec s, std::uint32_t permits) {
    s.permits = permits;
    return s;
  };
  using C = CheckId;
  return {
      // Planted bugs: each must be caught by the check named.
      {with_cs(make(Workload::lock, "broken-tas-race", 4), 200), Status::violation,
       {C::exclusion_strong, C::exclusion_transparent, C::lost_updates}},
      {with_cs(make(Workload::lock, "broken-tas-race", 4, Mode::processes), 200), Status::violation,
       {C::exclusion_strong, C::lost_updates}},
      {perturbed(with_cs(make(Workload::lock, "broken-trylock", 4), 200)), Status::violation,
       {C::try_lock_exclusion}},
      {make(Workload::lock, "broken-starve", 4), Status::violation, {C::starvation}},
      // Longer than --stall: the starved workers are a verdict at the stall, not after the run.
      {longer_than_stall(make(Workload::lock, "broken-starve", 4)), Status::hang, {C::starvation}},
      {make(Workload::lock, "broken-lost-wakeup", 4), Status::hang, {C::lost_wakeup}},
      // 1.5 s: under ASan one 0.5 s run at 8 workers once went by without a stranding long enough.
      {lasting(make(Workload::lock, "broken-waiter-flag", 8), 1'500'000'000), Status::hang, {C::lost_wakeup}},
      {with_permits(semaphore("broken-sem-no-wake", 4), 1), Status::hang, {C::lost_wakeup}},
      // One wake in 10,000 forgotten: found in the long-hold windows (RunControl::long_holds);
      // 20 of 20 seeded runs at 4 workers for 1.5 s, 19 of 20 at 2; two repetitions for margin.
      {repeated(lasting(make(Workload::lock, "broken-rare-wakeup", 4), 1'500'000'000), 2), Status::hang,
       {C::lost_wakeup}},
      // Six repetitions: its queue is overtaken only while both workers run at once, which a busy
      // machine prevents for a while (CI once saw three go by while a build ran beside it).
      {repeated(make(Workload::lock, "broken-fifo-barging", 2), 6), Status::violation, {C::bounded_waiting}, false,
       true},
      // --fault kill-holder: a lock that is not robust never comes back (and the verdict says the
      // holder died); the robust mutex beside it recovers, below.
      {killing(make(Workload::lock, "ticket", 2, Mode::processes)), Status::hang, {C::progress}},
      // The hang keeps its evidence: the exclusion failures seen before it.
      {with_cs(make(Workload::lock, "broken-race-hang", 4), 200), Status::hang,
       {C::exclusion_strong, C::exclusion_transparent}, true},
      {make(Workload::lock, "broken-hang", 2), Status::hang, {C::progress}},
      {make(Workload::lock, "broken-crash", 2), Status::crashed, {}},
      {make(Workload::lock, "broken-crash", 2, Mode::processes), Status::crashed, {}},
      {with_cs(semaphore("broken-sem-race", 4), 200), Status::violation, {C::semaphore_holders}},
      {semaphore("broken-sem-leak", 4), Status::violation, {C::permits_conserved}},
      {perturbed(with_cs(make(Workload::rw, "broken-rw-reader", 4), 200)), Status::violation, {C::rw_exclusion}},
      {queue("broken-queue", 2, 2), Status::violation, {C::queue_lost, C::queue_duplicated}},
      {queue("broken-queue-order", 1, 1), Status::violation, {C::queue_order}},
      {queue("broken-queue-invent", 2, 2), Status::violation, {C::queue_invented}},
      // A window of one instruction inside try_pop: --perturb's preemption inside calls, at 4+4
      // and capacity 2 so that a producer waits a lap ahead for the cell (workloads/preemption.hpp).
      {perturbed(lasting(with_capacity(queue("broken-queue-early-free", 4, 4), 2), 1'000'000'000)), Status::violation,
       {C::queue_lost, C::queue_duplicated}, true, false, true},
      {make(Workload::pingpong, "broken-handoff-early-turn", 2), Status::violation, {C::handoff_sequence}},
      // Three repetitions of 3 s: the lost signal needs both ends on the CPUs at once (an ASan CI
      // run with a build beside it once saw a 0.5 s repetition go by without it; beside two CPU
      // hogs it came after 0.1 to 5.5 s); a caught repetition ends at once.
      {lasting(repeated(make(Workload::pingpong, "broken-handoff-lost-wake", 2), 3), 3'000'000'000), Status::hang,
       {C::lost_wakeup}},
      {lease("broken-lease-no-token", 2), Status::violation, {C::lease_release}},
      {lease("broken-lease-no-expiry", 2), Status::violation, {C::lease_expiry}},
      {lease("broken-lease-fence-reuse", 2), Status::violation, {C::fence_order}},
      {lease("broken-lease-race", 4), Status::violation, {C::lease_exclusion}},
      {with_cs(keyed("broken-keyed-check-then-add", 4), 200), Status::violation, {C::key_limit}},
      {keyed("broken-keyed-no-remove", 2), Status::violation, {C::idle_table_empty}},
      {with_per_key(keyed("broken-keyed-off-by-one", 4, true), 2), Status::violation, {C::spurious_rejection}},
      // Locks taken in random order: the inversion is found even when conflicts back off, and
      // with waiting the deadlock itself, named by its cycle.
      {taking(make(Workload::deadlock, "std-mutex", 2), true, OnConflict{ConflictKind::try_once, 0}), Status::violation,
       {C::lock_order}},
      {taking(make(Workload::deadlock, "std-mutex", 2), true, OnConflict{}), Status::hang, {C::deadlock}},
      {jobs("broken-jobs-read-then-update", 4), Status::violation, {C::job_once}},
      // A claimer killed holding its jobs: without a lease they are lost; with one they come back.
      {killing(smaller(jobs("jobs-mem", 2, Mode::processes))), Status::violation, {C::jobs_lost}},
      // A cancelled waiter that drops its permit (gh-90155): every task ends up waiting; and
      // waiters woken newest first, against the FIFO contract.
      {tasks("broken-coro-cancel-loses-permit", 8, TaskPattern::semaphore), Status::violation, {C::lost_wakeup}},
      {tasks("broken-coro-newest-first", 8, TaskPattern::lock), Status::violation, {C::fifo_wake}},
      // Correct primitives beside them: any verdict but pass is a false positive.
      {make(Workload::lock, "ttas", 4), Status::ok, {}},
      {make(Workload::lock, "ticket", 4), Status::ok, {}},  // FIFO: held to its own bound
      {make(Workload::lock, "mcs", 8), Status::ok, {}},
      {make(Workload::lock, "std-mutex", 8), Status::ok, {}},
      {make(Workload::lock, "pthread-mutex", 4, Mode::processes), Status::ok, {}},
      {killing(make(Workload::lock, "pthread-robust-pshared", 2, Mode::processes)), Status::ok, {}},
      {semaphore("posix-sem", 4), Status::ok, {}},
      {make(Workload::rw, "pthread-rwlock-reader", 4), Status::ok, {}},
      {queue("ring", 2, 2), Status::ok, {}},
      {make(Workload::pingpong, "futex", 4), Status::ok, {}},
      {make(Workload::pingpong, "cv", 2, Mode::processes), Status::ok, {}},
      {lease("lease-mem", 4), Status::ok, {}},
      {lease("lease-mem", 2, Mode::processes), Status::ok, {}},
      {keyed("keyed-sem", 4, true), Status::ok, {}},
      {keyed("keyed-striped", 4, false, Mode::processes), Status::ok, {}},
      {keyed("keyed-map", 4, true), Status::ok, {}},
      {keyed("keyed-atomic", 4, true, Mode::processes), Status::ok, {}},
      {taking(make(Workload::deadlock, "hybrid", 4, Mode::processes), false, OnConflict{}), Status::ok, {}},
      {jobs("jobs-mem", 4, Mode::threads, ClaimMode::block), Status::ok, {}},
      {jobs("jobs-mem", 4, Mode::processes, ClaimMode::nowait, 4), Status::ok, {}},
      {leased(killing(smaller(jobs("jobs-mem", 2, Mode::processes))), 20'000'000), Status::ok, {}},
      {tasks("coro", 8, TaskPattern::semaphore), Status::ok, {}},
      {tasks("coro", 8, TaskPattern::queue), Status::ok, {}},
      {tasks("threads", 4, TaskPattern::lock), Status::ok, {}},
  };
}

namespace {

// A backend primitive's case: a second of stress, every operation timed, a 1 s stall limit (a
// round trip is tens of microseconds, so a second without progress is a hang).
RunSpec backend_case(Workload workload, const char* primitive, int workers, std::uint64_t seed) {
  RunSpec s;
  s.workload = workload;
  s.primitive = primitive;
  s.workers = workers;
  s.stress = true;
  s.duration_ns = 1'000'000'000;
  s.warmup_ns = 0;
  s.repetitions = 1;
  s.sample_every = 1;
  s.seed = seed;
  s.stall_ns = 1'000'000'000;
  return s;
}

}  // namespace

// The backend primitives' cases, against the Redis at `redis` (the specs are built whether or not
// one answers, so that a skip can say how many): the planted leases and semaphore caught by their
// checks, the real lease, lock and semaphore passing.
std::vector<SelfTestCase> redis_self_test_cases(std::uint64_t seed, const std::string& redis) {
  using C = CheckId;
  std::vector<SelfTestCase> cases;
  auto make = [&](Workload workload, const char* primitive, int workers) {
    RunSpec s = backend_case(workload, primitive, workers, seed);
    s.redis = redis;
    if (workload == Workload::lease) {
      for (KnobId id : {KnobId::ttl, KnobId::hold}) {
        knob(id).set(s, default_values(knob(id), Workload::lease, true).front());
      }
    }
    return s;
  };
  // A TTL a few round trips long and holds that outlive it now and then, well past the server's
  // 2 ms of expiry slack: stress's own 500 µs TTL is within it, where a plain DEL of another's
  // lease cannot be told from one of an expired own (measured: caught in 0 of 3 runs there, 5 of
  // 5 at 2 ms).
  auto outliving = [&](const char* primitive, int workers) {
    RunSpec s = make(Workload::lease, primitive, workers);
    s.ttl_ns = 2'000'000;
    s.hold = HoldTime{true, 2'000'000};
    return s;
  };
  cases.push_back({outliving("broken-redis-lease-plain-del", 4), Status::violation, {C::lease_release}});
  cases.push_back({outliving("broken-redis-lease-no-px", 2), Status::violation, {C::lease_expiry}});
  cases.push_back({make(Workload::lease, "redis-lease", 2), Status::ok, {}});
  cases.push_back({make(Workload::lock, "redis-lock", 2), Status::ok, {}});
  auto semaphore = [&](const char* primitive, int workers, std::uint32_t permits) {
    RunSpec s = make(Workload::semaphore, primitive, workers);
    s.permits = permits;
    return s;
  };
  // The fair semaphore's race needs a client delayed between its two round trips while another
  // makes both of its own: --perturb's preemption inside calls. Measured at stress's defaults
  // (2 and 8 workers, 2 permits): caught in 0 of 3 runs; with --perturb at 8 workers, 3 of 3
  // (6 to 16 violations a run); at 1 permit, 73.
  RunSpec fair = semaphore("broken-redis-fair-semaphore", 8, 1);
  fair.perturb = true;
  cases.push_back({fair, Status::violation, {C::semaphore_holders}});
  cases.push_back({semaphore("redis-semaphore", 4, 2), Status::ok, {}});
  return cases;
}

// The PostgreSQL cases, against the server at `conninfo` (built whether or not one answers, so
// that a skip can say how many): the row lock and the jobs table passing, the two-statement claim
// caught doing jobs twice; read-modify-write on 2 counters caught losing updates at read committed
// (the anomaly the level allows), and passing at repeatable read (40001s instead); a row lock whose
// holder's session the server ends (--fault terminate-holder) caught letting the next holder in
// while it is still inside, and a lock table's row outliving the session.
std::vector<SelfTestCase> postgres_self_test_cases(std::uint64_t seed, const std::string& conninfo) {
  auto make = [&](Workload workload, const char* primitive, int workers) {
    RunSpec s = backend_case(workload, primitive, workers, seed);
    s.postgres = conninfo;
    s.jobs = 20'000;  // the plan's default for a table in PostgreSQL
    return s;
  };
  auto counters = [&](IsolationLevel level) {
    RunSpec s = make(Workload::isolation, "pg-counters", 2);
    s.rows = 2;
    s.level = level;
    return s;
  };
  auto terminated = [&](const char* primitive) {
    RunSpec s = make(Workload::lock, primitive, 2);
    s.fault.kind = FaultKind::terminate_holder;
    s.fault_every = 100;
    return s;
  };
  using C = CheckId;
  return {
      {make(Workload::lock, "pg-for-update", 2), Status::ok, {}},
      {terminated("pg-for-update"),
       Status::violation,
       {C::exclusion_strong, C::exclusion_transparent, C::try_lock_exclusion},
       /*any_of=*/true},
      {terminated("pg-lock-table"), Status::ok, {}},
      {make(Workload::jobs, "pg-jobs", 2), Status::ok, {}},
      {make(Workload::jobs, "broken-pg-jobs-select-then-update", 2), Status::violation, {CheckId::job_once}},
      {counters(IsolationLevel::read_committed), Status::violation, {CheckId::lost_updates}},
      {counters(IsolationLevel::repeatable_read), Status::ok, {}},
  };
}

// RabbitMQ's (built whether or not a broker answers, so that a skip can say how many): every item
// delivered once on processes; consumers killed holding unacked messages lose none (redelivered,
// flagged: at least once); with autoack the messages sent to a killed consumer are lost, and "no
// item lost" must say so.
std::vector<SelfTestCase> rabbitmq_self_test_cases(std::uint64_t seed, const std::string& url) {
  auto make = [&](bool autoack, bool kill) {
    RunSpec s = backend_case(Workload::queue, "amqp-queue", 3, seed);
    s.amqp = url;
    s.producers = 1;
    s.mode = Mode::processes;
    s.sample_every = 16;
    s.autoack = autoack;
    if (kill) {
      s.fault.kind = FaultKind::kill_holder;
      s.fault_every = 200;
    }
    return s;
  };
  return {
      {make(false, false), Status::ok, {}},
      {make(false, true), Status::ok, {}},
      {make(true, true), Status::violation, {CheckId::queue_lost}},
  };
}

}  // namespace contend::cli
