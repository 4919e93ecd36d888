// The one list of event kinds: the categories of everything a run reports, whether an algorithm
// noted it (became master, round complete, ...) or the simulator's fault schedule did it (crash,
// link down, ...). events.csv's `kind` column, the daemon log's `kind` field and every metric
// that counts events (elections, failovers) use these names.
#pragma once

#include <cstdint>
#include <string_view>

namespace clocksim {

enum class EventKind : std::uint8_t {
  // Faults the simulator applies.
  kCrash,
  kRestart,
  kLinkDown,
  kLinkUp,
  kPartition,
  kHeal,
  kClockStep,
  // What algorithms note.
  kMasterSilent,     // a follower has not heard its master for its timeout (election trigger)
  kElectionStarted,
  kBecameMaster,
  kBecameSlave,
  kConflict,         // two masters found
  kRoundComplete,    // a master finished a sync round
  kOutlier,          // a clock left out of the average
  kLateReply,        // a reply for an old sequence number was discarded
  kPeerUnreachable,  // a peer did not answer
  kInfo,
};

// "crash", "became_master", ...: the names events.csv and the daemon log write.
std::string_view event_kind_name(EventKind k);

}  // namespace clocksim
