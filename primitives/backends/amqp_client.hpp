#pragma once
// An AMQP 0-9-1 client for the broker queue kept in RabbitMQ (amqp_queue.hpp): one connection
// (channel 1) per broker per thread of each process, made on first use (a forked worker opens its
// own), over librabbitmq 0.11. Not a primitive: its contract is the broker's — a message published
// to a queue is delivered to one consumer at a time; with manual acknowledgement it stays the
// broker's until acked, and comes back flagged `redelivered` when its consumer's channel closes
// (a killed consumer's socket closes with it); with autoack it is the consumer's as soon as it is
// sent, and is lost if the consumer dies holding it. A publish is the broker's once confirmed
// (publisher confirms); a persistent message in a durable queue survives a broker restart.
//
// The broker is an AMQP URL (amqp://user:password@127.0.0.1:25672/%2f). A connection lost mid-run
// (the broker restarted) is made again, for up to kReconnectNs, as a client library's automatic
// recovery does: the queue this connection used is declared again (not emptied: a durable one
// kept its persistent messages), a consumer subscribes again (the broker redelivers, flagged, what
// it had not acked), and a producer with confirms publishes again every message not yet confirmed,
// flagged as published again (it may be a duplicate: its confirm may be what was lost). A broker
// that does not come back ends the calling process with exit status kServerLostStatus and one line
// on stderr naming it and the error: the repetition then ends as an error that says so (a publish
// has no way to say "the broker is gone"). No heartbeats and no timeouts on a wait for a confirm:
// a paused broker is the watchdog's (`hang`).
#include <amqp.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "primitives/backends/backend_settings.hpp"

namespace contend::amqp {

inline constexpr int kServerLostStatus = kRabbitmqLostStatus;
inline constexpr int kConnectTimeoutSeconds = 2;
// How long a lost connection is tried again (a broker restart takes 6-7 s here, 17 s under load).
inline constexpr std::int64_t kReconnectNs = 30'000'000'000;

// One message as a consumer got it.
struct Received {
  std::uint64_t item = 0;
  std::uint64_t tag = 0;     // to ack it by: the delivery tag, and the connection it came on (top byte)
  // The broker sent it before, to a consumer that did not ack it; or its producer published it
  // again after a lost connection (it may have been delivered already).
  bool redelivered = false;
};

class Connection {
 public:
  // Connects, logs in and opens channel 1; on failure returns nullptr and says why in `error`.
  static std::unique_ptr<Connection> open(std::string_view url, std::string& error);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const std::string& address() const { return url_; }  // for ThreadConnections
  // What the broker says of itself at login: "RabbitMQ 3.10.8 (Erlang/OTP 25.2.3)".
  std::string server_description() const;

  // The queue the calls below use, as it is declared: durable or not, and its bound (x-max-length
  // ready messages, a publish to a full queue refused: reject-publish; 0: no bound). After a lost
  // connection it is declared again so.
  void use_queue(std::string_view queue, bool durable, std::uint32_t max_length);
  // Declares the queue in use, and empties it. Ends the process when the broker refuses.
  void declare();
  void remove(std::string_view queue);
  // The queue's ready messages and consumers, by a passive declare.
  void counts(std::string_view queue, std::uint32_t& messages, std::uint32_t& consumers);

  // Publishes `item` (8 bytes) to `queue` through the default exchange; with confirms on (the
  // first call fixes them: `window` > 0), waits while `window` publishes are unconfirmed; without,
  // waits every kSyncEvery publishes until the broker has read them (one round trip). A publish
  // the broker refuses (basic.nack: the queue is full) is published again, first, after a pause;
  // without confirms the broker drops it unseen.
  void publish(std::string_view queue, std::uint64_t item, bool persistent, std::uint32_t window);
  // Waits until every publish of this connection is confirmed (with confirms on), or (without)
  // until the broker has read every one.
  void wait_for_confirms();
  // Publishes the broker refused (basic.nack), each published again.
  std::uint64_t nacked() const { return nacked_; }

