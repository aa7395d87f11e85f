#pragma once
// A Redis client for the backend primitives (redis_lock.hpp, redis_lease.hpp): one hiredis
// connection per server per thread of each process, made on first use, with the commands those
// primitives send. Not a primitive: it has no contract of its own beyond the server's, which is
// that each command (and each Lua script, EVAL/EVALSHA) runs atomically, one at a time.
//
// Addresses are "HOST:PORT" or a unix socket path ("/run/redis.sock"); a list is comma-separated.
// Every command waits at most kCommandTimeoutMs for its reply. A server that cannot be reached,
// closes the connection or answers with an error mid-run ends the calling process with exit status
// kServerLostStatus and one line on stderr naming the server and the error: the repetition then
// ends as an error that says so, never as a hang (the measured primitives cannot return errors:
// a lock() has no way to say "the server is gone").
#include <hiredis/hiredis.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "primitives/backends/backend_settings.hpp"

namespace contend::redis {

inline constexpr int kConnectTimeoutMs = 2000;
// Shorter than stress's default --stall (2 s), so that a paused or stopped server ends a run as
// "the server was lost" naming it, before the watchdog can only say `hang`; long against any
// reply (31 µs on loopback, tens of ms across a WAN) and against BLPOP's 50 ms waits.
inline constexpr int kCommandTimeoutMs = 1000;
inline constexpr int kServerLostStatus = kRedisLostStatus;
// Redlock's per-instance limits: small against its TTL, so that a dead or paused instance costs
// an attempt this long at most instead of stalling it (the Redlock description's advice).
inline constexpr int kQuorumTimeoutMs = 50;

// A reply, freed with it.
class Reply {
 public:
  explicit Reply(redisReply* r) : reply_(r) {}
  Reply(Reply&& other) noexcept : reply_(other.reply_) { other.reply_ = nullptr; }
  Reply& operator=(Reply&& other) noexcept {
    std::swap(reply_, other.reply_);
    return *this;
  }
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;
  ~Reply() {
    if (reply_ != nullptr) freeReplyObject(reply_);
  }
  int type() const { return reply_->type; }
  bool is_nil() const { return reply_->type == REDIS_REPLY_NIL; }
  bool is_status(std::string_view s) const {
    return reply_->type == REDIS_REPLY_STATUS && std::string_view(reply_->str, reply_->len) == s;
  }
  long long integer() const { return reply_->type == REDIS_REPLY_INTEGER ? reply_->integer : 0; }
  std::string_view text() const {
    return reply_->str != nullptr ? std::string_view(reply_->str, reply_->len) : std::string_view();
  }
  const redisReply* raw() const { return reply_; }

 private:
  redisReply* reply_;
};

class Connection {
 public:
  // Connects; on failure returns nullptr and says why in `error`. `timeout_ms` bounds the connect
  // and every command.
  static std::unique_ptr<Connection> open(std::string_view address, std::string& error,
                                          int connect_timeout_ms = kConnectTimeoutMs,
                                          int command_timeout_ms = kCommandTimeoutMs);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one command. A lost connection or an error reply ends the process (see above), unless
  // `allow_error`: then an error reply is returned for the caller to look at (NOSCRIPT).
  Reply command(std::initializer_list<std::string_view> args, bool allow_error = false);
  // EVALSHA of a script loaded on this connection's server at first use (EVAL if it was flushed).
  Reply script(std::string_view body, std::initializer_list<std::string_view> keys,
               std::initializer_list<std::string_view> args);
  // Redlock's: the same, but a lost connection, a timeout or an error reply comes back as nullopt
  // (the connection is then marked broken, and quorum_connection() opens a new one) instead of
  // ending the process: one instance's failure is a vote lost, not a run lost.
  std::optional<Reply> try_command(std::initializer_list<std::string_view> args);
  std::optional<Reply> try_script(std::string_view body, std::initializer_list<std::string_view> keys,
                                  std::initializer_list<std::string_view> args);
  // Redlock's parallel round: try_send() writes a command (or a loaded script's EVALSHA) to the
  // socket without waiting; try_receive() then reads its reply. Sent to every instance before any
  // reply is read, the votes take one round trip, not N, and concurrent clients' commands reach
  // the instances in whatever order the network gives, as with redsync's goroutines. Failures
  // are as try_command's.
  bool try_send(std::initializer_list<std::string_view> args);
  bool try_send_script(std::string_view body, std::initializer_list<std::string_view> keys,
                       std::initializer_list<std::string_view> args);
  std::optional<Reply> try_receive();
  bool broken() const { return broken_; }
  const std::string& address() const { return address_; }
  // PING, for the plan's check: empty when the server answered PONG, else why not (no exit).
  std::string ping();
  // "Redis 7.0.15 at ADDRESS" (INFO server), for the results; empty when it does not say.
  std::string version();

 private:
  Connection(redisContext* c, std::string address, int command_timeout_ms)
      : context_(c), address_(std::move(address)), command_timeout_ms_(command_timeout_ms) {}
  // Why the last command got no reply, in a user's words.
  std::string failure() const;
  [[noreturn]] void lost(std::string_view what) const;
  // Sends one command; nullptr when the connection failed (context_->errstr says why).
  redisReply* send(std::size_t argc, const char* const* argv, const std::size_t* lengths);
  // Buffers one command without sending it (try_send); false (and broken) when hiredis cannot.
  bool append(std::size_t argc, const char* const* argv, const std::size_t* lengths);
  // The sha1 of `body` on this connection's server, loaded at first use (nullopt: it failed).
  std::optional<std::string> sha_of(std::string_view body, bool tolerant);
  // Writes what redisAppendCommandArgv buffered; false (and broken) when the socket failed.
  bool flush();
  // EVALSHA with the arguments laid out; nullptr when the connection failed.
  redisReply* evalsha(std::string_view sha, std::initializer_list<std::string_view> keys,
                      std::initializer_list<std::string_view> args);

  redisContext* context_;
  std::string address_;
  int command_timeout_ms_;
  std::vector<std::pair<std::string, std::string>> loaded_;  // script body -> sha1
  bool broken_ = false;  // try_*: the connection failed; it is not used again
};

// "a:1,b:2" -> {"a:1", "b:2"}.
std::vector<std::string> split_addresses(std::string_view list);

// This thread's connection to `address`, opened on first use in this process and thread (a
// forked worker opens its own: a connection is never shared across fork()). Ends the process
// (kServerLostStatus) when it cannot connect.
Connection& connection(std::string_view address);

// Redlock's: this thread's connection to `address` with kQuorumTimeoutMs limits, opened on first
// use and again after it broke; nullptr when it cannot be opened now (the instance is down).
Connection* quorum_connection(std::string_view address);

// This thread's token for the locks kept on servers: its process and thread id ("pid.tid"),
// made again in a forked child. A thread holds a given lock once at most, so it names the holder.
std::string_view thread_token();

// What the results record about the server at `address` ("Redis 7.0.15 at 127.0.0.1:26379");
// empty when it cannot be asked.
std::string describe(std::string_view address);

// Why `address` cannot be used, or empty: connects and sends PING (the plan's check, before a run).
std::string probe(std::string_view address);

}  // namespace contend::redis
