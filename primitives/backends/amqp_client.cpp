// The AMQP client (amqp_client.hpp) over librabbitmq 0.11.
#include "primitives/backends/amqp_client.hpp"

#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <sys/time.h>
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

[[noreturn]] void die(std::string_view line) {
  const std::string text = "contend: rabbitmq: " + std::string(line) + "\n";
  (void)!write(STDERR_FILENO, text.data(), text.size());
  std::_Exit(kServerLostStatus);
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

std::unique_ptr<Connection> Connection::open(std::string_view url, std::string& error) {
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

void Connection::check(const amqp_rpc_reply_t& reply, std::string_view what) const {
  if (reply.reply_type != AMQP_RESPONSE_NORMAL) fail(what, reply_error(reply));
}

void Connection::declare(std::string_view queue, bool durable) {
  const amqp_bytes_t name{queue.size(), const_cast<char*>(queue.data())};
  amqp_queue_declare(conn_, kChannel, name, 0, durable ? 1 : 0, 0, 0, amqp_empty_table);
  check(amqp_get_rpc_reply(conn_), "queue.declare");
  amqp_queue_purge(conn_, kChannel, name);
  check(amqp_get_rpc_reply(conn_), "queue.purge");
}

void Connection::remove(std::string_view queue) {
  const amqp_bytes_t name{queue.size(), const_cast<char*>(queue.data())};
  amqp_queue_delete(conn_, kChannel, name, 0, 0);
  check(amqp_get_rpc_reply(conn_), "queue.delete");
}

void Connection::counts(std::string_view queue, std::uint32_t& messages, std::uint32_t& consumers) {
  const amqp_bytes_t name{queue.size(), const_cast<char*>(queue.data())};
  const amqp_queue_declare_ok_t* ok = amqp_queue_declare(conn_, kChannel, name, 1, 0, 0, 0, amqp_empty_table);
  check(amqp_get_rpc_reply(conn_), "queue.declare (passive)");
  messages = ok->message_count;
  consumers = ok->consumer_count;
}

void Connection::note_confirm(std::uint64_t tag, bool multiple, bool nack) {
  if (window_ == 0 || tag < lowest_unconfirmed_ || tag > published_) return;
  const std::uint64_t from = multiple ? lowest_unconfirmed_ : tag;
  for (std::uint64_t t = from; t <= tag; ++t) {
    std::uint8_t& slot = confirmed_[t % window_];
    if (slot == 0 && nack) ++nacked_;
    slot = 1;
  }
  while (lowest_unconfirmed_ <= published_ && confirmed_[lowest_unconfirmed_ % window_] != 0) {
    confirmed_[lowest_unconfirmed_ % window_] = 0;
    ++lowest_unconfirmed_;
  }
}

void Connection::handle_frame(const amqp_frame_t& frame) {
  if (frame.frame_type != AMQP_FRAME_METHOD) return;  // a content frame of a delivery cut short: none here
  switch (frame.payload.method.id) {
    case AMQP_BASIC_ACK_METHOD: {
      const auto* m = static_cast<const amqp_basic_ack_t*>(frame.payload.method.decoded);
      note_confirm(m->delivery_tag, m->multiple != 0, false);
      return;
    }
    case AMQP_BASIC_NACK_METHOD: {
      const auto* m = static_cast<const amqp_basic_nack_t*>(frame.payload.method.decoded);
      note_confirm(m->delivery_tag, m->multiple != 0, true);
      return;
    }
    case AMQP_BASIC_CANCEL_OK_METHOD:
      consuming_ = false;
      cancelling_ = false;
      return;
    case AMQP_BASIC_CANCEL_METHOD:  // the broker cancelled us: the queue was deleted
      consuming_ = false;
      return;
    case AMQP_CHANNEL_CLOSE_METHOD: {
      const auto* m = static_cast<const amqp_channel_close_t*>(frame.payload.method.decoded);
      fail("channel closed by the broker", std::to_string(m->reply_code) + " " + text_of(m->reply_text));
    }
    case AMQP_CONNECTION_CLOSE_METHOD: {
      const auto* m = static_cast<const amqp_connection_close_t*>(frame.payload.method.decoded);
      fail("connection closed by the broker", std::to_string(m->reply_code) + " " + text_of(m->reply_text));
    }
    default: return;  // connection.blocked and unblocked: the broker's flow control, waited out
  }
}

void Connection::publish(std::string_view queue, std::uint64_t item, bool persistent, std::uint32_t window) {
  if (window > 0 && window_ == 0) {
    amqp_confirm_select(conn_, kChannel);
    check(amqp_get_rpc_reply(conn_), "confirm.select");
    window_ = window;
    confirmed_.assign(window, 0);
  }
  // Room for one more unconfirmed publish: wait for confirms while the ring is full.
  while (window_ > 0 && published_ + 1 - lowest_unconfirmed_ >= window_) {
    amqp_frame_t frame;
    const int rc = amqp_simple_wait_frame(conn_, &frame);
    if (rc != AMQP_STATUS_OK) fail("waiting for publisher confirms", amqp_error_string2(rc));
    handle_frame(frame);
  }
  amqp_basic_properties_t props{};
  props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG;
  props.delivery_mode = persistent ? 2 : 1;
  const amqp_bytes_t routing_key{queue.size(), const_cast<char*>(queue.data())};
  const amqp_bytes_t body{sizeof(item), &item};
  const int rc = amqp_basic_publish(conn_, kChannel, amqp_empty_bytes, routing_key, 0, 0, &props, body);
  if (rc != AMQP_STATUS_OK) fail("basic.publish", amqp_error_string2(rc));
  if (window_ == 0) {
    // Without confirms nothing comes back, and a producer would run megabytes ahead of the broker
    // in socket buffers (measured: 120,000 messages, which the broker took 3 s to read after the
    // producer had stopped): every kSyncEvery publishes it waits for the broker to have read them.
    if (++unsynced_ >= kSyncEvery) wait_for_confirms();
    return;
  }
  ++published_;
  // Take the confirms already here without waiting, so the ring does not fill before it has to.
  {
    while (amqp_frames_enqueued(conn_) || amqp_data_in_buffer(conn_)) {
      amqp_frame_t frame;
      if (amqp_simple_wait_frame(conn_, &frame) != AMQP_STATUS_OK) break;
      handle_frame(frame);
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
    amqp_basic_qos(conn_, kChannel, 0, 0, 0);
    check(amqp_get_rpc_reply(conn_), "basic.qos (waiting for the broker to take every publish)");
    return;
  }
  while (lowest_unconfirmed_ <= published_) {
    amqp_frame_t frame;
    const int rc = amqp_simple_wait_frame(conn_, &frame);
    if (rc != AMQP_STATUS_OK) fail("waiting for publisher confirms", amqp_error_string2(rc));
    handle_frame(frame);
  }
}

bool Connection::receive(std::string_view queue, std::uint32_t prefetch, bool autoack, std::int64_t timeout_ns,
                         Received& out) {
  if (!consuming_ && !cancelling_) {
    if (!autoack) {
      amqp_basic_qos(conn_, kChannel, 0, static_cast<std::uint16_t>(prefetch), 0);
      check(amqp_get_rpc_reply(conn_), "basic.qos");
    }
    const amqp_bytes_t name{queue.size(), const_cast<char*>(queue.data())};
    const amqp_basic_consume_ok_t* ok =
        amqp_basic_consume(conn_, kChannel, name, amqp_empty_bytes, 0, autoack ? 1 : 0, 0, amqp_empty_table);
    check(amqp_get_rpc_reply(conn_), "basic.consume");
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
      out.item = item_of(envelope.message.body);
      out.tag = envelope.delivery_tag;
      out.redelivered = envelope.redelivered != 0;
      amqp_destroy_envelope(&envelope);
      return true;
    }
    if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && r.library_error == AMQP_STATUS_TIMEOUT) {
      if (cancelling_) continue;
      return false;
    }
    if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && r.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
      // A frame that is not a delivery is next: take it (a cancel-ok, a confirm, a close).
      amqp_frame_t frame;
      const int rc = amqp_simple_wait_frame(conn_, &frame);
      if (rc != AMQP_STATUS_OK) fail("basic.consume", amqp_error_string2(rc));
      handle_frame(frame);
      if (!cancelling_) return false;
      continue;
    }
    fail("basic.consume", reply_error(r));
  }
  return false;
}

