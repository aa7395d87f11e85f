#pragma once
// pg-for-update, pg-nowait — a lock that is a row of a PostgreSQL table, locked the way services
// serialize work on an entity: `BEGIN; SELECT ... FOR UPDATE` takes the row's lock, COMMIT
// releases it. pg-for-update waits in the server for the row (its waiters queue on the holder's
// transaction); pg-nowait asks with `FOR UPDATE NOWAIT`, which fails at once (SQLSTATE 55P03) when
// the row is locked, rolls back and tries again after a sleep of 0.5 to 1.5 times --retry-interval
// (1 ms when none is given), as an application that will not wait in the database does.
//
// Contract (the Lock and TryLock concepts): lock() returns inside a transaction that holds the
// row's lock; unlock() commits it. try_lock() is the NOWAIT form for both (`contend run trylock -p
// pg-nowait` counts its failures). Not recursive; one transaction per thread at a time.
// The server's guarantee: a row lock taken FOR UPDATE excludes every other FOR UPDATE of that row
// until the transaction ends.
// Fairness: pg-for-update's waiters are granted in the order they queued on the row's lock
// (PostgreSQL's lock manager queues them FIFO), though a newcomer can take a row between a commit
// and the woken waiter's turn; pg-nowait: none (sleepers and newcomers race).
// Memory ordering: through the server's round trips, as redis-lock (redis_lock.hpp): the COMMIT's
// reply comes after the lock is released, and the next holder's SELECT returns after it.
// Process-shared: yes (the object holds the server's address and the row's key; each worker thread
// or process has its own session). A crash: a holder that dies closes its socket, the server
// aborts its transaction and the row's lock goes with it (at once for a killed process); a server
// that dies ends the repetition with an error naming it (pg_client.hpp). A session the server ends
// under its holder (pg_terminate_backend, idle_in_transaction_session_timeout: --fault
// terminate-holder) takes the row's lock with it: the next waiter is in at once, while the holder
// still thinks it holds the row until its COMMIT fails.
#include "primitives/backends/backend_settings.hpp"
#include "primitives/backends/pg_client.hpp"
#include "primitives/backends/pg_key.hpp"
#include "primitives/primitive.hpp"

namespace contend {

// Makes the row a lock is (both kinds here, and pg-for-share), in a table they share.
inline void make_lock_row(const PgKey& key) {
  pg::setup(key.conninfo, fmt::format("CREATE TABLE IF NOT EXISTS contend_lock_rows (space bigint, id int, PRIMARY "
                                      "KEY (space, id)); INSERT INTO contend_lock_rows VALUES ({}, {}) ON CONFLICT DO "
                                      "NOTHING",
                                      key.space, key.id));
}

template <bool kNowait>
class PgRowLock {
 public:
  static constexpr std::string_view kName = kNowait ? "pg-nowait" : "pg-for-update";
  static constexpr std::string_view kDescription =
      kNowait ? "a PostgreSQL row locked by SELECT FOR UPDATE NOWAIT, retried after a sleep on 55P03"
              : "a PostgreSQL row locked by SELECT FOR UPDATE in a transaction, released by COMMIT";
  static constexpr Origin kOrigin = Origin::backend;
  static constexpr bool kProcessShared = true;
  static constexpr std::string_view kBackend = "postgres";

  PgRowLock(const BackendSettings& settings, Sharing) : key_(settings), retry_interval_ns_(settings.retry_interval_ns) {
    make_lock_row(key_);
  }

  void lock() {
    pg::Connection& c = pg::connection(key_.conninfo);
    if constexpr (kNowait) {
      while (!try_on(c)) pause();
    } else {
      c.must("BEGIN");
      c.must("SELECT 1 FROM contend_lock_rows WHERE space = $1 AND id = $2 FOR UPDATE", {key_.space, key_.id});
    }
  }

  bool try_lock() { return try_on(pg::connection(key_.conninfo)); }

  void unlock() {
    pg::Connection& c = pg::connection(key_.conninfo);
    if (!c.take_ended()) c.must("COMMIT");  // else the server rolled it back with the session
  }

  void end_session() { pg::connection(key_.conninfo).end_session(); }

 private:
  bool try_on(pg::Connection& c) {
    c.must("BEGIN");
    const pg::Result r =
        c.run("SELECT 1 FROM contend_lock_rows WHERE space = $1 AND id = $2 FOR UPDATE NOWAIT", {key_.space, key_.id});
    if (r.ok()) return true;
    if (r.sqlstate() != pg::kLockNotAvailable) c.fail("SELECT ... FOR UPDATE NOWAIT", r.error());
    c.must("ROLLBACK");
    return false;
  }

  void pause() const { sleep_jittered(retry_interval_ns_ > 0 ? retry_interval_ns_ : 1'000'000); }

  PgKey key_;
  const std::int64_t retry_interval_ns_;
};

using PgForUpdateLock = PgRowLock<false>;
using PgNowaitLock = PgRowLock<true>;

}  // namespace contend
