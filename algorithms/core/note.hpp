// A note: a typed record of something notable a node did or saw ("became master", "round 5
// complete: 3 of 4 slaves"), or a fault the simulator applied. Notes are data, not sentences:
// `what` says which event it is, `why` qualifies it, and the fields hold the nodes, numbers and
// durations involved. Nodes are ids; names are applied only when a file or a log line is
// written, and the sentences of events.log are rendered from the fields in one place
// (note_text.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "algorithms/core/election_id.hpp"
#include "algorithms/core/event_kind.hpp"
#include "algorithms/core/ids.hpp"
#include "algorithms/core/message.hpp"
#include "algorithms/core/time.hpp"

namespace clocksim {

// Which event a note records. Each belongs to one EventKind (note_what_kind).
enum class NoteWhat : std::uint8_t {
  // Faults the simulator applies.
  kCrashed,                    // why: kWasMaster when it was master
  kStopped,                    // a graceful shutdown; why as kCrashed
  kRestarted,
  kLinkDown,                   // peer: the far end
  kLinkRestored,               // peer: the far end
  kPartitioned,                // groups: the sides
  kHealed,
  kClockStepped,               // value_ns: the step
  kTopologyWarning,            // text: what the topology builder warns about
  kNoMasterToCrash,            // "crash: master" found no master
  kNoMasterToStop,
  kNoCrashedMasterToRestart,
  kNoStoppedMasterToRestart,
  // Synchronization (Berkeley, Cristian).
  kReplyDiscarded,             // seq, peer: a reply to an earlier request
  kMasterUnheard,              // subject: the master; value_ns: the slave timeout
  kRoundUnanswered,            // peer: the slave; round
  kOwnClockOutlier,            // the master's own clock was outside the averaging window
  kDeltaOutlier,               // peer: the slave; value_ns: its delta
  kRoundComplete,              // round; count of total slaves measured; value_ns: the average
  kCorrectionUnacknowledged,   // peer: the slave
  kStaleCorrection,            // round, peer: a correction measured on a clock corrected since
  kServerSilent,               // peer: the time server
  kCorrected,                  // value_ns: correction; rtt_ns; error_ns: the error bound
  kHostDropped,                // peer: the slave; round; count: its failures
  kHostAdded,                  // peer: the slave that announced itself
  kSetTimeSent,                // peer: the slave; round; value_ns: the correction it replaces
  kUntrustedMaster,            // peer: a sender of corrections this node does not trust (told to QUIT)
  kQuitObeyed,                 // peer: the node that said QUIT
  kQuitSuppressed,             // peer: an untrusted node that said QUIT (answered with QUIT)
  // Elections: shared.
  kBecomesMaster,              // why
  kMasterLeft,                 // subject: the master that said LEAVE
  kMasterLeftRelayed,          // subject: the leaver; peer: the new master that relayed it
  kNoMasterHeard,              // value_ns: the timeout
  // Standby.
  kStandbyFollows,             // subject: the master; why
  kStandbyStarts,              // subject: the primary
  kStandbyListens,
  kMasterSilentFor,            // subject: the master; value_ns: the timeout
  kStandbyLeaveSent,
  kOutranked,                  // peer: the master that outranks this one
  // Ring.
  kRingElectionStarted,        // election; subject: the successor
  kFollowsMaster,              // subject: the master; why
  kRingWinnerLeft,             // election; subject: the winner that left
  kRingNobodyMayLead,          // election
  kRingWinner,                 // election; subject: the winner
  kElectedIgnored,             // subject: the departed winner
  kRingListens,
  kHopSkipped,                 // peer: the silent successor; subject: the next one
  kHopSkippedToSelf,           // peer: the silent successor; no other node is left
  kNoHeartbeatFromMaster,      // subject: the master; value_ns: the timeout
  kNoElected,                  // value_ns: the election timeout
  kRingLeaveSent,
  kRingMasterLeft,             // subject: the leaver; value_ns: the pause before initiating
  kRingNodeBack,               // peer: the node back; why
  kHigherMasterHeard,          // peer
  // TSP.
  kSlaveNoMaster,              // why
  kSlaveOf,                    // subject: the master; why
  kTspElectionStarted,         // election
  kGivesUpCandidacy,           // why
  kNotAcknowledged,            // peer; message: the type not acknowledged
  kTspStarts,
  kNoMasterFor,                // value_ns: the election timeout
  kNoWordFromMaster,           // subject: the master; value_ns: the election timeout
  kAsksAgain,
  kTspLeaveSent,
  kConflictReported,           // peer: the reporter
  kSecondMasterAnswered,       // peer: the second master; subject: this node's master
  kAlsoMaster,                 // peer
  kMasterUpFromMaster,         // peer
  kQuitsCandidate,             // peer: the candidate
  kRefusesAsCandidate,         // peer: the candidate
  kRefusesCandidate,           // peer: the candidate; subject: the one accepted; value_ns: how long ago
  kAcceptsCandidate,           // peer: the candidate; election
  kToldToQuit,                 // peer: the master that outranks this one
  kQuitIgnored,                // peer
  kLoopFromMaster,             // peer
  // Bully.
  kElectionNoHigherId,         // election
  kMayNotLeadWaits,
  kBullyElectionStarted,       // election; groups[0]: the nodes asked; count: how many
  kFollowsCoordinator,         // subject: the coordinator; why
  kBullyStartsElecting,
  kBullyListens,
  kNoCoordinatorHeard,         // value_ns: the failure timeout
  kNoHeartbeatFromCoordinator, // subject; value_ns: the failure timeout
  kNoLeaderAnswered,
  kNoCoordinatorAfterOk,       // value_ns: the coordinator timeout
  kBullyLeaveSent,
  kBullyNodeBack,              // peer: the node back; why
  kTakesElectionOver,          // peer: the asker; election: the asker's
  kOkReceived,                 // peer; election: this node's
  kBulliesLower,               // peer: the lower claimant
  kHigherCoordinatorHeard,     // peer
  // Welch-Lynch fault-tolerant averaging.
  kFtReplyDiscarded,           // round, peer: a reply that is late, foreign or a repeat
  kFtReadingOverflows,         // peer: its reading does not fit in 64-bit nanoseconds
  kFtTooFewReadings,           // round; count: peers heard; total: faults dropped at each end
  kFtRoundComplete,            // round; count: peers read; value_ns: the correction
  // Neighbour averaging.
  kNoNeighbourAnswered,        // round
  kNeighbourRoundComplete,     // round; count of total neighbours read; value_ns: the correction
  // Logical clocks.
  kMalformedStampDropped,      // peer; message: its type
  kNoVectorStampDropped,       // peer: a message without a full vector stamp
  // NTP. A server `peer` of kNoNode is the node's reference clock.
  kNtpUnmatchedReply,          // peer: a reply that answers no pending request
  kNtpNoMajority,              // no majority of servers agrees
  kNtpFalseticker,             // peer; value_ns: its offset
  kNtpPanic,                   // value_ns: the offset beyond the panic threshold
  kNtpStepped,                 // value_ns: the step
  kNtpSynchronized,            // peer: the system peer; count: the stratum; value_ns: the offset
  // Byzantine clocks (a scenario fault).
  kByzantineStarts,            // why: kTwoFaced or kArbitrary; value_ns: the largest lie
  kByzantineEnds,
  // Berkeley (kept after the others so that no value moves).
  kRateRefused,                // peer: the master; value_ns: the rate asked, in ppb
  // Ring (kept after the others so that no value moves).
  kRingForeignIdDropped,       // peer: the sender; message: its type; value_ns: the id it names that is no member's
  // NTP (kept after the others so that no value moves).
  kNtpLoop,                    // peer: a server whose reply names this node as its reference (a timing loop)
  kNtpTooFewSane,              // count of total: truechimers of the minsane needed; the clock is left alone
  kNtpStartupWait,             // count of total: servers selectable; value_ns: the longest wait for the rest
  // The host's clock guard (kept after the others so that no value moves).
  kClockGuarded,               // why: what the guard did; value_ns: the correction asked (a rate: in ppb)
};
// The last NoteWhat: tests walk every value up to it.
inline constexpr NoteWhat kLastNoteWhat = NoteWhat::kClockGuarded;

// Why a role changed, or what qualifies an event. Fields it names are the note's own.
enum class NoteWhy : std::uint8_t {
  kNone,
  kWasMaster,
  // TSP.
  kOthersStarting,          // no master answered MASTERREQ and others are starting too
  kMayNotLead,              // no master answered MASTERREQ; not allowed to be master
  kNoMasterAnswered,
  kSynchronizing,           // the master is synchronizing this node
  kSilentMasterReplaced,    // peer: the silent master; subject: the one synchronizing this node
  kPeerStartingUp,          // peer sent MASTERREQ
  kAnsweredMasterReq,
  kPeerAnnouncedMaster,     // peer
  kAnnouncedMaster,
  kRefusedBy,               // peer
  kToldToQuitByMaster,      // peer
  kToldToQuitBy,            // peer
  kHeardLoop,
  kWonElection,             // election; count: nodes that accepted
  // Bully.
  kNoHigherIdAnswered,      // election
  kItsCoordinator,          // election
  kHeardHeartbeat,
  kHigherId,
  // Ring.
  kWonRingElection,         // peer: the initiator; election
  kRingElectionOf,          // peer: the initiator; election
  kHeardHeartbeatMasterSilent,  // peer: the silent master
  // Standby.
  kDesignatedPrimary,
  kPrimaryNoMaster,
  kStandbyTakesOver,
  kPrimaryMasterLeft,       // peer: the acting master that left
  kStandbyMasterLeft,       // peer: the master that left
  kOutranked,
  // A departed node is back.
  kSentMessage,             // message
  kInitiatedElection,
  kVouchedFor,
  kHoldsElection,
  kClaimsToCoordinate,
  kBeatsLongAfterLeaving,   // its heartbeat came more than a message delay after its LEAVE
  // Byzantine liar modes.
  kTwoFaced,
  kArbitrary,
  // What the clock guard did to a correction (algorithms/core/clock_guard.hpp, GuardOutcome).
  kGuardRateClamped,
  kGuardStepAsSlew,
  kGuardUndoClipped,
  kGuardRefusedPanic,
  kGuardRefusedMasterLimit,
  kGuardRefusedOverflow,
  kGuardRefusedNotFinite,
  kGuardRefusedPanicWindow,
  kGuardRefusedUncorroborated,
  kGuardRateBudgetSpent,
  kGuardRefusedRatePanicWindow,
};
inline constexpr NoteWhy kLastNoteWhy = NoteWhy::kGuardRefusedRatePanicWindow;

struct Note {
  Note() = default;
  explicit Note(NoteWhat w) : what(w) {}

