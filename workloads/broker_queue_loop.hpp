#pragma once
// The queue workload over a queue kept in a message broker (BrokerQueue: amqp-queue): producers
// publish their items, consumers take them, work --consume-ns on each and then ack it — the
// queue workload's items, latency stamps and delivery checks (queue_workload.hpp, queue_book.hpp),
// on a queue that is unbounded, acknowledged and may deliver a message twice.
//
// What differs from a queue in memory:
//  - No --wait: a producer's publish returns when the broker has the message (with --confirm, when
//    at most that many are unconfirmed); --capacity bounds the broker's queue (x-max-length,
//    reject-publish), and a refused publish is published again (amqp_queue.hpp).
//  - A phase ends for a consumer when every producer has finished it and a wait for a message
//    (kPollNs) came back empty; the consumer then cancels its subscription and takes what the
//    broker had already sent it (prefetched, or in flight with --autoack) before the cancel, so no
//    message waits in a consumer's buffer between phases. No phase markers: with prefetch a
//    consumer holds several messages, and a marker meant for another could sit in its buffer.
//  - A delivery the broker flags as redelivered (its consumer died before acking it, or its
//    connection was lost), or that its producer published again after a lost connection (its
//    confirm may be what was lost), is recorded in a set of its own: an item delivered first and then again, flagged, is at least once, which
//    the broker promises (counted as the `redelivered` event and in the duplicate check's note);
//    one delivered twice without the flag is a duplicate.
//  - --fault strikes a consumer after it took a message and before it acks it (the holder of a
//    queue is a consumer with unacked messages): killed, its unacked messages come back flagged,
//    and its replacement (forked by the engine) goes on; with --autoack they are lost, and the
//    "no item lost" check says how many. Recovery time: kill to the first redelivered delivery.
// After the run the repetition drains what is left (AmqpQueue::drain waits until the broker has
// put back what the closed connections held), and the queue workload's checks run.
#include <fmt/format.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <stdexcept>

#include "primitives/primitive.hpp"
#include "workloads/queue_book.hpp"
#include "workloads/stress_common.hpp"

namespace contend {

struct BrokerQueueShared {
  EventCounts* events;             // per worker
  CheckTallies* tallies;           // per worker (their StressWorker's; the delivery checks are the book's)
  std::uint64_t* consumer_phases;  // per consumer: phases it has ended, kept for its replacement
};

template <BrokerQueue Q>
class BrokerQueueLoop {
 public:
  // How long a consumer waits for a message before it looks whether the producers are done.
  static constexpr std::int64_t kPollNs = 2'000'000;

  BrokerQueueLoop(Q& queue, const QueueBook& book, const BrokerQueueShared& shared, const RepetitionContext& ctx)
      : queue_(queue),
        book_(book),
        shared_(shared),
        settings_(ctx),
        consume_iterations_(work_iterations(ctx.calibrations.work, ctx.spec.consume_ns)),
        interval_ticks_(ctx.spec.rate > 0 ? 1e9 / static_cast<double>(ctx.spec.rate) * settings_.clock.ticks_per_ns()
                                          : 0.0) {}

  template <bool kSample>
  std::uint64_t run(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota) {
    EventCounts warmup_events;  // warmup's are dropped, as its operations are
    EventCounts& events = &stop == &settings_.control->stop ? shared_.events[worker] : warmup_events;
    if (worker < book_.layout.producers) {
      slot.role = WorkerRole::producer;
      return produce<kSample>(worker, slot, stop, quota, events);
    }
    slot.role = WorkerRole::consumer;
    return consume<kSample>(worker, slot, stop, events);
  }

