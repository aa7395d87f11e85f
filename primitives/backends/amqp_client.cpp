// The AMQP client (amqp_client.hpp) over librabbitmq 0.11. A little over 450 lines because the
// connection's recovery (connect again, declare again, subscribe again, publish again) and the
// calls it wraps share one state: the confirm ring, the outbox and the subscription; apart, each
// call would have to reach into the other file's state.
#include "primitives/backends/amqp_client.hpp"

#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "primitives/backends/thread_connections.hpp"

namespace contend::amqp {
namespace {

thread_local ThreadConnections<Connection> tls;

constexpr amqp_channel_t kChannel = 1;
// How long one wait for the rest of a cancelled subscription lasts before it waits again.
constexpr std::int64_t kCancelWaitNs = 100'000'000;
// After the broker refused a publish (a full queue), each publish waits kRefusedPauseNs until
// kRefusedRecentNs have passed without a refusal.
constexpr long kRefusedPauseNs = 100'000;
constexpr std::int64_t kRefusedRecentNs = 1'000'000;
// Between two tries to connect again.
constexpr long kReconnectPauseNs = 100'000'000;
// The type property of a message its producer published again after a lost connection.
constexpr const char* kPublishedAgain = "contend-published-again";

// One line on stderr.
void say(std::string_view line) {
  const std::string text = "contend: rabbitmq: " + std::string(line) + "\n";
  (void)!write(STDERR_FILENO, text.data(), text.size());
}

[[noreturn]] void die(std::string_view line) {
  say(line);
  std::_Exit(kServerLostStatus);
}

std::int64_t now_ns() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

// A lost connection, which connecting again may mend: the socket failed or closed, or the broker
// closed the connection as it shut down (320 CONNECTION_FORCED). Not a timeout, not a refusal.
bool is_loss(const amqp_rpc_reply_t& r) {
  if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION) return r.library_error != AMQP_STATUS_TIMEOUT;
  if (r.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION && r.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
    return static_cast<const amqp_connection_close_t*>(r.reply.decoded)->reply_code == AMQP_CONNECTION_FORCED;
  }
  return false;
}

std::string text_of(amqp_bytes_t b) { return std::string(static_cast<const char*>(b.bytes), b.len); }

// What went wrong, in one line, from an RPC's reply.
std::string reply_error(const amqp_rpc_reply_t& r) {
  switch (r.reply_type) {
    case AMQP_RESPONSE_NORMAL: return "no error";
    case AMQP_RESPONSE_NONE: return "no reply (missing RPC reply type)";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION: return amqp_error_string2(r.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (r.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        const auto* m = static_cast<const amqp_connection_close_t*>(r.reply.decoded);
        return "the broker closed the connection: " + std::to_string(m->reply_code) + " " + text_of(m->reply_text);
      }
      if (r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        const auto* m = static_cast<const amqp_channel_close_t*>(r.reply.decoded);
        return "the broker closed the channel: " + std::to_string(m->reply_code) + " " + text_of(m->reply_text);
      }
      return "the broker replied with method " + std::to_string(r.reply.id);
  }
  return "unknown reply";
}

timeval to_timeval(std::int64_t ns) {
  if (ns < 0) ns = 0;
  return timeval{static_cast<time_t>(ns / 1'000'000'000), static_cast<suseconds_t>(ns % 1'000'000'000 / 1000)};
}

std::uint64_t item_of(amqp_bytes_t body) {
  std::uint64_t item = 0;
  if (body.len == sizeof(item)) std::memcpy(&item, body.bytes, sizeof(item));
  return item;  // 0 for a body of another size: no producer's item, which the checks report
}

// The value of `key` in the broker's server-properties table, or empty.
std::string property(amqp_connection_state_t c, std::string_view key) {
  const amqp_table_t* t = amqp_get_server_properties(c);
  if (t == nullptr) return {};
  for (int i = 0; i < t->num_entries; ++i) {
    const amqp_table_entry_t& e = t->entries[i];
    if (text_of(e.key) != key) continue;
    if (e.value.kind == AMQP_FIELD_KIND_UTF8 || e.value.kind == AMQP_FIELD_KIND_BYTES) return text_of(e.value.value.bytes);
  }
  return {};
}

}  // namespace

amqp_connection_state_t Connection::connect(std::string_view url, std::string& error) {
  std::string parsed_text(url);  // amqp_parse_url cuts it up in place
  amqp_connection_info info{};
  amqp_default_connection_info(&info);
  if (amqp_parse_url(parsed_text.data(), &info) != AMQP_STATUS_OK || info.ssl) {
    error = "'" + std::string(url) + "' is not an amqp:// URL (amqp://USER:PASSWORD@HOST:PORT/VHOST)";
    return nullptr;
  }
  amqp_connection_state_t c = amqp_new_connection();
  amqp_socket_t* socket = amqp_tcp_socket_new(c);
  timeval tv{kConnectTimeoutSeconds, 0};
  if (socket == nullptr) {
    error = "'" + std::string(url) + "': cannot make a socket";
    amqp_destroy_connection(c);
    return nullptr;
  }
  if (const int rc = amqp_socket_open_noblock(socket, info.host, info.port, &tv); rc != AMQP_STATUS_OK) {
    error = "'" + std::string(url) + "': " + amqp_error_string2(rc);
    amqp_destroy_connection(c);
    return nullptr;
  }
  // No heartbeat: a worker may sit in a long critical section or be paused by --fault without
  // the broker closing it. Frames up to 128 KiB; as many channels as the broker allows.
  const amqp_rpc_reply_t login =
      amqp_login(c, info.vhost, 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, info.user, info.password);
  if (login.reply_type != AMQP_RESPONSE_NORMAL) {
    error = "'" + std::string(url) + "': login: " + reply_error(login);
    amqp_destroy_connection(c);
    return nullptr;
  }
  amqp_channel_open(c, kChannel);
  if (const amqp_rpc_reply_t r = amqp_get_rpc_reply(c); r.reply_type != AMQP_RESPONSE_NORMAL) {
    error = "'" + std::string(url) + "': channel.open: " + reply_error(r);
    amqp_destroy_connection(c);
    return nullptr;
  }
  return c;
}

std::unique_ptr<Connection> Connection::open(std::string_view url, std::string& error) {
  amqp_connection_state_t c = connect(url, error);
  if (c == nullptr) return nullptr;
  return std::unique_ptr<Connection>(new Connection(c, std::string(url)));
}

Connection::~Connection() {
  // Politely: the broker requeues this channel's unacked messages either way, but a socket closed
  // without connection.close is logged by the broker as an error ("client unexpectedly closed").
  amqp_channel_close(conn_, kChannel, AMQP_REPLY_SUCCESS);
  amqp_connection_close(conn_, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(conn_);
}

std::string Connection::server_description() const {
  const std::string product = property(conn_, "product");
  const std::string version = property(conn_, "version");
  const std::string platform = property(conn_, "platform");
  if (version.empty()) return {};
  std::string text = (product.empty() ? std::string("AMQP broker") : product) + " " + version;
  if (!platform.empty()) text += " (" + platform + ")";
  return text;
}

void Connection::fail(std::string_view what, std::string_view error) const {
  die(url_ + ": " + std::string(what) + ": " + std::string(error));
}

void Connection::remember(std::string_view queue, bool durable) {
  if (queue_ != queue) queue_ = std::string(queue);
  durable_ = durable;
}

void Connection::use_queue(std::string_view queue, bool durable, std::uint32_t max_length) {
  remember(queue, durable);
  max_length_ = max_length;
}

amqp_rpc_reply_t Connection::declare_in_use() {
  const amqp_bytes_t name{queue_.size(), queue_.data()};
  amqp_table_entry_t entries[2];
  entries[0].key = amqp_cstring_bytes("x-max-length");
  entries[0].value.kind = AMQP_FIELD_KIND_I64;
  entries[0].value.value.i64 = max_length_;
  entries[1].key = amqp_cstring_bytes("x-overflow");
  entries[1].value.kind = AMQP_FIELD_KIND_UTF8;
  entries[1].value.value.bytes = amqp_cstring_bytes("reject-publish");
  const amqp_table_t arguments{max_length_ > 0 ? 2 : 0, entries};
  amqp_queue_declare(conn_, kChannel, name, 0, durable_ ? 1 : 0, 0, 0, arguments);
  return amqp_get_rpc_reply(conn_);
}

void Connection::recover(std::string_view what, std::string_view error) {
  const std::int64_t start = now_ns();
  say(url_ + ": " + std::string(what) + ": " + std::string(error) + "; connecting again");
  amqp_destroy_connection(conn_);  // no close: the socket is gone
  conn_ = nullptr;
  std::string last_error;
  while ((conn_ = connect(url_, last_error)) == nullptr) {
    if (now_ns() - start > kReconnectNs) {
      die(url_ + ": " + std::string(what) + ": " + std::string(error) + "; not back within " +
          std::to_string(kReconnectNs / 1'000'000'000) + " s: " + last_error);
    }
    const timespec pause{0, kReconnectPauseNs};
    nanosleep(&pause, nullptr);
  }
  ++generation_;
  ++reconnects_;
  consuming_ = false;
  cancelling_ = false;
  unsynced_ = 0;
  // The queue again, as it was declared, without emptying it: a durable one kept what was
  // persisted; a transient one is gone, and what it held with it.
  if (!queue_.empty()) {
    if (const amqp_rpc_reply_t r = declare_in_use(); r.reply_type != AMQP_RESPONSE_NORMAL) {
      fail("queue.declare after connecting again", reply_error(r));
    }
  }
  // Every publish not yet confirmed, again, flagged (its confirm may be all that was lost).
  std::uint64_t again = 0;
  if (window_ > 0) {
    std::vector<std::uint64_t> unconfirmed;
    for (std::uint64_t t = lowest_unconfirmed_; t <= published_; ++t) {
      if (confirmed_[t % window_] == 0) unconfirmed.push_back(pending_[t % window_]);
    }
    amqp_confirm_select(conn_, kChannel);
    if (const amqp_rpc_reply_t r = amqp_get_rpc_reply(conn_); r.reply_type != AMQP_RESPONSE_NORMAL) {
      fail("confirm.select after connecting again", reply_error(r));
    }
    published_ = 0;
    lowest_unconfirmed_ = 1;
    confirmed_.assign(window_, 0);
    for (std::uint64_t item : unconfirmed) {
      if (!send(item, true)) fail("publishing again after connecting again", "the connection was lost again");
      ++published_;
      pending_[published_ % window_] = item;
      ++again;
    }
  }
  say(url_ + ": connected again after " + std::to_string((now_ns() - start) / 1'000'000) + " ms" +
      (window_ > 0 ? ", " + std::to_string(again) + " unconfirmed messages published again" : std::string()));
}

template <class Call>
amqp_rpc_reply_t Connection::rpc(std::string_view what, Call call) {
  for (int attempt = 0;; ++attempt) {
    call();
    const amqp_rpc_reply_t r = amqp_get_rpc_reply(conn_);
    if (r.reply_type == AMQP_RESPONSE_NORMAL) return r;
    if (attempt == 0 && is_loss(r)) {
      recover(what, reply_error(r));
      continue;
    }
    fail(what, reply_error(r));
  }
}

void Connection::declare() {
  rpc("queue.declare", [&] { declare_in_use(); });
  const amqp_bytes_t name{queue_.size(), queue_.data()};
  rpc("queue.purge", [&] { amqp_queue_purge(conn_, kChannel, name); });
}

void Connection::remove(std::string_view queue) {
  const amqp_bytes_t name{queue.size(), const_cast<char*>(queue.data())};
  rpc("queue.delete", [&] { amqp_queue_delete(conn_, kChannel, name, 0, 0); });
}

void Connection::counts(std::string_view queue, std::uint32_t& messages, std::uint32_t& consumers) {
  const amqp_bytes_t name{queue.size(), const_cast<char*>(queue.data())};
  const amqp_queue_declare_ok_t* ok = nullptr;
  rpc("queue.declare (passive)", [&] { ok = amqp_queue_declare(conn_, kChannel, name, 1, 0, 0, 0, amqp_empty_table); });
  messages = ok->message_count;
  consumers = ok->consumer_count;
}

void Connection::note_confirm(std::uint64_t tag, bool multiple, bool nack) {
  if (window_ == 0 || tag < lowest_unconfirmed_ || tag > published_) return;
  const std::uint64_t from = multiple ? lowest_unconfirmed_ : tag;
  for (std::uint64_t t = from; t <= tag; ++t) {
    std::uint8_t& slot = confirmed_[t % window_];
    if (slot == 0 && nack) {
      ++nacked_;
      outbox_.push_back(pending_[t % window_]);
      last_refusal_ns_ = now_ns();
    }
    slot = 1;
  }
  while (lowest_unconfirmed_ <= published_ && confirmed_[lowest_unconfirmed_ % window_] != 0) {
    confirmed_[lowest_unconfirmed_ % window_] = 0;
    ++lowest_unconfirmed_;
  }
}

bool Connection::handle_frame(const amqp_frame_t& frame) {
  if (frame.frame_type != AMQP_FRAME_METHOD) return true;  // a content frame of a delivery cut short: none here
  switch (frame.payload.method.id) {
    case AMQP_BASIC_ACK_METHOD: {
      const auto* m = static_cast<const amqp_basic_ack_t*>(frame.payload.method.decoded);
      note_confirm(m->delivery_tag, m->multiple != 0, false);
      return true;
    }
    case AMQP_BASIC_NACK_METHOD: {
      const auto* m = static_cast<const amqp_basic_nack_t*>(frame.payload.method.decoded);
      note_confirm(m->delivery_tag, m->multiple != 0, true);
      return true;
    }
    case AMQP_BASIC_CANCEL_OK_METHOD:
      consuming_ = false;
      cancelling_ = false;
      return true;
    case AMQP_BASIC_CANCEL_METHOD:  // the broker cancelled us: the queue was deleted
      consuming_ = false;
      return true;
    case AMQP_CHANNEL_CLOSE_METHOD: {
      const auto* m = static_cast<const amqp_channel_close_t*>(frame.payload.method.decoded);
      fail("channel closed by the broker", std::to_string(m->reply_code) + " " + text_of(m->reply_text));
    }
    case AMQP_CONNECTION_CLOSE_METHOD: {
      // The broker shutting down (320 CONNECTION_FORCED) is a lost connection; anything else is
      // contend's mistake.
      const auto* m = static_cast<const amqp_connection_close_t*>(frame.payload.method.decoded);
      if (m->reply_code == AMQP_CONNECTION_FORCED) return false;
      fail("connection closed by the broker", std::to_string(m->reply_code) + " " + text_of(m->reply_text));
    }
    default: return true;  // connection.blocked and unblocked: the broker's flow control, waited out
  }
}

bool Connection::take_frame() {
  amqp_frame_t frame;
  if (amqp_simple_wait_frame(conn_, &frame) != AMQP_STATUS_OK) return false;
  return handle_frame(frame);
}

bool Connection::send(std::uint64_t item, bool again) {
  amqp_basic_properties_t props{};
  props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG;
  props.delivery_mode = durable_ ? 2 : 1;
  if (again) {
    props._flags |= AMQP_BASIC_TYPE_FLAG;
    props.type = amqp_cstring_bytes(kPublishedAgain);
  }
  const amqp_bytes_t routing_key{queue_.size(), queue_.data()};
  const amqp_bytes_t body{sizeof(item), &item};
  return amqp_basic_publish(conn_, kChannel, amqp_empty_bytes, routing_key, 0, 0, &props, body) == AMQP_STATUS_OK;
}

void Connection::publish(std::string_view queue, std::uint64_t item, bool persistent, std::uint32_t window) {
  remember(queue, persistent);
  if (window > 0 && window_ == 0) {
    rpc("confirm.select", [&] { amqp_confirm_select(conn_, kChannel); });
    window_ = window;
    confirmed_.assign(window, 0);
    pending_.assign(window, 0);
  }
  outbox_.push_back(item);
  send_outbox();
  if (window_ == 0) {
    // Without confirms nothing comes back, and a producer would run megabytes ahead of the broker
    // in socket buffers (measured: 120,000 messages, which the broker took 3 s to read after the
    // producer had stopped): every kSyncEvery publishes it waits for the broker to have read them.
    if (++unsynced_ >= kSyncEvery) wait_for_confirms();
    return;
  }
  // Take the confirms already here without waiting, so the ring does not fill before it has to.
  while (amqp_frames_enqueued(conn_) || amqp_data_in_buffer(conn_)) {
    if (!take_frame()) {
      recover("reading publisher confirms", "the connection was lost");
      break;
    }
  }
}

void Connection::send_outbox() {
  while (!outbox_.empty()) {
    // Room for one more unconfirmed publish: wait for confirms while the ring is full (a refusal
    // among them adds to the outbox).
    while (window_ > 0 && published_ + 1 - lowest_unconfirmed_ >= window_) {
      if (!take_frame()) recover("waiting for publisher confirms", "the connection was lost");
    }
    // The queue was full a moment ago: a pause before each publish, rather than a refusal a
    // round trip (the in-memory queues' producers spin on a full queue; a broker's would be
    // flooded with publishes it refuses).
    if (last_refusal_ns_ != 0 && now_ns() - last_refusal_ns_ < kRefusedRecentNs) {
      const timespec pause{0, kRefusedPauseNs};
      nanosleep(&pause, nullptr);
    }
    const std::uint64_t item = outbox_.front();
    outbox_.pop_front();
    while (!send(item, false)) recover("basic.publish", "the connection was lost");
    if (window_ > 0) {
      ++published_;
      pending_[published_ % window_] = item;
    }
  }
}

void Connection::wait_for_confirms() {
  // Without confirms: one round trip on the channel, which the broker answers only after it has
  // taken every publish sent before. Measured without it: a worker process that ended right after
  // its last publishes lost the last 156 of them (its socket, closed with unread frames in it,
  // was reset, and the broker dropped what it had not read yet).
  if (window_ == 0) {
    unsynced_ = 0;
    rpc("basic.qos (waiting for the broker to take every publish)", [&] { amqp_basic_qos(conn_, kChannel, 0, 0, 0); });
    return;
  }
  while (lowest_unconfirmed_ <= published_ || !outbox_.empty()) {
    if (!outbox_.empty()) {
      send_outbox();
    } else if (!take_frame()) {
      recover("waiting for publisher confirms", "the connection was lost");
    }
  }
}

bool Connection::receive(std::string_view queue, bool durable, std::uint32_t prefetch, bool autoack,
                         std::int64_t timeout_ns, Received& out) {
  remember(queue, durable);
  if (!consuming_ && !cancelling_) {
    const amqp_bytes_t name{queue.size(), const_cast<char*>(queue.data())};
    const amqp_basic_consume_ok_t* ok = nullptr;
    rpc("basic.consume", [&] {  // basic.qos, then basic.consume: both again after a lost connection
      if (!autoack) amqp_basic_qos(conn_, kChannel, 0, static_cast<std::uint16_t>(prefetch), 0);
      ok = amqp_basic_consume(conn_, kChannel, name, amqp_empty_bytes, 0, autoack ? 1 : 0, 0, amqp_empty_table);
    });
    consumer_tag_ = text_of(ok->consumer_tag);
    consuming_ = true;
  }
  // After stop_consuming(): every delivery sent before the cancel-ok, then false at the cancel-ok,
  // however long the broker takes to send it (a paused broker is the watchdog's).
  while (consuming_) {
    amqp_maybe_release_buffers(conn_);
    amqp_envelope_t envelope;
    timeval tv = to_timeval(cancelling_ ? kCancelWaitNs : timeout_ns);
    const amqp_rpc_reply_t r = amqp_consume_message(conn_, &envelope, &tv, 0);
    if (r.reply_type == AMQP_RESPONSE_NORMAL) {
      const amqp_basic_properties_t& props = envelope.message.properties;
      const bool again =
          (props._flags & AMQP_BASIC_TYPE_FLAG) != 0 && text_of(props.type) == std::string_view(kPublishedAgain);
      out.item = item_of(envelope.message.body);
      out.tag = ((generation_ & 0xff) << 56) | envelope.delivery_tag;
      out.redelivered = envelope.redelivered != 0 || again;
      amqp_destroy_envelope(&envelope);
      return true;
    }
    if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && r.library_error == AMQP_STATUS_TIMEOUT) {
      if (cancelling_) continue;
      return false;
    }
    if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && r.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
      // A frame that is not a delivery is next: take it (a cancel-ok, a confirm, a close).
      if (!take_frame()) {
        recover("basic.consume", "the connection was lost");
        return false;
      }
      if (!cancelling_) return false;
      continue;
    }
    // The connection is lost: subscribed no more (what was not acked comes back, flagged).
    recover("basic.consume", reply_error(r));
    return false;
  }
  return false;
}

void Connection::ack(std::uint64_t tag) {
  if ((tag >> 56) != (generation_ & 0xff)) return;  // taken on a connection since lost: the broker sends it again
  if (amqp_basic_ack(conn_, kChannel, tag & ((1ULL << 56) - 1), 0) != AMQP_STATUS_OK) {
    recover("basic.ack", "the connection was lost");
  }
}

void Connection::stop_consuming() {
  if (!consuming_) return;
  // Sent without waiting for its reply: deliveries already on their way come first, and
  // receive() takes them, then the cancel-ok (handle_frame), and then says there is no more.
  const amqp_basic_cancel_t cancel{amqp_bytes_t{consumer_tag_.size(), consumer_tag_.data()}, 0};
  if (amqp_send_method(conn_, kChannel, AMQP_BASIC_CANCEL_METHOD, const_cast<amqp_basic_cancel_t*>(&cancel)) !=
      AMQP_STATUS_OK) {
    recover("basic.cancel", "the connection was lost");  // subscribed no more either way
    return;
  }
  cancelling_ = true;
}

Connection& connection(std::string_view url) {
  if (Connection* c = tls.find(url)) return *c;
  std::string error;
  std::unique_ptr<Connection> c = Connection::open(url, error);
  if (!c) die(error);
  return tls.add(std::move(c));
}

std::string probe(std::string_view url) {
  std::string error;
  const std::unique_ptr<Connection> c = Connection::open(url, error);
  return c ? std::string() : error;
}

std::string describe(std::string_view url) {
  std::string error;
  const std::unique_ptr<Connection> c = Connection::open(url, error);
  return c ? c->server_description() : std::string();
}

}  // namespace contend::amqp
