#pragma once
// What a backend primitive (a lock or lease kept on a server) is built with: where its servers
// are, and a key space of its own. Plain characters and numbers, so that a primitive holding them
// can live in a MAP_SHARED mapping and be used by forked workers, each of which opens its own
// connections (primitives/backends/redis_client.hpp).
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace contend {

struct BackendSettings {
  char redis[512] = {};          // comma-separated HOST:PORT or unix socket paths
  char postgres[512] = {};       // a libpq connection string or URI
  char amqp[512] = {};           // an AMQP URL (amqp://user:password@host:port/vhost)
  std::uint64_t key_space = 0;   // unique per repetition: keys are "contend:<key_space>:..."
  std::int64_t retry_interval_ns = 0;  // --retry-interval: a waiter polls this often; 0: as built
  std::int64_t lock_timeout_ns = 0;    // --lock-timeout: the server's lock_timeout (PostgreSQL); 0: none
  bool long_transaction = false;       // --long-transaction: a snapshot held open for the run (pg-jobs)
  // A broker queue's (amqp-queue): unacked messages a consumer may hold (0: no limit), publishes
  // that may wait for their confirm (0: no confirms), the queue's bound, acked on delivery rather
  // than after the work, and a durable queue of persistent messages.
  std::uint32_t prefetch = 0;
  std::uint32_t confirm_window = 0;
  std::uint32_t max_length = 0;  // ready messages the queue holds (x-max-length, reject-publish); 0: no bound
  bool autoack = false;
  bool persistent = false;
};

// The first of the Redis servers (a single-server primitive's).
inline std::string_view first_redis(const BackendSettings& settings) {
  const std::string_view all(settings.redis);
  return all.substr(0, std::min(all.find(','), all.size()));
}

// Copies `from` into a fixed array of a primitive that lives in shared memory, cut to fit.
template <std::size_t N>
void copy_text(char (&to)[N], std::string_view from) {
  const std::size_t n = std::min(from.size(), N - 1);
  std::copy_n(from.data(), n, to);
  to[n] = '\0';
}

// Sleeps 0.5 to 1.5 times `base_ns`, at random: a poller's pause between tries, spread so that
// pollers that failed together do not all try again together.
inline void sleep_jittered(std::int64_t base_ns) {
  thread_local std::minstd_rand jitter(static_cast<unsigned>(time(nullptr)) ^ static_cast<unsigned>(getpid()));
  const std::int64_t ns = base_ns / 2 + static_cast<std::int64_t>(jitter() % static_cast<std::uint64_t>(base_ns));
  const timespec t{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  nanosleep(&t, nullptr);
}

// How a worker that lost its server ends (redis_client.hpp, pg_client.hpp), and what the
// repetition's error then says; empty for any other exit status.
inline constexpr int kRedisLostStatus = 75;
inline constexpr int kPostgresLostStatus = 76;
inline constexpr int kRabbitmqLostStatus = 77;
inline std::string_view server_lost_message(int exit_status) {
  switch (exit_status) {
    case kRedisLostStatus: return "the Redis server was lost mid-run (stderr names it and the error)";
    case kPostgresLostStatus: return "the PostgreSQL server was lost mid-run (stderr names it and the error)";
    case kRabbitmqLostStatus: return "the RabbitMQ broker was lost mid-run (stderr names it and the error)";
    default: return {};
  }
}

// This thread's token for the locks kept on servers: its process and thread id ("pid.tid"), made
// again in a forked child. A thread holds a given lock once at most, so it names the holder.
inline std::string_view backend_thread_token() {
  thread_local std::string text;
  thread_local pid_t for_pid = 0;
  if (for_pid != getpid() || text.empty()) {
    for_pid = getpid();
    text = std::to_string(for_pid) + "." + std::to_string(static_cast<long>(syscall(SYS_gettid)));
  }
  return text;
}

}  // namespace contend
