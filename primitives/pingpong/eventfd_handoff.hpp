#pragma once
// eventfd — two eventfds, one per receiving end: a handoff adds the message plus one to the
// receiver's counter with write(); the receiver blocks in read(), which returns the counter and
// resets it to 0.
//
// The plus one is because read() blocks while the counter is 0, so a message 0 must not be
// written as 0. The ends alternate, so the counter holds exactly one message when it is read.
//
// Contract: the Handoff contract. The eventfds are made by the constructor; one that cannot be
// made (out of file descriptors: two per channel) throws std::system_error. A write or read
// that fails for any reason but a signal means the descriptors were broken from outside, which
// is not a measurement: it aborts.
// Fairness: nothing to share; the two ends strictly alternate.
// Process-shared: yes — the object holds only file descriptors. Processes forked after the
// constructor inherit them with the same numbers, so the object, in a MAP_SHARED mapping or
// not, works in each of them; a process forked before it was made cannot use it.
// Memory ordering: the kernel updates the counter under the eventfd's lock, so the write()
// happens-before the read() that returns its value, and everything the sender did before
// send() happens-before everything the receiver does after receive().
// Cost: a write() and a read() system call per handoff, and when the receiver got there first
// a sleep and a wake-up (two context switches); a lighter kernel object than a pipe (an 8-byte
// counter, no buffer pages).
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <system_error>

#include "primitives/primitive.hpp"

namespace contend {

class EventfdHandoff {
 public:
  static constexpr std::string_view kName = "eventfd";
  static constexpr std::string_view kDescription = "two Linux eventfds, one per end, an 8-byte write per handoff";
  static constexpr Origin kOrigin = Origin::linux_api;
  static constexpr bool kProcessShared = true;

  EventfdHandoff() {
    for (std::size_t end = 0; end < 2; ++end) {
      fds_[end] = eventfd(0, EFD_CLOEXEC);
      if (fds_[end] < 0) {
        const int error = errno;
        close_made(end);
        throw std::system_error(error, std::generic_category(), "pingpong eventfd: eventfd");
      }
    }
  }
  ~EventfdHandoff() { close_made(2); }
  EventfdHandoff(const EventfdHandoff&) = delete;
  EventfdHandoff& operator=(const EventfdHandoff&) = delete;

  void send(Peer to, std::uint32_t message) {
    const std::uint64_t value = std::uint64_t{message} + 1;
    ssize_t n;
    while ((n = write(fds_[static_cast<std::uint32_t>(to)], &value, sizeof(value))) < 0 && errno == EINTR) {
    }
    if (n != static_cast<ssize_t>(sizeof(value))) std::abort();
  }

  std::uint32_t receive(Peer at) {
    std::uint64_t value = 0;
    ssize_t n;
    while ((n = read(fds_[static_cast<std::uint32_t>(at)], &value, sizeof(value))) < 0 && errno == EINTR) {
    }
    // An eventfd read is all 8 bytes or an error.
    if (n != static_cast<ssize_t>(sizeof(value)) || value == 0) std::abort();
    return static_cast<std::uint32_t>(value - 1);
  }

 private:
  void close_made(std::size_t ends) {
    for (std::size_t end = 0; end < ends; ++end) close(fds_[end]);
  }

  int fds_[2] = {-1, -1};  // indexed by Peer: the end that reads it
};

}  // namespace contend
