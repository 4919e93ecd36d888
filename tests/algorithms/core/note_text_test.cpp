#include "algorithms/core/note_text.hpp"

#include <gtest/gtest.h>

namespace clocksim {
namespace {

using namespace literals;

TEST(NodeNames, ScenarioNamesWithFallback) {
  const NodeNames names({"alpha", "beta"});
  EXPECT_EQ(names(0), "alpha");
  EXPECT_EQ(names(1), "beta");
  EXPECT_EQ(names(7), "n7");
  EXPECT_EQ(names(kNoNode), "none");
  EXPECT_EQ(NodeNames()(3), "n3");
}

// Known answers: the sentences events.log has always shown for these notes.
TEST(NoteText, RendersTheNarrative) {
  const NodeNames n;
  EXPECT_EQ(note_text(Note(NoteWhat::kRoundComplete).with_round(5).with_count(3, 4).with_value_ns(1'234'000), n),
            "round 5: 3 of 4 slaves, avg +1.234ms");
  EXPECT_EQ(note_text(Note(NoteWhat::kDeltaOutlier).with_peer(3).with_value_ns(-25'000'000), n),
            "n3 delta -25.000ms left out of the average");
  EXPECT_EQ(note_text(Note(NoteWhat::kBecomesMaster).because(NoteWhy::kWonElection).with_election({3, 2}).with_count(5), n),
            "becomes master (won election n3#2, 5 accepted)");
  EXPECT_EQ(note_text(Note(NoteWhat::kSlaveOf).with_subject(4).because(NoteWhy::kSilentMasterReplaced).with_peer(2), n),
            "becomes slave of n4 (its master n2 has been silent, and n4 is synchronizing this node)");
  EXPECT_EQ(note_text(Note(NoteWhat::kNoWordFromMaster).with_subject(2).with_value(6741_ms), n),
            "timeout: no word from master n2 for 6.741s");
  EXPECT_EQ(note_text(Note(NoteWhat::kMasterUnheard).with_subject(1).with_value(10_s), n),
            "no word from master n1 for 10.000000 s");
  EXPECT_EQ(note_text(Note(NoteWhat::kHopSkippedToSelf).with_peer(2), n), "n2 does not answer: skips to itself");
  EXPECT_EQ(note_text(Note(NoteWhat::kNotAcknowledged).with_peer(1).with_message(MsgType::kQuit), n),
            "n1 did not acknowledge QUIT");
  EXPECT_EQ(note_text(Note(NoteWhat::kRingNodeBack).with_peer(4).because(NoteWhy::kSentMessage)
                          .with_message(MsgType::kRingElection), n),
            "n4 is back (it sent RING_ELECTION)");
  EXPECT_EQ(note_text(Note(NoteWhat::kBullyNodeBack).with_peer(4).because(NoteWhy::kHoldsElection), n),
            "n4 is back: it holds an election");
  EXPECT_EQ(note_text(Note(NoteWhat::kCrashed).because(NoteWhy::kWasMaster), n), "crashed (was master)");
  EXPECT_EQ(note_text(Note(NoteWhat::kCrashed), n), "crashed");
  EXPECT_EQ(note_text(Note(NoteWhat::kLinkDown).with_peer(3), n), "link to n3 down");
  EXPECT_EQ(note_text(Note(NoteWhat::kClockStepped).with_value(20_ms), n), "clock stepped by 20000000 ns");
  Note corrected(NoteWhat::kCorrected);
  corrected.with_value_ns(-2'500'000);
  corrected.rtt_ns = 4'000'000;
  corrected.error_ns = 1'000'000;
  EXPECT_EQ(note_text(corrected, n), "corrected -2.500ms, rtt 4.000ms, error bound +-1.000ms");
}

TEST(NoteText, NamesAreAppliedOnlyWhenRendering) {
  const NodeNames names({"paris", "lyon", "nice"});
  const Note n = Note(NoteWhat::kSecondMasterAnswered).with_peer(2).with_subject(0);
  EXPECT_EQ(note_text(n, names), "a second master nice answered: reports CONFLICT to paris");
  EXPECT_EQ(note_text(n, NodeNames()), "a second master n2 answered: reports CONFLICT to n0");
}

TEST(NoteText, ElectionIdsReadAsInitiatorAndNumberWithScenarioNames) {
  const NodeNames names({"paris", "lyon", "nice"});
  const Note n = Note(NoteWhat::kAcceptsCandidate).with_peer(2).with_election({2, 7});
  EXPECT_EQ(note_text(n, names), "accepts candidate nice (election nice#7)");
  EXPECT_EQ(note_text(n, NodeNames()), "accepts candidate n2 (election n2#7)");
  EXPECT_EQ(note_text(Note(NoteWhat::kFollowsMaster).with_subject(1).because(NoteWhy::kRingElectionOf).with_peer(0).with_election({0, 3}),
                      names),
            "follows master lyon (ring election paris#3)");
}

TEST(NoteText, BullyTargetsShowTheFirstFour) {
  const NodeNames n;
  EXPECT_EQ(note_text(Note(NoteWhat::kBullyElectionStarted).with_election({4, 1}).with_count(2).with_group({5, 6}), n),
            "starts election n4#1: ELECTION to n5, n6");
  EXPECT_EQ(note_text(Note(NoteWhat::kBullyElectionStarted).with_election({1, 3}).with_count(6).with_group({2, 3, 4, 5, 6, 7}), n),
            "starts election n1#3: ELECTION to n2, n3, n4, n5, ... (6 nodes)");
}

TEST(NoteText, LongPartitionSidesAreShortened) {
  Note p(NoteWhat::kPartitioned);
  p.with_group({0, 1}).with_group({2, 3, 4, 5, 6, 7, 8, 9, 10});
  EXPECT_EQ(note_text(p, NodeNames()), "network partitioned: [n0 n1] [n2 n3 n4 n5 n6 n7 ... 3 more]");
}

TEST(NoteText, EveryWhatRenders) {
  for (int w = 0; w <= static_cast<int>(kLastNoteWhat); ++w) {
    EXPECT_FALSE(note_text(Note(static_cast<NoteWhat>(w)), NodeNames()).empty()) << w;
  }
}

}  // namespace
}  // namespace clocksim
