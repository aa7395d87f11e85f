// Where the RabbitMQ broker is (rabbitmq_server.hpp).
#include "cli/rabbitmq_server.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "cli/server_address.hpp"
#include "cli/usage_error.hpp"
#include "primitives/backends/amqp_client.hpp"

namespace contend::cli {

std::string resolve_rabbitmq(const RunOptions& o, const std::string& primitive, std::vector<std::string>& servers) {
  std::string from;
  const std::string url = server_address(o.amqp, "--amqp", "CONTEND_AMQP", "rabbitmq", from);
  if (url.empty()) {
    throw UsageError(fmt::format("--primitive: '{}' is kept in RabbitMQ, and no broker was given: start one with "
                                 "scripts/servers.sh start rabbitmq, or give --amqp URL "
                                 "(amqp://USER:PASSWORD@HOST:PORT/VHOST)",
                                 primitive));
  }
  if (const std::string error = amqp::probe(url); !error.empty()) {
    throw UsageError(fmt::format("{}: cannot use RabbitMQ at {}", from, error));
  }
  std::string described = amqp::describe(url);
  if (described.empty()) described = "RabbitMQ (did not say its version)";
  if (std::find(servers.begin(), servers.end(), described) == servers.end()) servers.push_back(std::move(described));
  return url;
}

std::string find_rabbitmq(const RunOptions& o) {
  std::string from;
  const std::string url = server_address(o.amqp, "--amqp", "CONTEND_AMQP", "rabbitmq", from);
  if (url.empty() || !amqp::probe(url).empty()) return {};
  return url;
}

}  // namespace contend::cli
