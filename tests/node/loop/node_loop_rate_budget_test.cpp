// The node loop arms the clock guard's rate deadline as its own timer and revokes a frequency
// correction whose movement spent the panic window (algorithms/core/clock_guard.hpp): a liar that
// keeps asking for the largest rate moves the daemon's clock by at most the threshold in any
// window, and the window it saves already holds the rate's movement before the clock makes it.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "node/clock/virtual_clock.hpp"
#include "node/loop/node_loop.hpp"
#include "node/loop/timer_table.hpp"
#include "tests/node/clock/fake_time_source.hpp"
#include "tests/node/loop/memory_store.hpp"

namespace clocksim::node {
namespace node_loop_rate_budget_test {

using namespace clocksim::literals;
constexpr std::int64_t kSecond = 1'000'000'000;
const BootId kBoot{0x5a, 0x7e};

// Asks for +500 ppm at start and again every 10 s, as a lying master's frequency estimate would.
class RateLiar final : public Algorithm {
 public:
  void on_start(LocalTime, Effects& out) override {
    out.set_rate_correction_ppm(500);
    out.set_timer(1, 10_s);
  }
  void on_message(LocalTime, NodeId, const Message&, Effects&) override {}
  void on_timer(LocalTime, TimerId, Effects& out) override {
    out.set_rate_correction_ppm(500);
    out.set_timer(1, 10_s);
  }
  Role role() const override { return Role::kSlave; }
};

struct NullTransport final : DatagramTransport {
  bool send_datagram(NodeId, std::span<const std::uint8_t>, const Message&) override { return true; }
};

class NodeLoopRateBudget : public ::testing::Test {
 protected:
  static ClockGuardConfig one_second_an_hour() {
    ClockGuardConfig c;
    c.panic_threshold = 1_s;
    c.panic_window = Duration::from_ns(3600 * kSecond);
    return c;
  }
  std::unique_ptr<NodeLoop> make_loop() {
    auto members = std::make_shared<const std::vector<NodeId>>(std::vector<NodeId>{1});
    NodeLoopConfig config{1, members, 5, "liar", "none", one_second_an_hour(), 0};
    config.boot = kBoot;
    timers_ = TimerTable{};
    return std::make_unique<NodeLoop>(std::move(config), std::make_unique<RateLiar>(),
                                      NodeLoopHost{clock_, time_, transport_, timers_, log_, nullptr, nullptr, nullptr, &store_},
                                      nullptr);
  }
  // Runs the loop's timers for `d` of host time, sampling the clock's offset at every timer and
  // every second between.
  void run(NodeLoop& loop, Duration d) {
    const std::int64_t end = time_.mono_ns + d.ns();
    for (;;) {
      const std::int64_t next_second = (time_.mono_ns / kSecond + 1) * kSecond;
      const auto due = timers_.next_deadline();
      const std::int64_t next = std::min(due ? due->ns() : end, std::min(next_second, end));
      if (next > time_.mono_ns) time_.advance_ns(next - time_.mono_ns);
      while (auto id = timers_.pop_due(MonoTime::from_ns(time_.mono_ns))) loop.on_timer(*id);
      samples_.push_back({time_.mono_ns, virtual_.offset_from_system().ns()});
      // The window the store holds already counts what the clock moved (the liar only speeds it
      // up, so within the first window that is the offset itself).
      if (time_.mono_ns < 3000 * kSecond) {
        std::uint64_t kept = 0;
        for (const auto& s : store_.saved().clock_window.slices) kept += s.moved_ns;
        EXPECT_GE(static_cast<std::int64_t>(kept) + uncounted_ns_, samples_.back().offset_ns) << time_.mono_ns;
      }
      if (time_.mono_ns >= end) return;
    }
  }
  // The largest change of the offset within any hour of the samples (it only grows).
  std::int64_t worst_hour() const {
    std::int64_t worst = 0;
    std::size_t j = 0;
    for (std::size_t i = 0; i < samples_.size(); ++i) {
      while (j + 1 < samples_.size() && samples_[j + 1].mono_ns - samples_[i].mono_ns <= 3600 * kSecond) ++j;
      worst = std::max(worst, samples_[j].offset_ns - samples_[i].offset_ns);
    }
    return worst;
  }

