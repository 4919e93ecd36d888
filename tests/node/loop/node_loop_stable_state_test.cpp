// The node loop keeps a node's stable state (election numbers, logical clocks) in its host's
// StableStore before a dispatch's messages leave, and a loop started from a saved state goes on
// from it: a restarted clocksyncd never reuses a message id or turns its Lamport clock back.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "algorithms/logical/logical_clocks.hpp"
#include "node/clock/virtual_clock.hpp"
#include "node/loop/node_loop.hpp"
#include "node/loop/timer_table.hpp"
#include "tests/node/clock/fake_time_source.hpp"
#include "tests/node/loop/memory_store.hpp"

namespace clocksim::node {
namespace {

using namespace clocksim::literals;

using testing::MemoryStore;

// Checks, as each datagram leaves, that the id of the message it carries was saved as used.
class CheckingTransport final : public DatagramTransport {
 public:
  explicit CheckingTransport(const MemoryStore& store) : store_(store) {}
  bool send_datagram(NodeId, std::span<const std::uint8_t>, const Message& carried) override {
    if (carried.type == MsgType::kLamport) {
      ++stamps;
      ids.push_back(carried.seq);
      if (!store_.fail) {
        EXPECT_GT(store_.saved().logical.next_message_id, carried.seq) << "message " << carried.seq << " left unsaved";
        EXPECT_GE(store_.saved().logical.lamport, static_cast<std::uint64_t>(carried.value_ns));
      }
    }
    return true;
  }
  int stamps = 0;
  std::vector<std::uint32_t> ids;

 private:
  const MemoryStore& store_;
};

class NodeLoopStableState : public ::testing::Test {
 protected:
  std::unique_ptr<NodeLoop> make_loop(const StableState& before) {
    auto members = std::make_shared<const std::vector<NodeId>>(std::vector<NodeId>{1, 2, 3});
    logical::LogicalConfig c;
    c.send_probability = 1;
    c.mean_interval = 10_ms;
    auto algorithm = std::make_unique<logical::LogicalClocks>(Membership{2, members}, c, 1, before.logical);
    auto loop = std::make_unique<NodeLoop>(NodeLoopConfig{2, members, 5, "logical", "none", ClockGuardConfig{}, 0},
                                           std::move(algorithm),
                                           NodeLoopHost{clock_, time_, transport_, timers_, log_, nullptr, nullptr,
                                                        nullptr, &store_},
                                           nullptr);
    loop->learn_peer_epoch(1, 9);
    loop->learn_peer_epoch(3, 9);
    return loop;
  }
  void run(NodeLoop& loop, Duration d) {
    const std::int64_t end = time_.mono_ns + d.ns();
    while (time_.mono_ns < end) {
      time_.advance_ns(1'000'000);
      while (auto id = timers_.pop_due(MonoTime::from_ns(time_.mono_ns))) loop.on_timer(*id);
    }
  }

  testing::FakeTimeSource time_;
  VirtualClock clock_{VirtualClockParams{0, 0_ms, 500}, time_};
  MemoryStore store_;
  CheckingTransport transport_{store_};
  TimerTable timers_;
  Logger log_{nullptr};
};

TEST_F(NodeLoopStableState, EachSendIsSavedBeforeItLeavesAndARestartGoesOnFromIt) {
  auto loop = make_loop(store_.saved());
  loop->start();
  run(*loop, 1_s);
  ASSERT_GT(transport_.stamps, 20);
  EXPECT_EQ(loop->counters().state_saves, static_cast<std::uint64_t>(store_.saves));
  const StableState kept = store_.saved();
  EXPECT_EQ(kept.logical.next_message_id, static_cast<std::uint32_t>(transport_.stamps));

  // A new process of the same node: its first message takes the next id, its clock goes on.
  loop.reset();
  timers_ = TimerTable{};
  transport_.ids.clear();
  auto restarted = make_loop(store_.saved());
  restarted->start();
  run(*restarted, 200_ms);
  ASSERT_FALSE(transport_.ids.empty());
  EXPECT_EQ(transport_.ids.front(), kept.logical.next_message_id);
  EXPECT_GT(store_.saved().logical.lamport, kept.logical.lamport);
  EXPECT_EQ(store_.saved().logical.vector[1], store_.saved().logical.lamport);  // its own place, no receives
}

TEST_F(NodeLoopStableState, AFailedSaveIsCountedAndTheNodeGoesOn) {
  store_.fail = true;
  auto loop = make_loop(store_.saved());
  loop->start();
  run(*loop, 500_ms);
  EXPECT_GT(transport_.stamps, 5);
  EXPECT_EQ(loop->counters().state_saves, 0u);
  EXPECT_EQ(loop->counters().state_save_failures, static_cast<std::uint64_t>(transport_.stamps));
  const auto status = loop->status_json(nlohmann::json::array());
  EXPECT_EQ(status["counters"]["state_save_failures"], transport_.stamps);
  EXPECT_EQ(status["stable_state"]["next_message_id"], transport_.stamps);
}

}  // namespace
}  // namespace clocksim::node
