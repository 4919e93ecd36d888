// The node loop keeps its clock guard's panic window (algorithms/core/panic_window.hpp) in its
// host's StableStore before each correction the window counts is carried out, and a loop started
// from a saved state counts what the earlier run counted: a restart is no fresh budget.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

#include "node/clock/virtual_clock.hpp"
#include "node/loop/node_loop.hpp"
#include "node/loop/timer_table.hpp"
#include "tests/node/clock/fake_time_source.hpp"
#include "tests/node/loop/memory_store.hpp"

namespace clocksim::node {
namespace {

using namespace clocksim::literals;
constexpr std::int64_t kStepNs = 600'000'000'000;  // 600 s: within the threshold, two are not
const BootId kBoot{0xb0, 0x07};
const BootId kNextBoot{0xb0, 0x08};

using testing::MemoryStore;

// Steps its clock by +600 s every 100 ms, as a liar's averaged reading would make it.
class Stepper final : public Algorithm {
 public:
  void on_start(LocalTime, Effects& out) override { out.set_timer(1, 100_ms); }
  void on_message(LocalTime, NodeId, const Message&, Effects&) override {}
  void on_timer(LocalTime, TimerId, Effects& out) override {
    out.adjust_clock(Duration::from_ns(kStepNs), AdjustMode::kStep);
    out.set_timer(1, 100_ms);
  }
  Role role() const override { return Role::kSlave; }
};

// The host's clock; checks at each step that the window already saved counts it.
class CheckingClock final : public Clock {
 public:
  CheckingClock(VirtualClock& inner, const MemoryStore& store) : inner_(inner), store_(store) {}
  std::string_view backend() const override { return "checking"; }
  LocalTime now() override { return inner_.now(); }
  void step(Duration delta) override {
    ++steps;
    if (!store_.fail) {
      std::uint64_t kept = 0;
      for (const auto& s : store_.saved().clock_window.slices) kept += s.moved_ns;
      EXPECT_GE(kept, static_cast<std::uint64_t>(delta.ns())) << "a step carried out before its window was saved";
    }
    inner_.step(delta);
  }
  void slew(Duration delta) override { inner_.slew(delta); }
  void set_rate_correction_ppm(double ppm) override { inner_.set_rate_correction_ppm(ppm); }
  Duration monotonic_span(Duration local_span) override { return inner_.monotonic_span(local_span); }
  Duration offset_from_system() override { return inner_.offset_from_system(); }
  Duration pending_slew() override { return inner_.pending_slew(); }
  double rate_correction_ppm() const override { return inner_.rate_correction_ppm(); }
  int steps = 0;

 private:
  VirtualClock& inner_;
  const MemoryStore& store_;
};

struct NullTransport final : DatagramTransport {
  bool send_datagram(NodeId, std::span<const std::uint8_t>, const Message&) override { return true; }
};

class NodeLoopClockWindow : public ::testing::Test {
 protected:
  std::unique_ptr<NodeLoop> make_loop(const BootId& boot, StableStore* store, ClockGuardConfig limits = {}) {
    auto members = std::make_shared<const std::vector<NodeId>>(std::vector<NodeId>{1});
    NodeLoopConfig config{1, members, 5, "stepper", "none", limits, 0};
    config.boot = boot;
    timers_ = TimerTable{};
    return std::make_unique<NodeLoop>(std::move(config), std::make_unique<Stepper>(),
                                      NodeLoopHost{clock_, time_, transport_, timers_, log_, nullptr, nullptr, nullptr, store},
                                      nullptr);
  }
  void run(NodeLoop& loop, Duration d) {
    const std::int64_t end = time_.mono_ns + d.ns();
    while (time_.mono_ns < end) {
      time_.advance_ns(1'000'000);
      while (auto id = timers_.pop_due(MonoTime::from_ns(time_.mono_ns))) loop.on_timer(*id);
    }
  }
  // A run of the process: started, one second of steps, status, gone.
  nlohmann::json one_run(const BootId& boot, StableStore* store, ClockGuardConfig limits = {}) {
    auto loop = make_loop(boot, store, limits);
    loop->start();
    run(*loop, 1_s);
    return loop->status_json(nlohmann::json::array());
  }

