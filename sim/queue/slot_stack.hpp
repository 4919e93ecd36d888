// The free slots of an array whose entries are reused (the event queue's slots, the world's
// messages in flight), last freed on top. Its room always covers every slot the array has
// (cover(), called as the array grows) and no slot is free twice, so a push never reallocates:
// freeing a slot on the hot path is a store, not a call into a vector's growth path.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace clocksim::sim::queue {

class SlotStack {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return slots_.capacity(); }
  // The array now has slot_count slots: make room for all of them.
  void cover(std::size_t slot_count) {
    if (slot_count > slots_.size()) slots_.resize(std::max(slot_count, 2 * slots_.size()));
  }
  void push(std::uint32_t slot) {
    assert(size_ < slots_.size());
    slots_[size_++] = slot;
  }
  std::uint32_t pop() {
    assert(size_ > 0);
    return slots_[--size_];
  }
  // The slot the pop after next returns.
  std::uint32_t below_top() const {
    assert(size_ >= 2);
    return slots_[size_ - 2];
  }

 private:
  std::vector<std::uint32_t> slots_;
  std::size_t size_ = 0;
};

}  // namespace clocksim::sim::queue
