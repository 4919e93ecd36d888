#include "algorithms/core/panic_window.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace clocksim {
namespace panic_window_test {

using namespace literals;
constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kHour = 3600 * kSecond;
constexpr std::int64_t kSlice = kHour / PanicWindow::kWindowSlices;  // 56.25 s
constexpr std::uint64_t kU64Max = std::numeric_limits<std::uint64_t>::max();
constexpr std::int64_t kI64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kI64Min = std::numeric_limits<std::int64_t>::min();
const BootId kBoot{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
const BootId kNextBoot{16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};

// A new process that reads back what `kept` held, on `boot` at `host_ns`.
PanicWindow restarted(const PanicWindowState& kept, const BootId& boot, std::int64_t host_ns, Duration window = 3600_s) {
  PanicWindow w(window);
  w.restore(kept, boot, host_ns);
  return w;
}

// A window that is not a multiple of its 64 slices in nanoseconds still counts every correction
// until it is a whole window old, wherever in its slice it fell (the slices cover the window).
TEST(PanicWindow, ACorrectionIsCountedForAWholeWindowWhateverTheWindowsLength) {
  for (std::int64_t window_ns : {std::int64_t{64}, std::int64_t{65}, std::int64_t{1000}, std::int64_t{1'001'000},
                                 kHour + 63, kHour - 1}) {
    for (std::int64_t at : {std::int64_t{0}, window_ns / 64 - 1, window_ns / 64, window_ns / 3}) {
      PanicWindow w(Duration::from_ns(window_ns));
      w.count(at, 7);
      EXPECT_EQ(w.moved_ns(at + window_ns - 1), 7u) << window_ns << " ns window, counted at " << at;
    }
  }
}

// What a window kept reads back as it was on the same boot: the same sums at every later instant,
// and the same state.
TEST(PanicWindow, AKeptWindowReadsBackAsItWasOnTheSameBoot) {
  PanicWindow w(3600_s);
  w.count(10 * kSecond, 300 * kSecond);
  w.count(20 * kSecond, 5 * kSecond);  // the same slice
  w.count(1000 * kSecond, 200 * kSecond);
  w.count(3000 * kSecond, 100 * kSecond);
  const PanicWindowState kept = w.state(kBoot);
  ASSERT_EQ(kept.slices.size(), 3u);
  EXPECT_EQ(kept.slice_width_ns, kSlice);
  EXPECT_EQ(kept.boot, kBoot);
  EXPECT_EQ(kept.slices[0].moved_ns, static_cast<std::uint64_t>(305 * kSecond));
  const PanicWindow back = restarted(kept, kBoot, 3001 * kSecond);
  EXPECT_EQ(back.state(kBoot), kept);
  for (std::int64_t t : {3001 * kSecond, 3600 * kSecond, 4000 * kSecond, 4700 * kSecond, 6000 * kSecond, 8000 * kSecond}) {
    EXPECT_EQ(back.moved_ns(t), w.moved_ns(t)) << t / kSecond << " s";
  }
  EXPECT_EQ(back.moved_ns(3001 * kSecond), static_cast<std::uint64_t>(605 * kSecond));
}

// A kept slice leaves the window when it would have without the restart, not a window after it:
// a correction late in slice 0 counts until slice 64 is over, and then no longer.
TEST(PanicWindow, KeptSlicesLeaveTheWindowWhenTheyWouldHaveWithoutARestart) {
  PanicWindow w(3600_s);
  w.count(kSlice - 1, 999 * kSecond);
  const PanicWindowState kept = w.state(kBoot);
  const PanicWindow still = restarted(kept, kBoot, 64 * kSlice);
  EXPECT_EQ(still.moved_ns(64 * kSlice), static_cast<std::uint64_t>(999 * kSecond));
  EXPECT_EQ(still.moved_ns(65 * kSlice), 0u);
  const PanicWindow gone = restarted(kept, kBoot, 65 * kSlice);
  EXPECT_EQ(gone.moved_ns(65 * kSlice), 0u);
  EXPECT_TRUE(gone.state(kBoot).slices.empty());  // nothing left to keep
}

// After a reboot host time starts again near zero: the kept slices' indices mean nothing, so what
// the window held at its newest slice is counted in full from this start, for a whole window;
// what had left the window by then is not.
TEST(PanicWindow, AfterARebootWhatTheWindowHeldCountsInFullForAWholeWindow) {
  PanicWindow w(3600_s);
  w.count(100 * kSecond, 50 * kSecond);   // left the window by the newest slice
  w.count(5000 * kSecond, 300 * kSecond);
  w.count(8000 * kSecond, 600 * kSecond);
  const PanicWindowState kept = w.state(kBoot);
  const std::int64_t start = 30 * kSecond;  // the new boot's host time at this start
  const PanicWindow rebooted = restarted(kept, kNextBoot, start);
  EXPECT_EQ(rebooted.moved_ns(start), static_cast<std::uint64_t>(900 * kSecond));
  EXPECT_EQ(rebooted.moved_ns(start + kHour), static_cast<std::uint64_t>(900 * kSecond));
  EXPECT_EQ(rebooted.moved_ns(start + kHour + 2 * kSlice), 0u);
  // Kept again, it is on the new boot's time: a second restart on that boot reads it as it is.
  const PanicWindowState again = rebooted.state(kNextBoot);
  ASSERT_EQ(again.slices.size(), 1u);
  EXPECT_EQ(again.boot, kNextBoot);
  EXPECT_EQ(restarted(again, kNextBoot, start + 600 * kSecond).moved_ns(start + 600 * kSecond),
            static_cast<std::uint64_t>(900 * kSecond));
  // An unknown boot on either side is never taken for the same one.
  EXPECT_EQ(restarted(kept, BootId{}, start).moved_ns(start), static_cast<std::uint64_t>(900 * kSecond));
  PanicWindowState unknown = kept;
  unknown.boot = BootId{};
  EXPECT_EQ(restarted(unknown, BootId{}, start).moved_ns(start), static_cast<std::uint64_t>(900 * kSecond));
}

// Host time behind the kept slices on the same boot (another time namespace, a hand-made file):
// read as after a reboot, never as slices that would count until some far future, nor as none.
TEST(PanicWindow, SlicesFromTheFutureCountInFullFromNow) {
  PanicWindow w(3600_s);
  w.count(10 * kHour, 700 * kSecond);
  const PanicWindow back = restarted(w.state(kBoot), kBoot, 5 * kSecond);
  EXPECT_EQ(back.moved_ns(5 * kSecond), static_cast<std::uint64_t>(700 * kSecond));
  EXPECT_EQ(back.moved_ns(5 * kSecond + kHour + 2 * kSlice), 0u);
  // At the far end of int64: no overflow, the same rule.
  PanicWindowState far;
  far.boot = kBoot;
  far.slice_width_ns = kSlice;
  far.slices = {{kI64Max, 10 * kSecond}, {kI64Max - 1, 20 * kSecond}};
  EXPECT_EQ(restarted(far, kBoot, 0).moved_ns(0), static_cast<std::uint64_t>(30 * kSecond));
}

// A window of another length in this run (panic_window changed in the configuration): each kept
// slice is placed by the last instant it covers, so it is never taken for older than it may be.
TEST(PanicWindow, SlicesOfAnotherWidthArePlacedByTheirLastInstant) {
  PanicWindow w(3600_s);
  w.count(kSlice - 1, 400 * kSecond);  // slice 0 of 56.25 s
  const PanicWindowState kept = w.state(kBoot);
  // A 64 s window has 1 s slices: slice 0 covered up to 56.25 s, so it counts until about 120 s.
  const PanicWindow narrow = restarted(kept, kBoot, 60 * kSecond, 64_s);
  EXPECT_EQ(narrow.moved_ns(60 * kSecond), static_cast<std::uint64_t>(400 * kSecond));
  EXPECT_EQ(narrow.moved_ns(kSlice + 64 * kSecond - 1), static_cast<std::uint64_t>(400 * kSecond));
  EXPECT_EQ(narrow.moved_ns(kSlice + 66 * kSecond), 0u);
  // A two-hour window keeps it for two hours.
  const PanicWindow wide = restarted(kept, kBoot, 60 * kSecond, 7200_s);
  EXPECT_EQ(wide.moved_ns(7000 * kSecond), static_cast<std::uint64_t>(400 * kSecond));
}

// Values no run writes: whatever they are, the restore neither crashes nor forgets what it can
// read. A width of zero or below cannot place a slice in time: all of it counts from now.
// Duplicate indices add up; moved_ns at the end of uint64 saturates (the budget is spent).
TEST(PanicWindow, HostileKeptValuesErrOnTheSafeSide) {
  for (std::int64_t width : {std::int64_t{0}, std::int64_t{-5}, kI64Min}) {
    PanicWindowState s;
    s.boot = kBoot;
    s.slice_width_ns = width;
    s.slices = {{kI64Min, 100 * kSecond}, {0, 200 * kSecond}, {kI64Max, 300 * kSecond}};
    const PanicWindow back = restarted(s, kBoot, 50 * kHour);
    EXPECT_EQ(back.moved_ns(50 * kHour), static_cast<std::uint64_t>(600 * kSecond)) << width;
  }
  PanicWindowState dup;
  dup.boot = kBoot;
  dup.slice_width_ns = kSlice;
  dup.slices = {{3, 100 * kSecond}, {3, 250 * kSecond}, {2, 0}};
  EXPECT_EQ(restarted(dup, kBoot, 4 * kSlice).moved_ns(4 * kSlice), static_cast<std::uint64_t>(350 * kSecond));
  PanicWindowState huge = dup;
  huge.slices = {{3, kU64Max}, {4, kU64Max}};
  EXPECT_EQ(restarted(huge, kBoot, 4 * kSlice).moved_ns(4 * kSlice), kU64Max);
  // More slices than the window has slots: those still inside it all count.
  PanicWindowState many;
  many.boot = kBoot;
  many.slice_width_ns = kSlice;
  for (std::int64_t i = 0; i < 1000; ++i) many.slices.push_back({i, static_cast<std::uint64_t>(kSecond)});
  EXPECT_EQ(restarted(many, kBoot, 999 * kSlice).moved_ns(999 * kSlice), static_cast<std::uint64_t>(65 * kSecond));
}

// The room to take corrections back is the net of those the window holds that point the other
// way, slice by slice: a slice's own mix of directions nets out first, and slices that point the
// same way as the undo give it no room.
TEST(PanicWindow, UndoRoomIsTheNetOfTheCorrectionsThatPointTheOtherWay) {
  PanicWindow w(3600_s);
  w.count(10 * kSecond, 300 * kSecond);
  w.count(20 * kSecond, -100 * kSecond);  // the same slice: net +200 s
  w.count(500 * kSecond, 250 * kSecond);
  w.count(1000 * kSecond, -40 * kSecond);
  const std::int64_t now = 1100 * kSecond;
  EXPECT_EQ(w.moved_ns(now), static_cast<std::uint64_t>(690 * kSecond));
  EXPECT_EQ(w.undo_room_ns(now, -kSecond), static_cast<std::uint64_t>(450 * kSecond));
  EXPECT_EQ(w.undo_room_ns(now, kSecond), static_cast<std::uint64_t>(40 * kSecond));
  EXPECT_EQ(w.undo_room_ns(now, 0), 0u);
  // Once a slice has left the window, it gives no room.
  EXPECT_EQ(w.undo_room_ns(3600 * kSecond + 2 * kSlice, -kSecond), static_cast<std::uint64_t>(250 * kSecond));
  EXPECT_EQ(w.undo_room_ns(5000 * kSecond, -kSecond), 0u);
}

// An undo takes back the oldest first, never turns a slice's net around (so what is undone
// cannot be undone the other way), and is counted itself, with no net.
TEST(PanicWindow, AnUndoTakesBackOnlyWhatWasCountedAndIsCountedItself) {
  PanicWindow w(3600_s);
  w.count(10 * kSecond, 300 * kSecond);
  w.count(500 * kSecond, 250 * kSecond);
  w.count(1000 * kSecond, -40 * kSecond);
  const std::int64_t now = 1100 * kSecond;
  w.undo(now, -400 * kSecond);
  EXPECT_EQ(w.undo_room_ns(now, -kSecond), static_cast<std::uint64_t>(150 * kSecond));
  EXPECT_EQ(w.undo_room_ns(now, kSecond), static_cast<std::uint64_t>(40 * kSecond));
  EXPECT_EQ(w.moved_ns(now), static_cast<std::uint64_t>(990 * kSecond));
  const PanicWindowState kept = w.state(kBoot);
  ASSERT_EQ(kept.slices.size(), 4u);
  EXPECT_EQ(kept.slices[0].net_ns, 0);  // the oldest, taken back whole
  EXPECT_EQ(kept.slices[1].net_ns, 150 * kSecond);
  EXPECT_EQ(kept.slices[2].net_ns, -40 * kSecond);
  EXPECT_EQ(kept.slices[3].moved_ns, static_cast<std::uint64_t>(400 * kSecond));
  EXPECT_EQ(kept.slices[3].net_ns, 0);
  // Asked for more than the room: every net reaches zero and none goes past it.
  w.undo(now + 1, -1000 * kSecond);
  EXPECT_EQ(w.undo_room_ns(now + 1, -kSecond), 0u);
  EXPECT_EQ(w.undo_room_ns(now + 1, kSecond), static_cast<std::uint64_t>(40 * kSecond));
  // Extremes: nets at int64's ends are taken back without overflow.
  PanicWindow x(3600_s);
  x.count(0, kI64Min);
  x.count(kSlice, kI64Max);
  EXPECT_EQ(x.undo_room_ns(kSlice, 1), std::uint64_t{1} << 63);
  EXPECT_EQ(x.undo_room_ns(kSlice, -1), static_cast<std::uint64_t>(kI64Max));
  x.undo(kSlice, kI64Max);
  EXPECT_EQ(x.undo_room_ns(kSlice, 1), 1u);
  EXPECT_EQ(x.undo_room_ns(kSlice, -1), static_cast<std::uint64_t>(kI64Max));
  EXPECT_EQ(x.moved_ns(kSlice), kU64Max);
}

// Nets are kept with the sizes: read back as they were on the same boot, and carried whole
// into the current slice after a reboot, as the sizes are.
TEST(PanicWindow, NetsAreKeptAcrossRestartsAndReboots) {
  PanicWindow w(3600_s);
  w.count(10 * kSecond, 300 * kSecond);
  w.count(500 * kSecond, -100 * kSecond);
  const PanicWindowState kept = w.state(kBoot);
  const PanicWindow same = restarted(kept, kBoot, 600 * kSecond);
  EXPECT_EQ(same.state(kBoot), kept);
  EXPECT_EQ(same.undo_room_ns(600 * kSecond, -1), static_cast<std::uint64_t>(300 * kSecond));
  const PanicWindow rebooted = restarted(kept, kNextBoot, 5 * kSecond);
  EXPECT_EQ(rebooted.moved_ns(5 * kSecond), static_cast<std::uint64_t>(400 * kSecond));
  EXPECT_EQ(rebooted.undo_room_ns(5 * kSecond, -1), static_cast<std::uint64_t>(200 * kSecond));
  EXPECT_EQ(rebooted.undo_room_ns(5 * kSecond, 1), 0u);
  // A kept net larger than its size (a hand-made file) is cut to the size.
  PanicWindowState forged = kept;
  forged.slices[0].net_ns = kI64Max;
  EXPECT_EQ(restarted(forged, kBoot, 600 * kSecond).undo_room_ns(600 * kSecond, -1),
            static_cast<std::uint64_t>(300 * kSecond));
}

// A window switched off keeps nothing and restores nothing.
TEST(PanicWindow, AWindowSwitchedOffKeepsNothing) {
  PanicWindow off(Duration::zero());
  off.count(kSecond, 500 * kSecond);
  EXPECT_TRUE(off.state(kBoot).slices.empty());
  PanicWindow on(3600_s);
  on.count(kSecond, 500 * kSecond);
  const PanicWindowState kept = on.state(kBoot);
  EXPECT_EQ(restarted(kept, kBoot, 2 * kSecond, Duration::zero()).moved_ns(2 * kSecond), 0u);
  EXPECT_EQ(restarted(kept, kBoot, 2 * kSecond).moved_ns(2 * kSecond), static_cast<std::uint64_t>(500 * kSecond));
}

}  // namespace panic_window_test
}  // namespace clocksim
