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
#include <string>
#include <string_view>
#include <vector>

namespace contend::redis {

inline constexpr int kConnectTimeoutMs = 2000;
inline constexpr int kCommandTimeoutMs = 5000;
inline constexpr int kServerLostStatus = 75;

// A reply, freed with it.
class Reply {
 public:
  explicit Reply(redisReply* r) : reply_(r) {}
  Reply(Reply&& other) noexcept : reply_(other.reply_) { other.reply_ = nullptr; }
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
  // Connects; on failure returns nullptr and says why in `error`.
  static std::unique_ptr<Connection> open(std::string_view address, std::string& error);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one command. A lost connection or an error reply ends the process (see above), unless
  // `allow_error`: then an error reply is returned for the caller to look at (NOSCRIPT).
  Reply command(std::initializer_list<std::string_view> args, bool allow_error = false);
  // EVALSHA of a script loaded on this connection's server at first use (EVAL if it was flushed).
  Reply script(std::string_view body, std::initializer_list<std::string_view> keys,
               std::initializer_list<std::string_view> args);
  const std::string& address() const { return address_; }
  // PING, for the plan's check: empty when the server answered PONG, else why not (no exit).
  std::string ping();

 private:
  Connection(redisContext* c, std::string address) : context_(c), address_(std::move(address)) {}
  [[noreturn]] void lost(std::string_view what) const;

  redisContext* context_;
  std::string address_;
  std::vector<std::pair<std::string, std::string>> loaded_;  // script body -> sha1
};

// "a:1,b:2" -> {"a:1", "b:2"}.
std::vector<std::string> split_addresses(std::string_view list);

// This thread's connection to `address`, opened on first use in this process and thread (a
// forked worker opens its own: a connection is never shared across fork()). Ends the process
// (kServerLostStatus) when it cannot connect.
Connection& connection(std::string_view address);

// Why `address` cannot be used, or empty: connects and sends PING (the plan's check, before a run).
std::string probe(std::string_view address);

}  // namespace contend::redis