void Connection::ack(std::uint64_t tag) {
  if (const int rc = amqp_basic_ack(conn_, kChannel, tag, 0); rc != AMQP_STATUS_OK) fail("basic.ack", amqp_error_string2(rc));
}

void Connection::stop_consuming() {
  if (!consuming_) return;
  // Sent without waiting for its reply: deliveries already on their way come first, and
  // receive() takes them, then the cancel-ok (handle_frame), and then says there is no more.
  const amqp_basic_cancel_t cancel{amqp_bytes_t{consumer_tag_.size(), consumer_tag_.data()}, 0};
  if (const int rc = amqp_send_method(conn_, kChannel, AMQP_BASIC_CANCEL_METHOD, const_cast<amqp_basic_cancel_t*>(&cancel));
      rc != AMQP_STATUS_OK) {
    fail("basic.cancel", amqp_error_string2(rc));
  }
  cancelling_ = true;
}

bool Connection::get(std::string_view queue, Received& out) {
  amqp_maybe_release_buffers(conn_);
  const amqp_bytes_t name{queue.size(), const_cast<char*>(queue.data())};
  const amqp_rpc_reply_t r = amqp_basic_get(conn_, kChannel, name, 1);
  check(r, "basic.get");
  if (r.reply.id != AMQP_BASIC_GET_OK_METHOD) return false;  // get-empty
  const auto* ok = static_cast<const amqp_basic_get_ok_t*>(r.reply.decoded);
  out.tag = ok->delivery_tag;
  out.redelivered = ok->redelivered != 0;
  amqp_message_t message;
  check(amqp_read_message(conn_, kChannel, &message, 0), "basic.get (its message)");
  out.item = item_of(message.body);
  amqp_destroy_message(&message);
  return true;
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