  NoteWhat what = NoteWhat::kTopologyWarning;
  NoteWhy why = NoteWhy::kNone;
  NodeId subject = kNoNode;                // the node the note is about (a master, a winner)
  NodeId peer = kNoNode;                   // the other node involved (a sender, a slave)
  std::optional<ElectionId> election;      // the election involved ("n6#2" in files)
  std::optional<std::uint32_t> round;      // sync round number
  std::optional<std::uint32_t> seq;        // message sequence number
  MsgType message = MsgType::kNone;        // a message type involved
  std::optional<std::int64_t> value_ns;    // a duration or offset, by `what`
  std::optional<std::int64_t> rtt_ns;      // a measured round trip
  std::optional<std::int64_t> error_ns;    // an error bound
  std::optional<std::uint64_t> count;      // "count of total"
  std::optional<std::uint64_t> total;
  std::vector<std::vector<NodeId>> groups; // node lists (partition sides, nodes asked)
  std::string text;                        // kTopologyWarning only

  EventKind kind() const;

  // Builders: Note(NoteWhat::kRoundComplete).with_round(r).with_count(k, n).with_value(avg).
  Note& as(NoteWhat w) { what = w; return *this; }
  Note& because(NoteWhy w) { why = w; return *this; }
  Note& with_subject(NodeId id) { subject = id; return *this; }
  Note& with_peer(NodeId id) { peer = id; return *this; }
  Note& with_election(ElectionId e) { election = e; return *this; }
  Note& with_round(std::uint32_t r) { round = r; return *this; }
  Note& with_seq(std::uint32_t s) { seq = s; return *this; }
  Note& with_message(MsgType t) { message = t; return *this; }
  Note& with_value(Duration d) { value_ns = d.ns(); return *this; }
  Note& with_value_ns(std::int64_t ns) { value_ns = ns; return *this; }
  Note& with_count(std::uint64_t k) { count = k; return *this; }
  Note& with_count(std::uint64_t k, std::uint64_t of) { count = k; total = of; return *this; }
  Note& with_group(std::vector<NodeId> nodes) { groups.push_back(std::move(nodes)); return *this; }
};

// A reason to hand to a role change, which adds what changed: because(NoteWhy::kRefusedBy).with_peer(n).
inline Note because(NoteWhy why) {
  Note n;
  n.why = why;
  return n;
}

EventKind note_what_kind(NoteWhat w);
// "becomes_master", "round_complete", ...: events.csv's `what` column.
std::string_view note_what_name(NoteWhat w);
// "won_election", ...: events.csv's `why` column ("" for kNone).
std::string_view note_why_name(NoteWhy w);

}  // namespace clocksim