 private:
  template <bool kSample>
  std::uint64_t produce(int producer, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota,
                        EventCounts& events) {
    ProducerState& state = book_.producers[producer];
    std::uint64_t* stamps = kSample ? book_.stamps_of(producer) : nullptr;
    const int shift = book_.layout.stamp_shift;
    const LatencyClock& clock = settings_.clock;
    std::uint64_t seq = state.next_sequence;
    std::uint64_t next_sampled = 0;
    if constexpr (kSample) {
      next_sampled = queue_item::sampled_in_block(settings_.seed, producer, seq >> shift, shift);
      if (next_sampled < seq) next_sampled = queue_item::sampled_in_block(settings_.seed, producer, (seq >> shift) + 1, shift);
    }
    const std::uint64_t refused_before = queue_.refused();
    std::uint64_t pushed = 0;
    // Open loop (--rate), as queue_workload.hpp: latency counts from when the item was due.
    const bool paced = interval_ticks_ > 0;
    double due = paced ? static_cast<double>(clock.now()) : 0.0;
    while (pushed < quota && !stop.is_raised()) {
      if (seq >= book_.layout.item_budget) [[unlikely]] {
        state.over_budget = true;
        break;
      }
      std::uint64_t intended = 0;
      if (paced) {
        intended = static_cast<std::uint64_t>(due);
        due += interval_ticks_;
        wait_until(clock, intended, stop);
      }
      std::uint64_t item = queue_item::make(producer, seq);
      if constexpr (kSample) {
        if (seq == next_sampled) {
          item |= queue_item::kSampled;
          stamps[seq >> shift] = paced ? intended : clock.now();
          next_sampled = queue_item::sampled_in_block(settings_.seed, producer, (seq >> shift) + 1, shift);
        }
      }
      queue_.publish(item);
      ++seq;
      ++pushed;
      // Counted as published once the publish returned: the state a killed producer leaves says
      // so, and the checks count from it.
      state.next_sequence = seq;
      slot.progress.store(pushed, std::memory_order_relaxed);
    }
    // Every publish of the phase confirmed before the consumers may end it.
    queue_.flush();
    const std::uint64_t refused = queue_.refused() - refused_before;
    events[EventId::publishes_refused] += refused;
    slot.failed_attempts = refused;  // a full queue's refusals: the report's failed pushes
    book_.producers_finished->fetch_add(1, std::memory_order_acq_rel);
    return pushed;
  }

  template <bool kSample>
  std::uint64_t consume(int worker, WorkerSlot& slot, const StopFlag& stop, EventCounts& events) {
    const int consumer = worker - book_.layout.producers;
    StressWorker w(settings_, worker, slot, shared_.tallies[worker]);
    ConsumerFindings& found = book_.findings[consumer];  // in the arena: a killed consumer's stay
    std::uint64_t& phases = shared_.consumer_phases[consumer];
    const auto producers = static_cast<std::uint64_t>(book_.layout.producers);
    const std::uint64_t phase_over_at = (phases + 1) * producers;
    const LatencyClock& clock = settings_.clock;
    std::uint64_t taken = 0;
    std::uint64_t empty_polls = 0;
    bool finishing = false;
    // Done with the phase once every producer is, and either it is over (the stop flag; the rest
    // of the backlog goes to the next phase or the drain) or the queue ran dry (a run bounded by
    // --ops: every item of the phase delivered in it).
    const auto phase_over = [&](bool ran_dry) {
      return (ran_dry || stop.is_raised()) && book_.producers_finished->load(std::memory_order_acquire) >= phase_over_at;
    };
    for (;;) {
      w.perturb();
      BrokerMessage m;
      if (!queue_.receive(m, kPollNs)) {
        if (finishing) break;  // the cancel is through: nothing more was sent to this consumer
        ++empty_polls;
        if (phase_over(true)) {
          queue_.stop_receiving();
          finishing = true;
        }
        continue;
      }
      int producer = -1;
      if (m.redelivered) {
        ++events[EventId::redelivered];
        producer = book_.record_redelivery(m.item, found);
        if (settings_.fault.kind == FaultKind::kill_holder) w.note_recovery();
      } else {
        producer = book_.record(consumer, m.item, found);
      }
      if constexpr (kSample) {
        if ((m.item & queue_item::kSampled) != 0 && producer >= 0) {
          const std::uint64_t stamp = book_.stamps_of(producer)[queue_item::sequence_of(m.item) >> book_.layout.stamp_shift];
          const std::uint64_t now = clock.now();
          if (stamp != 0) slot.latency.record(now > stamp ? clock.to_ns(now - stamp) : 0);
        }
      }
      // The holder of a queue: a consumer that took a message and has not acked it.
      if (w.fault_due(stop)) w.strike();
      if (consume_iterations_ != 0) busy_iterations(consume_iterations_);
      w.perturb();
      queue_.ack(m);
      ++taken;
      slot.progress.store(slot.inherited_operations + taken, std::memory_order_relaxed);
      if (!finishing && phase_over(false)) {
        queue_.stop_receiving();
        finishing = true;
      }
    }
    ++phases;
    slot.failed_attempts = empty_polls;
    return taken;
  }

