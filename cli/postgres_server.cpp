// Where the PostgreSQL server is (postgres_server.hpp).
#include "cli/postgres_server.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "cli/usage_error.hpp"
#include "primitives/backends/pg_client.hpp"

namespace contend::cli {
namespace {

// --pg, else $CONTEND_PG, else scripts/servers.sh's postgres.addr (`from` says which); empty when
// none is given.
std::string postgres_conninfo(const RunOptions& o, std::string& from) {
  from = "--pg";
  if (!o.postgres.empty()) return o.postgres;
  from = "$CONTEND_PG";
  if (const char* env = std::getenv("CONTEND_PG"); env != nullptr && *env != '\0') return env;
  const char* dir = std::getenv("CONTEND_SERVERS_DIR");
  from = (dir != nullptr && *dir != '\0' ? std::string(dir) : fmt::format("/tmp/contend-servers-{}", getuid())) +
         "/postgres.addr";
  std::string line;
  std::ifstream in(from);
  std::getline(in, line);
  return line;
}

}  // namespace

std::string resolve_postgres(const RunOptions& o, const std::string& primitive, std::vector<std::string>& servers) {
  std::string from;
  const std::string conninfo = postgres_conninfo(o, from);
  if (conninfo.empty()) {
    throw UsageError(fmt::format("--primitive: '{}' is kept in PostgreSQL, and no server was given: start one with "
                                 "scripts/servers.sh start postgres, or give --pg CONNINFO (a libpq connection string "
                                 "or postgresql:// URI)",
                                 primitive));
  }
  if (const std::string error = pg::probe(conninfo); !error.empty()) {
    throw UsageError(fmt::format("{}: cannot use PostgreSQL at {}", from, error));
  }
  // Whether it keeps what it commits is part of what was measured (servers.sh's runs fsync off).
  std::string described = pg::describe(conninfo);
  if (described.empty()) described = "PostgreSQL (did not say its version or settings)";
  if (std::find(servers.begin(), servers.end(), described) == servers.end()) servers.push_back(std::move(described));
  return conninfo;
}

std::string find_postgres(const RunOptions& o) {
  std::string from;
  const std::string conninfo = postgres_conninfo(o, from);
  if (conninfo.empty() || !pg::probe(conninfo).empty()) return {};
  return conninfo;
}

}  // namespace contend::cli