  struct Sample {
    std::int64_t mono_ns;
    std::int64_t offset_ns;
  };
  testing::FakeTimeSource time_;
  VirtualClock virtual_{VirtualClockParams{0, 0_ms, 500}, time_};
  testing::MemoryStore store_;
  NullTransport transport_;
  TimerTable timers_;
  Logger log_{nullptr};
  Clock& clock_ = virtual_;
  std::vector<Sample> samples_;
  std::int64_t uncounted_ns_ = 0;  // what the clock moved while no loop ran
};

TEST_F(NodeLoopRateBudget, ALiarsRateMovesTheClockByAtMostTheThresholdInAnyHour) {
  auto loop = make_loop();
  loop->start();
  run(*loop, Duration::from_ns(3 * 3600 * kSecond));
  const auto status = loop->status_json(nlohmann::json::array());
  // Revoked about 2,000 s after each start of the budget, and asked again every 10 s after.
  EXPECT_GE(status["counters"]["rate_revoked"], 2);
  EXPECT_GE(status["counters"]["clock_refused"], 100);
  EXPECT_EQ(status["clock_last_refused"]["reason"], "refused_rate_panic_window");
  EXPECT_LE(worst_hour(), kSecond);
  // Not revoked much before it had to be: it moved the clock by most of the budget.
  EXPECT_GE(worst_hour(), 990'000'000);
  // Without the rate's share the liar would have moved it 500 ppm x 3 h = 5.4 s.
  EXPECT_LE(samples_.back().offset_ns, 3 * kSecond);
}

// A restart finds the clock still running at the liar's rate (a kernel keeps its frequency): the
// new run counts it on from the kept window, so the restart is no fresh budget; only the rate's
// movement while no daemon ran (20 s here: 10 ms) is not counted.
TEST_F(NodeLoopRateBudget, ARestartCountsTheRateItFindsAgainstTheKeptWindow) {
  {
    auto loop = make_loop();
    loop->start();
    run(*loop, Duration::from_ns(1000 * kSecond));
  }
  ASSERT_EQ(virtual_.rate_correction_ppm(), 500);
  time_.advance_ns(20 * kSecond);
  uncounted_ns_ = 10'000'000;
  auto loop = make_loop();
  loop->start();
  run(*loop, Duration::from_ns(2000 * kSecond));
  EXPECT_EQ(loop->status_json(nlohmann::json::array())["counters"]["rate_revoked"], 1);
  EXPECT_LE(worst_hour(), kSecond + 10'000'000 + 1'000'000);
}

// A rate found at start with the kept window already spent is revoked before the algorithm
// starts.
TEST_F(NodeLoopRateBudget, ARestartRevokesARateTheKeptWindowHasNoRoomFor) {
  {
    auto loop = make_loop();
    loop->start();
    run(*loop, Duration::from_ns(2100 * kSecond));  // revoked at about 2,000 s
    ASSERT_EQ(virtual_.rate_correction_ppm(), 0);
  }
  virtual_.set_rate_correction_ppm(300);
  auto loop = make_loop();
  loop->start();
  EXPECT_EQ(virtual_.rate_correction_ppm(), 0);
  const auto status = loop->status_json(nlohmann::json::array());
  EXPECT_EQ(status["counters"]["rate_revoked"], 1);
  EXPECT_EQ(status["counters"]["rate_corrections"], 1);  // the revocation; the liar's ask is refused
  EXPECT_EQ(status["counters"]["clock_refused"], 1);
}

}  // namespace node_loop_rate_budget_test
}  // namespace clocksim::node
