#include "algorithms/core/panic_window.hpp"

#include <algorithm>

#include "algorithms/core/checked_math.hpp"

namespace clocksim {

namespace {
std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }
// `net` within [-limit, limit] (limit saturating at int64's range).
std::int64_t clamp_to(std::int64_t net, std::uint64_t limit) {
  if (abs_u64(net) <= limit) return net;
  const std::int64_t max = limit >= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
                               ? std::numeric_limits<std::int64_t>::max()
                               : static_cast<std::int64_t>(limit);
  return net < 0 ? -max : max;
}
// Whether slice `index` still lies (at least in part) inside the window whose newest slice is
// `current`: slices current - kWindowSlices .. current.
bool in_window(std::int64_t index, std::int64_t current) {
  return index <= current && index >= sat_sub(current, PanicWindow::kWindowSlices);
}
}  // namespace

// Rounded up: a correction is counted until the window has moved kWindowSlices whole slices past
// its own, so those slices must cover the whole window. Rounded down, a window that is not a
// multiple of kWindowSlices ns (1001us) would forget a correction up to 63 ns before it is a
// window old, and let a second full budget in that soon.
std::int64_t PanicWindow::slice_width_ns() const {
  return std::max<std::int64_t>(1, window_.ns() / kWindowSlices + (window_.ns() % kWindowSlices != 0 ? 1 : 0));
}

std::int64_t PanicWindow::slice_of(std::int64_t host_ns) const { return floor_div(host_ns, slice_width_ns()); }

std::uint64_t PanicWindow::moved_ns(std::int64_t host_ns) const {
  if (!enabled()) return 0;
  const std::int64_t current = slice_of(host_ns);
  std::uint64_t sum = 0;
  for (const Slot& s : slots_) {
    if (s.moved_ns != 0 && in_window(s.index, current)) sum = sat_add_u64(sum, s.moved_ns);
  }
  return sum;
}

void PanicWindow::add(std::int64_t index, std::uint64_t moved_ns, std::int64_t net_ns) {
  Slot& s = slots_[static_cast<std::size_t>(((index % kSliceSlots) + kSliceSlots) % kSliceSlots)];
  if (s.index != index) s = Slot{index, 0, 0};
  s.moved_ns = sat_add_u64(s.moved_ns, moved_ns);
  // Within the sizes however the sums saturate: a net never outgrows what was counted.
  s.net_ns = clamp_to(sat_add(s.net_ns, net_ns), s.moved_ns);
}

void PanicWindow::count(std::int64_t host_ns, std::int64_t delta_ns) {
  if (enabled()) add(slice_of(host_ns), abs_u64(delta_ns), delta_ns);
}

std::uint64_t PanicWindow::undo_room_ns(std::int64_t host_ns, std::int64_t delta_ns) const {
  if (!enabled() || delta_ns == 0) return 0;
  const std::int64_t current = slice_of(host_ns);
  std::uint64_t room = 0;
  for (const Slot& s : slots_) {
    if (s.moved_ns == 0 || !in_window(s.index, current)) continue;
    if ((delta_ns < 0 && s.net_ns > 0) || (delta_ns > 0 && s.net_ns < 0)) room = sat_add_u64(room, abs_u64(s.net_ns));
  }
  return room;
}

void PanicWindow::undo(std::int64_t host_ns, std::int64_t delta_ns) {
  if (!enabled() || delta_ns == 0) return;
  const std::int64_t current = slice_of(host_ns);
  std::vector<Slot*> against;
  for (Slot& s : slots_) {
    if (s.moved_ns == 0 || !in_window(s.index, current)) continue;
    if ((delta_ns < 0 && s.net_ns > 0) || (delta_ns > 0 && s.net_ns < 0)) against.push_back(&s);
  }
  std::sort(against.begin(), against.end(), [](const Slot* a, const Slot* b) { return a->index < b->index; });
  std::uint64_t left = abs_u64(delta_ns);
  for (Slot* s : against) {
    if (left == 0) break;
    const std::uint64_t taken = std::min(left, abs_u64(s->net_ns));
    // In unsigned steps (C++20's conversion back is modular): the result lies between net_ns and 0.
    s->net_ns = s->net_ns > 0 ? static_cast<std::int64_t>(static_cast<std::uint64_t>(s->net_ns) - taken)
                              : static_cast<std::int64_t>(static_cast<std::uint64_t>(s->net_ns) + taken);
    left -= taken;
  }
  add(slice_of(host_ns), abs_u64(delta_ns), 0);
}

