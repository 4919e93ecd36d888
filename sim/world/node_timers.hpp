// A node's armed timers: the id each was armed under and the handle of its queue event, as a
// sequence with the operations of a std::vector used as a small unordered set (append; find the
// first with an id; remove it by moving the last into its place).
//
// Why not a std::vector: its entries live in a heap block of their own, so every arm, fire and
// cancel of a timer waited for a cache miss behind the node record's pointer, on top of the node
// record's own miss. Algorithms keep one or two timers armed at a time (Cristian: its round and
// its probe timeout), so the first two entries live here, in the node record, and only a third and
// more in a vector beside it. The sequence and its order are exactly the vector's, so nothing
// that walks or searches it can tell the difference.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "algorithms/core/ids.hpp"
#include "sim/event_queue.hpp"

namespace clocksim::sim {

class NodeTimers {
 public:
  struct Armed {
    TimerId id = 0;
    EventHandle handle;  // slot kInvalidSlot: an unused place in the node record
  };

  std::size_t size() const {
    std::size_t n = 0;
    while (n < kInline && used(n)) ++n;
    return n == kInline && more_ ? kInline + more_->size() : n;
  }
  bool empty() const { return !used(0); }

  void add(TimerId id, EventHandle handle) {
    for (Armed& a : inline_) {
      if (a.handle.slot == EventHandle::kInvalidSlot) {
        a = Armed{id, handle};
        return;
      }
    }
    if (!more_) more_ = std::make_unique<std::vector<Armed>>();
    more_->push_back(Armed{id, handle});
  }

  // Removes the first entry armed under `id` and returns its handle, or an invalid handle
  // (EventHandle{}) when there is none.
  EventHandle take(TimerId id) {
    // The node record's two first: with one or two timers armed, nothing else is read.
    for (std::size_t i = 0; i < kInline; ++i) {
      if (!used(i)) return EventHandle{};
      if (inline_[i].id == id) return take_inline(i);
    }
    if (more_) {
      for (std::size_t j = 0; j < more_->size(); ++j) {
        if ((*more_)[j].id != id) continue;
        const EventHandle h = (*more_)[j].handle;
        (*more_)[j] = more_->back();
        more_->pop_back();
        return h;
      }
    }
    return EventHandle{};
  }

  template <class F>
  void for_each(F f) const {
    const std::size_t n = size();
    for (std::size_t i = 0; i < n; ++i) f(at(i));
  }

  void clear() {
    for (Armed& a : inline_) a = Armed{};
    more_.reset();
  }

 private:
  static constexpr std::size_t kInline = 2;

  bool used(std::size_t i) const { return inline_[i].handle.slot != EventHandle::kInvalidSlot; }
  const Armed& at(std::size_t i) const { return i < kInline ? inline_[i] : (*more_)[i - kInline]; }
  // Removes entry i of the node record's (which exists) by moving the last one into its place, as
  // a vector's swap-and-pop would, and returns its handle.
  EventHandle take_inline(std::size_t i) {
    const EventHandle h = inline_[i].handle;
    if (more_ && !more_->empty()) {
      inline_[i] = more_->back();
      more_->pop_back();  // the vector is kept: an algorithm that armed a third timer will again
    } else if (i == 0 && used(1)) {
      inline_[0] = inline_[1];
      inline_[1] = Armed{};
    } else {
      inline_[i] = Armed{};
    }
    return h;
  }

  Armed inline_[kInline]{};
  std::unique_ptr<std::vector<Armed>> more_;
};

}  // namespace clocksim::sim