  // Waits at most `timeout_ns` for a message of `queue`, subscribing first when this connection
  // is not (basic.qos `prefetch`, 0: no limit; basic.consume, no_ack = `autoack`). False when none
  // came in time, or after stop_consuming() once what was sent before the cancel is all taken.
  // After a lost connection it returns false, subscribed no more (the next call subscribes again).
  bool receive(std::string_view queue, bool durable, std::uint32_t prefetch, bool autoack, std::int64_t timeout_ns,
               Received& out);
  // Acks a message taken on this connection; one taken before a lost connection is not acked (the
  // broker sends it again).
  void ack(std::uint64_t tag);
  // Cancels the subscription; what the broker sent before it comes through receive() (with the
  // same queue), until it returns false.
  void stop_consuming();
  // Connections made again after a loss.
  std::uint32_t reconnects() const { return reconnects_; }

  // Ends the process (kServerLostStatus) with one line: the broker, `what`, and the error.
  [[noreturn]] void fail(std::string_view what, std::string_view error) const;

 private:
  Connection(amqp_connection_state_t c, std::string url) : conn_(c), url_(std::move(url)) {}
  // A new connection, logged in, with channel 1 open; null with `error` when it cannot be made.
  static amqp_connection_state_t connect(std::string_view url, std::string& error);
  // Runs one RPC (`call` sends it) and returns its reply; after a lost connection, once more on a
  // new one. Ends the process on any other failure.
  template <class Call>
  amqp_rpc_reply_t rpc(std::string_view what, Call call);
  // After the connection was lost while doing `what`: connects again (see the top of this file).
  void recover(std::string_view what, std::string_view error);
  void remember(std::string_view queue, bool durable);
  // Declares the queue in use (queue.declare with its arguments); false when the broker refused.
  amqp_rpc_reply_t declare_in_use();
  // Sends what waits in outbox_ (the item just published, and refused ones), in order, as the
  // confirm window allows.
  void send_outbox();
  // Sends one message; false when the connection is lost.
  bool send(std::uint64_t item, bool again);
  // Takes one frame that is not a delivery: a confirm, the end of a cancel, the broker closing the
  // channel (which ends the process). False when the connection is lost.
  bool take_frame();
  bool handle_frame(const amqp_frame_t& frame);
  void note_confirm(std::uint64_t tag, bool multiple, bool nack);

  amqp_connection_state_t conn_;
  std::string url_;
  // Subscription.
  bool consuming_ = false;
  bool cancelling_ = false;
  std::string consumer_tag_;
  // The queue this connection used, to declare again after a loss, and its messages' persistence.
  std::string queue_;
  bool durable_ = false;
  std::uint32_t max_length_ = 0;
  std::uint64_t generation_ = 0;  // connections made again; in the top byte of Received::tag
  std::uint32_t reconnects_ = 0;
  // Publisher confirms: the tags in [lowest_unconfirmed_, published_] not yet confirmed, as a ring
  // of window flags (confirmed_[tag % window]) and the items they carry, to publish again.
  std::uint32_t window_ = 0;
  std::uint64_t published_ = 0;
  std::uint64_t lowest_unconfirmed_ = 1;
  std::vector<std::uint8_t> confirmed_;
  std::vector<std::uint64_t> pending_;
  std::deque<std::uint64_t> outbox_;   // to publish: refused ones first, to publish again
  std::int64_t last_refusal_ns_ = 0;  // when the broker last refused one (the queue was full)
  std::uint64_t nacked_ = 0;
  // Without confirms: publishes since the last round trip that waited for the broker to read them.
  static constexpr std::uint32_t kSyncEvery = 1024;
  std::uint32_t unsynced_ = 0;
};

// This thread's connection to `url`, opened on first use in this process and thread (never shared
// across fork()). Ends the process (kServerLostStatus) when it cannot connect.
Connection& connection(std::string_view url);

// Why `url` cannot be used, or empty: connects and logs in (the plan's check).
std::string probe(std::string_view url);

// What the results record about the broker ("RabbitMQ 3.10.8 (Erlang/OTP 25.2.3)"); empty when
// it cannot be asked.
std::string describe(std::string_view url);

}  // namespace contend::amqp
