#pragma once
// A bounded async queue for tasks on one EventLoop (event_loop.hpp): asyncio.Queue(maxsize) with
// FIFO wake order and cancellation that loses no item and no slot.
//
// Contract: `co_await q.put(node, item)` returns true once the item is in the queue, false when the
// wait was cancelled (the item was not put: the caller still has it). `co_await q.get(node)`
// returns Got::item with the item in node.item, Got::cancelled (nothing taken) or Got::closed
// (close() was called and every item has been taken). Items come out in the order they went in.
// At most `capacity` items are in the queue. close() ends getters once the queue is empty;
// reopen() starts over (the tasks workload closes the queue at the end of each phase). One thread.
// Fairness: FIFO on both sides. An item or a free slot is taken at once only when nobody waits
// for one; otherwise the oldest waiter is granted it: a getter is granted the turn to take the
// front item (items stay in the ring, so they leave it in order), a putter a reserved slot.
// Cancellation: a waiter cancelled while queued leaves its list; one cancelled after its grant
// passes the grant to the next waiter of its side (or gives it back), so a cancelled getter never
// makes an item wait while another getter sleeps, and a cancelled putter never keeps a slot.
// Memory ordering: one thread; nothing is shared. A crash: the loop goes with its thread.
//
// Algorithm:
//  1. The ring holds the items; `granted_items_` of them are promised to getters granted but not
//     yet resumed, `granted_slots_` of the free slots to such putters.
//  2. put: room beyond the promised slots and no putter waiting: append, then grant the oldest
//     getter if an item is unpromised. Otherwise queue; when granted, append on resuming.
//  3. get: an unpromised item and no getter waiting: take the front, then grant the oldest putter
//     if a slot is unpromised. Otherwise queue; when granted, take the front on resuming.
#include <coroutine>
#include <cstdint>
#include <vector>

#include "primitives/tasks/event_loop.hpp"

namespace contend::tasks {

class AsyncQueue {
 public:
  enum class Got { item, cancelled, closed };

  AsyncQueue(EventLoop& loop, std::uint32_t capacity)
      : loop_(loop), ring_(round_up(capacity)), mask_(ring_.size() - 1), capacity_(capacity) {}

  auto put(WaitNode& node, std::uint64_t item) {
    struct Awaiter {
      AsyncQueue& q;
      WaitNode& node;
      std::uint64_t item;
      bool await_ready() const noexcept {
        if (!q.putters_.empty() || q.size() + q.granted_slots_ >= q.capacity_) return false;
        q.append(item);
        return true;
      }
      void await_suspend(std::coroutine_handle<> h) const noexcept {
        node.handle = h;
        node.item = item;
        node.state = WaitNode::State::waiting;
        q.putters_.push_back(node);
      }
      bool await_resume() const noexcept {
        const WaitNode::State s = node.state;
        node.state = WaitNode::State::idle;
        if (s == WaitNode::State::idle) return true;  // appended in await_ready
        if (s == WaitNode::State::granted) {
          --q.granted_slots_;
          q.append(node.item);
          return true;
        }
        if (s == WaitNode::State::granted_cancelled) {
          --q.granted_slots_;
          q.grant_putter();  // the slot goes to the next putter
        }
        return false;
      }
    };
    return Awaiter{*this, node, item};
  }

  auto get(WaitNode& node) {
    struct Awaiter {
      AsyncQueue& q;
      WaitNode& node;
      bool await_ready() const noexcept {
        if (!q.getters_.empty()) return false;
        if (q.size() > q.granted_items_) {
          node.item = q.take_front();  // state stays idle: taken at once
          return true;
        }
        if (q.closed_ && q.size() == 0) {
          node.state = WaitNode::State::closed;
          return true;
        }
        return false;
      }
      void await_suspend(std::coroutine_handle<> h) const noexcept {
        node.handle = h;
        node.state = WaitNode::State::waiting;
        q.getters_.push_back(node);
      }
      Got await_resume() const noexcept {
        const WaitNode::State s = node.state;
        node.state = WaitNode::State::idle;
        switch (s) {
          case WaitNode::State::idle: return Got::item;
          case WaitNode::State::granted:
            --q.granted_items_;
            node.item = q.take_front();
            return Got::item;
          case WaitNode::State::granted_cancelled:
            --q.granted_items_;
            q.grant_getter();  // the turn goes to the next getter
            return Got::cancelled;
          case WaitNode::State::closed: return Got::closed;
          default: return Got::cancelled;
        }
      }
    };
    return Awaiter{*this, node};
  }

  // Cancels `node`'s wait if it is parked here or granted and not yet resumed: true if it was.
  bool cancel(WaitNode& node, bool putter) {
    if (node.state == WaitNode::State::waiting) {
      (putter ? putters_ : getters_).remove(node);
      node.state = WaitNode::State::cancelled;
      loop_.schedule(node.handle);
      return true;
    }
    if (node.state == WaitNode::State::granted) {
      node.state = WaitNode::State::granted_cancelled;
      return true;
    }
    return false;
  }

  // No more puts this phase: getters end once the queue is empty.
  void close() {
    closed_ = true;
    wake_closed_getters();
  }
  void reopen() { closed_ = false; }

  std::uint32_t size() const { return static_cast<std::uint32_t>(tail_ - head_); }
  std::size_t putters_waiting() const { return putters_.size(); }
  std::size_t getters_waiting() const { return getters_.size(); }
  // Takes the front item without waiting (draining after a run); false when empty.
  bool try_take(std::uint64_t& item) {
    if (size() == granted_items_) return false;
    item = take_front();
    return true;
  }

 private:
  static std::size_t round_up(std::uint32_t n) {
    std::size_t c = 1;
    while (c < n) c *= 2;
    return c;
  }

  void append(std::uint64_t item) {
    ring_[tail_++ & mask_] = item;
    grant_getter();
  }
  std::uint64_t take_front() {
    const std::uint64_t item = ring_[head_++ & mask_];
    grant_putter();
    if (closed_) wake_closed_getters();
    return item;
  }
  void grant_getter() {
    if (getters_.empty() || size() <= granted_items_) return;
    WaitNode& g = getters_.pop_front();
    g.state = WaitNode::State::granted;
    ++granted_items_;
    loop_.schedule(g.handle);
  }
  void grant_putter() {
    if (putters_.empty() || size() + granted_slots_ >= capacity_) return;
    WaitNode& p = putters_.pop_front();
    p.state = WaitNode::State::granted;
    ++granted_slots_;
    loop_.schedule(p.handle);
  }
  void wake_closed_getters() {
    if (size() != 0) return;
    while (!getters_.empty()) {
      WaitNode& g = getters_.pop_front();
      g.state = WaitNode::State::closed;
      loop_.schedule(g.handle);
    }
  }

  EventLoop& loop_;
  std::vector<std::uint64_t> ring_;
  std::size_t mask_;
  std::uint32_t capacity_;
  std::uint64_t head_ = 0;
  std::uint64_t tail_ = 0;
  std::uint32_t granted_items_ = 0;
  std::uint32_t granted_slots_ = 0;
  bool closed_ = false;
  WaitList getters_;
  WaitList putters_;
};

}  // namespace contend::tasks
