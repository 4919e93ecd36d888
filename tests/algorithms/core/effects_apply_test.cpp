// The effects contract: order, broadcast expansion, self-sends, non-members, timer re-arm and
// negative durations, and notes passed through unchanged.
#include "algorithms/core/effects_apply.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

namespace clocksim {
namespace {

using namespace clocksim::literals;

class RecordingSink final : public EffectSink {
 public:
  void step_clock(Duration d, CorrectionSource) override { log.push_back("step " + std::to_string(d.ns())); }
  void slew_clock(Duration d, CorrectionSource) override { log.push_back("slew " + std::to_string(d.ns())); }
  void set_rate_correction_ppm(double ppm) override { log.push_back("rate " + std::to_string(ppm)); }
  void cancel_timer(TimerId id) override { log.push_back("cancel " + std::to_string(id)); }
  void arm_timer(TimerId id, Duration after) override {
    log.push_back("arm " + std::to_string(id) + " " + std::to_string(after.ns()));
  }
  void send(NodeId to, const Message& m) override {
    log.push_back("send " + std::to_string(to) + " seq " + std::to_string(m.seq));
  }
  void drop_send(NodeId to, const Message&, SendDrop why) override {
    log.push_back(std::string(why == SendDrop::kSelf ? "drop-self " : "drop-not-member ") + std::to_string(to));
  }
  void note(const Note& n) override { log.push_back("note " + std::string(note_what_name(n.what))); }
  std::vector<std::string> log;
};

const std::vector<NodeId> kMembers = {0, 1, 2, 5};

TEST(EffectsApply, ClockThenTimersThenSendsThenNotesWhateverTheCallOrder) {
  Effects fx;
  fx.note(Note(NoteWhat::kTspStarts));
  fx.send(2, make_message(MsgType::kHeartbeat, 1));
  fx.set_timer(4, 10_ms);
  fx.adjust_clock(3_ms, AdjustMode::kStep);
  fx.adjust_clock(-2_ms, AdjustMode::kSlew);
  fx.set_rate_correction_ppm(1.5);
  RecordingSink sink;
  apply_effects(fx, 1, kMembers, sink);
  const std::vector<std::string> want = {"step 3000000", "slew -2000000", "rate 1.500000", "cancel 4",
                                         "arm 4 10000000", "send 2 seq 1", "note tsp_starts"};
  EXPECT_EQ(sink.log, want);
}

TEST(EffectsApply, BroadcastGoesToEveryOtherMemberAscending) {
  Effects fx;
  fx.broadcast(make_message(MsgType::kHeartbeat, 9));
  RecordingSink sink;
  apply_effects(fx, 2, kMembers, sink);
  const std::vector<std::string> want = {"send 0 seq 9", "send 1 seq 9", "send 5 seq 9"};
  EXPECT_EQ(sink.log, want);
}

TEST(EffectsApply, SendToSelfIsNeverTransmittedAndNonMembersAreReported) {
  Effects fx;
  fx.send(1, make_message(MsgType::kHeartbeat, 1));  // self
  fx.send(3, make_message(MsgType::kHeartbeat, 2));  // a gap in the ids: not a member
  fx.send(kNoNode, make_message(MsgType::kHeartbeat, 3));
  fx.send(5, make_message(MsgType::kHeartbeat, 4));
  RecordingSink sink;
  apply_effects(fx, 1, kMembers, sink);
  const std::vector<std::string> want = {"drop-self 1", "drop-not-member 3",
                                         "drop-not-member " + std::to_string(kNoNode), "send 5 seq 4"};
  EXPECT_EQ(sink.log, want);
}

TEST(EffectsApply, TimersCancelBeforeReArmAndNegativeDurationsAreClampedToZero) {
  Effects fx;
  fx.set_timer(1, -5_s);
  fx.cancel_timer(2);
  fx.set_timer(1, 7_ms);  // re-arm in the same batch: the last one wins
  fx.set_timer(3, Duration::from_ns(std::numeric_limits<std::int64_t>::min()));
  RecordingSink sink;
  apply_effects(fx, 0, kMembers, sink);
  const std::vector<std::string> want = {"cancel 1", "arm 1 0", "cancel 2", "cancel 1", "arm 1 7000000",
                                         "cancel 3", "arm 3 0"};
  EXPECT_EQ(sink.log, want);
}

TEST(EffectsApply, EmptyBatchCallsNothingAndNotesPassUnchanged) {
  Effects fx;
  RecordingSink sink;
  apply_effects(fx, 0, kMembers, sink);
  EXPECT_TRUE(sink.log.empty());
  fx.note(Note(NoteWhat::kBecomesMaster));
  fx.note(Note(NoteWhat::kTspStarts));
  apply_effects(fx, 0, {}, sink);
  const std::vector<std::string> want = {"note becomes_master", "note tsp_starts"};
  EXPECT_EQ(sink.log, want);
}

// Membership has a shortcut for a contiguous id range; it must agree with the definition (the
// list's elements) for every id around the ends, gaps included, and for the extreme ids.
TEST(EffectsApply, MembershipOfContiguousAndGappedListsMatchesTheList) {
  const std::vector<std::vector<NodeId>> lists = {
      {}, {0}, {7}, {3, 4, 5, 6}, {0, 1, 2, 3, 4}, {0, 2, 3, 4}, {1, 2, 3, 5}, {0, 1, 3, 4},
      {kNoNode - 4, kNoNode - 3, kNoNode - 2}, {0, kNoNode - 2}};
  for (const auto& members : lists) {
    std::vector<NodeId> probes = {0, 1, 2, 8, kNoNode - 4, kNoNode - 1};
    for (const NodeId m : members) {
      probes.push_back(m);
      probes.push_back(m + 1);
      if (m > 0) probes.push_back(m - 1);
    }
    for (const NodeId to : probes) {
      if (to == kBroadcast) continue;  // a broadcast, not a send to one member
      Effects fx;
      fx.send(to, make_message(MsgType::kHeartbeat, 1));
      RecordingSink sink;
      const NodeId self = kNoNode - 5;
      apply_effects(fx, self, members, sink);
      const bool member = std::find(members.begin(), members.end(), to) != members.end();
      ASSERT_EQ(sink.log.size(), 1U);
      const std::string want = to == self ? "drop-self " + std::to_string(to)
                               : member   ? "send " + std::to_string(to) + " seq 1"
                                          : "drop-not-member " + std::to_string(to);
      EXPECT_EQ(sink.log[0], want) << "to " << to << " among " << members.size() << " members";
    }
  }
}

}  // namespace
}  // namespace clocksim
