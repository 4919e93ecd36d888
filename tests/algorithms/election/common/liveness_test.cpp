#include "algorithms/election/common/liveness.hpp"

#include <gtest/gtest.h>

#include "tests/algorithms/testing/election_helpers.hpp"

namespace clocksim::election {
namespace {

using namespace clocksim::literals;
using clocksim::testing::at;

constexpr std::uint32_t kBeat = 1;
constexpr std::uint32_t kFail = 2;

Liveness make(Duration period = 1_s) {
  return Liveness(4, {kBeat, kFail, period, 4500_ms},
                  {NoteWhat::kNoMasterHeard, NoteWhat::kNoHeartbeatFromMaster, NoteWhat::kRingLeaveSent});
}

TimerId timer(std::uint32_t local) { return TimerSpace::make(kElectionTimerPart, local); }

TEST(Liveness, ALeaderBeatsAndSchedulesTheNextBeat) {
  const Liveness live = make();
  const Message hb = live.heartbeat(7);
  EXPECT_EQ(hb.type, MsgType::kHeartbeat);
  EXPECT_EQ(hb.subject, 4u);
  EXPECT_EQ(hb.term, 7u);
  Effects out;
  live.beat(hb, out);
  ASSERT_EQ(out.sends().size(), 1u);
  EXPECT_EQ(out.sends()[0].to, kBroadcast);
  ASSERT_EQ(out.timers().size(), 1u);
  EXPECT_EQ(out.timers()[0].id, timer(kBeat));
  EXPECT_EQ(out.timers()[0].after, 1_s);
  out.clear();
  live.stop_beating(out);
  ASSERT_EQ(out.timers().size(), 1u);
  EXPECT_TRUE(out.timers()[0].cancel);
}

TEST(Liveness, AFollowerWatchesItsLeader) {
  Liveness live = make();
  Effects out;
  live.watch(out);
  live.watch(9_s, out);
  live.unwatch(out);
  ASSERT_EQ(out.timers().size(), 3u);
  EXPECT_EQ(out.timers()[0].after, 4500_ms);
  EXPECT_EQ(out.timers()[1].after, 9_s);
  EXPECT_TRUE(out.timers()[2].cancel);
  for (const auto& t : out.timers()) EXPECT_EQ(t.id, timer(kFail));
  live.heard(LocalTime::from_ns((3_s).ns()));
  EXPECT_EQ(live.silence(LocalTime::from_ns((5_s).ns())), 2_s);
}

TEST(Liveness, TellsItsOwnTimersFromOthers) {
  const Liveness live = make();
  EXPECT_EQ(live.fired(timer(kBeat)), Liveness::Fired::kHeartbeat);
  EXPECT_EQ(live.fired(timer(kFail)), Liveness::Fired::kFailure);
  EXPECT_EQ(live.fired(timer(3)), Liveness::Fired::kOther);
  EXPECT_EQ(live.fired(TimerSpace::make(kSyncTimerPart, kFail)), Liveness::Fired::kOther);
  // An election without heartbeats (TSP) never sees a heartbeat timer, whatever its id.
  const Liveness quiet = make(Duration::zero());
  EXPECT_EQ(quiet.fired(timer(kBeat)), Liveness::Fired::kOther);
  EXPECT_EQ(quiet.fired(timer(kFail)), Liveness::Fired::kFailure);
}

TEST(Liveness, SilenceIsNotedWithTheWaitAndTheLeader) {
  const Liveness live = make();
  const Note nobody = live.silence_note(kNoNode, 4500_ms);
  EXPECT_EQ(nobody.what, NoteWhat::kNoMasterHeard);
  EXPECT_EQ(nobody.value_ns.value_or(-1), (4500_ms).ns());
  const Note silent = live.silence_note(2, 3_s);
  EXPECT_EQ(silent.what, NoteWhat::kNoHeartbeatFromMaster);
  EXPECT_EQ(silent.subject, 2u);
  EXPECT_EQ(silent.value_ns.value_or(-1), (3_s).ns());
}

TEST(Liveness, OnlyALeaderSaysLeave) {
  const Liveness live = make();
  Effects out;
  live.leave(false, 3, out);
  EXPECT_TRUE(out.empty());
  live.leave(true, 3, out);
  ASSERT_EQ(out.sends().size(), 1u);
  EXPECT_EQ(out.sends()[0].to, kBroadcast);
  EXPECT_EQ(out.sends()[0].msg.type, MsgType::kLeave);
  EXPECT_EQ(out.sends()[0].msg.subject, 4u);
  EXPECT_EQ(out.sends()[0].msg.term, 3u);
  ASSERT_EQ(out.notes().size(), 1u);
  EXPECT_EQ(out.notes()[0].what, NoteWhat::kRingLeaveSent);
}

TEST(Liveness, ANodeThatLeftCountsAsGoneUntilHeardAgain) {
  Liveness live = make();
  EXPECT_FALSE(live.departed(2));
  EXPECT_FALSE(live.revive(2));
  live.depart(2, at(1_s));
  live.depart(2, at(1_s));
  EXPECT_TRUE(live.departed(2));
  EXPECT_FALSE(live.departed(3));
  EXPECT_TRUE(live.revive(2));
  EXPECT_FALSE(live.departed(2));
  EXPECT_FALSE(live.revive(2));
}

// A heartbeat within a message delay of the LEAVE was sent before it; a later one was not.
TEST(Liveness, OnlyAHeartbeatLaterThanAMessageDelayAfterTheLeaveWasSentAfterIt) {
  Liveness live = make();
  EXPECT_FALSE(live.beats_after_leaving(2, at(5_s), 100_ms));  // never left
  live.depart(2, at(1_s));
  EXPECT_FALSE(live.beats_after_leaving(2, at(1_s), 100_ms));
  EXPECT_FALSE(live.beats_after_leaving(2, at(1_s + 100_ms), 100_ms));
  EXPECT_TRUE(live.beats_after_leaving(2, at(1_s + 101_ms), 100_ms));
  EXPECT_FALSE(live.beats_after_leaving(2, at(500_ms), 100_ms));  // a clock stepped back
  EXPECT_FALSE(live.beats_after_leaving(3, at(9_s), 100_ms));
}

}  // namespace
}  // namespace clocksim::election
