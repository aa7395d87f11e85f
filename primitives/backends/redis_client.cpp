// The Redis client (redis_client.hpp) over hiredis 0.14.
#include "primitives/backends/redis_client.hpp"

#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "primitives/backends/backend_settings.hpp"
#include "primitives/backends/thread_connections.hpp"

namespace contend::redis {
namespace {

timeval timeval_of_ms(int ms) {
  timeval tv{};
  tv.tv_sec = ms / 1000;
  tv.tv_usec = (ms % 1000) * 1000;
  return tv;
}

thread_local ThreadConnections<Connection> tls;

// A command's arguments as hiredis takes them (pointers and lengths), at most 16.
struct Argv {
  const char* argv[16];
  std::size_t lengths[16];
  std::size_t argc = 0;

  void push(std::string_view a) {
    argv[argc] = a.data();
    lengths[argc] = a.size();
    ++argc;
  }
  // EVALSHA sha N keys... args...; `key_count` must outlive the Argv.
  static Argv evalsha(std::string_view sha, const std::string& key_count, std::initializer_list<std::string_view> keys,
                      std::initializer_list<std::string_view> args) {
    Argv a;
    a.push("EVALSHA");
    a.push(sha);
    a.push(key_count);
    for (std::string_view k : keys) a.push(k);
    for (std::string_view x : args) a.push(x);
    return a;
  }
};

Argv argv_of(std::initializer_list<std::string_view> args) {
  Argv a;
  for (std::string_view x : args) a.push(x);
  return a;
}

}  // namespace

std::unique_ptr<Connection> Connection::open(std::string_view address, std::string& error, int connect_timeout_ms,
                                             int command_timeout_ms) {
  const std::string a(address);
  redisContext* c = nullptr;
  const timeval connect_timeout = timeval_of_ms(connect_timeout_ms);
  if (!a.empty() && a.front() == '/') {
    c = redisConnectUnixWithTimeout(a.c_str(), connect_timeout);
  } else {
    const auto colon = a.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == a.size()) {
      error = "'" + a + "' is not HOST:PORT or a unix socket path";
      return nullptr;
    }
    const std::string host = a.substr(0, colon);
    char* end = nullptr;
    const long port = std::strtol(a.c_str() + colon + 1, &end, 10);
    if (*end != '\0' || port <= 0 || port > 65535) {
      error = "'" + a + "': the port is not a number from 1 to 65535";
      return nullptr;
    }
    c = redisConnectWithTimeout(host.c_str(), static_cast<int>(port), connect_timeout);
  }
  if (c == nullptr) {
    error = a + ": cannot allocate a connection";
    return nullptr;
  }
  if (c->err != 0) {
    error = a + ": " + c->errstr;
    redisFree(c);
    return nullptr;
  }
  const timeval command_timeout = timeval_of_ms(command_timeout_ms);
  redisSetTimeout(c, command_timeout);
  return std::unique_ptr<Connection>(new Connection(c, a, command_timeout_ms));
}

Connection::~Connection() { redisFree(context_); }

std::string Connection::failure() const {
  // hiredis reports a read that timed out as the socket's EAGAIN, in strerror's words.
  if (context_->err == REDIS_ERR_IO && std::string_view(context_->errstr) == std::strerror(EAGAIN)) {
    return "no reply within " + std::to_string(command_timeout_ms_) +
           " ms (the server is paused, stopped or overloaded)";
  }
  return context_->errstr[0] != '\0' ? context_->errstr : "no reply";
}

void Connection::lost(std::string_view what) const {
  std::string line = "contend: redis " + address_ + ": " + std::string(what) + "\n";
  (void)!write(STDERR_FILENO, line.data(), line.size());
  std::_Exit(kServerLostStatus);
}

redisReply* Connection::send(std::size_t argc, const char* const* argv, const std::size_t* lengths) {
  return static_cast<redisReply*>(
      redisCommandArgv(context_, static_cast<int>(argc), const_cast<const char**>(argv), lengths));
}

Reply Connection::command(std::initializer_list<std::string_view> args, bool allow_error) {
  const Argv a = argv_of(args);
  redisReply* r = send(a.argc, a.argv, a.lengths);
  if (r == nullptr) lost(failure());
  Reply reply(r);
  if (reply.type() == REDIS_REPLY_ERROR && !allow_error) lost(reply.text());
  return reply;
}

std::optional<Reply> Connection::try_command(std::initializer_list<std::string_view> args) {
  const Argv a = argv_of(args);
  redisReply* r = send(a.argc, a.argv, a.lengths);
  if (r == nullptr) {
    broken_ = true;
    return std::nullopt;
  }
  Reply reply(r);
  if (reply.type() == REDIS_REPLY_ERROR) return std::nullopt;
  return reply;
}

std::optional<std::string> Connection::sha_of(std::string_view body, bool tolerant) {
  for (const auto& [b, sha] : loaded_) {
    if (b == body) return sha;
  }
  std::optional<Reply> loaded;
  if (tolerant) {
    loaded = try_command({"SCRIPT", "LOAD", body});
    if (!loaded) return std::nullopt;
  } else {
    loaded.emplace(command({"SCRIPT", "LOAD", body}));
  }
  loaded_.emplace_back(std::string(body), std::string(loaded->text()));
  return loaded_.back().second;
}

redisReply* Connection::evalsha(std::string_view sha, std::initializer_list<std::string_view> keys,
                                std::initializer_list<std::string_view> args) {
  const std::string key_count = std::to_string(keys.size());
  const Argv a = Argv::evalsha(sha, key_count, keys, args);
  return send(a.argc, a.argv, a.lengths);
}