void PanicWindow::refund(std::int64_t host_ns, std::int64_t delta_ns) {
  if (!enabled() || delta_ns == 0) return;
  const std::int64_t index = slice_of(host_ns);
  Slot& s = slots_[static_cast<std::size_t>(((index % kSliceSlots) + kSliceSlots) % kSliceSlots)];
  if (s.index != index) return;
  const std::uint64_t taken = std::min(s.moved_ns, abs_u64(delta_ns));
  s.moved_ns -= taken;
  if ((delta_ns > 0 && s.net_ns > 0) || (delta_ns < 0 && s.net_ns < 0)) {
    const std::uint64_t from_net = std::min(taken, abs_u64(s.net_ns));
    s.net_ns = s.net_ns > 0 ? static_cast<std::int64_t>(static_cast<std::uint64_t>(s.net_ns) - from_net)
                            : static_cast<std::int64_t>(static_cast<std::uint64_t>(s.net_ns) + from_net);
  }
  s.net_ns = clamp_to(s.net_ns, s.moved_ns);
}

std::int64_t PanicWindow::slice_end_ns(std::int64_t host_ns) const {
  return sat_mul(sat_add(slice_of(host_ns), 1), slice_width_ns());
}

PanicWindowState PanicWindow::state(const BootId& boot) const {
  PanicWindowState s;
  s.boot = boot;
  for (const Slot& slot : slots_) {
    if (slot.moved_ns != 0) s.slices.push_back({slot.index, slot.moved_ns, slot.net_ns});
  }
  std::sort(s.slices.begin(), s.slices.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  if (!s.slices.empty()) s.slice_width_ns = slice_width_ns();
  return s;
}

void PanicWindow::restore(const PanicWindowState& kept, const BootId& boot, std::int64_t host_ns) {
  slots_ = {};
  if (!enabled()) return;
  const std::int64_t current = slice_of(host_ns);
  // Each kept slice at this window's width, by the last instant it covers.
  const bool placeable = kept.slice_width_ns > 0;
  std::vector<PanicWindowState::Slice> placed;
  placed.reserve(kept.slices.size());
  for (const auto& s : kept.slices) {
    if (s.moved_ns == 0) continue;
    const std::int64_t last_ns = placeable ? sat_sub(sat_mul(sat_add(s.index, 1), kept.slice_width_ns), 1) : 0;
    placed.push_back({slice_of(last_ns), s.moved_ns, clamp_to(s.net_ns, s.moved_ns)});
  }
  if (placed.empty()) return;
  std::int64_t newest = std::numeric_limits<std::int64_t>::min();
  for (const auto& s : placed) newest = std::max(newest, s.index);
  const bool same_boot = boot != BootId{} && kept.boot == boot;
  if (same_boot && placeable && newest <= current) {
    for (const auto& s : placed) {
      if (in_window(s.index, current)) add(s.index, s.moved_ns, s.net_ns);
    }
    return;
  }
  // Another boot, an unknown one, or host time behind the kept slices: what was within the window
  // at its newest slice counts in full from now (the header comment says why).
  std::uint64_t carried = 0;
  std::int64_t carried_net = 0;
  for (const auto& s : placed) {
    if (!placeable || in_window(s.index, newest)) {
      carried = sat_add_u64(carried, s.moved_ns);
      carried_net = sat_add(carried_net, s.net_ns);
    }
  }
  add(current, carried, carried_net);
}

}  // namespace clocksim
