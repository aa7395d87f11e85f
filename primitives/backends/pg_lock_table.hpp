#pragma once
// pg-lock-table — a lock kept as a row of a lock table, as applications without row locks to spare
// do it: `INSERT INTO contend_lock_table (key, holder) ... ON CONFLICT DO NOTHING` takes the lock
// when it inserted a row, `DELETE ... WHERE key = ... AND holder = ...` releases it. Each statement
// commits on its own (no transaction is held open), so a waiter polls: it tries the INSERT again
// after a sleep of 0.5 to 1.5 times --retry-interval (1 ms when none is given).
//
// Contract (the Lock and TryLock concepts): lock() returns when this thread's row is in the table;
// try_lock() is one INSERT; unlock() deletes the row if this thread (its token: process and thread
// id) holds it. Not recursive.
// The server's guarantee: the primary key admits one row per lock; an INSERT that meets another
// transaction's uncommitted row for the key waits for it to commit, then does nothing.
// Fairness: none: pollers and newcomers race for the free key.
// Memory ordering: through the server's round trips (redis_lock.hpp says how).
// Process-shared: yes (each worker thread or process has its own session). A crash: a holder that
// dies leaves its row, and the lock is held for ever (no TTL: that is the lease workload's
// pattern); a server that dies ends the repetition with an error naming it (pg_client.hpp). A
// session the server ends under its holder (--fault terminate-holder) changes nothing: the row
// was committed, and the holder's DELETE on its new session releases the lock.
#include "primitives/backends/backend_settings.hpp"
#include "primitives/backends/pg_client.hpp"
#include "primitives/backends/pg_key.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class PgLockTable {
 public:
  static constexpr std::string_view kName = "pg-lock-table";
  static constexpr std::string_view kDescription =
      "a row in a PostgreSQL lock table: INSERT ON CONFLICT DO NOTHING takes it, DELETE releases it, waiters poll";
  static constexpr Origin kOrigin = Origin::backend;
  static constexpr bool kProcessShared = true;
  static constexpr std::string_view kBackend = "postgres";

  PgLockTable(const BackendSettings& settings, Sharing) : key_(settings), retry_interval_ns_(settings.retry_interval_ns) {
    pg::setup(key_.conninfo,
              "CREATE TABLE IF NOT EXISTS contend_lock_table (space bigint, id int, holder text NOT NULL, "
              "PRIMARY KEY (space, id))");
  }

  void lock() {
    while (!try_lock()) pause();
  }

  bool try_lock() {
    return pg::connection(key_.conninfo)
               .must("INSERT INTO contend_lock_table (space, id, holder) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                     {key_.space, key_.id, backend_thread_token()})
               .affected() == 1;
  }

  void unlock() {
    pg::Connection& c = pg::connection(key_.conninfo);
    c.take_ended();  // the row outlived the session: it is deleted from the new one
    c.must("DELETE FROM contend_lock_table WHERE space = $1 AND id = $2 AND holder = $3",
              {key_.space, key_.id, backend_thread_token()});
  }

  void end_session() { pg::connection(key_.conninfo).end_session(); }

 private:
  void pause() const { sleep_jittered(retry_interval_ns_ > 0 ? retry_interval_ns_ : 1'000'000); }

  PgKey key_;
  const std::int64_t retry_interval_ns_;
};

}  // namespace contend
