#pragma once
// What the tasks workload's two hosts share (workloads/tasks_workload.hpp says what it runs and
// checks): the per-task events and tallies, the queue pattern's book of what each consumer saw
// of each producer's items, and the check of one item got.
#include <fmt/format.h>

#include <cstdint>

#include "workloads/stress_common.hpp"

namespace contend {

// What a consumer saw of one producer's items.
struct QueueSeen {
  std::uint64_t next = 0;   // the sequence after the last one seen
  std::uint64_t count = 0;  // items seen
  std::uint64_t sum = 0;    // their sequences, summed
};

struct TasksShared {
  EventCounts* events;      // per task
  CheckTallies* tallies;    // per task
  QueueSeen* seen;          // queue: (consumers + 1) x producers; the last row is the drain's
  std::uint64_t* produced;  // queue: per producer, the items it has put (its next sequence)
  int producers;            // queue: the first `producers` tasks put, the rest get
  int consumers;
};

// Items say who made them: the producer's index + 1 in bits 48..62, its sequence in bits 0..47.
inline std::uint64_t task_item(int producer, std::uint64_t sequence) {
  return (static_cast<std::uint64_t>(producer + 1) << 48) | sequence;
}

namespace detail {

inline std::uint32_t task_limit(const RunSpec& spec) { return spec.pattern == TaskPattern::lock ? 1 : spec.permits; }

// A consumer (row `row`: a consumer's index, or `consumers` for the drain) got `item`.
inline void task_item_seen(const TasksShared& s, int row, std::uint64_t item, CheckTallies& tallies, int task,
                           std::uint64_t op_index) {
  const auto producer = static_cast<std::int64_t>(item >> 48) - 1;
  const std::uint64_t sequence = item & ((std::uint64_t{1} << 48) - 1);
  tallies[CheckId::queue_invented].checked++;
  if (producer < 0 || producer >= s.producers) {
    note_violation(tallies[CheckId::queue_invented], task, op_index);
    return;
  }
  QueueSeen& seen = s.seen[static_cast<std::size_t>(row) * static_cast<std::size_t>(s.producers) +
                           static_cast<std::size_t>(producer)];
  if (row < s.consumers) {
    tallies[CheckId::queue_order].checked++;
    if (sequence < seen.next) note_violation(tallies[CheckId::queue_order], task, op_index);
    seen.next = sequence + 1;
  }
  ++seen.count;
  seen.sum += sequence;
}

}  // namespace detail

}  // namespace contend
