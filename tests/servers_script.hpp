#pragma once
// scripts/servers.sh for the backend end-to-end tests (e2e_redis_test, e2e_postgres_test,
// e2e_rabbitmq_test): each
// test process starts its servers in a directory and on ports of its own, so that tests running
// side by side do not meet, and stops them.
#include <signal.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

namespace contend::test {

// Runs scripts/servers.sh with the state directory `dir` and ports from `port` upward (Redis's,
// PostgreSQL's and RabbitMQ's); its output (stdout and stderr) and exit code.
inline std::pair<int, std::string> servers(const std::string& dir, int port, const std::string& args) {
  const std::string command = "CONTEND_SERVERS_DIR=" + dir + " CONTEND_REDIS_PORT=" + std::to_string(port) +
                              " CONTEND_PG_PORT=" + std::to_string(port) +
                              " CONTEND_AMQP_PORT=" + std::to_string(port) + " " CONTEND_SOURCE_DIR "/scripts/servers.sh " +
                              args + " 2>&1";
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return {-1, "popen failed"};
  std::array<char, 512> buffer{};
  while (fgets(buffer.data(), buffer.size(), p) != nullptr) out += buffer.data();
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// The pid of the first server under `dir`/`name` (scripts/servers.sh's layout).
inline pid_t server_pid(const std::string& dir, const std::string& name) {
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/" + name)) {
    std::ifstream in(entry.path() / "server.pid");
    pid_t pid = 0;
    if (in >> pid) return pid;
  }
  return 0;
}

}  // namespace contend::test
