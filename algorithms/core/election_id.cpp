#include "algorithms/core/election_id.hpp"

namespace clocksim {

std::optional<ElectionId> election_of_message(NodeId from, NodeId to, const Message& msg) {
  if (msg.term == 0) return std::nullopt;  // numbers start at 1
  switch (msg.type) {
    case MsgType::kElection:
    case MsgType::kBullyElection:
    case MsgType::kBullyCoordinator:
    case MsgType::kMasterUp:
      return ElectionId{from, msg.term};
    case MsgType::kAccept:
    case MsgType::kRefuse:
      return ElectionId{msg.subject, msg.term};
    case MsgType::kBullyOk:
      return ElectionId{to, msg.term};
    case MsgType::kRingElection:
    case MsgType::kRingElected:
      if (msg.value_ns < 0 || msg.value_ns >= static_cast<std::int64_t>(kBroadcast)) return std::nullopt;
      return ElectionId{static_cast<NodeId>(msg.value_ns), msg.term};
    default:
      return std::nullopt;
  }
}

}  // namespace clocksim
