#pragma once
// Where the PostgreSQL server of the backend primitives kept in a database (pg-for-update,
// pg-jobs, ...) is: --pg, else $CONTEND_PG, else the address file scripts/servers.sh writes
// ($CONTEND_SERVERS_DIR or /tmp/contend-servers-$UID: postgres.addr). A libpq connection string
// or URI.
#include <string>
#include <vector>

#include "cli/run_options.hpp"

namespace contend::cli {

// The connection string, checked by connecting and running SELECT 1, so that an unreachable
// server is one line (a UsageError naming it and where it came from) before anything runs;
// `primitive` names the one that needs it. What the server says of itself (version, fsync,
// synchronous_commit) is added to `servers` (the results' record), once.
std::string resolve_postgres(const RunOptions& options, const std::string& primitive,
                             std::vector<std::string>& servers);

// The same when the server answers; empty when none is given or it does not answer.
std::string find_postgres(const RunOptions& options);

}  // namespace contend::cli
