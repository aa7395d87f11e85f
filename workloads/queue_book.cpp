#include "workloads/queue_book.hpp"

#include <fmt/format.h>

#include <string>

namespace contend {

void check_deliveries(const QueueBook& book, std::uint64_t drained, bool keeps_producer_order,
                             RunControl& control) {
  const QueueLayout& layout = book.layout;
  std::uint64_t produced = 0, lost = 0, duplicated = 0, invented = 0, out_of_order = 0;
  std::uint64_t redelivered_after_delivery = 0;
  std::string first;
  const int checkers = layout.checkers();
  for (int c = 0; c < checkers; ++c) {
    const ConsumerFindings& f = book.findings[c];
    invented += f.invented;
    duplicated += f.repeated;
    out_of_order += f.out_of_order;
    // A queue that does not promise producer order: its reordering is noted, not a failure,
    // and the first problem worth naming is another one.
    if (!keeps_producer_order && f.first_problem != nullptr && f.repeated == 0 && f.invented == 0) continue;
    if (first.empty() && f.first_problem != nullptr) {
      first = fmt::format("item {:#x} (producer {}, number {}) {}", f.first_item, queue_item::producer_of(f.first_item),
                          queue_item::sequence_of(f.first_item), f.first_problem);
    }
  }
  for (int p = 0; p < layout.producers; ++p) {
    const std::uint64_t pushed = book.producers[p].next_sequence;
    produced += pushed;
    // No bit is set at or beyond the highest sequence any consumer saw + 1.
    // (The redelivery set has no expectations: every bit it may hold is looked at.)
    std::uint64_t highest = pushed;
    for (int c = 0; c <= layout.consumers; ++c) highest = std::max(highest, book.expected_of(c)[p]);
    const std::uint64_t words = layout.redeliveries ? layout.bitmap_words : std::min(layout.bitmap_words, (highest + 63) / 64);
    for (std::uint64_t w = 0; w < words; ++w) {
      std::uint64_t seen = 0;
      if (layout.redeliveries && w * 64 >= highest && book.bitmap(layout.redelivery_set(), p)[w] == 0) break;
      for (int c = 0; c <= layout.consumers; ++c) {
        const std::uint64_t word = book.bitmap(c, p)[w];
        const std::uint64_t twice = seen & word;
        if (twice != 0) {
          duplicated += static_cast<std::uint64_t>(std::popcount(twice));
          if (first.empty()) {
            first = fmt::format("producer {} number {} delivered to two consumers", p,
                                w * 64 + static_cast<std::uint64_t>(std::countr_zero(twice)));
          }
        }
        seen |= word;
      }
      if (layout.redeliveries) {
        const std::uint64_t again = book.bitmap(layout.redelivery_set(), p)[w];
        redelivered_after_delivery += static_cast<std::uint64_t>(std::popcount(again & seen));
        seen |= again;
      }
      // Bits of the items this producer pushed, in this word.
      const std::uint64_t begin = w * 64;
      std::uint64_t pushed_bits = 0;
      if (pushed >= begin + 64) {
        pushed_bits = ~0ULL;
      } else if (pushed > begin) {
        pushed_bits = (1ULL << (pushed - begin)) - 1;
      }
      const std::uint64_t missing = pushed_bits & ~seen;
      const std::uint64_t beyond = seen & ~pushed_bits;
      if (missing != 0) {
        lost += static_cast<std::uint64_t>(std::popcount(missing));
        if (first.empty()) {
          first = fmt::format("producer {} number {} never delivered", p,
                              begin + static_cast<std::uint64_t>(std::countr_zero(missing)));
        }
      }
      if (beyond != 0) {
        invented += static_cast<std::uint64_t>(std::popcount(beyond));
        if (first.empty()) {
          first = fmt::format("producer {} number {} delivered but never pushed", p,
                              begin + static_cast<std::uint64_t>(std::countr_zero(beyond)));
        }
      }
    }
  }
  control.checked_updates = produced;
  // The same counts as stress checks.
  const auto tally = [&](CheckId id, std::uint64_t violations) {
    CheckTally& t = control.checks[id];
    t.applies = 1;
    t.checked = produced;
    t.violations = violations;
  };
  tally(CheckId::queue_lost, lost);
  tally(CheckId::queue_duplicated, duplicated);
  tally(CheckId::queue_invented, invented);
  tally(CheckId::queue_order, keeps_producer_order ? out_of_order : 0);
  if (!keeps_producer_order) {
    const auto note = fmt::format_to_n(control.checks[CheckId::queue_order].note,
                                       sizeof(CheckTally::note) - 1, "not promised by this queue; {} reordered",
                                       out_of_order);
    *note.out = '\0';
  }
  if (lost + duplicated + invented + (keeps_producer_order ? out_of_order : 0) > 0) {
    // Where the first problem was, for the check that saw it.
    for (CheckId id : {CheckId::queue_lost, CheckId::queue_duplicated, CheckId::queue_invented, CheckId::queue_order}) {
      CheckTally& t = control.checks[id];
      if (t.violations == 0) continue;
      const auto note = fmt::format_to_n(t.note, sizeof(CheckTally::note) - 1, "first problem seen: {}", first);
      *note.out = '\0';
      break;
    }
  }
  if (layout.redeliveries && redelivered_after_delivery > 0 && control.checks[CheckId::queue_duplicated].note[0] == '\0') {
    const auto note = fmt::format_to_n(control.checks[CheckId::queue_duplicated].note, sizeof(CheckTally::note) - 1,
                                       "{} delivered again after a first delivery, flagged redelivered by the broker "
                                       "(at least once: allowed)",
                                       redelivered_after_delivery);
    *note.out = '\0';
  }
  if (!keeps_producer_order) {
    control.reordered_items = out_of_order;
    out_of_order = 0;
  }
  if (lost + duplicated + invented + out_of_order == 0) return;
  const auto out = fmt::format_to_n(
      control.violation, sizeof(control.violation) - 1,
      "of {} items (warmup included; {} drained after the run): {} lost, {} duplicated, {} invented, {} out of "
      "order; first: {}",
      produced, drained, lost, duplicated, invented, out_of_order, first);
  *out.out = '\0';
}

}  // namespace contend
