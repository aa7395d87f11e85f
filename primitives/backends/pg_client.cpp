// The PostgreSQL client (pg_client.hpp) over libpq 15.
#include "primitives/backends/pg_client.hpp"

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <string>

#include "primitives/backends/thread_connections.hpp"

namespace contend::pg {
namespace {

thread_local ThreadConnections<Connection> tls;

// libpq's messages end with a newline (or several lines); one line for ours.
std::string one_line(std::string_view text) {
  std::string out(text);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  for (char& c : out) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  // The lines libpq joins start with a tab: one space between sentences, not three.
  for (std::size_t at = out.find("  "); at != std::string::npos; at = out.find("  ", at)) out.erase(at, 1);
  return out;
}

[[noreturn]] void die(std::string_view line) {
  const std::string text = "contend: postgres: " + std::string(line) + "\n";
  (void)!write(STDERR_FILENO, text.data(), text.size());
  std::_Exit(kServerLostStatus);
}

// The server's NOTICEs ("relation ... already exists, skipping" from a setup's CREATE TABLE IF
// NOT EXISTS) are expected and dropped; WARNINGs are printed as libpq would.
void print_warnings_only(void*, const char* message) {
  if (std::string_view(message).starts_with("NOTICE:")) return;
  (void)!write(STDERR_FILENO, message, std::string_view(message).size());
}

std::int64_t parse_integer(std::string_view text) {
  std::int64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

// A new session, set up as every one of ours is; nullptr with `error` saying why not.
PGconn* connect(const std::string& info, std::string& error) {
  const std::string timeout = std::to_string(kConnectTimeoutSeconds);
  // dbname first and expanded: the user's string (keywords or a URI) gives every setting it names,
  // and the later keywords only add the time limit and the name the server shows for us.
  const char* keywords[] = {"dbname", "connect_timeout", "application_name", nullptr};
  const char* values[] = {info.c_str(), timeout.c_str(), "contend", nullptr};
  PGconn* c = PQconnectdbParams(keywords, values, 1);
  if (c == nullptr) {
    error = info + ": out of memory";
    return nullptr;
  }
  if (PQstatus(c) != CONNECTION_OK) {
    error = "'" + info + "': " + one_line(PQerrorMessage(c));
    PQfinish(c);
    return nullptr;
  }
  PQsetNoticeProcessor(c, &print_warnings_only, nullptr);
  // Every statement is prepared once, and none has a plan that depends on its values (the jobs
  // claim writes its key space and batch into its text: pg_job_table.hpp), so the generic plan is
  // used from the first execution. Left to itself the server plans each execution again while a
  // generic plan's estimate looks worse than a custom one's, as for `id = ANY($2)`: measured, 22 µs
  // of planning in each DELETE's bind, against 2 µs.
  PGresult* set = PQexec(c, "SET plan_cache_mode = force_generic_plan");
  const bool set_ok = set != nullptr && PQresultStatus(set) == PGRES_COMMAND_OK;
  if (!set_ok) error = "'" + info + "': SET plan_cache_mode: " + one_line(set != nullptr ? PQresultErrorMessage(set) : PQerrorMessage(c));
  if (set != nullptr) PQclear(set);
  if (!set_ok) {
    PQfinish(c);
    return nullptr;
  }
  return c;
}

}  // namespace

std::unique_ptr<Connection> Connection::open(std::string_view conninfo, std::string& error) {
  std::string info(conninfo);
  PGconn* c = connect(info, error);
  if (c == nullptr) return nullptr;
  return std::unique_ptr<Connection>(new Connection(c, std::move(info)));
}

std::uint64_t Result::affected() const { return static_cast<std::uint64_t>(parse_integer(PQcmdTuples(result_))); }

std::int64_t Result::integer(int row, int column) const { return parse_integer(value(row, column)); }

void Connection::end_session() {
  const std::string pid = std::to_string(PQbackendPID(conn_));
  const bool in_transaction = PQtransactionStatus(conn_) != PQTRANS_IDLE;
  if (admin_ == nullptr) {
    std::string error;
    admin_ = open(conninfo_, error);
    if (admin_ == nullptr) die(error);
  }
  // The two-argument form (PostgreSQL 14 and later) waits until the session is gone, so that what
  // it held is free when this returns; false (with a WARNING) when 10 s were not enough.
  const Result r = admin_->must("SELECT pg_terminate_backend($1::int, 10000)", {pid}, "pg_terminate_backend");
  if (r.rows() != 1 || r.value(0, 0) != "t") fail("pg_terminate_backend(" + pid + ")", "the session did not end within 10 s");
  PQfinish(conn_);
  std::string error;
  conn_ = connect(conninfo_, error);
  if (conn_ == nullptr) die(error);
  prepared_.clear();
  ended_ = true;
  ended_in_transaction_ = in_transaction;
}

Connection::~Connection() { PQfinish(conn_); }

void Connection::fail(std::string_view what, std::string_view error) const {
  die("'" + conninfo_ + "': " + std::string(what) + ": " + one_line(error));
}

Result Connection::checked(PGresult* r, std::string_view what) {
  if (r == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    // The session is gone (the server stopped, crashed or ended our backend): its locks went with
    // it, and nothing this process does next can be trusted to the server.
    const std::string why = r != nullptr ? one_line(PQresultErrorMessage(r)) : one_line(PQerrorMessage(conn_));
    if (r != nullptr) PQclear(r);
    fail(std::string(what) + ": the connection was lost", why);
  }
  return Result(r);
}

Result Connection::run(std::string_view sql, std::initializer_list<std::string_view> params) {
  if (ended_in_transaction_) {
    fail(sql, "sent inside a transaction whose session --fault terminate-holder ended (the primitive must ask "
              "take_ended() first)");
  }
  std::size_t index = 0;
  while (index < prepared_.size() && prepared_[index] != sql) ++index;
  const std::string name = "s" + std::to_string(index);
  if (index == prepared_.size()) {
    const std::string text(sql);
    Result prepared = checked(PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr), "prepare");
    if (!prepared.ok()) fail("prepare " + text, prepared.error());
    prepared_.push_back(text);
  }
  // Parameters as text; at most kMaxParameters (no statement here has more: a new one that had
  // would end the process here, naming it, rather than write past the arrays).
  constexpr std::size_t kMaxParameters = 8;
  if (params.size() > kMaxParameters) {
    fail(sql, std::to_string(params.size()) + " parameters, more than the " + std::to_string(kMaxParameters) +
                  " Connection::run passes");
  }
  std::string storage[kMaxParameters];
  const char* values[kMaxParameters] = {};
  int n = 0;
  for (std::string_view p : params) {
    storage[n] = std::string(p);
    values[n] = storage[n].c_str();
    ++n;
  }
  return checked(PQexecPrepared(conn_, name.c_str(), n, values, nullptr, nullptr, 0), sql);
}

Result Connection::must(std::string_view sql, std::initializer_list<std::string_view> params, std::string_view what) {
  Result r = run(sql, params);
  if (!r.ok()) fail(what.empty() ? sql : what, r.error());
  return r;
}

Result Connection::script(std::string_view sql) {
  const std::string text(sql);
  Result r = checked(PQexec(conn_, text.c_str()), "setup");
  if (!r.ok()) fail(text, r.error());
  return r;
}

Connection& connection(std::string_view conninfo) {
  if (Connection* c = tls.find(conninfo)) return *c;
  std::string error;
  std::unique_ptr<Connection> c = Connection::open(conninfo, error);
  if (c == nullptr) die(error);
  return tls.add(std::move(c));
}

void setup(std::string_view conninfo, std::string_view sql) {
  std::string error;
  const std::unique_ptr<Connection> c = Connection::open(conninfo, error);
  if (c == nullptr) die(error);
  // The key is contend's own; any fixed number would do.
  c->script("BEGIN; SELECT pg_advisory_xact_lock(7307001); " + std::string(sql) + "; COMMIT");
}

std::string probe(std::string_view conninfo) {
  std::string error;
  const std::unique_ptr<Connection> c = Connection::open(conninfo, error);
  if (c == nullptr) return error;
  PGresult* r = PQexec(c->raw(), "SELECT 1");
  const bool ok = r != nullptr && PQresultStatus(r) == PGRES_TUPLES_OK;
  const std::string why = r != nullptr ? one_line(PQresultErrorMessage(r)) : one_line(PQerrorMessage(c->raw()));
  if (r != nullptr) PQclear(r);
  return ok ? std::string() : "'" + std::string(conninfo) + "': SELECT 1 failed: " + why;
}

std::string describe(std::string_view conninfo) {
  std::string error;
  const std::unique_ptr<Connection> c = Connection::open(conninfo, error);
  if (c == nullptr) return {};
  PGresult* r = PQexec(c->raw(),
                       "SELECT current_setting('server_version'), current_setting('fsync'), "
                       "current_setting('synchronous_commit')");
  std::string out;
  if (r != nullptr && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
    out = std::string("PostgreSQL ") + PQgetvalue(r, 0, 0) + ", fsync " + PQgetvalue(r, 0, 1) +
          ", synchronous_commit " + PQgetvalue(r, 0, 2);
  }
  if (r != nullptr) PQclear(r);
  return out;
}

}  // namespace contend::pg
