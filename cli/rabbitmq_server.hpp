#pragma once
// Where the RabbitMQ broker of the queue kept in a broker (amqp-queue) is: --amqp, else
// $CONTEND_AMQP, else the address file scripts/servers.sh writes ($CONTEND_SERVERS_DIR or
// /tmp/contend-servers-$UID: rabbitmq.addr). An AMQP URL.
#include <string>
#include <vector>

#include "cli/run_options.hpp"

namespace contend::cli {

// The URL, checked by connecting and logging in, so that an unreachable broker is one line (a
// UsageError naming it and where it came from) before anything runs; `primitive` names the one
// that needs it. What the broker says of itself (product, version, platform) is added to
// `servers` (the results' record), once.
std::string resolve_rabbitmq(const RunOptions& options, const std::string& primitive,
                             std::vector<std::string>& servers);

// The same when the broker answers; empty when none is given or it does not answer.
std::string find_rabbitmq(const RunOptions& options);

}  // namespace contend::cli
