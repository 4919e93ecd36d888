#include "algorithms/core/note.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace clocksim {
namespace {

constexpr int kWhatCount = static_cast<int>(kLastNoteWhat) + 1;
constexpr int kWhyCount = static_cast<int>(kLastNoteWhy) + 1;

TEST(Note, EveryWhatHasAUniqueName) {
  std::set<std::string> names;
  for (int w = 0; w < kWhatCount; ++w) {
    const std::string name(note_what_name(static_cast<NoteWhat>(w)));
    EXPECT_FALSE(name.empty()) << w;
    EXPECT_NE(name, "?") << w;
    EXPECT_TRUE(names.insert(name).second) << name;
  }
}

TEST(Note, EveryWhyButNoneHasAUniqueName) {
  std::set<std::string> names;
  EXPECT_EQ(note_why_name(NoteWhy::kNone), "");
  for (int w = 1; w < kWhyCount; ++w) {
    const std::string name(note_why_name(static_cast<NoteWhy>(w)));
    EXPECT_FALSE(name.empty()) << w;
    EXPECT_TRUE(names.insert(name).second) << name;
  }
}

TEST(Note, KindFollowsWhat) {
  EXPECT_EQ(Note(NoteWhat::kCrashed).kind(), EventKind::kCrash);
  EXPECT_EQ(Note(NoteWhat::kStopped).kind(), EventKind::kCrash);
  EXPECT_EQ(Note(NoteWhat::kLinkRestored).kind(), EventKind::kLinkUp);
  EXPECT_EQ(Note(NoteWhat::kRoundComplete).kind(), EventKind::kRoundComplete);
  EXPECT_EQ(Note(NoteWhat::kBecomesMaster).kind(), EventKind::kBecameMaster);
  EXPECT_EQ(Note(NoteWhat::kSlaveOf).kind(), EventKind::kBecameSlave);
  EXPECT_EQ(Note(NoteWhat::kGivesUpCandidacy).kind(), EventKind::kBecameSlave);
  EXPECT_EQ(Note(NoteWhat::kBullyElectionStarted).kind(), EventKind::kElectionStarted);
  EXPECT_EQ(Note(NoteWhat::kRingMasterLeft).kind(), EventKind::kMasterSilent);
  EXPECT_EQ(Note(NoteWhat::kHopSkipped).kind(), EventKind::kPeerUnreachable);
  EXPECT_EQ(Note(NoteWhat::kAcceptsCandidate).kind(), EventKind::kInfo);
}

// Every kind an algorithm or the simulator reports has a note that produces it.
TEST(Note, EveryKindIsReachable) {
  std::set<EventKind> seen;
  for (int w = 0; w < kWhatCount; ++w) seen.insert(Note(static_cast<NoteWhat>(w)).kind());
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(EventKind::kInfo) + 1);
}

TEST(Note, BuildersSetFields) {
  const Note n = Note(NoteWhat::kRoundComplete).with_round(7).with_count(3, 4).with_value_ns(-1500);
  EXPECT_EQ(n.round, 7u);
  EXPECT_EQ(n.count, 3u);
  EXPECT_EQ(n.total, 4u);
  EXPECT_EQ(n.value_ns, -1500);
  EXPECT_FALSE(n.election);
  EXPECT_EQ(n.subject, kNoNode);
  Note reason = because(NoteWhy::kRefusedBy).with_peer(2);
  const Note gave_up = reason.as(NoteWhat::kGivesUpCandidacy);
  EXPECT_EQ(gave_up.what, NoteWhat::kGivesUpCandidacy);
  EXPECT_EQ(gave_up.why, NoteWhy::kRefusedBy);
  EXPECT_EQ(gave_up.peer, 2u);
}

}  // namespace
}  // namespace clocksim
