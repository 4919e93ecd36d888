// The clock guard's memory (clock_guard.hpp): the corrections it counted within the last
// `panic_window` of host time, so that together they stay within the panic threshold; and that
// memory as plain data (PanicWindowState) for a host that keeps it across restarts of its process
// (clocksyncd's state file), so that the bound holds per hour and not per run.
//
// Host time is the host's monotonic time, which restarts at every boot: a slice index means
// something only on the boot that wrote it. A kept window is therefore stamped with the kernel's
// boot id, and restore() reads it back
//  - on the same boot, as it was (each correction counted until its slice leaves the window);
//  - after a reboot, or whenever the boot is unknown (a zero id) or the kept slices lie ahead of
//    host time now (host time went back: another time namespace, a hand-made file), by the
//    conservative rule: the corrections that were within the window at its newest slice are all
//    counted in the current slice, i.e. in full for one whole window from this start. A reboot
//    cannot give a liar a fresh budget, at the price of an hour in which the corrections counted
//    before it still count; honest corrections are small, so this costs an honest node nothing.
// Monotonic time stops while the host is suspended, so a window stretches over a suspend: it counts
// a correction for longer in real time, never shorter.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "algorithms/core/time.hpp"

namespace clocksim {

// The kernel's boot id (/proc/sys/kernel/random/boot_id) as 16 bytes; all zero: unknown.
using BootId = std::array<std::uint8_t, 16>;

struct PanicWindowState {
  struct Slice {
    std::int64_t index = 0;      // floor(host_ns / slice_width_ns)
    std::uint64_t moved_ns = 0;  // the sizes of the corrections counted in it, summed
    // The same corrections with their signs, less what a corroborating majority has undone of
    // them since (PanicWindow::undo; an undo itself counts with no net); |net_ns| <= moved_ns.
    std::int64_t net_ns = 0;
    friend bool operator==(const Slice&, const Slice&) = default;
  };
  BootId boot{};                     // the boot whose host time the slices are on
  std::int64_t slice_width_ns = 0;   // with no slice: 0
  std::vector<Slice> slices;         // ascending index, none empty; none: nothing counted
  friend bool operator==(const PanicWindowState&, const PanicWindowState&) = default;
};

class PanicWindow {
 public:
  // The window is cut in kWindowSlices slices: memory stays fixed however many corrections there
  // are, and a slice is counted while any of it lies inside the window (so the sum errs on the
  // safe side by at most one slice). The window touches kWindowSlices + 1 slices (the oldest one in
  // part), so that many slots are kept: with one fewer, the current slice would take the slot of
  // one still partly inside the window and forget corrections less than a window old.
  static constexpr std::int64_t kWindowSlices = 64;
  static constexpr std::int64_t kSliceSlots = kWindowSlices + 1;

  // `window` zero or negative: nothing is counted.
  explicit PanicWindow(Duration window) : window_(window) {}

  bool enabled() const { return window_.ns() > 0; }
  // The sizes of the corrections counted within the window that ends at `host_ns`, summed
  // (saturating).
  std::uint64_t moved_ns(std::int64_t host_ns) const;
  // Counts a correction of `delta_ns` (its size toward the budget, its sign toward the net).
  void count(std::int64_t host_ns, std::int64_t delta_ns);

  // How much of a correction of `delta_ns`'s sign would only take back corrections counted within
  // the window that ends at `host_ns`: the nets of its slices that point the other way, summed
  // (saturating). A node a liar moved can be moved back this far, and no farther, past a spent
  // budget (clock_guard.hpp says when).
  std::uint64_t undo_room_ns(std::int64_t host_ns, std::int64_t delta_ns) const;
  // Takes `delta_ns` (at most undo_room_ns() of it) back from those slices, oldest first, each
  // toward zero and never past it, so that what is undone cannot be undone again; and counts its
  // size, with no net, in the current slice. Counted, it spends the budget of the corrections
  // after it like any correction: once the slices it took back have left the window, it still
  // holds the clock's movement within any window to the threshold, where an uncounted undo would
  // let a move the other way follow at once. The sizes it took back stay counted too.
  void undo(std::int64_t host_ns, std::int64_t delta_ns);
  // Takes back part of a correction counted in the slice of `host_ns` that will not happen after
  // all: the unspent rest of a frequency correction's movement, counted ahead to the end of its
  // slice (ClockGuard). Its size leaves that slice's sum; its sign leaves the net only toward zero
  // (an undo may have taken part of the net already), so the net never outgrows the sum and
  // never offers more to take back than was counted.
  void refund(std::int64_t host_ns, std::int64_t delta_ns);
  // The first host instant after `host_ns` in a later slice (saturating): a correction counted at
  // `host_ns` may be counted ahead until then without leaving the window early.
  std::int64_t slice_end_ns(std::int64_t host_ns) const;

  // What a restart must keep, on boot `boot`.
  PanicWindowState state(const BootId& boot) const;
  // Forgets what this window counted and takes `kept` (a state() of an earlier run, its slices of
  // any width) in its place, read by the rules in the header comment for a process started on boot
  // `boot` at `host_ns`. A kept slice is placed by the last instant it covers: a correction is
  // never taken for older than it may be.
  void restore(const PanicWindowState& kept, const BootId& boot, std::int64_t host_ns);

 private:
  struct Slot {
    std::int64_t index = std::numeric_limits<std::int64_t>::min();
    std::uint64_t moved_ns = 0;
    std::int64_t net_ns = 0;
  };
  std::int64_t slice_width_ns() const;
  std::int64_t slice_of(std::int64_t host_ns) const;
  void add(std::int64_t index, std::uint64_t moved_ns, std::int64_t net_ns);

  Duration window_;
  std::array<Slot, kSliceSlots> slots_{};
};

}  // namespace clocksim
