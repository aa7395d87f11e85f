#pragma once
// pg-advisory — PostgreSQL's advisory lock: `SELECT pg_advisory_lock(key)` takes a lock on a number
// that means whatever the application says (no row, no table), `pg_advisory_unlock(key)` releases
// it. Session-level: held until unlocked or until the session ends, not tied to a transaction.
//
// Contract (the Lock and TryLock concepts): lock() returns holding the key's lock; try_lock() is
// pg_try_advisory_lock; unlock() releases it. The server's lock is re-entrant per session, so a
// thread that locked twice would hold it until it unlocked twice; contend's workloads never do.
// The server's guarantee: one session at a time holds an exclusive advisory lock on a key.
// Fairness: waiters queue in the server's lock manager (FIFO), as for a row lock.
// Memory ordering: through the server's round trips (redis_lock.hpp says how).
// Process-shared: yes (each worker thread or process has its own session). A crash: the session of
// a dead holder ends when its socket closes, and its advisory locks go with it; a server that dies
// ends the repetition with an error naming it (pg_client.hpp).
#include "primitives/backends/backend_settings.hpp"
#include "primitives/backends/pg_client.hpp"
#include "primitives/backends/pg_key.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class PgAdvisoryLock {
 public:
  static constexpr std::string_view kName = "pg-advisory";
  static constexpr std::string_view kDescription =
      "PostgreSQL's session advisory lock: pg_advisory_lock / pg_advisory_unlock on a number";
  static constexpr Origin kOrigin = Origin::backend;
  static constexpr bool kProcessShared = true;
  static constexpr std::string_view kBackend = "postgres";

  PgAdvisoryLock(const BackendSettings& settings, Sharing) : key_(settings) {}

  void lock() { pg::connection(key_.conninfo).must("SELECT pg_advisory_lock($1::bigint)", {key_.advisory}); }

  bool try_lock() {
    const pg::Result r =
        pg::connection(key_.conninfo).must("SELECT pg_try_advisory_lock($1::bigint)", {key_.advisory});
    return r.rows() == 1 && r.value(0, 0) == "t";
  }

  void unlock() {
    pg::Connection& c = pg::connection(key_.conninfo);
    // A session the server ended took its advisory locks with it: nothing left to unlock (asking
    // the new session would only get a WARNING that it holds none).
    if (!c.take_ended()) c.must("SELECT pg_advisory_unlock($1::bigint)", {key_.advisory});
  }

  void end_session() { pg::connection(key_.conninfo).end_session(); }

 private:
  PgKey key_;
};

}  // namespace contend
