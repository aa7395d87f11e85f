#pragma once
// pg-counters — counters in a PostgreSQL table, changed in transactions at an isolation level, the
// way an application increments a balance or a stock count: the isolation workload's store.
//
// Rows: a table of the repetition's own, contend_counters_<key space> (id, n), one row a counter,
// all 0, made by the constructor and dropped by the destructor. add_one() runs one transaction:
//   BEGIN ISOLATION LEVEL <level>;
//   for each id, in the order given:
//     rmw:    SELECT n FROM t WHERE id = $1;  UPDATE t SET n = <the value read + 1> WHERE id = $1
//     atomic: UPDATE t SET n = n + 1 WHERE id = $1
//   COMMIT
// The server's guarantee, by level: READ COMMITTED lets an rmw's UPDATE overwrite a value another
// transaction committed after the SELECT read it (a lost update, by design); REPEATABLE READ and
// SERIALIZABLE refuse such an UPDATE (or the COMMIT) with SQLSTATE 40001 instead; an atomic UPDATE
// re-reads the row under its lock at every level. Rows taken in different orders by two
// transactions can deadlock: the server breaks it after deadlock_timeout (1 s by default) with
// 40P01. With --lock-timeout each transaction starts with set_config('lock_timeout', ..., true): a
// row lock waited for longer fails with 55P03 (and a deadlock becomes a 55P03 once the timeout is
// below deadlock_timeout). Each of 40001, 40P01 and 55P03 rolls the transaction back and is
// add_one()'s outcome; any other error ends the process (pg_client.hpp).
//
// Contract (the CounterStore concept, primitives/primitive.hpp). Fairness: the row locks' (FIFO
// queues in the server). Memory ordering: through the server's round trips (redis_lock.hpp says
// how). Process-shared: yes (each worker thread or process has its own session). A crash: a
// client that dies mid-transaction has it rolled back by the server when its socket closes; a
// server that dies ends the repetition with an error naming it.
#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "primitives/backends/backend_settings.hpp"
#include "primitives/backends/pg_client.hpp"
#include "primitives/backends/pg_key.hpp"
#include "primitives/family.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class PgCounters {
 public:
  static constexpr std::string_view kName = "pg-counters";
  static constexpr std::string_view kDescription =
      "counters in a PostgreSQL table, changed by transactions at an isolation level (read-modify-write or atomic)";
  static constexpr Origin kOrigin = Origin::backend;
  static constexpr bool kProcessShared = true;
  static constexpr std::string_view kBackend = "postgres";
  // Lost updates are what `run` measures here (read committed with rmw loses them by design): a
  // count, not a broken primitive; `stress` still judges them.
  static constexpr bool kProvidesExclusion = false;

  PgCounters(std::uint32_t rows, const BackendSettings& settings, Sharing) : key_(settings) {
    copy_text(table_, fmt::format("contend_counters_{}", key_.space));
    // The server counts lock_timeout in whole milliseconds; anything below one is one.
    if (settings.lock_timeout_ns > 0) {
      copy_text(lock_timeout_ms_, std::to_string(std::max<std::int64_t>(1, settings.lock_timeout_ns / 1'000'000)));
    }
    pg::setup(key_.conninfo, fmt::format("DROP TABLE IF EXISTS {0}; CREATE TABLE {0} (id int PRIMARY KEY, n bigint NOT "
                                         "NULL DEFAULT 0); INSERT INTO {0} (id) SELECT g FROM generate_series(0, {1}) g; "
                                         "ANALYZE {0}",
                                         table_, static_cast<std::int64_t>(rows) - 1));
  }
  ~PgCounters() { pg::setup(key_.conninfo, fmt::format("DROP TABLE IF EXISTS {}", table_)); }
  PgCounters(const PgCounters&) = delete;
  PgCounters& operator=(const PgCounters&) = delete;

  TxnOutcome add_one(const std::uint32_t* ids, std::uint32_t n, IsolationLevel level, UpdateMode update) {
    pg::Connection& c = pg::connection(key_.conninfo);
    c.must(level == IsolationLevel::serializable      ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
           : level == IsolationLevel::repeatable_read ? "BEGIN ISOLATION LEVEL REPEATABLE READ"
                                                      : "BEGIN ISOLATION LEVEL READ COMMITTED");
    if (lock_timeout_ms_[0] != '\0') c.must("SELECT set_config('lock_timeout', $1, true)", {lock_timeout_ms_});
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::string id = std::to_string(ids[i]);
      if (update == UpdateMode::atomic) {
        const pg::Result r = c.run(fmt::format("UPDATE {} SET n = n + 1 WHERE id = $1", table_), {id});
        if (!r.ok()) return rolled_back(c, r, "UPDATE");
        continue;
      }
      const pg::Result read = c.run(fmt::format("SELECT n FROM {} WHERE id = $1", table_), {id});
      if (!read.ok()) return rolled_back(c, read, "SELECT");
      const std::string next = std::to_string(read.integer(0, 0) + 1);
      const pg::Result write = c.run(fmt::format("UPDATE {} SET n = $2 WHERE id = $1", table_), {id, next});
      if (!write.ok()) return rolled_back(c, write, "UPDATE");
    }
    const pg::Result commit = c.run("COMMIT");
    if (!commit.ok()) return rolled_back(c, commit, "COMMIT", false);
    return TxnOutcome::committed;
  }

  std::uint64_t sum() {
    return static_cast<std::uint64_t>(
        pg::connection(key_.conninfo).must(fmt::format("SELECT coalesce(sum(n), 0) FROM {}", table_)).integer(0, 0));
  }

 private:
  // An error that is an outcome (the transaction is rolled back, to be tried again), or the end
  // of the process for any other.
  // `open`: the transaction is still open (aborted), to be ended by ROLLBACK; a failed COMMIT has
  // ended it already.
  static TxnOutcome rolled_back(pg::Connection& c, const pg::Result& r, std::string_view what, bool open = true) {
    const std::string_view state = r.sqlstate();
    TxnOutcome outcome = TxnOutcome::committed;
    if (state == pg::kSerializationFailure) {
      outcome = TxnOutcome::serialization_failure;
    } else if (state == pg::kDeadlockDetected) {
      outcome = TxnOutcome::deadlock;
    } else if (state == pg::kLockNotAvailable) {
      outcome = TxnOutcome::lock_not_available;
    } else {
      c.fail(what, r.error());
    }
    if (open) c.must("ROLLBACK");
    return outcome;
  }

  PgKey key_;
  char table_[48] = {};
  char lock_timeout_ms_[24] = {};  // set_config's value; empty: no --lock-timeout
};

}  // namespace contend