  testing::FakeTimeSource time_;
  VirtualClock virtual_{VirtualClockParams{0, 0_ms, 500}, time_};
  MemoryStore store_;
  CheckingClock clock_{virtual_, store_};
  NullTransport transport_;
  TimerTable timers_;
  Logger log_{nullptr};
};

// Ten runs within a minute, each asking ten steps of 600 s: with the window kept, one step in all
// is carried out (the first run's); the status shows the budget used. Without a store each run
// would take its own (the bound per run that the state file removes).
TEST_F(NodeLoopClockWindow, ACountedCorrectionIsSavedBeforeTheClockMovesAndRestartsKeepItsBudget) {
  for (int run = 0; run < 10; ++run) {
    const int saves_before = store_.saves;
    const auto status = one_run(kBoot, &store_);
    EXPECT_EQ(status["clock_window_moved_ns"], kStepNs) << run;
    EXPECT_EQ(status["clock_window_limit_ns"], 1000'000'000'000) << run;
    EXPECT_EQ(status["counters"]["clock_steps"], run == 0 ? 1 : 0) << run;
    EXPECT_GE(status["counters"]["clock_refused"], 9) << run;
    EXPECT_EQ(status["clock_last_refused"]["reason"], "refused_panic_window") << run;
    EXPECT_EQ(store_.saves - saves_before, run == 0 ? 1 : 0) << run << ": only a counted correction is saved";
  }
  EXPECT_EQ(clock_.steps, 1);
  EXPECT_EQ(store_.saved().clock_window.boot, kBoot);
  // A reboot: the window is carried over in full, kept again at once on the new boot's time.
  const int saves_before = store_.saves;
  auto loop = make_loop(kNextBoot, &store_);
  EXPECT_EQ(store_.saves, saves_before + 1);
  EXPECT_EQ(store_.saved().clock_window.boot, kNextBoot);
  loop.reset();
  one_run(kNextBoot, &store_);
  EXPECT_EQ(clock_.steps, 1);
  EXPECT_EQ(store_.saves, saves_before + 1);
  // Only once the window has passed is there a budget again.
  time_.advance_ns(3600'000'000'000 + 120'000'000'000);
  one_run(kNextBoot, &store_);
  EXPECT_EQ(clock_.steps, 2);
  // Without a store, a run's budget is its own.
  one_run(kNextBoot, nullptr);
  EXPECT_EQ(clock_.steps, 3);
}

// A run with the window switched off (limits.panic_window: 0, or a zero threshold) counts nothing,
// as documented, but leaves the kept window as it was: the next run that counts again still
// counts the corrections made within the hour before, instead of starting from an empty window.
TEST_F(NodeLoopClockWindow, ARunWithTheWindowOffLeavesTheKeptWindowForTheNextRun) {
  one_run(kBoot, &store_);
  ASSERT_EQ(clock_.steps, 1);
  const PanicWindowState kept = store_.saved().clock_window;
  ASSERT_FALSE(kept.slices.empty());
  ClockGuardConfig no_window;
  no_window.panic_window = Duration::zero();
  ClockGuardConfig no_threshold;
  no_threshold.panic_threshold = Duration::zero();
  for (const ClockGuardConfig& off : {no_window, no_threshold}) {
    const int steps_before = clock_.steps;
    const auto status = one_run(kBoot, &store_, off);
    EXPECT_GT(clock_.steps, steps_before);  // each 600 s step alone is within the threshold, or no limit at all
    EXPECT_EQ(store_.saved().clock_window, kept);
    EXPECT_EQ(status["stable_state"]["clock_window_slices"], kept.slices.size());
  }
  // Back on, within the hour of the first run's step: its 600 s leave no room for another.
  const int steps_before = clock_.steps;
  const auto status = one_run(kBoot, &store_);
  EXPECT_EQ(clock_.steps, steps_before);
  EXPECT_EQ(status["clock_window_moved_ns"], kStepNs);
  EXPECT_EQ(status["clock_last_refused"]["reason"], "refused_panic_window");
}

// A save that fails does not stop the correction (as for message ids: the node goes on), and it
// is not silent: counted, logged with what was not kept. The window in memory still bounds the run.
TEST_F(NodeLoopClockWindow, AFailedWindowSaveIsCountedAndLoggedAndTheRunStaysBounded) {
  store_.fail = true;
  char* text = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&text, &size);
  ASSERT_NE(out, nullptr);
  {
    Logger log(out);
    auto members = std::make_shared<const std::vector<NodeId>>(std::vector<NodeId>{1});
    NodeLoopConfig config{1, members, 5, "stepper", "none", ClockGuardConfig{}, 0};
    config.boot = kBoot;
    NodeLoop loop(std::move(config), std::make_unique<Stepper>(),
                  NodeLoopHost{clock_, time_, transport_, timers_, log, nullptr, nullptr, nullptr, &store_}, nullptr);
    loop.start();
    run(loop, 1_s);
    EXPECT_EQ(loop.counters().clock_steps, 1u);
    EXPECT_EQ(loop.counters().state_save_failures, 1u);
    EXPECT_GE(loop.counters().clock_refused, 9u);
  }
  std::fclose(out);
  const std::string lines(text, size);
  std::free(text);
  EXPECT_NE(lines.find("\"event\":\"state_save_failed\""), std::string::npos) << lines;
  EXPECT_NE(lines.find("\"what\":\"clock_window\""), std::string::npos) << lines;
  EXPECT_NE(lines.find("disk full"), std::string::npos) << lines;
}

}  // namespace
}  // namespace clocksim::node
