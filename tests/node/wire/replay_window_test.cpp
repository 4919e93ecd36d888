#include "node/wire/replay_window.hpp"

#include <gtest/gtest.h>

namespace clocksim::node::wire {
namespace {

TEST(ReplayWindow, AcceptsIncreasingAndRejectsRepeats) {
  ReplayWindow w;
  EXPECT_TRUE(w.accept(100));
  EXPECT_FALSE(w.accept(100));
  EXPECT_TRUE(w.accept(101));
  EXPECT_FALSE(w.accept(101));
  EXPECT_FALSE(w.accept(100));
  EXPECT_EQ(w.highest(), 101u);
}

TEST(ReplayWindow, AcceptsReorderedWithinWindowOnce) {
  ReplayWindow w;
  EXPECT_TRUE(w.accept(1000));
  EXPECT_TRUE(w.accept(990));
  EXPECT_FALSE(w.accept(990));
  EXPECT_TRUE(w.accept(1000 - ReplayWindow::kWidth + 1));   // oldest slot in the window
  EXPECT_FALSE(w.accept(1000 - ReplayWindow::kWidth));      // just below it
  EXPECT_TRUE(w.accept(1001));
  EXPECT_FALSE(w.accept(990));  // still remembered after the slide
}

TEST(ReplayWindow, LargeJumpForgetsOldBitsButRejectsOldNumbers) {
  ReplayWindow w;
  EXPECT_TRUE(w.accept(5));
  EXPECT_TRUE(w.accept(5 + 10 * ReplayWindow::kWidth));
  EXPECT_FALSE(w.accept(5));
  EXPECT_FALSE(w.accept(6));
  EXPECT_TRUE(w.accept(5 + 10 * ReplayWindow::kWidth - 1));
}

TEST(ReplayWindow, ZeroIsNeverAccepted) {
  ReplayWindow w;
  EXPECT_FALSE(w.accept(0));
}

// A restarted sender starts from a larger number (wall-clock nanoseconds) and is accepted.
TEST(ReplayWindow, RestartedSenderWithHigherStartIsAccepted) {
  ReplayWindow w;
  for (std::uint64_t s = 1'000'000; s < 1'000'100; ++s) EXPECT_TRUE(w.accept(s));
  EXPECT_TRUE(w.accept(2'000'000));
}

}  // namespace
}  // namespace clocksim::node::wire