  Q& queue_;
  const QueueBook& book_;
  const BrokerQueueShared shared_;
  const StressSettings settings_;
  const std::uint64_t consume_iterations_;
  const double interval_ticks_;
};

template <BrokerQueue Q>
std::size_t broker_queue_workload_bytes(const RunSpec& spec) {
  const QueueLayout layout(spec, true);
  const auto producers = static_cast<std::size_t>(layout.producers);
  const auto checkers = static_cast<std::size_t>(layout.checkers());
  const auto workers = static_cast<std::size_t>(spec.workers);
  return sizeof(Q) + alignof(Q) + producers * sizeof(ProducerState) + checkers * sizeof(ConsumerFindings) +
         layout.expected_bytes() + layout.bitmap_bytes() + layout.stamp_bytes() + workers * sizeof(EventCounts) +
         static_cast<std::size_t>(layout.consumers) * 8 + detail::stress_extra_bytes(spec) + 12 * kCacheLineSize;
}

inline constexpr EventId kBrokerQueueEvents[] = {EventId::redelivered, EventId::publishes_refused};

template <BrokerQueue Q>
void run_broker_queue_workload(RepetitionContext& ctx) {
  const RunSpec& spec = ctx.spec;
  if (spec.producers < 1 || spec.workers - spec.producers < 1) {
    throw std::invalid_argument("the queue workload needs at least one producer and one consumer");
  }
  ctx.control.waits_on_server = 1;
  QueueBook book{QueueLayout(spec, true), nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
  const QueueLayout& layout = book.layout;
  SharedArena& arena = ctx.arena;
  book.producers = arena.make_array<ProducerState>(static_cast<std::size_t>(layout.producers));
  book.findings = arena.make_array<ConsumerFindings>(static_cast<std::size_t>(layout.checkers()));
  book.next_expected = static_cast<std::uint64_t*>(arena.allocate(layout.expected_bytes(), kCacheLineSize));
  book.bitmaps = static_cast<std::uint64_t*>(arena.allocate(layout.bitmap_bytes(), kCacheLineSize));
  if (layout.stamps > 0) book.stamps = static_cast<std::uint64_t*>(arena.allocate(layout.stamp_bytes(), kCacheLineSize));
  book.producers_finished = new (arena.allocate(kCacheLineSize, kCacheLineSize)) std::atomic<std::uint64_t>(0);
  BrokerQueueShared shared{};
  shared.events = arena.make_array<EventCounts>(static_cast<std::size_t>(spec.workers));
  shared.tallies = detail::make_tallies(ctx);
  shared.consumer_phases = static_cast<std::uint64_t*>(
      arena.allocate(static_cast<std::size_t>(layout.consumers) * 8, kCacheLineSize));
  for (int c = 0; c < layout.consumers; ++c) shared.consumer_phases[c] = 0;

  Q* queue = make_primitive<Q>(arena, spec);
  BrokerQueueLoop<Q> loop(*queue, book, shared, ctx);
  run_workers(ctx, loop);

  detail::merge_events(ctx, shared.events, kBrokerQueueEvents);
  detail::merge_tallies(ctx, shared.tallies);
  // A worker that died (other than by --fault) already said why; the broker may have lost track.
  if (ctx.control.error[0] != '\0' || ctx.control.crash_signal != 0) {
    queue->~Q();
    return;
  }
  for (int p = 0; p < layout.producers; ++p) {
    if (book.producers[p].over_budget) {
      throw std::runtime_error(fmt::format("producer {} published {} items, all its delivery bitmap holds; use "
                                           "--ops or a shorter --duration",
                                           p, layout.item_budget));
    }
  }
  // What is left: flagged ones into the redelivery set, the rest as the drain's deliveries.
  std::uint64_t drained = 0;
  ConsumerFindings& drain = book.findings[layout.consumers];
  BrokerMessage m;
  while (queue->drain(m)) {
    ++drained;
    if (m.redelivered) {
      ctx.control.events[EventId::redelivered] += 1;
      book.record_redelivery(m.item, drain);
    } else {
      book.record(layout.consumers, m.item, drain);
    }
  }
  // A publish refused by a full queue is published again after later ones: no producer order then.
  const bool refusals_reorder = spec.capacity > 0 && spec.confirm > 0;
  check_deliveries(book, drained, keeps_producer_order<Q>() && !refusals_reorder, ctx.control);
  queue->~Q();
}

}  // namespace contend