Reply Connection::script(std::string_view body, std::initializer_list<std::string_view> keys,
                         std::initializer_list<std::string_view> args) {
  const std::string sha = *sha_of(body, false);
  redisReply* r = evalsha(sha, keys, args);
  if (r == nullptr) lost(failure());
  Reply reply(r);
  if (reply.type() == REDIS_REPLY_ERROR && reply.text().starts_with("NOSCRIPT")) {
    // The server forgot its scripts (a restart, SCRIPT FLUSH): load it again and retry once.
    loaded_.clear();
    return script(body, keys, args);
  }
  if (reply.type() == REDIS_REPLY_ERROR) lost(reply.text());
  return reply;
}

std::optional<Reply> Connection::try_script(std::string_view body, std::initializer_list<std::string_view> keys,
                                            std::initializer_list<std::string_view> args) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    const std::optional<std::string> sha = sha_of(body, true);
    if (!sha) return std::nullopt;
    redisReply* r = evalsha(*sha, keys, args);
    if (r == nullptr) {
      broken_ = true;
      return std::nullopt;
    }
    Reply reply(r);
    if (reply.type() != REDIS_REPLY_ERROR) return reply;
    if (!reply.text().starts_with("NOSCRIPT")) return std::nullopt;
    loaded_.clear();  // a restarted instance forgot its scripts: load again, once
  }
  return std::nullopt;
}

bool Connection::append(std::size_t argc, const char* const* argv, const std::size_t* lengths) {
  if (redisAppendCommandArgv(context_, static_cast<int>(argc), const_cast<const char**>(argv), lengths) != REDIS_OK) {
    broken_ = true;
    return false;
  }
  return true;
}

bool Connection::flush() {
  int done = 0;
  while (done == 0) {
    if (redisBufferWrite(context_, &done) != REDIS_OK) {
      broken_ = true;
      return false;
    }
  }
  return true;
}

bool Connection::try_send(std::initializer_list<std::string_view> args) {
  const Argv a = argv_of(args);
  return append(a.argc, a.argv, a.lengths) && flush();
}

bool Connection::try_send_script(std::string_view body, std::initializer_list<std::string_view> keys,
                                 std::initializer_list<std::string_view> args) {
  const std::optional<std::string> sha = sha_of(body, true);
  if (!sha) return false;
  const std::string key_count = std::to_string(keys.size());
  const Argv a = Argv::evalsha(*sha, key_count, keys, args);
  return append(a.argc, a.argv, a.lengths) && flush();
}

std::optional<Reply> Connection::try_receive() {
  void* r = nullptr;
  if (redisGetReply(context_, &r) != REDIS_OK || r == nullptr) {
    broken_ = true;
    return std::nullopt;
  }
  Reply reply(static_cast<redisReply*>(r));
  if (reply.type() == REDIS_REPLY_ERROR) {
    // A restarted instance forgot its scripts: the next try_send_script loads it again.
    if (reply.text().starts_with("NOSCRIPT")) loaded_.clear();
    return std::nullopt;
  }
  return reply;
}

std::vector<std::string> split_addresses(std::string_view list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = list.find(',', start);
    const std::size_t end = comma == std::string_view::npos ? list.size() : comma;
    if (end > start) out.emplace_back(list.substr(start, end - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

Connection& connection(std::string_view address) {
  if (Connection* c = tls.find(address)) return *c;
  std::string error;
  std::unique_ptr<Connection> c = Connection::open(address, error);
  if (c == nullptr) {
    const std::string line = "contend: redis: " + error + "\n";
    (void)!write(STDERR_FILENO, line.data(), line.size());
    std::_Exit(kServerLostStatus);
  }
  return tls.add(std::move(c));
}

Connection* quorum_connection(std::string_view address) {
  thread_local ThreadConnections<Connection> quorum;
  if (Connection* c = quorum.find(address)) {
    if (!c->broken()) return c;
    quorum.close(address);  // a timed-out connection may still get the late reply
  }
  std::string error;
  std::unique_ptr<Connection> c = Connection::open(address, error, kQuorumTimeoutMs, kQuorumTimeoutMs);
  if (c == nullptr) return nullptr;
  return &quorum.add(std::move(c));
}

std::string_view thread_token() { return backend_thread_token(); }

std::string probe(std::string_view address) {
  std::string error;
  std::unique_ptr<Connection> c = Connection::open(address, error);
  if (c == nullptr) return error;
  return c->ping();
}

std::string describe(std::string_view address) {
  std::string error;
  const std::unique_ptr<Connection> c = Connection::open(address, error);
  if (c == nullptr) return {};
  return c->version();
}

std::string Connection::version() {
  auto* r = static_cast<redisReply*>(redisCommand(context_, "INFO server"));
  if (r == nullptr) return {};
  const Reply reply(r);
  const std::string_view info = reply.text();
  const std::string_view key = "redis_version:";
  const std::size_t at = info.find(key);
  if (at == std::string_view::npos) return {};
  const std::size_t from = at + key.size();
  const std::size_t end = info.find_first_of("\r\n", from);
  return "Redis " + std::string(info.substr(from, end == std::string_view::npos ? info.npos : end - from)) + " at " +
         address_;
}

std::string Connection::ping() {
  auto* r = static_cast<redisReply*>(redisCommand(context_, "PING"));
  if (r == nullptr) return address_ + ": " + failure();
  const Reply reply(r);
  if (reply.is_status("PONG")) return {};
  return address_ + ": PING answered '" + std::string(reply.text()) + "'";
}

}  // namespace contend::redis
