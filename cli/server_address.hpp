#pragma once
// Where a backend's server is when the command line does not say: the option (--pg, --amqp), else
// an environment variable ($CONTEND_PG, $CONTEND_AMQP), else the address file scripts/servers.sh
// writes for it in its state directory. Shared by postgres_server.cpp, rabbitmq_server.cpp and
// redis_servers.cpp (which looks in two address files).
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

namespace contend::cli {

// scripts/servers.sh's state directory: $CONTEND_SERVERS_DIR, else /tmp/contend-servers-$UID.
inline std::string servers_state_dir() {
  const char* dir = std::getenv("CONTEND_SERVERS_DIR");
  return dir != nullptr && *dir != '\0' ? std::string(dir) : fmt::format("/tmp/contend-servers-{}", getuid());
}

// `option` (named `option_name`), else $`env`, else the first line of the state directory's
// `name`.addr; `from` says which of them it came from. Empty when none is given.
inline std::string server_address(const std::string& option, std::string_view option_name, const char* env,
                                  std::string_view name, std::string& from) {
  from = option_name;
  if (!option.empty()) return option;
  from = fmt::format("${}", env);
  if (const char* value = std::getenv(env); value != nullptr && *value != '\0') return value;
  from = fmt::format("{}/{}.addr", servers_state_dir(), name);
  std::string line;
  std::ifstream in(from);
  std::getline(in, line);
  return line;
}

}  // namespace contend::cli
