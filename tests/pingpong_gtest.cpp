// Unit tests of the handoff primitives (the pingpong family): a ping-pong between two ends on
// threads and on forked processes in which each end checks that it sees the other's sequence
// numbers exactly in order — no handoff lost, duplicated or reordered — and that what the sender
// wrote before send() is visible after receive(). A planted broken handoff shows the check can
// fail. Also: a channel gives back every descriptor it made, and one that cannot get
// descriptors says so by throwing.
#include <gtest/gtest.h>
#include <semaphore.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <concepts>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <optional>
#include <system_error>
#include <type_traits>
#include <vector>

#include "primitives/catalog.hpp"
#include "tests/primitive_test_helpers.hpp"

namespace contend {
namespace {

using testing::Child;
using testing::exited_cleanly;
using testing::PrimitiveTestName;
using testing::run_threads;
using testing::SharedMapping;
using testing::start_together;

// Enough round trips to catch a handoff that loses or repeats one, few enough for 2 loaded
// cores. spin-flag never sleeps: when the machine has more runnable threads than cores (ctest
// -j2 runs another test beside this one), each of its handoffs can wait for a time slice, so
// it gets a tenth of the round trips to stay within the alarm, as do the queue pairs, which spin too.
constexpr int kRoundTrips = 20000;
template <class H>
constexpr bool is_queue_pair = false;
template <class Q>
constexpr bool is_queue_pair<QueuePairHandoff<Q>> = true;

template <class H>
constexpr int round_trips_for() {
  return std::is_same_v<H, SpinFlagHandoff> || is_queue_pair<H> ? kRoundTrips / 10 : kRoundTrips;
}
// A safety net for forked children: a hung child (a lost wake-up) dies of SIGALRM and the test
// reports it instead of hanging.
constexpr unsigned kChildAlarmSeconds = 30;

constexpr Peer other_end(Peer end) { return end == Peer::initiator ? Peer::responder : Peer::initiator; }
constexpr std::uint32_t index_of(Peer end) { return static_cast<std::uint32_t>(end); }

// What one end saw.
struct EndReport {
  std::uint64_t received = 0;
  std::uint64_t out_of_sequence = 0;  // a message that was not the next number
  std::uint64_t stale_payload = 0;    // the sender's earlier plain write not visible
  std::uint32_t first_expected = 0;
  std::uint32_t first_received = 0;
};

// The channel and everything the two ends share, in one mapping that forked children share.
template <class H>
struct PingPongState {
  EndReport reports[2];           // indexed by Peer
  std::uint64_t payload[2] = {};  // plain words, written by the sender before send()
  std::atomic<int> arrived{0};
  std::optional<H> channel;
};

template <class H>
void emplace_channel(std::optional<H>& slot, Sharing sharing) {
  if constexpr (std::constructible_from<H, Sharing>) {
    slot.emplace(sharing);
  } else {
    slot.emplace();
  }
}

std::uint64_t payload_for(std::uint32_t handoff) { return std::uint64_t{handoff} * 0x9e3779b97f4a7c15ULL; }

// One end of a ping-pong of `round_trips`. Handoff h (0, 1, 2, ...) carries the number h: the
// even ones go from the initiator to the responder, the odd ones back, so each end must receive
// exactly the other's numbers, in order. Before each send the sender writes a plain payload
// for the receiver, which the receiver checks after receive(): the handoff's happens-before.
template <class H>
void play(H& channel, PingPongState<H>& state, Peer me, int round_trips) {
  const Peer other = other_end(me);
  EndReport& report = state.reports[index_of(me)];
  const auto handoffs = static_cast<std::uint32_t>(2 * round_trips);
  for (std::uint32_t h = 0; h < handoffs; ++h) {
    const Peer sender = h % 2 == 0 ? Peer::initiator : Peer::responder;
    if (sender == me) {
      state.payload[index_of(other)] = payload_for(h);
      channel.send(other, h);
      continue;
    }
    const std::uint32_t message = channel.receive(me);
    ++report.received;
    if (message != h && report.out_of_sequence++ == 0) {
      report.first_expected = h;
      report.first_received = message;
    }
    if (state.payload[index_of(me)] != payload_for(h)) ++report.stale_payload;
  }
}

template <class H>
::testing::AssertionResult both_ends_saw_every_handoff_in_order(const PingPongState<H>& state, int round_trips) {
  for (Peer end : {Peer::initiator, Peer::responder}) {
    const EndReport& r = state.reports[index_of(end)];
    const char* name = end == Peer::initiator ? "initiator" : "responder";
    if (r.received != static_cast<std::uint64_t>(round_trips)) {
      return ::testing::AssertionFailure() << "the " << name << " received " << r.received << " messages, not "
                                           << round_trips;
    }
    if (r.out_of_sequence != 0) {
      return ::testing::AssertionFailure() << "the " << name << " received " << r.out_of_sequence
                                           << " message(s) out of sequence; the first: expected " << r.first_expected
                                           << ", received " << r.first_received;
    }
    if (r.stale_payload != 0) {
      return ::testing::AssertionFailure() << "the " << name << " saw " << r.stale_payload
                                           << " payload(s) the sender wrote before send() not yet visible";
    }
  }
  return ::testing::AssertionSuccess();
}

// Plays on two threads of a forked child, with a channel private to that child (thread mode);
// the reports come back through the shared mapping. In a child so that a lost wake-up fails the
// test through the alarm instead of hanging it.
template <class H>
int play_on_threads(PingPongState<H>* state, int round_trips) {
  std::optional<H> channel;
  emplace_channel(channel, Sharing::thread_private);
  run_threads(2, [&](int t) { play(*channel, *state, t == 0 ? Peer::initiator : Peer::responder, round_trips); });
  return 0;
}

// Plays with each end in its own forked process; the channel was made (descriptors opened,
// process-shared objects initialized) in the parent before the fork, as the engine makes it in
// the repetition's child before forking the workers.
template <class H>
void play_on_processes(PingPongState<H>* state, int round_trips) {
  emplace_channel(state->channel, Sharing::process_shared);
  auto end = [state, round_trips](Peer me) {
    return [state, round_trips, me] {
      start_together(state->arrived, 2);
      play(*state->channel, *state, me, round_trips);
      return 0;
    };
  };
  Child initiator(kChildAlarmSeconds, end(Peer::initiator));
  Child responder(kChildAlarmSeconds, end(Peer::responder));
  ASSERT_TRUE(initiator.started());
  ASSERT_TRUE(responder.started());
  EXPECT_TRUE(exited_cleanly(initiator.wait_status()));
  EXPECT_TRUE(exited_cleanly(responder.wait_status()));
}

// ---- Every handoff, on threads and on processes ----

template <class H>
class HandoffContract : public ::testing::Test {};

using AllHandoffs =
    ::testing::Types<CvHandoff, FutexHandoff, SpinFlagHandoff, SemPairHandoff, PipeHandoff, EventfdHandoff,
                     QueuePairHandoff<MpmcRing>, QueuePairHandoff<SpscRing>, QueuePairHandoff<MonitorQueue>,
                     QueuePairHandoff<MoodycamelQueue>, QueuePairHandoff<AtomicQueueAdapter>,
                     QueuePairHandoff<BoostLockfreeQueue>, QueuePairHandoff<TbbBoundedQueue>>;
TYPED_TEST_SUITE(HandoffContract, AllHandoffs, PrimitiveTestName);

TYPED_TEST(HandoffContract, EveryHandoffArrivesOnceInOrderOnThreads) {
  constexpr int kTrips = round_trips_for<TypeParam>();
  SharedMapping mapping(sizeof(PingPongState<TypeParam>));
  ASSERT_NE(mapping.get(), nullptr);
  auto* state = new (mapping.get()) PingPongState<TypeParam>();
  Child child(kChildAlarmSeconds, [state] { return play_on_threads(state, kTrips); });
  ASSERT_TRUE(child.started());
  ASSERT_TRUE(exited_cleanly(child.wait_status()));
  EXPECT_TRUE(both_ends_saw_every_handoff_in_order(*state, kTrips));
  state->~PingPongState();
}

TYPED_TEST(HandoffContract, EveryHandoffArrivesOnceInOrderAcrossProcesses) {
  if constexpr (!TypeParam::kProcessShared) {
    GTEST_SKIP() << "threads only: its queues keep heap pointers";
  } else {
    constexpr int kTrips = round_trips_for<TypeParam>();
    SharedMapping mapping(sizeof(PingPongState<TypeParam>));
    ASSERT_NE(mapping.get(), nullptr);
    auto* state = new (mapping.get()) PingPongState<TypeParam>();
    play_on_processes(state, kTrips);
    EXPECT_TRUE(both_ends_saw_every_handoff_in_order(*state, kTrips));
    state->~PingPongState();
  }
}

TYPED_TEST(HandoffContract, GivesBackEveryDescriptorItMade) {
  const int before = testing::open_descriptors();
  {
    std::vector<std::optional<TypeParam>> channels(8);
    for (auto& c : channels) emplace_channel(c, Sharing::process_shared);
  }
  EXPECT_EQ(testing::open_descriptors(), before);
}

// ---- The descriptor-based handoffs, out of descriptors ----

template <class H>
class HandoffOutOfDescriptors : public ::testing::Test {};

using DescriptorHandoffs = ::testing::Types<PipeHandoff, EventfdHandoff>;
TYPED_TEST_SUITE(HandoffOutOfDescriptors, DescriptorHandoffs, PrimitiveTestName);

TYPED_TEST(HandoffOutOfDescriptors, ThrowsSystemErrorAndLeaksNothing) {
#if defined(__SANITIZE_ADDRESS__)
  // UBSan's vptr check, part of the asan preset, opens a pipe to probe memory; out of
  // descriptors, it reports the exception being constructed as an invalid object.
  GTEST_SKIP() << "the sanitizer runtime needs descriptors of its own";
#endif
  testing::expect_out_of_descriptors_throws_and_leaks_nothing(kChildAlarmSeconds, [] { TypeParam channel; });
}

// ---- Planted bug: the check above can fail ----

// Hands the turn over but, on every 1000th send from an end, leaves the previous message in
// place — what a receiver reads when it reads the message before the sender has written it.
// Deterministic, so the verdict never depends on timing; it still hands every turn over, so it
// never hangs. Sleeps (POSIX semaphores) rather than spins, so it is quick on loaded cores.
class StaleMessageHandoff {
 public:
  static constexpr std::string_view kName = "broken-stale-handoff";
  static constexpr std::string_view kDescription = "planted bug: every 1000th handoff delivers the previous message";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;

