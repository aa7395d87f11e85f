// Where the PostgreSQL server is (postgres_server.hpp).
#include "cli/postgres_server.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "cli/server_address.hpp"
#include "cli/usage_error.hpp"
#include "primitives/backends/pg_client.hpp"

namespace contend::cli {

std::string resolve_postgres(const RunOptions& o, const std::string& primitive, std::vector<std::string>& servers) {
  std::string from;
  const std::string conninfo = server_address(o.postgres, "--pg", "CONTEND_PG", "postgres", from);
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
  const std::string conninfo = server_address(o.postgres, "--pg", "CONTEND_PG", "postgres", from);
  if (conninfo.empty() || !pg::probe(conninfo).empty()) return {};
  return conninfo;
}

}  // namespace contend::cli
