#include "algorithms/core/event_kind.hpp"

namespace clocksim {

std::string_view event_kind_name(EventKind k) {
  switch (k) {
    case EventKind::kCrash: return "crash";
    case EventKind::kRestart: return "restart";
    case EventKind::kLinkDown: return "link_down";
    case EventKind::kLinkUp: return "link_up";
    case EventKind::kPartition: return "partition";
    case EventKind::kHeal: return "heal";
    case EventKind::kClockStep: return "clock_step";
    case EventKind::kMasterSilent: return "master_silent";
    case EventKind::kElectionStarted: return "election_started";
    case EventKind::kBecameMaster: return "became_master";
    case EventKind::kBecameSlave: return "became_slave";
    case EventKind::kConflict: return "conflict";
    case EventKind::kRoundComplete: return "round_complete";
    case EventKind::kOutlier: return "outlier";
    case EventKind::kLateReply: return "late_reply";
    case EventKind::kPeerUnreachable: return "peer_unreachable";
    case EventKind::kInfo: return "info";
  }
  return "info";
}

}  // namespace clocksim