  explicit StaleMessageHandoff(Sharing sharing) {
    for (sem_t& s : posted_) {
      if (sem_init(&s, sharing == Sharing::process_shared ? 1 : 0, 0) != 0) std::abort();
    }
  }
  ~StaleMessageHandoff() {
    for (sem_t& s : posted_) sem_destroy(&s);
  }
  StaleMessageHandoff(const StaleMessageHandoff&) = delete;
  StaleMessageHandoff& operator=(const StaleMessageHandoff&) = delete;

  void send(Peer to, std::uint32_t message) {
    const std::uint32_t end = index_of(to);
    // Only the other end sends to `to`, so each count has one writer.
    if (++sends_[end] % 1000 != 0) messages_[end] = message;
    sem_post(&posted_[end]);
  }
  std::uint32_t receive(Peer at) {
    const std::uint32_t end = index_of(at);
    while (sem_wait(&posted_[end]) != 0 && errno == EINTR) {
    }
    return messages_[end];
  }

 private:
  sem_t posted_[2];
  std::uint32_t messages_[2] = {};
  std::uint32_t sends_[2] = {};
};
static_assert(Handoff<StaleMessageHandoff>);

constexpr int kPlantedRoundTrips = 2000;  // two stale messages each way

TEST(HandoffChecks, SequenceCheckCatchesAStaleMessageOnThreads) {
  SharedMapping mapping(sizeof(PingPongState<StaleMessageHandoff>));
  ASSERT_NE(mapping.get(), nullptr);
  auto* state = new (mapping.get()) PingPongState<StaleMessageHandoff>();
  Child child(kChildAlarmSeconds, [state] { return play_on_threads(state, kPlantedRoundTrips); });
  ASSERT_TRUE(child.started());
  ASSERT_TRUE(exited_cleanly(child.wait_status()));
  EXPECT_FALSE(both_ends_saw_every_handoff_in_order(*state, kPlantedRoundTrips));
  for (const EndReport& r : state->reports) EXPECT_EQ(r.out_of_sequence, 2u);
  state->~PingPongState();
}

TEST(HandoffChecks, SequenceCheckCatchesAStaleMessageAcrossProcesses) {
  SharedMapping mapping(sizeof(PingPongState<StaleMessageHandoff>));
  ASSERT_NE(mapping.get(), nullptr);
  auto* state = new (mapping.get()) PingPongState<StaleMessageHandoff>();
  play_on_processes(state, kPlantedRoundTrips);
  EXPECT_FALSE(both_ends_saw_every_handoff_in_order(*state, kPlantedRoundTrips));
  for (const EndReport& r : state->reports) EXPECT_EQ(r.out_of_sequence, 2u);
  state->~PingPongState();
}

// ---- The catalog ----

TEST(HandoffCatalog, NamesAreUniqueKebabCaseWithOneLineDescriptions) {
  testing::expect_names_unique_kebab_case_with_one_line_descriptions(BuiltinHandoffs{});
}

// Every mechanism but the pairs of peer libraries' queues (heap pointers) runs on processes too.
template <class... Hs>
constexpr int process_shared_handoffs(TypeList<Hs...>) {
  return ((Hs::kProcessShared ? 1 : 0) + ...);
}
static_assert(process_shared_handoffs(BuiltinHandoffs{}) == 6 + 3 + 2,
              "the six mechanisms, our three queues and the two planted bugs");

}  // namespace
}  // namespace contend
