#pragma once
// amqp-queue — a work queue kept in RabbitMQ: producers publish each item as an 8-byte message to
// a queue of the repetition's own (through the default exchange), consumers subscribe with
// basic.consume and a prefetch limit, and ack each message after their work on it (or the broker
// counts it delivered as it sends it: --autoack on). The BrokerQueue concept
// (primitives/primitive.hpp); the queue workload drives it (workloads/broker_queue_loop.hpp).
//
// Settings (the queue workload's knobs): --capacity N (the queue holds at most N ready messages:
// x-max-length with x-overflow reject-publish; a refused publish is published again after a pause,
// as an in-memory queue's producer retries a full queue; without confirms the broker drops it
// unseen, and it is lost), --prefetch N (basic.qos: unacked messages one consumer may hold, which
// do not count against the bound; 0 = no limit), --autoack on|off, --confirm N (publisher
// confirms, at most N unconfirmed per producer; 0 = none), --persistent on|off (a durable queue,
// and messages with delivery mode 2, written to disk by the broker).
//
// Contract. The broker's guarantee: a message is delivered to one consumer at a time, and, with
// manual acks, is redelivered (flagged) when its consumer's channel closes before the ack — so
// delivery is at least once, exactly once while no consumer dies. With autoack it is at most once:
// what was sent to a consumer that dies is gone. A publish without confirms may be lost with the
// connection; a confirmed one is the broker's. Order: one queue delivers in publish order per
// publisher, but prefetch lets a consumer hold several at once and a redelivery goes back into the
// queue, so the workload checks order only among first deliveries — and not with a bound and
// confirms, where a refused publish is published again after later ones. Fairness: round robin among
// consumers with prefetch room. Memory ordering: the broker's round trips (redis_lock.hpp says
// how that orders the workload's shared memory). Process-shared: yes (each worker thread or
// process has its own connection). A crash: a killed consumer's unacked messages come back to
// the queue, flagged redelivered; a killed producer loses at most its unconfirmed publishes; a
// broker that restarts is connected to again (amqp_client.hpp): a durable queue's persistent
// messages survive it and come back flagged, unconfirmed publishes are published again (flagged:
// maybe twice), and a transient queue's messages are lost; a broker that does not come back within
// 30 s ends the repetition with an error naming it.
#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "primitives/backends/amqp_client.hpp"
#include "primitives/backends/backend_settings.hpp"
#include "primitives/family.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class AmqpQueue {
 public:
  static constexpr std::string_view kName = "amqp-queue";
  static constexpr std::string_view kDescription =
      "a RabbitMQ work queue: publish (with --confirm), basic.consume with --prefetch, ack after the work or --autoack";
  static constexpr Origin kOrigin = Origin::backend;
  static constexpr bool kProcessShared = true;
  static constexpr std::string_view kBackend = "rabbitmq";

  // The queue, made empty before the workers start, deleted after the run: no repetition takes
  // another's messages.
  AmqpQueue(const BackendSettings& settings, Sharing) : settings_(settings) {
    copy_text(queue_, fmt::format("contend.{}", settings.key_space));
    connection().declare();
  }
  ~AmqpQueue() { connection().remove(queue_); }
  AmqpQueue(const AmqpQueue&) = delete;
  AmqpQueue& operator=(const AmqpQueue&) = delete;

  void publish(std::uint64_t item) {
    connection().publish(queue_, item, settings_.persistent, settings_.confirm_window);
  }
  void flush() { connection().wait_for_confirms(); }
  // Publishes the broker refused (nacked: the queue was full) on this worker's connection, each
  // published again.
  std::uint64_t refused() { return connection().nacked(); }

  bool receive(BrokerMessage& m, std::int64_t timeout_ns) {
    amqp::Received r;
    if (!connection().receive(queue_, settings_.persistent, settings_.prefetch, settings_.autoack, timeout_ns, r)) {
      return false;
    }
    m = BrokerMessage{r.item, r.tag, r.redelivered};
    return true;
  }
  void ack(const BrokerMessage& m) {
    if (!settings_.autoack) connection().ack(m.tag);
  }
  void stop_receiving() { connection().stop_consuming(); }

  // After the run. The workers' connections are closed by then (their threads or processes have
  // ended), but the broker puts their unacked messages back only once it has seen them close:
  // wait (at most kDrainPolls x kDrainPollNs) until the queue has no consumer, then take what is
  // left by subscribing with autoack (a basic.get a message costs a round trip each: 75 µs,
  // measured, 8 s for a backlog of 100,000) until the broker says the queue is empty.
  bool drain(BrokerMessage& m) {
    amqp::Connection& c = connection();
    std::uint32_t messages = 0;
    std::uint32_t consumers = 0;
    if (!drain_started_) {
      drain_started_ = true;
      for (int i = 0; i < kDrainPolls; ++i) {
        c.counts(queue_, messages, consumers);
        if (consumers == 0) break;
        const timespec pause{0, kDrainPollNs};
        nanosleep(&pause, nullptr);
      }
    }
    amqp::Received r;
    for (;;) {
      if (c.receive(queue_, settings_.persistent, 0, true, kDrainPollNs, r)) {
        m = BrokerMessage{r.item, r.tag, r.redelivered};
        return true;
      }
      // Nothing for a while: done once the broker holds none and none is on its way to us.
      if (drain_done_) return false;
      c.counts(queue_, messages, consumers);
      if (messages == 0) {
        c.stop_consuming();
        drain_done_ = true;  // receive() now gives what was sent before the cancel, then false
      }
    }
  }

  std::string_view queue_name() const { return queue_; }

 private:
  // This thread's connection, using this queue as it is declared.
  amqp::Connection& connection() {
    amqp::Connection& c = amqp::connection(settings_.amqp);
    c.use_queue(queue_, settings_.persistent, settings_.max_length);
    return c;
  }

  static constexpr int kDrainPolls = 500;
  static constexpr long kDrainPollNs = 10'000'000;  // 500 x 10 ms: 5 s at most

  BackendSettings settings_;
  char queue_[48] = {};
  bool drain_started_ = false;
  bool drain_done_ = false;
};

}  // namespace contend
