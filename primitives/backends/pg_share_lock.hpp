#pragma once
// pg-for-share — a reader-writer lock that is a row of a PostgreSQL table: readers take the row
// `FOR SHARE` (many at once), writers `FOR UPDATE` (alone), each inside a transaction that COMMIT
// ends, as services read an entity while forbidding changes to it.
//
// Contract (the RwLock concept): lock()/unlock() exclusive, lock_shared()/unlock_shared() shared;
// each returns inside, or ends, this thread's transaction. Not recursive, no upgrade.
// The server's guarantee: FOR SHARE row locks conflict only with FOR UPDATE (and other writers'
// locks) on the row; FOR UPDATE conflicts with both.
// Fairness: the server's lock manager queues a writer behind the readers inside, and a reader that
// arrives while a writer waits may still share the row with the readers inside (a stream of
// readers can delay a writer); waiters are granted in queue order otherwise.
// Memory ordering: through the server's round trips (redis_lock.hpp says how).
// Process-shared: yes (each worker thread or process has its own session). A crash: a holder that
// dies closes its socket, its transaction aborts and its row lock goes with it; a server that dies
// ends the repetition with an error naming it (pg_client.hpp). A session the server ends under its
// holder (--fault terminate-holder) releases the row as well (pg_row_lock.hpp).
#include "primitives/backends/backend_settings.hpp"
#include "primitives/backends/pg_client.hpp"
#include "primitives/backends/pg_key.hpp"
#include "primitives/backends/pg_row_lock.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class PgShareLock {
 public:
  static constexpr std::string_view kName = "pg-for-share";
  static constexpr std::string_view kDescription =
      "a PostgreSQL row as a reader-writer lock: readers SELECT FOR SHARE, writers FOR UPDATE, COMMIT releases";
  static constexpr Origin kOrigin = Origin::backend;
  static constexpr bool kProcessShared = true;
  static constexpr std::string_view kBackend = "postgres";

  PgShareLock(const BackendSettings& settings, Sharing) : key_(settings) { make_lock_row(key_); }

  void lock() { take("SELECT 1 FROM contend_lock_rows WHERE space = $1 AND id = $2 FOR UPDATE"); }
  void unlock() { commit(); }
  void lock_shared() { take("SELECT 1 FROM contend_lock_rows WHERE space = $1 AND id = $2 FOR SHARE"); }
  void unlock_shared() { commit(); }
  void end_session() { pg::connection(key_.conninfo).end_session(); }

 private:
  void commit() {
    pg::Connection& c = pg::connection(key_.conninfo);
    if (!c.take_ended()) c.must("COMMIT");  // else the server rolled it back with the session
  }
  void take(std::string_view select) {
    pg::Connection& c = pg::connection(key_.conninfo);
    c.must("BEGIN");
    c.must(select, {key_.space, key_.id});
  }

  PgKey key_;
};

}  // namespace contend
